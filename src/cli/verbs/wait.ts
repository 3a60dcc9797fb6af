/**
 * Following a registry's status until a sync has ended (`add --wait`, `sync --wait`): a pure verdict
 * on each observed object, and a get-then-watch loop that prints each new phase as progress.
 */
import { isStatus } from '../../kube/client.ts';
import type { Condition, MCPRegistryV1beta1 } from '../../api/types.ts';
import { CliError } from '../errors.ts';
import type { Cluster } from '../cluster.ts';
import type { CliIO } from '../io.ts';

/** `first-sync`: the current spec generation has been synced once. `manual-sync`: this trigger value has. */
export type WaitGoal = { kind: 'first-sync' } | { kind: 'manual-sync'; trigger: string };

export type Verdict =
  | { done: false; progress: string }
  | { done: true; ok: true; summary: string }
  | { done: true; ok: false; reason: string };

function condition(obj: MCPRegistryV1beta1, type: string): Condition | undefined {
  return obj.status?.conditions?.find((c) => c.type === type);
}

function phaseLine(obj: MCPRegistryV1beta1): string {
  const phase = obj.status?.phase ?? 'Pending';
  const message = obj.status?.message ?? 'waiting for the controller to pick it up';
  return `${phase}: ${message}`;
}

function failure(obj: MCPRegistryV1beta1): string {
  const sync = condition(obj, 'SyncSuccessful');
  const message = obj.status?.message ?? '';
  if (sync?.status === 'False' && sync.message && !message.includes(sync.message))
    return `${message ? `${message}; ` : ''}${sync.reason}: ${sync.message}`;
  return message || sync?.message || 'no reason given in the status';
}

function success(obj: MCPRegistryV1beta1): string {
  const count = obj.status?.sync?.serverCount ?? 0;
  const phase = obj.status?.phase ?? 'Pending';
  const invalid = obj.status?.sync?.invalidServerCount ?? 0;
  const skipped = invalid ? ` (${invalid} invalid entr${invalid === 1 ? 'y' : 'ies'} skipped)` : '';
  const servers = `${count} server${count === 1 ? '' : 's'}${skipped}`;
  const line = phase === 'Ready' ? `synced: ${servers}, Ready` : `synced: ${servers} (${phaseLine(obj)})`;
  return count === 0 ? `${line}; ${emptyBecause(obj)}` : line;
}

/** An empty catalog is a success the user rarely wants: say which filter (or the source) left nothing. */
function emptyBecause(obj: MCPRegistryV1beta1): string {
  const filtered =
    obj.spec.filter !== undefined || (obj.spec.sources ?? []).some((s) => s.filter !== undefined);
  return filtered
    ? `the filter matched no server (check its include/exclude patterns and tags: \`thv registry info ${obj.metadata.name} -n ${obj.metadata.namespace}\` shows them)`
    : 'the source holds no servers';
}

export function evaluate(obj: MCPRegistryV1beta1, goal: WaitGoal): Verdict {
  const status = obj.status;
  const progress = { done: false as const, progress: phaseLine(obj) };
  if (goal.kind === 'manual-sync') {
    // Only a status that records this trigger was written after it: anything older (a Ready status
    // from before the request) says nothing about the sync we asked for.
    if (status?.sync?.lastManualSyncTrigger !== goal.trigger) return progress;
    if (status.phase === 'Syncing') return progress;
  } else {
    const generation = obj.metadata.generation ?? 0;
    if ((status?.observedGeneration ?? -1) < generation) return progress;
  }
  if (status?.phase === 'Failed') return { done: true, ok: false, reason: failure(obj) };
  if (status?.phase === 'Ready') return { done: true, ok: true, summary: success(obj) };
  const sync = condition(obj, 'SyncSuccessful');
  // In any other phase, a successful sync of this generation still means the data is stored.
  if (goal.kind === 'manual-sync' || (sync?.status === 'True' && status?.sync?.lastSyncTime))
    return { done: true, ok: true, summary: success(obj) };
  return progress;
}

/**
 * Whether the operator has taken up what we wait for: it recorded this trigger, or it has looked at
 * this generation. Then a timeout is a slow sync, not a missing operator, and says so.
 */
