/**
 * Issue #14 items 4, 5 and 9 end to end, with real parts: an HTTPS source server, the controller
 * against a real apiserver, the storage it writes, and thv-registry-api serving that storage.
 * - A `url` source pointed at one page of an upstream registry API (a nextCursor) fails the sync with a
 *   message naming `type: registry`; nothing truncated is stored.
 * - Status, statusMessage, publishedAt, updatedAt travel from the source through storage to /v0.1 (and
 *   /v0) unchanged; ToolHive `Deprecated` is served as `deprecated`; the official status wins over a
 *   publisher extension's; a ToolHive `status: "active"` syncs, normalised.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { ChildProcess } from 'node:child_process';
import { useIsolatedCluster } from '../controller/isolated.ts';
import { client, createNamespace, eventually } from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { createCA, issueCert } from '../../../src/pki/pki.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { putConfigMap, registry, storageConfigMaps, waitPhase } from '../controller/helpers.ts';
import type { SourceV1beta1 } from '../../../src/api/types.ts';
import { startRegistryApi } from '../../support/registry-api-process.ts';

const OFFICIAL = 'io.modelcontextprotocol.registry/official';
const PP = 'io.modelcontextprotocol.registry/publisher-provided';

let ns: string;
let kubeconfig: string;
let ctrl: ControllerProcess;
let stopCluster: (() => Promise<void>) | undefined;
let server: Server;
let base: string;
const docs: Record<string, string> = {};
const procs: ChildProcess[] = [];

before(async () => {
  const cluster = await useIsolatedCluster();
  stopCluster = cluster.stop;
  kubeconfig = cluster.kubeconfig;
  ns = await createNamespace('fidelity');
  const ca = await createCA('fidelity-ca');
  const cert = await issueCert(ca, { commonName: 'source', ipAddresses: ['127.0.0.1'], usage: 'server' });
  server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    const doc = docs[new URL(req.url ?? '/', 'https://x').pathname];
    if (doc === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end(doc);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  base = `https://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  await client().create(
    { group: '', version: 'v1', plural: 'secrets', namespace: ns },
    { metadata: { name: 'source-ca' }, stringData: { 'ca.crt': ca.certPem } },
  );
  ctrl = startController({ kubeconfig, namespaces: [ns] });
});
after(async () => {
  for (const p of procs) p.kill('SIGTERM');
  await ctrl?.stop();
  server?.closeAllConnections();
  server?.close();
  await stopCluster?.();
});

const urlSource = (name: string, path: string, format?: 'upstream'): SourceV1beta1 => ({
  name,
  type: 'url',
  ...(format && { format }),
  url: { href: `${base}${path}`, caBundleRef: { name: 'source-ca' }, timeout: '5s' },
});

function remote(name: string, extStatus?: string) {
  const url = `https://${name.replace('/', '.')}.example/mcp`;
  return {
    name,
    description: `The ${name} server`,
    version: '2.1.0',
    remotes: [{ type: 'streamable-http', url }],
    ...(extStatus && {
      _meta: {
        [PP]: { 'io.github.stacklok': { [url]: { status: extStatus, tier: 'Official', tools: ['t'] } } },
      },
    }),
  };
}

test('a url source pointed at one page of an upstream API fails, naming type: registry; nothing is stored', async () => {
  const items = [1, 2, 3].map((i) => ({
    server: remote(`com.example/s${i}`),
    _meta: { [OFFICIAL]: { status: 'active', isLatest: true } },
  }));
  docs['/v0.1/servers'] = JSON.stringify({
    servers: items,
    metadata: { count: 3, nextCursor: 'Y29tLmV4YW1wbGUvczM' },
  });
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'page', { sources: [urlSource('web', '/v0.1/servers', 'upstream')] }),
  );
  const failed = await waitPhase(ns, 'page', 'Failed', () => true, 90_000);
  const cond = Object.fromEntries((failed.status?.conditions ?? []).map((c) => [c.type, c]));
  assert.equal(`${cond.DataValid?.status}/${cond.DataValid?.reason}`, 'False/InvalidData');
  assert.equal(
    failed.status?.message,
    "source web: the document is one page of an upstream registry API (3 servers, and metadata.nextCursor says more follow): reading it would silently drop every later page; use a source of type: registry with the registry's base URL, which follows every page; no data stored yet",
  );
  assert.equal(failed.status?.sync?.serverCount ?? 0, 0);
  assert.deepEqual(await storageConfigMaps(ns, 'page'), [], 'a truncated catalog was stored');
});

test('status, statusMessage and dates travel from the sources through storage to /v0.1 and /v0 unchanged', async () => {
  docs['/all.json'] = JSON.stringify({
    servers: [
      {
        // The official block says deprecated; the publisher extension still says Active: official wins.
        server: remote('com.example/old', 'Active'),
        _meta: {
          [OFFICIAL]: {
            status: 'deprecated',
            statusMessage: 'Use com.example/new instead',
            statusChangedAt: '2026-03-04T05:06:07Z',
            publishedAt: '2025-01-02T03:04:05Z',
            updatedAt: '2026-03-04T05:06:07Z',
            isLatest: true,
          },
        },
      },
      {
        server: remote('com.example/new', 'Deprecated'),
        _meta: {
          [OFFICIAL]: {
            status: 'active',
            publishedAt: '2026-03-04T05:00:00Z',
            updatedAt: '2026-03-05T00:00:00Z',
            statusChangedAt: '2026-03-04T05:00:00Z',
            isLatest: true,
          },
        },
      },
    ],
    metadata: { count: 2 },
  });
  const toolhive = (status: string) => ({
    description: 'A ToolHive server for the fidelity test',
    tier: 'Community',
    status,
    transport: 'stdio',
    tools: ['t'],
    image: `ghcr.io/example/${status.toLowerCase()}:1`,
    metadata: { last_updated: '2025-10-20T02:33:40Z' },
  });
  await putConfigMap(ns, 'th', {
    'registry.json': JSON.stringify({
      version: '1.0.0',
      last_updated: '2025-10-22T00:00:00Z',
      // `active` in lower case, as ToolHive's own goldens write it: synced, normalised.
      servers: { 'th-gone': toolhive('Deprecated'), 'th-live': toolhive('active') },
      remote_servers: {},
    }),
  });
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'fid', {
      sources: [
        urlSource('up', '/all.json', 'upstream'),
        { name: 'th', type: 'configmap', configMapRef: { name: 'th', key: 'registry.json' } },
      ],
    }),
  );
  const ready = await waitPhase(ns, 'fid', 'Ready', (r) => r.status?.sync?.serverCount === 4, 90_000);
  // The lenient read is reported, not silent: the Synced Event says what was normalised.
  const events = await eventually('the Synced event', async () => {
    const list = await client().list<{ reason?: string; message?: string }>(
      { group: '', version: 'v1', plural: 'events', namespace: ns },
      { fieldSelector: `involvedObject.uid=${ready.metadata.uid ?? ''}` },
    );
    return list.items.find((e) => e.reason === 'Synced');
  });
  assert.equal(
    events.message,
    'synced 4 servers from sources up, th (1 read leniently: source th: th-live: status "active" read as "Active" (ToolHive writes Active or Deprecated))',
  );
  const url = await serve('fid-registry-storage');
  await eventually('the API to load the catalog', async () => (await fetch(`${url}/readyz`)).ok || undefined);
  const get = async (path: string) => {
    const r = await fetch(`${url}${path}`);
    assert.equal(r.status, 200, path);
    return (await r.json()) as { servers: { server: { name: string }; _meta: Record<string, unknown> }[] };
  };
  const list = await get('/v0.1/servers?limit=100');
  const official = Object.fromEntries(list.servers.map((s) => [s.server.name, s._meta[OFFICIAL]]));
  // The times exactly as the sources wrote them (SPEC §14; they were cut to milliseconds before).
  assert.deepEqual(official, {
    'com.example/new': {
      status: 'active',
      statusChangedAt: '2026-03-04T05:00:00Z',
      publishedAt: '2026-03-04T05:00:00Z',
      updatedAt: '2026-03-05T00:00:00Z',
      isLatest: true,
    },
    'com.example/old': {
      status: 'deprecated',
      statusMessage: 'Use com.example/new instead',
      statusChangedAt: '2026-03-04T05:06:07Z',
      publishedAt: '2025-01-02T03:04:05Z',
      updatedAt: '2026-03-04T05:06:07Z',
      isLatest: true,
    },
    // ToolHive data has no publication history: its dates are the entry's metadata.last_updated.
    'io.github.stacklok/th-gone': {
      status: 'deprecated',
      statusChangedAt: '2025-10-20T02:33:40Z',
      publishedAt: '2025-10-20T02:33:40Z',
      updatedAt: '2025-10-20T02:33:40Z',
      isLatest: true,
    },
    'io.github.stacklok/th-live': {
      status: 'active',
      statusChangedAt: '2025-10-20T02:33:40Z',
      publishedAt: '2025-10-20T02:33:40Z',
      updatedAt: '2025-10-20T02:33:40Z',
      isLatest: true,
    },
  });
  // The ToolHive view agrees (official status wins there too; lower-case `active` normalised).
  const th = (await (await fetch(`${url}/api/v1/registry/servers?limit=100`)).json()) as {
    servers: { name: string; status: string }[];
  };
  assert.deepEqual(
    th.servers.map((s) => [s.name, s.status]),
    [
      ['com.example/new', 'Active'],
      ['com.example/old', 'Deprecated'],
      ['th-gone', 'Deprecated'],
      ['th-live', 'Active'],
    ],
  );
  // /v0 is /v0.1, byte for byte, on every read endpoint.
  for (const path of [
    '/servers?limit=2',
    '/servers/com.example%2Fold/versions',
    '/servers/com.example%2Fold/versions/latest',
    '/servers/io.github.stacklok%2Fth-gone/versions/1.0.0',
  ]) {
    const [a, b] = await Promise.all([fetch(`${url}/v0.1${path}`), fetch(`${url}/v0${path}`)]);
    assert.equal(a.status, 200, path);
    assert.equal(await b.text(), await a.text(), path);
  }
});

async function serve(configMap: string): Promise<string> {
  const api = await startRegistryApi({
    configMap: configMap,
    registryName: 'fid',
    namespace: ns,
    kubeconfig: kubeconfig,
  });
  procs.push(api.child);
  return api.url;
}
