/**
 * The reconcile benchmark's baseline (issue #34): a reconciler that writes, for each MCPRegistry, the
 * same storage ConfigMaps and the same status our controller wrote for one registry of the same spec
 * (TEMPLATE, captured by the benchmark from a run of ours), and nothing else: no source read, no
 * pipeline, no finalizer, no Event. Fed by a list+watch and a de-duplicating queue with N workers. It
 * measures the apiserver round trips and bytes any controller pays per registry (a GET, a ConfigMap
 * create per storage ConfigMap, a status PATCH).
 *   node bench/servers/trivial-reconciler.ts KUBECONFIG NAMESPACE WORKERS TEMPLATE.json
 * TEMPLATE: {registry, configMaps: [{name, labels, annotations, data?, binaryData?}], status}, the
 * captured registry's name standing in each ConfigMap name and in the status.
 */
import { readFileSync } from 'node:fs';
import { KubeClient } from '../../src/kube/client.ts';
import { GROUP, KIND, LABEL_REGISTRY, PLURAL } from '../../src/api/constants.ts';

const [kubeconfig, namespace, workersArg, templateFile] = process.argv.slice(2);
const client = KubeClient.load({ kubeconfig });
const ref = { group: GROUP, version: 'v1beta1', plural: PLURAL, namespace };
const cmRef = { group: '', version: 'v1', plural: 'configmaps', namespace };
interface Obj {
  metadata: { name: string; uid?: string; generation?: number; resourceVersion?: string };
  status?: { phase?: string };
}
export interface Template {
  registry: string;
  configMaps: {
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    data?: Record<string, string>;
    binaryData?: Record<string, string>;
  }[];
  status: Record<string, unknown>;
}
const template = JSON.parse(readFileSync(String(templateFile), 'utf8')) as Template;
const statusText = JSON.stringify(template.status);

async function store(o: Obj): Promise<void> {
  const name = o.metadata.name;
  for (const cm of template.configMaps) {
    const body = {
      metadata: {
        name: cm.name.replace(template.registry, name),
        namespace,
        labels: { ...cm.labels, [LABEL_REGISTRY]: name },
        annotations: cm.annotations,
        ownerReferences: [
          {
            apiVersion: `${GROUP}/v1beta1`,
            kind: KIND,
            name,
            uid: o.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      ...(cm.data ? { data: cm.data } : {}),
      ...(cm.binaryData ? { binaryData: cm.binaryData } : {}),
    };
    try {
      await client.create(cmRef, body);
    } catch (e) {
      // Written by an earlier try of this registry whose status write failed: the content is the same.
      if ((e as { status?: number }).status !== 409) throw e;
    }
  }
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
      await store(o);
      const status = JSON.parse(statusText.split(template.registry).join(name)) as Record<string, unknown>;
      await client.patch({ ...ref, name, subresource: 'status' }, 'merge', {
        status: { ...status, phase: 'Ready', observedGeneration: o.metadata.generation },
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
