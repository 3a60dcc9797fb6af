/** `thv registry sync`: set a new sync-trigger value, optionally wait until it is recorded. */
import { ANNOTATION_SYNC_TRIGGER } from '../../api/constants.ts';
import type { Cluster } from '../cluster.ts';
import { parseTimeout } from '../duration.ts';
import type { CliIO } from '../io.ts';
import { QUALIFIED, follow, single, write, type WaitFlags } from './shared.ts';

export async function runSync(cluster: Cluster, io: CliIO, name: string, o: WaitFlags): Promise<void> {
  const ns = single(cluster, 'sync');
  if (o.wait) parseTimeout('--timeout', o.timeout);
  const trigger = io.now().toISOString();
  await write(cluster, io, { namespace: ns, name }, () =>
    cluster.client.patch(cluster.registries(ns, name), 'merge', {
      metadata: { annotations: { [ANNOTATION_SYNC_TRIGGER]: trigger } },
    }),
  );
  io.out(`${QUALIFIED}/${name} sync requested (${ANNOTATION_SYNC_TRIGGER}=${trigger})\n`);
  if (o.wait) await follow(cluster, io, name, { kind: 'manual-sync', trigger }, o.timeout);
}
