/**
 * URL (HTTPS with a CA bundle from a Secret) and git sources end to end to Ready, and the faults:
 * 500, 429 with Retry-After, a hanging server, truncated JSON, some invalid entries, a huge response,
 * a missing git ref. Each fault leaves the last good storage byte-identical, says Failed with an
 * actionable reason, backs off, and recovers.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useIsolatedCluster } from './isolated.ts';
import { client, createNamespace, eventually } from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { createCA, issueCert } from '../../../src/pki/pki.ts';
import { readStoredCatalog } from '../../../src/storage/configmaps.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { FIXTURE, FIXTURE_DOC, getReg, registry, storageConfigMaps, waitPhase } from './helpers.ts';
import type { SourceV1beta1 } from '../../../src/api/types.ts';

let ns: string;
let ctrl: ControllerProcess;
let stopCluster: (() => Promise<void>) | undefined;
let server: Server;
let base: string;
const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {};
const ALL = Object.keys(FIXTURE_DOC.servers).length + Object.keys(FIXTURE_DOC.remote_servers ?? {}).length;

before(async () => {
  const cluster = await useIsolatedCluster();
  stopCluster = cluster.stop;
  const kubeconfig = cluster.kubeconfig;
  ns = await createNamespace('ctrl-remote');
  const ca = await createCA('test-source-ca');
  const cert = await issueCert(ca, { commonName: 'source', ipAddresses: ['127.0.0.1'], usage: 'server' });
  server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    const route = routes[new URL(req.url ?? '/', 'https://x').pathname];
    if (route) route(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  base = `https://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  await client().create(
    { group: '', version: 'v1', plural: 'secrets', namespace: ns },
    { metadata: { name: 'source-ca' }, stringData: { 'ca.crt': ca.certPem } },
  );
  await client().create(
    { group: '', version: 'v1', plural: 'secrets', namespace: ns },
    {
      metadata: { name: 'source-headers', labels: { 'toolhive.stacklok.io/registry-credential': 'true' } },
      stringData: { Authorization: 'Bearer s3cret' },
    },
  );
  ctrl = startController({ kubeconfig, namespaces: [ns] });
});
after(async () => {
  await ctrl?.stop();
  server?.closeAllConnections();
  server?.close();
  await stopCluster?.();
});

const urlSource = (path: string, extra: Partial<NonNullable<SourceV1beta1['url']>> = {}): SourceV1beta1 => ({
  name: 'web',
  type: 'url',
  url: {
    href: `${base}${path}`,
    caBundleRef: { name: 'source-ca' },
    headersSecretRef: { name: 'source-headers' },
    timeout: '2s',
    ...extra,
  },
});

async function faultKeepsStorage(
  name: string,
  path: string,
  fault: (req: IncomingMessage, res: ServerResponse) => void,
  reason: string,
  message: RegExp,
) {
  let auth = '';
  routes[path] = (req, res) => {
    auth = String(req.headers.authorization ?? '');
    res.end(FIXTURE);
  };
  await client().create({ ...REGISTRIES, namespace: ns }, registry(ns, name, { sources: [urlSource(path)] }));
  const good = await waitPhase(ns, name, 'Ready', (r) => r.status?.sync?.serverCount === ALL);
  assert.equal(auth, 'Bearer s3cret', 'headers from the Secret are sent');
  const before = await storageConfigMaps(ns, name);
  routes[path] = fault;
  await client().patch({ ...REGISTRIES, namespace: ns, name }, 'merge', {
    metadata: { annotations: { 'toolhive.stacklok.io/sync-trigger': `fault-${Date.now()}` } },
  });
  const failed = await waitPhase(ns, name, 'Failed', () => true, 60_000);
  const cond = Object.fromEntries((failed.status?.conditions ?? []).map((c) => [c.type, c]));
  assert.equal(`${cond.SyncSuccessful?.status}/${cond.SyncSuccessful?.reason}`, `False/${reason}`);
  assert.match(failed.status?.message ?? '', message);
  assert.match(
    failed.status?.message ?? '',
    new RegExp(`; serving the last good data from ${good.status?.sync?.lastSyncTime}$`),
  );
  assert.deepEqual(await storageConfigMaps(ns, name), before, 'the last good storage changed');
  await eventually(
    'backoff retries',
    async () => ((await getReg(ns, name)).status?.sync?.attempts ?? 0) >= 2 || undefined,
    30_000,
  );
  routes[path] = (_q, res) => res.end(FIXTURE);
  const ok = await waitPhase(ns, name, 'Ready', () => true, 30_000);
  assert.equal(ok.status?.sync?.attempts, 0);
}

test('URL source over HTTPS with a CA bundle and headers from Secrets reaches Ready with every server', async () => {
  routes['/catalog.json'] = (_q, res) => res.end(FIXTURE);
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'web', { sources: [urlSource('/catalog.json')], filter: { names: { include: ['g*'] } } }),
  );
  const r = await waitPhase(ns, 'web', 'Ready');
  const expected = Object.keys({ ...FIXTURE_DOC.servers, ...FIXTURE_DOC.remote_servers })
    .filter((n) => n.startsWith('g'))
    .sort();
  assert.equal(r.status?.sync?.serverCount, expected.length);
  assert.deepEqual(
    (await readStoredCatalog(client(), ns, 'web'))?.catalog.servers.map((s) => s.name),
    expected,
  );
});

test('URL 500: Failed with the status, last good storage kept, recovery', () =>
  faultKeepsStorage(
    'f500',
    '/f500.json',
    (_q, res) => res.writeHead(500).end(),
    'ServerError',
    /^https:\/\/127\.0\.0\.1:\d+\/f500\.json answered HTTP 500/,
  ));

test('URL 429 with Retry-After: Failed as rate limited, last good storage kept, recovery', () =>
  faultKeepsStorage(
    'f429',
    '/f429.json',
    (_q, res) => res.writeHead(429, { 'Retry-After': '0' }).end(),
    'RateLimited',
    /answered HTTP 429/,
  ));

test('a hanging server: Failed with a timeout, last good storage kept, recovery', () =>
  faultKeepsStorage(
    'fhang',
    '/fhang.json',
    () => {},
    'FetchTimeout',
    /no (complete )?response within 2000 ms/,
  ));

test('truncated JSON: Failed as invalid data with the position, last good storage kept, recovery', () =>
  faultKeepsStorage(
    'ftrunc',
    '/ftrunc.json',
    (_q, res) => res.end(FIXTURE.slice(0, 5000)),
    'InvalidData',
    /^source web: .*line \d+, column \d+/,
  ));

test('a huge response: Failed as too large, last good storage kept, recovery', () =>
  faultKeepsStorage(
    'fhuge',
    '/fhuge.json',
    (_q, res) => {
      // 70 MiB, streamed: over the 64 MiB limit.
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let n = 0;
      const pump = () => {
        while (n < 70 && res.write(chunk)) n++;
        if (n >= 70) res.end();
        else res.once('drain', () => (n++, pump()));
      };
      pump();
    },
    'ResponseTooLarge',
    /response exceeds the limit of 67108864 bytes/,
  ));

test('some invalid entries are skipped and counted; the rest is stored', async () => {
  const doc = JSON.parse(FIXTURE) as { servers: Record<string, Record<string, unknown>> };
  const names = Object.keys(doc.servers);
  const broken = structuredClone(doc);
  const [b0 = '', b1 = ''] = names;
  broken.servers[b0] = { ...broken.servers[b0], image: 42 };
  broken.servers[b1] = { ...broken.servers[b1], transport: 'carrier-pigeon' };
  routes['/partial.json'] = (_q, res) => res.end(JSON.stringify(broken));
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'partial', { sources: [urlSource('/partial.json')] }),
  );
  const r = await waitPhase(ns, 'partial', 'Ready');
  assert.equal(r.status?.sync?.invalidServerCount, 2);
  assert.equal(r.status?.sync?.serverCount, ALL - 2);
  const cond = Object.fromEntries(
    (r.status?.conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}`]),
  );
  assert.equal(cond.DataValid, 'True/SomeEntriesInvalid');
  assert.match(r.status?.message ?? '', /; 2 invalid entries skipped$/);
});

// The registry API source (paging, latest versions, deleted servers, its faults and Secrets) is tested
// against the official registry server and a private HTTPS stand-in in test/integration/upstream-registry/.

test('git source (file://): a tag syncs; a ref that does not exist fails and keeps storage', async () => {
  const repo = mkdtempSync(join(tmpdir(), 'mcpr-git-'));
  const g = (...args: string[]) =>
    execFileSync('git', ['-C', repo, '-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args]);
  g('init', '-q', '-b', 'main');
  execFileSync('mkdir', ['-p', join(repo, 'catalog')]);
  writeFileSync(join(repo, 'catalog', 'registry.json'), FIXTURE);
  g('add', '.');
  g('commit', '-q', '-m', 'catalog');
  g('tag', 'v1');
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'gitreg', {
      sources: [
        {
          name: 'repo',
          type: 'git',
          git: { repository: `file://${repo}`, ref: { tag: 'v1' }, path: 'catalog/registry.json' },
        },
      ],
    }),
  );
  const r = await waitPhase(ns, 'gitreg', 'Ready');
  assert.equal(r.status?.sync?.serverCount, ALL);
  const before = await storageConfigMaps(ns, 'gitreg');
  await client().patch({ ...REGISTRIES, namespace: ns, name: 'gitreg' }, 'json', [
    { op: 'replace', path: '/spec/sources/0/git/ref', value: { branch: 'does-not-exist' } },
  ]);
  const f = await waitPhase(ns, 'gitreg', 'Failed');
  const cond = Object.fromEntries(
    (f.status?.conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}`]),
  );
  assert.equal(cond.SourceAvailable, 'False/GitRefNotFound');
  assert.match(
    f.status?.message ?? '',
    new RegExp(`^git: cannot get branch does-not-exist of file://${repo}: `),
  );
  assert.deepEqual(await storageConfigMaps(ns, 'gitreg'), before);
});
