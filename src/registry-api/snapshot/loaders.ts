/**
 * Where the served catalog comes from, reloaded without restart. A reload builds a whole new
 * snapshot and swaps it in; a failed reload keeps serving the old one and reports why on /readyz.
 */
import { watch, readFileSync, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from 'pino';
import type { KubeClient } from '../../kube/client.ts';
import { parseRegistryDocument, parseStorage } from '../../registry/index.ts';
import { readStoredText } from '../../storage/configmaps.ts';
import { snapshotOf } from './catalog-entries.ts';
import { sha256, type SnapshotStore } from './snapshot.ts';
import type { ApiMetrics } from '../metrics.ts';

export interface Loader {
  stop(): void;
}

function record(
  store: SnapshotStore,
  metrics: ApiMetrics | undefined,
  log: Logger,
  load: () => 'unchanged' | number,
) {
  try {
    const r = load();
    metrics?.reloads.inc({ result: r === 'unchanged' ? 'unchanged' : 'success' });
    if (r !== 'unchanged') {
      metrics?.servers.set(r);
      metrics?.lastReload.set(Date.now() / 1000);
      log.info({ servers: r }, 'catalog loaded');
    }
  } catch (e) {
    metrics?.reloads.inc({ result: 'failure' });
    store.fail((e as Error).message);
    log.error({ err: (e as Error).message }, 'catalog reload failed; serving the previous one');
  }
}

/** --from-file: any registry document (ToolHive or upstream), watched through its directory (symlink flips included). */
export function loadFromFile(
  path: string,
  registryName: string,
  store: SnapshotStore,
  log: Logger,
  metrics?: ApiMetrics,
  displayName?: string,
): Loader {
  const load = (): 'unchanged' | number => {
    const text = readFileSync(path, 'utf8');
    if (store.current?.digest === sha256(text)) return 'unchanged';
    const parsed = parseRegistryDocument(text, 'auto');
    const snap = snapshotOf(
      parsed.catalog,
      text,
      { registryName, source: `file:${path}`, ...(displayName && { displayName }) },
      parsed.format,
    );
    store.set(snap);
    return snap.entries.length;
  };
  record(store, metrics, log, load);
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(path), (_ev, name) => {
      if (name && name !== basename(path) && !name.startsWith('..')) return;
      clearTimeout(timer);
      timer = setTimeout(() => record(store, metrics, log, load), 100);
    });
  } catch (e) {
    log.warn({ err: (e as Error).message }, 'cannot watch the file; it will not be reloaded');
  }
  return { stop: () => (clearTimeout(timer), watcher?.close()) };
}

/**
 * --from-configmap: the registry's storage (plain, gzip or sharded), watched through the Kubernetes
 * API; every change re-reads the whole storage and swaps the snapshot if its bytes changed.
 */
export function loadFromConfigMap(
  client: KubeClient,
  namespace: string,
  storageConfigMap: string,
  registryName: string,
  store: SnapshotStore,
  log: Logger,
  metrics?: ApiMetrics,
  displayName?: string,
): Loader {
  let running = true;
  const abort = new AbortController();
  let pending: Promise<void> = Promise.resolve();
  const reload = () => {
    pending = pending.then(async () => {
      try {
        const stored = await readStoredText(client, namespace, registryName);
        if (!stored)
          throw new Error(
            `storage ConfigMap ${namespace}/${storageConfigMap} not found (has the registry synced?)`,
          );
        record(store, metrics, log, () => {
          if (store.current?.digest === sha256(stored.text)) return 'unchanged';
          const snap = snapshotOf(parseStorage(stored.text), stored.text, {
            registryName,
            source: `configmap:${namespace}/${storageConfigMap}`,
            ...(displayName && { displayName }),
          });
          store.set(snap);
          return snap.entries.length;
        });
      } catch (e) {
        metrics?.reloads.inc({ result: 'failure' });
        store.fail((e as Error).message);
        log.error({ err: (e as Error).message }, 'catalog reload failed; serving the previous one');
      }
    });
  };
  const loop = async () => {
    let failures = 0;
    while (running) {
      try {
        // Field-selected by name: the API's Role grants only the named storage ConfigMaps, and
        // RBAC authorizes a list/watch by name only through a metadata.name field selector. The
        // main ConfigMap is written last on every sync, so watching it alone sees every change.
        const list = await client.list<{ metadata: { resourceVersion?: string } }>(
          { group: '', version: 'v1', plural: 'configmaps', namespace },
          { fieldSelector: `metadata.name=${storageConfigMap}` },
        );
        reload();
        await client.watch(
          { group: '', version: 'v1', plural: 'configmaps', namespace },
          {
            fieldSelector: `metadata.name=${storageConfigMap}`,
            resourceVersion: list.metadata.resourceVersion,
            timeoutSeconds: 240,
          },
          (ev) => {
            if (ev.type === 'ERROR') throw new Error('watch error');
            if (ev.type !== 'BOOKMARK') reload();
          },
          abort.signal,
        );
        failures = 0;
      } catch (e) {
        if (!running) return;
        failures++;
        log.warn({ err: (e as Error).message }, 'storage watch failed; retrying');
        await new Promise((r) => setTimeout(r, Math.min(30_000, 250 * 2 ** Math.min(failures, 7))));
      }
    }
  };
  void loop();
  return {
    stop: () => {
      running = false;
      abort.abort();
    },
  };
}
