/**
 * Per-entry Cedar authorization behind `--auth kubernetes` (SPEC §13) on the shared stack: the real
 * thv-registry-api serving a registry's stored catalog, callers with real ServiceAccount tokens
 * (TokenRequest API) checked by TokenReview and SubjectAccessReview. The policy tells callers apart by
 * their ServiceAccount's namespace: a reader from the registry's namespace sees every entry, one from
 * another namespace (also granted the catalog by RBAC) sees all but the database servers, which are 404
 * for it exactly like a missing name; a caller without the RBAC grant is still 403 (authentication
 * comes first). The groups the TokenReview vouches for reach the policies too: one database server is
 * granted to the other namespace's ServiceAccounts group. The audit lines name each ServiceAccount and
 * never hold a token.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { client, createNamespace, eventually, kubeconfigPath, kubectlOk } from '../../support/cluster.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { writeStorage } from '../../../src/storage/configmaps.ts';
import { parseRegistryDocument } from '../../../src/registry/index.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';
import { FIXTURE } from '../controller/helpers.ts';
import { startRegistryApi, type RegistryApiProcess } from '../../support/registry-api-process.ts';

let home: string;
let other: string;
let api: RegistryApiProcess;
/** A database server the other namespace's ServiceAccounts may read through their group. */
let granted: string;
const tokens: Record<string, string> = {};

before(async () => {
  kubectlOk(['apply', '-f', resolve(import.meta.dirname, '../../../manifests/base/user-rbac.yaml')]);
  home = await createNamespace('authz-home');
  other = await createNamespace('authz-other');
  const reg = (
    await client().create<MCPRegistryV1beta1>(
      { ...REGISTRIES, namespace: home },
      {
        apiVersion: 'toolhive.stacklok.io/v1beta1',
        kind: 'MCPRegistry',
        metadata: { name: 'cat', namespace: home },
        spec: {
          sources: [{ name: 'main', type: 'configmap', configMapRef: { name: 'x' } }],
          api: { auth: { mode: 'kubernetes' } },
        },
      },
    )
  ).body;
  const catalog = parseRegistryDocument(FIXTURE, 'toolhive').catalog;
  granted = catalog.servers.find((s) => s.tags?.includes('database'))!.name;
  await writeStorage(client(), { namespace: home, name: 'cat', uid: reg.metadata.uid ?? '' }, catalog);
  for (const [sa, ns, bound] of [
    ['reader', home, true],
    ['reader', other, true],
    ['stranger', other, false],
  ] as const) {
    kubectlOk(['create', 'serviceaccount', sa, '-n', ns]);
    if (bound)
      kubectlOk([
        'create',
        'rolebinding',
        `${ns}-${sa}`,
        '-n',
        home,
        '--clusterrole=mcp-registry-operator-catalog-reader',
        `--serviceaccount=${ns}:${sa}`,
      ]);
    tokens[`${ns}:${sa}`] = kubectlOk(['create', 'token', sa, '-n', ns]).trim();
  }
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-authz-k8s-'));
  writeFileSync(
    join(dir, 'policies.cedar'),
    `@id("public") permit(principal, action, resource) unless { resource.tags.contains("database") };
@id("home") permit(principal is ServiceAccount, action, resource) when { principal.namespace == "${home}" };
@id("group") permit(principal in Group::"system:serviceaccounts:${other}", action, resource) when { resource.name == "${granted}" };`,
  );
  api = await startRegistryApi({
    configMap: 'cat-registry-storage',
    registryName: 'cat',
    namespace: home,
    kubeconfig: kubeconfigPath(),
    logLevel: 'info',
    extraArgs: ['--auth', 'kubernetes', '--authorization-policies', join(dir, 'policies.cedar'), '--audit'],
  });
  await eventually('the catalog loaded', async () =>
    (await fetch(`${api.url}/readyz`)).status === 200 ? true : undefined,
  );
});
after(async () => {
  await api?.stop();
});

const get = (path: string, who: string) =>
  fetch(api.url + path, { headers: { authorization: `Bearer ${tokens[who]}` } });
async function json(path: string, who: string): Promise<Record<string, unknown>> {
  const r = await get(path, who);
  assert.equal(r.status, 200, `${who} ${path}: ${r.status}`);
  return (await r.json()) as Record<string, unknown>;
}

test('a policy over the ServiceAccount namespace decides which entries each reader sees', async () => {
  const homeReader = `${home}:reader`;
  const otherReader = `${other}:reader`;
  const databases = (await json('/api/v1/registry/servers?tag=database', homeReader)).servers as {
    name: string;
  }[];
  assert.ok(databases.length > 0, 'the fixture has database servers');
  const seen = (await json('/api/v1/registry/servers?tag=database', otherReader)).servers as {
    name: string;
  }[];
  assert.deepEqual(
    seen.map((s) => s.name),
    [granted],
    'only the database server granted to its group',
  );
  const all = (await json('/api/v1/registry/info', homeReader)).serverCount as number;
  assert.equal((await json('/api/v1/registry/info', otherReader)).serverCount, all - databases.length + 1);
  const name = databases.find((d) => d.name !== granted)!.name;
  const [hidden, missing] = [
    await get(`/api/v1/registry/servers/${name}`, otherReader),
    await get('/api/v1/registry/servers/no-such-server', otherReader),
  ];
  assert.equal(hidden.status, 404);
  assert.deepEqual(await hidden.json(), await missing.json());
  assert.equal((await get(`/api/v1/registry/servers/${name}`, homeReader)).status, 200);
  assert.equal((await get('/api/v1/registry/servers', `${other}:stranger`)).status, 403);

  const audit = await eventually('the audit lines', () => {
    const lines = api
      .output()
      .split('\n')
      .filter((l) => l.includes('"logger":"audit"'))
      .map((l) => JSON.parse(l) as { principal: { name?: string; namespace?: string }; status: number });
    return lines.some((l) => l.status === 403) ? lines : undefined;
  });
  assert.ok(
    audit.some(
      (l) => l.principal.name === `system:serviceaccount:${other}:reader` && l.principal.namespace === other,
    ),
  );
  // The refused caller is named in its own field (from the real TokenReview), not only in the message.
  assert.deepEqual(
    audit.filter((l) => l.status === 403).map((l) => l.principal),
    [
      {
        kind: 'serviceaccount',
        name: `system:serviceaccount:${other}:stranger`,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${other}`, 'system:authenticated'],
        namespace: other,
      },
    ],
  );
  const text = api.output();
  for (const t of Object.values(tokens)) assert.equal(text.includes(t), false, 'a token in the output');
});
