/** The cluster-side verbs other than list: add, sync, info and remove. */
import { ANNOTATION_SYNC_TRIGGER, GROUP, SINGULAR } from '../api/constants.ts';
import type { MCPRegistryV1beta1 } from '../api/types.ts';
import { KubeApiError } from '../kube/client.ts';
import { buildRegistry, flagHint, type AddFlags } from './build.ts';
import { renderWarnings, type Cluster, type Target } from './cluster.ts';
import { parseTimeout } from './duration.ts';
import { CliError, ServerError, UsageError } from './errors.ts';
import { structured, type StructuredFormat } from './format.ts';
import { renderInfo, recentEvents, type EventLike, type ServerRow } from './info-render.ts';
import type { CliIO } from './io.ts';
import { waitForSync, type WaitGoal } from './wait.ts';

const QUALIFIED = `${SINGULAR}.${GROUP}`;

export interface WaitFlags {
  wait?: boolean;
  timeout: string;
}

function single(cluster: Cluster, verb: string): string {
  if (cluster.allNamespaces)
    throw new UsageError(
      `-A/--all-namespaces cannot be used with ${verb}`,
      'Name the namespace with -n NAMESPACE (only list works across namespaces).',
    );
  return cluster.namespace;
}

/** Sends a write and prints the apiserver's warnings whether it succeeds or fails. */
async function write<T>(
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

async function follow(cluster: Cluster, io: CliIO, name: string, goal: WaitGoal, timeout: string) {
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

export interface InfoOptions {
  servers?: boolean;
  output?: StructuredFormat;
}

/** The controller's storage reader (src/controller/storage.ts), which handles gzip and shards. */
interface StorageModule {
  readStoredCatalog(
    client: Cluster['client'],
    namespace: string,
    name: string,
  ): Promise<{ catalog: { servers: { name: string; kind: string; transport?: string; tags: string[] }[] } }>;
}

// TODO(controller): import '../controller/storage.ts' statically once it is on main; a variable
// specifier keeps the type check green until then.
const STORAGE_MODULE = '../controller/storage.ts';

async function storedServers(cluster: Cluster, ns: string, name: string): Promise<ServerRow[]> {
  const { readStoredCatalog } = (await import(STORAGE_MODULE)) as StorageModule;
  const stored = await cluster.call({ namespace: ns }, () => readStoredCatalog(cluster.client, ns, name));
  return stored.catalog.servers.map((s) => ({
    name: s.name,
    kind: s.kind,
    ...(s.transport ? { transport: s.transport } : {}),
    tags: s.tags,
  }));
}

export async function runInfo(cluster: Cluster, io: CliIO, name: string, o: InfoOptions): Promise<void> {
  const ns = single(cluster, 'info');
  const registry = await cluster.call({ namespace: ns, name }, () =>
    cluster.client.get<MCPRegistryV1beta1>(cluster.registries(ns, name)),
  );
  let events: EventLike[] | { error: string };
  try {
    const list = await cluster.client.list<EventLike>(
      { group: '', version: 'v1', plural: 'events', namespace: ns },
      { fieldSelector: `involvedObject.uid=${registry.metadata.uid ?? ''}` },
    );
    events = recentEvents(list.items);
  } catch (e) {
    events = { error: e instanceof Error ? e.message : String(e) };
  }
  let servers: ServerRow[] | undefined;
  if (o.servers) {
    if (!registry.status?.storage?.configMaps?.length)
      throw new CliError(
        `MCPRegistry "${name}" has no stored data yet (phase ${registry.status?.phase ?? '<none>'}).`,
        `Wait for the first sync: \`thv registry sync ${name} -n ${ns} --wait\`.`,
      );
    servers = await storedServers(cluster, ns, name);
  }
  if (o.output) io.out(structured({ registry, events, ...(servers ? { servers } : {}) }, o.output));
  else io.out(renderInfo({ registry, events, servers, now: io.now() }));
}

export async function runRemove(cluster: Cluster, io: CliIO, names: string[], o: WaitFlags): Promise<void> {
  const ns = single(cluster, 'remove');
  const timeoutMs = o.wait ? parseTimeout('--timeout', o.timeout) : 0;
  for (const name of names) {
    const target = { namespace: ns, name };
    const body = await cluster.call(target, async () => {
      const r = await cluster.client.request<MCPRegistryV1beta1 | { kind: 'Status' }>(
        `/apis/${GROUP}/v1beta1/namespaces/${encodeURIComponent(ns)}/mcpregistries/${encodeURIComponent(name)}`,
        { method: 'DELETE' },
      );
      io.err(renderWarnings(r.warnings));
      return r.body;
    });
    io.out(`${QUALIFIED} "${name}" deleted\n`);
    const pending = 'metadata' in body && body.metadata.finalizers?.length;
    if (pending && !o.wait)
      io.err(
        `  the operator is cleaning up what "${name}" owns (finalizer ${body.metadata.finalizers?.join(', ')}); --wait waits for it\n`,
      );
    if (o.wait) await waitGone(cluster, io, ns, name, timeoutMs, o.timeout);
  }
}

async function waitGone(
  cluster: Cluster,
  io: CliIO,
  ns: string,
  name: string,
  timeoutMs: number,
  text: string,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await cluster.client.get(cluster.registries(ns, name));
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return;
      throw await cluster.explain(e, { namespace: ns, name });
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new CliError(
    `timed out after ${text} waiting for MCPRegistry "${name}" to be deleted.`,
    `Its finalizer waits for the operator; check that it runs (kubectl get pods -n toolhive-system) and \`kubectl get mcpregistry ${name} -n ${ns} -o yaml\`.`,
  );
}
