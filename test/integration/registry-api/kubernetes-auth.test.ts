/**
 * `--auth kubernetes` (SPEC §13) against a real apiserver: the controller's objects for a registry
 * with `spec.api.auth.mode: kubernetes` (the review ClusterRoleBinding for its API ServiceAccount
 * only), then thv-registry-api running as that ServiceAccount, asked with real tokens from the
 * TokenRequest API (`kubectl create token`): a reader bound to the shipped catalog reader ClusterRole
 * gets 200, an unbound ServiceAccount 403, garbage and an expired token (signed with the cluster's own
 * ServiceAccount key) 401 with `WWW-Authenticate: Bearer` and `resource_metadata` (the RFC 9728 document
 * is served), and a deleted ServiceAccount's token 401.
 * /mcp and the catalog page take the same path.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SignJWT } from 'jose';
import { useIsolatedCluster } from '../controller/isolated.ts';
import { client, createNamespace, eventually, kubectl, kubectlOk } from '../../support/cluster.ts';
import { cleanupApiWorkload, reconcileApiWorkload } from '../../../src/controller/workload/api-workload.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import type { KubeClient } from '../../../src/kube/client.ts';
import { KubernetesAuth } from '../../../src/registry-api/access/kubernetes-auth.ts';
import { kubeconfigFor, type ControlPlane } from '../../../src/local/control-plane.ts';
import { writeStorage } from '../../../src/storage/configmaps.ts';
import { parseRegistryDocument } from '../../../src/registry/index.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';
import { FIXTURE } from '../controller/helpers.ts';
import { startRegistryApi, type RegistryApiProcess } from '../../support/registry-api-process.ts';

let cp: ControlPlane;
let ns: string;
let reg: MCPRegistryV1beta1;
let api: RegistryApiProcess;

const token = (sa: string) => kubectlOk(['create', 'token', sa, '-n', ns]).trim();
const get = (path: string, bearer?: string) =>
  fetch(`${api.url}${path}`, bearer ? { headers: { authorization: `Bearer ${bearer}` } } : {});

before(async () => {
  const c = await useIsolatedCluster();
  cp = c.cp;
  kubectlOk(['apply', '-f', resolve(import.meta.dirname, '../../../manifests/base/user-rbac.yaml')]);
  ns = await createNamespace('k8s-auth');
  reg = (
    await client().create<MCPRegistryV1beta1>(
      { ...REGISTRIES, namespace: ns },
      {
        apiVersion: 'toolhive.stacklok.io/v1beta1',
        kind: 'MCPRegistry',
        metadata: { name: 'cat', namespace: ns },
        spec: {
          sources: [{ name: 'main', type: 'configmap', configMapRef: { name: 'x' } }],
          api: { auth: { mode: 'kubernetes' } },
        },
      },
    )
  ).body;
  await writeStorage(
    client(),
    { namespace: ns, name: 'cat', uid: reg.metadata.uid ?? '' },
    parseRegistryDocument(FIXTURE, 'toolhive').catalog,
  );
  await reconcileApiWorkload(client(), reg, { image: 'example.invalid/thv:test', enabled: true });
  for (const sa of ['reader', 'stranger', 'leaver']) kubectlOk(['create', 'serviceaccount', sa, '-n', ns]);
  for (const sa of ['reader', 'leaver'])
    kubectlOk([
      'create',
      'rolebinding',
      `${sa}-catalog`,
      '-n',
      ns,
      '--clusterrole=mcp-registry-operator-catalog-reader',
      `--serviceaccount=${ns}:${sa}`,
    ]);
  // The API runs as its own ServiceAccount, with only what the controller granted it.
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-k8s-auth-'));
  writeFileSync(join(dir, 'kubeconfig'), await kubeconfigFor(cp, `system:serviceaccount:${ns}:cat-api`));
  api = await startRegistryApi({
    configMap: 'cat-registry-storage',
    registryName: 'cat',
    namespace: ns,
    kubeconfig: join(dir, 'kubeconfig'),
    extraArgs: ['--auth', 'kubernetes', '--auth-cache-seconds', '1'],
  });
  await eventually('the catalog loaded', async () =>
    (await fetch(`${api.url}/readyz`)).status === 200 ? true : undefined,
  );
});
after(async () => {
  await api?.stop();
  await cp?.stop();
});

test('the controller binds the review ClusterRole to this API ServiceAccount only, and passes --auth kubernetes', () => {
  const can = (as: string, what: string) =>
    kubectl(['auth', 'can-i', 'create', what, `--as=system:serviceaccount:${ns}:${as}`]).stdout.trim();
  assert.equal(can('cat-api', 'tokenreviews.authentication.k8s.io'), 'yes');
  assert.equal(can('cat-api', 'subjectaccessreviews.authorization.k8s.io'), 'yes');
  assert.equal(can('reader', 'tokenreviews.authentication.k8s.io'), 'no');
  assert.equal(can('cat-api', 'localsubjectaccessreviews.authorization.k8s.io'), 'no');
  const crb = JSON.parse(
    kubectlOk(['get', 'clusterrolebinding', `mcp-registry-api:${ns}:cat`, '-o', 'json']),
  ) as {
    roleRef: { name: string };
    subjects: unknown[];
  };
  assert.equal(crb.roleRef.name, 'mcp-registry-operator-api-reviewer');
  assert.deepEqual(crb.subjects, [{ kind: 'ServiceAccount', name: 'cat-api', namespace: ns }]);
  const args = (
    JSON.parse(kubectlOk(['get', 'deployment', 'cat-api', '-n', ns, '-o', 'json'])) as {
      spec: { template: { spec: { containers: { args: string[] }[] } } };
    }
  ).spec.template.spec.containers[0]!.args;
  assert.deepEqual(args.slice(args.indexOf('--auth'), args.indexOf('--auth') + 2), ['--auth', 'kubernetes']);
});

test('a ServiceAccount token bound to the catalog reader: 200 on the API, /mcp and the catalog page', async () => {
  const t = token('reader');
  const r = await get('/v0.1/servers?limit=1', t);
  assert.equal(r.status, 200);
  assert.equal(((await r.json()) as { servers: unknown[] }).servers.length, 1);
  assert.equal((await get('/api/v1/registry/info', t)).status, 200);
  // The catalog page's shell is static; its data comes from /ui/catalog.json, behind the same check.
  assert.equal((await get('/ui/catalog.json', t)).status, 200);
  const mcp = await fetch(`${api.url}/mcp`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${t}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
  assert.equal(mcp.status, 200);
});

test('wrong audience: a genuine token of the reader, minted for another audience, is 401', async () => {
  // The TokenReview asks for the apiserver's own audiences: a token for another service is not ours to accept.
  const other = kubectlOk([
    'create',
    'token',
    'reader',
    '-n',
    ns,
    '--audience',
    'https://vault.example',
  ]).trim();
  const r = await get('/v0.1/servers?limit=1', other);
  assert.equal(r.status, 401);
  assert.deepEqual(await r.json(), { error: 'Unauthorized: invalid token' });
});

test('an authenticated ServiceAccount without the permission: 403 naming what it lacks', async () => {
  const r = await get('/v0.1/servers', token('stranger'));
  assert.equal(r.status, 403);
  assert.equal(r.headers.get('www-authenticate'), null);
  // The catalog page's data answers the same.
  assert.equal((await get('/ui/catalog.json', token('stranger'))).status, 403);
  assert.match(
    await r.text(),
    new RegExp(
      `system:serviceaccount:${ns}:stranger may not get mcpregistries/catalog \\\\"cat\\\\" in namespace \\\\"${ns}\\\\"`,
    ),
  );
  const mcp = await fetch(`${api.url}/mcp`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token('stranger')}`, 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(mcp.status, 403);
});

test('no token, garbage and an expired token: 401 with WWW-Authenticate: Bearer, everywhere', async () => {
  // Expired but otherwise genuine: signed with the cluster's ServiceAccount key, for a real account.
  const uid = (
    JSON.parse(kubectlOk(['get', 'serviceaccount', 'reader', '-n', ns, '-o', 'json'])) as {
      metadata: { uid: string };
    }
  ).metadata.uid;
  const key = createPrivateKey(readFileSync(join(cp.dir, 'pki', 'sa.key')));
  const signed = (issuedAt: number) =>
    new SignJWT({ 'kubernetes.io': { namespace: ns, serviceaccount: { name: 'reader', uid } } })
      // The control plane's ServiceAccount key is whatever src/pki makes (ECDSA P-256 today).
      .setProtectedHeader({ alg: key.asymmetricKeyType === 'ec' ? 'ES256' : 'RS256' })
      .setIssuer(`${cp.server}/`)
      .setSubject(`system:serviceaccount:${ns}:reader`)
      .setAudience(`${cp.server}/`)
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(issuedAt + 600)
      .sign(key);
  const now = Math.floor(Date.now() / 1000);
  // The same token made current is accepted: the expired one below differs by its times alone.
  assert.equal((await get('/v0.1/servers?limit=1', await signed(now - 60))).status, 200);
  const expired = await signed(now - 7200);
  for (const [what, bearer] of [
    ['none', undefined],
    ['garbage', 'not-a-token'],
    ['expired', expired],
  ] as const)
    for (const path of ['/v0.1/servers', '/api/v1/registry/info', '/ui/catalog.json']) {
      const r = await get(path, bearer);
      assert.equal(r.status, 401, `${what} ${path}`);
      assert.equal(
        r.headers.get('www-authenticate'),
        `Bearer realm="thv-registry-api", resource_metadata="${api.url}/.well-known/oauth-protected-resource"`,
        `${what} ${path}`,
      );
    }
});

test('the RFC 9728 document: open, no authorization server (tokens come from the apiserver), the bearer it takes', async () => {
  const r = await get('/.well-known/oauth-protected-resource');
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), {
    resource: api.url,
    bearer_methods_supported: ['header'],
    resource_name: 'MCP registry cat',
    resource_description:
      'A Kubernetes bearer token (a ServiceAccount token from the TokenRequest API, or your kubeconfig credentials); reading needs get on mcpregistries/catalog for this registry.',
  });
});

test('a burst of requests with one new token costs the apiserver one review, not one per request', async () => {
  // The real reviews, counted on their way to the apiserver: every check of the burst starts before
  // the first answer arrives, so without sharing each one would send its own TokenReview.
  const sent: string[] = [];
  const counting: Pick<KubeClient, 'create'> = {
    create<T>(...args: Parameters<KubeClient['create']>) {
      sent.push(args[0].plural);
      return client().create<T>(...args);
    },
  };
  const auth = new KubernetesAuth({ client: counting, namespace: ns, registry: 'cat' });
  const reader = token('reader');
  const answers = await Promise.all(Array.from({ length: 20 }, () => auth.check(reader)));
  assert.deepEqual(
    new Set(answers.map((a) => JSON.stringify(a))),
    new Set([
      JSON.stringify({
        ok: true,
        subject: `system:serviceaccount:${ns}:reader`,
        // The groups the TokenReview vouched for, for authorization policies.
        groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
      }),
    ]),
  );
  assert.deepEqual(sent, ['tokenreviews', 'subjectaccessreviews']);
  // A refused token is shared the same way, and then answered from the cache.
  const refused = await Promise.all(Array.from({ length: 20 }, () => auth.check('not-a-token')));
  assert.ok(refused.every((a) => !a.ok && a.status === 401 && a.message === 'invalid token'));
  await auth.check('not-a-token');
  assert.deepEqual(sent, ['tokenreviews', 'subjectaccessreviews', 'tokenreviews']);
});

test('a deleted ServiceAccount: its token stops working (401) once the cached answer ends', async () => {
  const t = token('leaver');
  assert.equal((await get('/v0.1/servers?limit=1', t)).status, 200);
  kubectlOk(['delete', 'serviceaccount', 'leaver', '-n', ns]);
  await eventually('the revoked token refused', async () =>
    (await get('/v0.1/servers?limit=1', t)).status === 401 ? true : undefined,
  );
});

test('back to anonymous: the review binding is deleted; cleanup leaves nothing cluster-wide', async () => {
  const anon = { ...reg, spec: { ...reg.spec, api: { auth: { mode: 'anonymous' as const } } } };
  await reconcileApiWorkload(client(), anon, { image: 'example.invalid/thv:test', enabled: true });
  assert.equal(kubectl(['get', 'clusterrolebinding', `mcp-registry-api:${ns}:cat`]).code, 1);
  await reconcileApiWorkload(client(), reg, { image: 'example.invalid/thv:test', enabled: true });
  assert.equal(kubectl(['get', 'clusterrolebinding', `mcp-registry-api:${ns}:cat`]).code, 0);
  await cleanupApiWorkload(client(), reg);
  assert.equal(kubectl(['get', 'clusterrolebinding', `mcp-registry-api:${ns}:cat`]).code, 1);
});
