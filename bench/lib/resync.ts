/**
 * The incremental resync of a mirror through the controller (issue #34: "mirror incremental resync,
 * 1% of servers changed: ≤ 0.1× of the full sync, ConfigMap writes only for changed shards"). The
 * registry is synced already, by the controller process that is still running (it holds the whole
 * read: a restarted one would read whole); the fake upstream (bench/servers/upstream.ts --mirror)
 * changes 1% of its servers, a manual trigger asks for a sync, and this times trigger → the status
 * records it, counts the list requests the upstream served (a page of changes, not every page, shows
 * the read was incremental), and counts the ConfigMap writes the apiserver served (its own counter: a write of
 * unchanged bytes makes no watch event, but is a request) against the storage ConfigMaps whose
 * content actually changed.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { ANNOTATION_SYNC_TRIGGER, LABEL_REGISTRY } from '../../src/api/constants.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { pollUntil } from '../../src/local/poll.ts';
import { metricSum } from './scrape.ts';

type Ref = { group: string; version: string; plural: string; namespace: string };
type Cm = {
  metadata: { name: string };
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
};

export interface Resync {
  /** Trigger → the status records the sync, ms. */
  ms: number;
  /** Servers the upstream changed. */
  changedServers: number;
  /** Storage ConfigMaps before, and those created, deleted or whose content changed. */
  configMaps: number;
  changedConfigMaps: number;
  /** ConfigMap writes (POST, PUT, PATCH, DELETE) the apiserver served in that time. */
  writes: number;
  /** List requests the upstream served for this sync: a page or so when updated_since was asked. */
  upstreamRequests: number;
}

async function storage(client: KubeClient, ns: string, name: string): Promise<Map<string, string>> {
  const cms = await client.list<Cm>(
    { group: '', version: 'v1', plural: 'configmaps', namespace: ns },
    { labelSelector: `${LABEL_REGISTRY}=${name}` },
  );
  const hash = (cm: Cm) =>
    createHash('sha256')
      .update(JSON.stringify([cm.data ?? {}, cm.binaryData ?? {}]))
      .digest('hex');
  return new Map(cms.items.map((cm) => [cm.metadata.name, hash(cm)]));
}

async function configMapWrites(client: KubeClient): Promise<number> {
  const r = await client.request<string>('/metrics', { query: {} });
  const text = typeof r.body === 'string' ? r.body : '';
  return ['POST', 'PUT', 'PATCH', 'DELETE'].reduce(
    (a, verb) => a + metricSum(text, 'apiserver_request_total', { verb, resource: 'configmaps' }),
    0,
  );
}

/** POST /change (servers changed) or GET /stats (list requests served) on the fake upstream. */
function upstreamCall(
  { url, caFile }: { url: string; caFile: string },
  method: 'POST' | 'GET',
  path: '/change' | '/stats',
): Promise<{ changed?: number; requests?: number }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method, ca: readFileSync(caFile) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { changed?: number });
        } catch (e) {
          reject(e as Error);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

export async function incrementalResync(
  client: KubeClient,
  ref: Ref,
  name: string,
  upstream: { url: string; caFile: string },
): Promise<Resync> {
  const before = await storage(client, ref.namespace, name);
  const writesBefore = await configMapWrites(client);
  const changedServers = (await upstreamCall(upstream, 'POST', '/change')).changed ?? NaN;
  const requestsBefore = (await upstreamCall(upstream, 'GET', '/stats')).requests ?? NaN;
  const trigger = `bench-incremental-${Date.now()}`;
  type Reg = { status?: { sync?: { lastManualSyncTrigger?: string } } };
  const t0 = performance.now();
  await client.patch({ ...ref, name }, 'merge', {
    metadata: { annotations: { [ANNOTATION_SYNC_TRIGGER]: trigger } },
  });
  await pollUntil(
    'the incremental resync to be recorded',
    async () => (await client.get<Reg>({ ...ref, name })).status?.sync?.lastManualSyncTrigger === trigger,
    600_000,
    20,
  );
  const ms = performance.now() - t0;
  // Storage is written before the status; the counter is read once the status says it is done.
  const writes = (await configMapWrites(client)) - writesBefore;
  const upstreamRequests = ((await upstreamCall(upstream, 'GET', '/stats')).requests ?? NaN) - requestsBefore;
  const after = await storage(client, ref.namespace, name);
  const names = new Set([...before.keys(), ...after.keys()]);
  const changedConfigMaps = [...names].filter((n) => before.get(n) !== after.get(n)).length;
  return { ms, changedServers, configMaps: before.size, changedConfigMaps, writes, upstreamRequests };
}
