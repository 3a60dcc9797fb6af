/** What add, sync, info and remove share: one namespace, writes that show warnings, waiting. */
import { GROUP, SINGULAR } from '../../api/constants.ts';
import { KubeApiError } from '../../kube/client.ts';
import { renderWarnings, type Cluster, type Target } from '../cluster.ts';
import { parseTimeout } from '../duration.ts';
import { CliError, ServerError, UsageError } from '../errors.ts';
import type { CliIO } from '../io.ts';
import { waitForSync, type WaitGoal } from './wait.ts';

export const QUALIFIED = `${SINGULAR}.${GROUP}`;

export interface WaitFlags {
  wait?: boolean;
  timeout: string;
}

export function single(cluster: Cluster, verb: string): string {
  if (cluster.allNamespaces)
    throw new UsageError(
      `-A/--all-namespaces cannot be used with ${verb}`,
      'Name the namespace with -n NAMESPACE (only list works across namespaces).',
    );
  return cluster.namespace;
}

/** Sends a write and prints the apiserver's warnings whether it succeeds or fails. */
export async function write<T>(
  cluster: Cluster,
  io: CliIO,
  target: Target,
  fn: () => Promise<{ body: T; warnings: string[] }>,
  hint?: (e: CliError) => string | undefined,
): Promise<T> {
  try {
    const r = await fn();
    io.err(renderWarnings(r.warnings));
    return r.body;
  } catch (e) {
    if (e instanceof KubeApiError) io.err(renderWarnings(e.warnings));
    const explained = await cluster.explain(e, target);
    if (explained instanceof ServerError && !explained.hint) explained.hint = hint?.(explained);
    throw explained;
  }
}

export async function follow(cluster: Cluster, io: CliIO, name: string, goal: WaitGoal, timeout: string) {
  const timeoutMs = parseTimeout('--timeout', timeout);
  const summary = await waitForSync(cluster, io, {
    namespace: cluster.namespace,
    name,
    goal,
    timeoutMs,
    timeoutText: timeout,
  });
  io.out(`${QUALIFIED}/${name} ${summary}\n`);
}
