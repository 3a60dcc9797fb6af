/**
 * Issue #12.8: a 900 KB gzip bomb planted in a storage ConfigMap (it would inflate to about 900 MB)
 * is refused by thv-registry-api --from-configmap with a clear error, the API keeps serving its
 * previous snapshot, and its memory stays far below what inflating the bomb would take. Real
 * apiserver, the API process as the per-registry Deployment runs it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createGzip } from 'node:zlib';
import { useIsolatedCluster } from '../controller/isolated.ts';
import { client, createNamespace, eventually } from '../../support/cluster.ts';
import type { ControlPlane } from '../../../src/local/control-plane.ts';
import { createRegistry, fixtureCatalog, storeCatalog } from '../../support/stored-registry.ts';

const BIN = resolve(import.meta.dirname, '../../../src/bin/thv-registry-api.ts');
let cp: ControlPlane;
let kubeconfig: string;
let ns: string;
let api: ChildProcess | undefined;

/** About 900 KB of gzip that inflates to ~900 MB of zeros, built in 1 MiB steps (never held whole). */
function bomb(): Promise<Buffer> {
  return new Promise((res, rej) => {
    const gz = createGzip({ level: 9 });
    const out: Buffer[] = [];
    gz.on('data', (c: Buffer) => out.push(c));
    gz.on('end', () => res(Buffer.concat(out)));
    gz.on('error', rej);
    const zeros = Buffer.alloc(1024 * 1024);
    let left = 900;
    const pump = () => {
      while (left > 0) {
        left--;
        if (!gz.write(zeros)) return void gz.once('drain', pump);
      }
      gz.end();
    };
    pump();
  });
}

before(async () => {
  const c = await useIsolatedCluster();
  cp = c.cp;
  kubeconfig = c.kubeconfig;
  ns = await createNamespace('bomb');
});
after(async () => {
  api?.kill('SIGTERM');
  await cp.stop();
});

function peakRssKiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0);
}

test('a gzip bomb in the storage ConfigMap is refused, the previous snapshot keeps serving, memory stays bounded', async () => {
  const created = await createRegistry(ns, 'cat');
  const base = fixtureCatalog();
  await storeCatalog(created, base);
  const child = spawn(
    process.execPath,
    [
      BIN,
      'serve',
      '--from-configmap',
      'cat-registry-storage',
      '--registry-name',
      'cat',
      '-n',
      ns,
      '--kubeconfig',
      kubeconfig,
      '--address',
      '127.0.0.1:0',
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  api = child;
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const url = await eventually('the API to listen', () => /listening on (\S+)/.exec(out)?.[1]);
  const count = async () =>
    ((await (await fetch(`${url}/api/v1/registry/info`)).json()) as { serverCount?: number }).serverCount;
  const servers = base.servers.length;
  await eventually('the first snapshot', async () => ((await count()) === servers ? true : undefined));
  const before = peakRssKiB(child.pid ?? 0);

  const gz = await bomb();
  assert.ok(gz.length > 800 * 1024 && gz.length < 1000 * 1024, `${gz.length} bytes of gzip`);
  // Planted as a user with write access to the ConfigMap would: the gzip key instead of the plain one.
  const cm = await client().get<{ metadata: Record<string, unknown> }>({
    group: '',
    version: 'v1',
    plural: 'configmaps',
    namespace: ns,
    name: 'cat-registry-storage',
  });
  await client().replace(
    { group: '', version: 'v1', plural: 'configmaps', namespace: ns, name: 'cat-registry-storage' },
    { metadata: cm.metadata, binaryData: { 'registry.json.gz': gz.toString('base64') } },
  );
  const message =
    'storage key registry.json.gz inflates to more than 67108864 bytes, the storage limit; refusing to read it (the controller never writes one that large)';
  await eventually('the refusal in the log', () => (out.includes(message) ? true : undefined), 60_000);
  assert.equal(await count(), servers, 'the previous snapshot is still served');
  assert.equal((await fetch(`${url}/readyz`)).status, 200);
  const peak = peakRssKiB(child.pid ?? 0);
  // Inflating the bomb would take ~900 MB; the ceiling stops it at 64 MiB.
  assert.ok(peak - before < 200 * 1024, `peak RSS grew by ${peak - before} KiB (from ${before} KiB)`);
});
