/**
 * Reading the official registry server and ours alike, for the mirror comparisons of
 * official-server.test.ts (SPEC §14): every page of a listing, and thv-registry-api serving a
 * registry's storage ConfigMaps from the test's cluster, as its Deployment does in one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '../../../src/bin/thv-registry-api.ts');

export interface Item {
  server: { name: string; version: string } & Record<string, unknown>;
  _meta: Record<string, Record<string, unknown>>;
}

/** Every item of `/v0.1/servers?<query>`, following nextCursor (the official server may end on an empty page). */
export async function allItems(base: string, query: string): Promise<Item[]> {
  const out: Item[] = [];
  let cursor = '';
  for (let page = 0; page < 100; page++) {
    const r = await fetch(
      `${base}/v0.1/servers?limit=100${query ? `&${query}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    if (r.status !== 200) throw new Error(`${base} ${query}: HTTP ${r.status} ${await r.text()}`);
    const body = (await r.json()) as { servers: Item[]; metadata: { nextCursor?: string } };
    out.push(...body.servers);
    if (!body.metadata.nextCursor) return out;
    cursor = body.metadata.nextCursor;
  }
  throw new Error(`${base} ${query}: more than 100 pages`);
}

export const idOf = (i: Item) => `${i.server.name}@${i.server.version}`;

export interface StorageApi {
  url: string;
  stop(): Promise<void>;
}

/** `thv-registry-api serve --from-configmap` for one registry of the cluster, ready (a catalog loaded). */
export async function startStorageApi(
  kubeconfig: string,
  namespace: string,
  name: string,
): Promise<StorageApi> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      BIN,
      'serve',
      '--from-configmap',
      `${name}-registry-storage`,
      '--registry-name',
      name,
      '-n',
      namespace,
      '--kubeconfig',
      kubeconfig,
      '--address',
      '127.0.0.1:0',
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const stop = () =>
    new Promise<void>((r) => {
      if (child.exitCode !== null) return r();
      child.once('exit', () => r());
      child.kill('SIGTERM');
    });
  const url = await new Promise<string>((res, rej) => {
    let buf = '';
    child.stdout?.on('data', (c: Buffer) => {
      buf += c.toString();
      const m = /listening on (\S+)/.exec(buf);
      if (m?.[1]) res(m[1]);
    });
    child.once('exit', (code) => rej(new Error(`thv-registry-api exited with code ${code}`)));
  });
  for (let i = 0; ; i++) {
    const status = await fetch(`${url}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return { url, stop };
    if (i > 600) {
      await stop();
      throw new Error('thv-registry-api did not load the storage in 60 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