export function pickedUp(obj: MCPRegistryV1beta1, goal: WaitGoal): boolean {
  if (goal.kind === 'manual-sync') return obj.status?.sync?.lastManualSyncTrigger === goal.trigger;
  return (obj.status?.observedGeneration ?? -1) >= (obj.metadata.generation ?? 0);
}

/** The timeout's message and hint: only a request nobody took up asks whether the operator runs. */
export function timeoutError(o: WaitOptions, last: MCPRegistryV1beta1 | undefined, hint: string): CliError {
  const seen = last ? phaseLine(last) : 'nothing';
  const what = `timed out after ${o.timeoutText} waiting for MCPRegistry "${o.name}" to sync`;
  if (last && pickedUp(last, o.goal))
    return new CliError(
      `${what}: the operator took up the request, but the sync had not ended (last seen ${seen}).`,
      `${hint} Wait longer with --timeout.`,
    );
  return new CliError(
    `${what} (last seen ${seen}).`,
    `Is the operator running (kubectl get pods -n toolhive-system)? ${hint} Wait longer with --timeout.`,
  );
}

export interface WaitOptions {
  namespace: string;
  name: string;
  goal: WaitGoal;
  timeoutMs: number;
  /** The --timeout value as the user wrote it, for messages. */
  timeoutText: string;
}

/** Resolves with the summary line on success; throws a CliError on failure, deletion or timeout. */
export async function waitForSync(cluster: Cluster, io: CliIO, o: WaitOptions): Promise<string> {
  const target = { namespace: o.namespace, name: o.name };
  const ref = cluster.registries(o.namespace, o.name);
  const listRef = cluster.registries(o.namespace);
  const timeout = AbortSignal.timeout(o.timeoutMs);
  const hint = `See \`thv registry info ${o.name} -n ${o.namespace}\` for conditions and events.`;
  let shown = '';
  let last: MCPRegistryV1beta1 | undefined;
  io.err(
    `Waiting for MCPRegistry "${o.name}" in namespace "${o.namespace}" to sync (timeout ${o.timeoutText})…\n`,
  );

  const judge = (obj: MCPRegistryV1beta1): Verdict => {
    last = obj;
    const v = evaluate(obj, o.goal);
    const line = v.done ? '' : v.progress;
    if (line && line !== shown) {
      io.err(`  ${line}\n`);
      shown = line;
    }
    return v;
  };
  const finish = (v: Verdict & { done: true }): string => {
    if (v.ok) return v.summary;
    throw new CliError(
      `sync of MCPRegistry "${o.name}" failed: ${v.reason}`,
      `${hint} Fix the source, then retry with \`thv registry sync ${o.name} -n ${o.namespace} --wait\`.`,
    );
  };

  while (!timeout.aborted) {
    let obj: MCPRegistryV1beta1;
    try {
      obj = await cluster.call(target, () => cluster.client.get<MCPRegistryV1beta1>(ref));
    } catch (e) {
      if (timeout.aborted) break;
      throw e;
    }
    const v = judge(obj);
    if (v.done) return finish(v);
    const stop = new AbortController();
    let verdict: Verdict | undefined;
    let deleted = false;
    try {
      await cluster.client.watch<MCPRegistryV1beta1>(
        listRef,
        {
          fieldSelector: `metadata.name=${o.name}`,
          resourceVersion: obj.metadata.resourceVersion,
          timeoutSeconds: 60,
        },
        (ev) => {
          if (ev.type === 'DELETED') deleted = true;
          else if (ev.type === 'ADDED' || ev.type === 'MODIFIED') verdict = judge(ev.object);
          if (deleted || verdict?.done) stop.abort();
        },
        AbortSignal.any([timeout, stop.signal]),
      );
    } catch (e) {
      // 410 Gone and dropped streams: read the object again and watch from there.
      if (!isStatus(e, 410) && !(e instanceof Error && /ECONNRESET|socket hang up/.test(e.message)))
        throw await cluster.explain(e, target);
    }
    if (deleted)
      throw new CliError(`MCPRegistry "${o.name}" was deleted while waiting for it to sync.`, hint);
    if (verdict?.done) return finish(verdict);
  }
  throw timeoutError(o, last, hint);
}
