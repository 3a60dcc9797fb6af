/**
 * Which of a registry's workload objects this process knows are not there: the kinds it last found
 * absent (or someone else's) or deleted, and has not applied since. A reconcile deletes the kinds its
 * spec does not want (the PodDisruptionBudget below 2 replicas, the review ClusterRoleBinding of an
 * anonymous API, the serving objects of a disabled one); without this it would GET each of them on
 * every sync of every registry, only to find again that it is not there.
 *
 * Sound because only the leader writes these objects (every write is guarded by the lease) and a
 * replica that loses the lease exits (controller/main.ts): while this process runs, none of ours
 * appears that it did not apply itself. A new process starts knowing nothing and looks once.
 */

/** registry uid → kinds known absent. */
const absent = new Map<string, Set<string>>();

export function knownAbsent(uid: string | undefined, kind: string): boolean {
  return Boolean(uid && absent.get(uid)?.has(kind));
}

/** After a lookup found none of ours, or a delete of ours. */
export function markAbsent(uid: string | undefined, kind: string): void {
  if (!uid) return;
  const kinds = absent.get(uid) ?? new Set<string>();
  kinds.add(kind);
  absent.set(uid, kinds);
}

/** Before an apply: from then on the object may exist. */
export function markApplying(uid: string | undefined, kind: string): void {
  if (uid) absent.get(uid)?.delete(kind);
}

/** The registry is being deleted (its finalizer looks at everything itself). */
export function forgetRegistry(uid: string | undefined): void {
  if (uid) absent.delete(uid);
}
