/**
 * The reconcile benchmark's baseline: a reconciler that does nothing but mark each MCPRegistry Ready
 * through the status subresource, fed by a list+watch and a de-duplicating queue with N workers. It
 * measures the apiserver round trips any controller pays per object (one GET, one status PATCH).
 *   node bench/servers/trivial-reconciler.ts KUBECONFIG NAMESPACE WORKERS
 */
import { KubeClient } from '../../src/kube/client.ts';
import { GROUP, PLURAL } from '../../src/api/constants.ts';

const [kubeconfig, namespace, workersArg] = process.argv.slice(2);
const client = KubeClient.load({ kubeconfig });
const ref = { group: GROUP, version: 'v1beta1', plural: PLURAL, namespace };
interface Obj {
  metadata: { name: string; generation?: number; resourceVersion?: string };
  status?: { phase?: string };
}

const pending = new Set<string>();
let wake: (() => void) | undefined;
const enqueue = (o: Obj) => {
  if (o.status?.phase === 'Ready') return;
  pending.add(o.metadata.name);
  wake?.();
};

async function worker(): Promise<never> {
  for (;;) {
    const name = pending.values().next().value;
    if (name === undefined) {
      await new Promise<void>((r) => (wake = r));
      continue;
    }
    pending.delete(name);
    try {
      const o = await client.get<Obj>({ ...ref, name });
      await client.patch({ ...ref, name, subresource: 'status' }, 'merge', {
        status: { phase: 'Ready', observedGeneration: o.metadata.generation },
      });
    } catch {
      pending.add(name);
    }
  }
}

for (let i = 0; i < Number(workersArg ?? 4); i++) void worker();
let ready = false;
for (;;) {
  const list = await client.list<Obj>(ref);
  list.items.forEach(enqueue);
  if (!ready) process.stdout.write('ready\n');
  ready = true;
  let rv = list.metadata.resourceVersion;
  // Watch until the stream fails; then re-list (covers 410 Gone) after a short pause.
  for (let ok = true; ok;) {
    ok = await client
      .watch<Obj>(ref, { resourceVersion: rv, allowWatchBookmarks: true }, (e) => {
        rv = e.object.metadata.resourceVersion ?? rv;
        if (e.type === 'ADDED' || e.type === 'MODIFIED') enqueue(e.object);
      })
      .then(() => true)
      .catch(() => false);
  }
  await new Promise((r) => setTimeout(r, 200));
}
