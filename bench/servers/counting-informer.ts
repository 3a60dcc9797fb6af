/**
 * The discovery benchmark's baseline: an informer that only counts exported MCPServers (annotation
 * `toolhive.stacklok.dev/registry-export: "true"`) across the cluster: one list+watch, a Set of keys,
 * no mapping, no storage. Prints `count N` whenever the count changes. What any watch-driven
 * discovery pays at least: the apiserver's watch delivery and JSON decoding of each event.
 *   node bench/servers/counting-informer.ts KUBECONFIG VERSION
 */
import { KubeClient } from '../../src/kube/client.ts';

const [kubeconfig, version] = process.argv.slice(2);
const client = KubeClient.load({ kubeconfig });
const ref = { group: 'toolhive.stacklok.dev', version: version ?? 'v1beta1', plural: 'mcpservers' };
interface Obj {
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    annotations?: Record<string, string>;
  };
}

const exported = new Set<string>();
let last = -1;
const see = (type: string, o: Obj) => {
  const key = `${o.metadata.namespace}/${o.metadata.name}`;
  if (type !== 'DELETED' && o.metadata.annotations?.['toolhive.stacklok.dev/registry-export'] === 'true')
    exported.add(key);
  else exported.delete(key);
  if (exported.size !== last) {
    last = exported.size;
    process.stdout.write(`count ${last}\n`);
  }
};

let ready = false;
for (;;) {
  const list = await client.list<Obj>(ref);
  exported.clear();
  for (const o of list.items) see('ADDED', o);
  if (!ready) process.stdout.write('ready\n');
  ready = true;
  let rv = list.metadata.resourceVersion;
  for (let ok = true; ok;) {
    ok = await client
      .watch<Obj>(ref, { resourceVersion: rv, allowWatchBookmarks: true }, (e) => {
        rv = e.object.metadata.resourceVersion ?? rv;
        if (e.type !== 'BOOKMARK') see(e.type, e.object);
      })
      .then(() => true)
      .catch(() => false);
  }
  await new Promise((r) => setTimeout(r, 200));
}
