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
  /** `--dry-run` alone is `server` (admission runs); `client` builds the object without a cluster. */
  dryRun?: 'server' | 'client';
  output?: StructuredFormat;
}

/**
 * `--dry-run=client`: the manifest the flags build, checked only by the flag rules, with no cluster
 * (no kubeconfig needed), like `kubectl create --dry-run=client -o yaml`. Nothing the apiserver would
 * add (uid, creationTimestamp, status); the namespace only when -n names one, so `kubectl apply -f`
 * puts it where the reader's context points otherwise.
 */
export function runAddClient(
  io: CliIO,
  name: string,
  where: { namespace?: string; allNamespaces?: boolean },
  o: AddOptions,
): void {
  if (where.allNamespaces)
    throw new UsageError(
      '-A/--all-namespaces cannot be used with add',
      'Name the namespace with -n NAMESPACE (only list works across namespaces).',
    );
  const namespace = where.namespace || undefined;
  if (o.wait)
    throw new UsageError('--wait cannot be used with --dry-run', 'A dry run creates nothing to wait for.');
  const obj = buildRegistry(name, namespace ?? '', o);
  if (namespace === undefined) delete obj.metadata.namespace;
  if (o.output) io.out(structured(obj, o.output));
  else io.out(`${QUALIFIED}/${name} created (client dry run)\n`);
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
