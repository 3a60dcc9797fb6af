/** `thv registry add`: build the object from flags, send it (or dry-run it), optionally wait. */
import type { MCPRegistryV1beta1 } from '../../api/types.ts';
import { buildRegistry, flagHint, type AddFlags } from './build.ts';
import type { Cluster } from '../cluster.ts';
import { parseTimeout } from '../duration.ts';
import { UsageError } from '../errors.ts';
import { structured, type StructuredFormat } from '../format.ts';
import type { CliIO } from '../io.ts';
import { QUALIFIED, follow, single, write, type WaitFlags } from './shared.ts';

export interface AddOptions extends AddFlags, WaitFlags {
  dryRun?: boolean;
  output?: StructuredFormat;
}

export async function runAdd(cluster: Cluster, io: CliIO, name: string, o: AddOptions): Promise<void> {
  const ns = single(cluster, 'add');
  const obj = buildRegistry(name, ns, o);
  if (o.wait && o.dryRun)
    throw new UsageError('--wait cannot be used with --dry-run', 'A dry run creates nothing to wait for.');
  if (o.wait) parseTimeout('--timeout', o.timeout);
  const created = await write<MCPRegistryV1beta1>(
    cluster,
    io,
    { namespace: ns, name },
    () => cluster.client.create(cluster.registries(ns), obj, o.dryRun ? { dryRun: 'All' } : undefined),
    (e) =>
      /already exists/.test(e.message)
        ? `Pick another name, or remove it first with \`thv registry remove ${name} -n ${ns}\`.`
        : flagHint(e.message),
  );
  if (o.output) io.out(structured(created, o.output));
  else io.out(`${QUALIFIED}/${name} created${o.dryRun ? ' (server dry run)' : ''}\n`);
  if (o.wait) await follow(cluster, io, name, { kind: 'first-sync' }, o.timeout);
}
