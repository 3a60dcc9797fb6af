/**
 * thv-registry-api serving an MCPRegistry's storage through the real apiserver: plain, gzip and
 * sharded storage read back whole; a resync is picked up without restart; an unreadable storage keeps
 * the previous catalog. Then the per-registry workload: the objects reconcileApiWorkload creates, its
 * Role proven minimal with `kubectl auth can-i`, and sufficient by running the API as that
 * ServiceAccount.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useIsolatedCluster } from '../controller/isolated.ts';
import { client, createNamespace, eventually, kubectl } from '../../support/cluster.ts';
import {
  reconcileApiWorkload,
  cleanupApiWorkload,
  grantStorage,
} from '../../../src/controller/workload/api-workload.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { kubeconfigFor, type ControlPlane } from '../../../src/local/control-plane.ts';
import type { Catalog } from '../../../src/registry/index.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';
import { createRegistry, fixtureCatalog, storeCatalog } from '../../support/stored-registry.ts';
import { startRegistryApi } from '../../support/registry-api-process.ts';

let cp: ControlPlane;
let kubeconfig: string;
let ns: string;
let reg: MCPRegistryV1beta1;
const procs: ChildProcess[] = [];
const base = fixtureCatalog();

before(async () => {
  const c = await useIsolatedCluster();
  cp = c.cp;
  kubeconfig = c.kubeconfig;
  ns = await createNamespace('api');
  reg = await createRegistry(ns, 'cat');
});
after(async () => {
  for (const p of procs) p.kill('SIGTERM');
  await cp.stop();
});

function sized(n: number, salt: string): Catalog {
  const servers = Array.from({ length: n }, (_, i) => {
    const s = base.servers[i % base.servers.length]!;
    const description = `${s.description ?? ''} ${salt} ${randomBytes(160).toString('hex')}`;
    // The stored form is written from the source pieces (the ToolHive entry), so change it there too.
    return {
      ...s,
      name: `${s.name}-${String(i).padStart(5, '0')}`,
      description,
      toolhive: { ...s.toolhive, description },
    };
  }).sort((a, b) => (a.name < b.name ? -1 : 1));
  return { ...base, servers };
}

const store = (catalog: Catalog, beforeWrite?: (names: string[]) => Promise<void>) =>
  storeCatalog(reg, catalog, beforeWrite);

async function serve(kc: string): Promise<string> {
  const api = await startRegistryApi({
    configMap: 'cat-registry-storage',
    registryName: 'cat',
    namespace: ns,
    kubeconfig: kc,
  });
  procs.push(api.child);
  return api.url;
}

const info = async (url: string) =>
  (await (await fetch(`${url}/api/v1/registry/info`)).json()) as {
    serverCount?: number;
    source?: string;
    error?: string;
  };
const names = async (url: string) => {
  const out: string[] = [];
  let cursor = '';
  do {
    const body = (await (
      await fetch(`${url}/api/v1/registry/servers?limit=1000${cursor ? `&cursor=${cursor}` : ''}`)
    ).json()) as { servers: { name: string }[]; metadata: { nextCursor?: string } };
    out.push(...body.servers.map((s) => s.name));
    cursor = body.metadata.nextCursor ?? '';
  } while (cursor);
  return out;
};

test('plain, gzip and sharded storage are served whole, and each resync is picked up without restart', async () => {
  const plain = await store(base);
  assert.equal(plain.compressed, false);
  const url = await serve(kubeconfig);
  await eventually('the plain catalog', async () =>
    (await info(url)).serverCount === 88 ? true : undefined,
  );
  assert.equal((await info(url)).source, `configmap:${ns}/cat-registry-storage`);

  const gz = sized(2000, 'gz');
  const gzInfo = await store({
    ...gz,
    servers: gz.servers.map((s) => ({
      ...s,
      description: 'x',
      toolhive: { ...s.toolhive, description: 'short' },
    })),
  });
  assert.equal(gzInfo.compressed, true);
  assert.equal(gzInfo.configMaps.length, 1);
  await eventually('the gzip catalog', async () =>
    (await info(url)).serverCount === 2000 ? true : undefined,
  );

  const big = sized(10_000, 'sharded');
  const sharded = await store(big);
  assert.ok(sharded.configMaps.length > 1, `expected shards: ${JSON.stringify(sharded)}`);
  await eventually(
    'the sharded catalog',
    async () => ((await info(url)).serverCount === 10_000 ? true : undefined),
    60_000,
  );
  assert.deepEqual(
    await names(url),
    big.servers.map((s) => s.name),
  );
});

test('an unreadable storage keeps the previous catalog, and /readyz stays ready with it', async () => {
  const url = await serve(kubeconfig);
  await eventually(
    'loaded',
    async () => ((await info(url)).serverCount === 10_000 ? true : undefined),
    60_000,
  );
  const r = kubectl([
    'patch',
    'configmap',
    'cat-registry-storage',
    '-n',
    ns,
    '--type=merge',
    '-p',
    JSON.stringify({
      data: {
        'index.json': '{"shards":["cat-registry-storage-0"],"sha256":"00","bytes":1,"compressed":true}',
      },
    }),
  ]);
  assert.equal(r.code, 0, r.stderr);
  await new Promise((res) => setTimeout(res, 2500));
  assert.equal((await info(url)).serverCount, 10_000);
  assert.equal((await fetch(`${url}/readyz`)).status, 200);
});

test('the API workload: objects, idempotence, a Role that grants only this storage, and enough of it to serve', async () => {
  await store(base);
  const fresh = await client().get<MCPRegistryV1beta1>({ ...REGISTRIES, namespace: ns, name: 'cat' });
  const withStatus = {
    ...fresh,
    status: { storage: { configMaps: ['cat-registry-storage'] } },
  } as MCPRegistryV1beta1;
  const r1 = await reconcileApiWorkload(client(), withStatus, {
    image: 'example.invalid/thv:test',
    enabled: true,
  });
  assert.equal(r1.endpoint, `http://cat-api.${ns}.svc:8080`);
  assert.deepEqual(r1.condition, {
    type: 'APIReady',
    status: 'False',
    reason: 'Deploying',
    message: 'Deployment cat-api has no ready replica yet',
  });
  const get = (args: string[]) =>
    JSON.parse(kubectl(['get', ...args, '-n', ns, '-o', 'json']).stdout) as Record<string, unknown>;
  const dep = get(['deployment', 'cat-api']) as {
    metadata: {
      resourceVersion: string;
      ownerReferences: { kind: string; name: string; controller: boolean }[];
    };
    spec: {
      template: {
        spec: {
          serviceAccountName: string;
          securityContext: Record<string, unknown>;
          containers: {
            args: string[];
            readinessProbe: { httpGet: { path: string } };
            securityContext: Record<string, unknown>;
          }[];
        };
      };
    };
  };
  assert.deepEqual(
    dep.metadata.ownerReferences.map((o) => [o.kind, o.name, o.controller]),
    [['MCPRegistry', 'cat', true]],
  );
  const pod = dep.spec.template.spec;
  assert.equal(pod.serviceAccountName, 'cat-api');
  assert.deepEqual(pod.containers[0]!.args, [
    'dist/src/bin/thv-registry-api.js',
    'serve',
    '--from-configmap',
    'cat-registry-storage',
    '--registry-name',
    'cat',
    '--address',
    ':8080',
  ]);
  assert.equal(pod.containers[0]!.readinessProbe.httpGet.path, '/readyz');
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.deepEqual(pod.containers[0]!.securityContext, {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  });
  const svc = get(['service', 'cat-api']) as { spec: { ports: { port: number }[] } };
  assert.equal(svc.spec.ports[0]?.port, 8080);
  await reconcileApiWorkload(client(), withStatus, { image: 'example.invalid/thv:test', enabled: true });
  assert.equal(
    (get(['deployment', 'cat-api']) as { metadata: { resourceVersion: string } }).metadata.resourceVersion,
    dep.metadata.resourceVersion,
    'a second apply changed the Deployment',
  );

  const sa = `system:serviceaccount:${ns}:cat-api`;
  const can = (...args: string[]) =>
    kubectl(['auth', 'can-i', `--as=${sa}`, '-n', ns, ...args]).stdout.trim();
  assert.equal(can('get', 'configmaps/cat-registry-storage'), 'yes');
  // Only what the registry wrote (SPEC §18): a user's ConfigMap named like a future shard stays private.
  assert.equal(can('get', 'configmaps/cat-registry-storage-3'), 'no');
  assert.equal(can('get', 'configmaps/cat-registry-storage-0'), 'no');
  assert.equal(can('get', 'configmaps/someone-else'), 'no');
  assert.equal(can('list', 'configmaps'), 'no');
  assert.equal(can('get', 'secrets/anything'), 'no');
  assert.equal(can('update', 'configmaps/cat-registry-storage'), 'no');
  assert.equal(can('get', 'mcpregistries'), 'no');
  assert.equal(
    kubectl([
      'auth',
      'can-i',
      `--as=${sa}`,
      '-n',
      'default',
      'get',
      'configmaps/cat-registry-storage',
    ]).stdout.trim(),
    'no',
  );

  // Sufficient: serve as that identity (plain and sharded storage).
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-api-sa-'));
  writeFileSync(join(dir, 'kubeconfig'), await kubeconfigFor(cp, sa));
  const url = await serve(join(dir, 'kubeconfig'));
  await eventually('served as the ServiceAccount', async () =>
    (await info(url)).serverCount === 88 ? true : undefined,
  );
  // As the controller does: the Role grants the new shards before the main ConfigMap names them.
  const grown = await store(sized(10_000, 'again'), (names) => grantStorage(client(), withStatus, names));
  await eventually(
    'sharded, as the ServiceAccount',
    async () => ((await info(url)).serverCount === 10_000 ? true : undefined),
    60_000,
  );
  assert.equal(can('get', `configmaps/${grown.configMaps[1]}`), 'yes');
  assert.equal(can('get', `configmaps/cat-registry-storage-${grown.configMaps.length - 1}`), 'no');

  await cleanupApiWorkload(client(), withStatus);
  assert.equal(
    kubectl([
      'get',
      'deployment,service,role,rolebinding,serviceaccount,networkpolicy',
      '-n',
      ns,
      '-l',
      'app.kubernetes.io/instance=cat-api',
      '-o',
      'name',
    ]).stdout.trim(),
    '',
  );
});
