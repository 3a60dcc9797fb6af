/** `thv registry info`: the object, its recent Events and, with --servers, the stored catalog. */
import type { MCPRegistryV1beta1 } from '../../api/types.ts';
import { readStoredCatalog } from '../../storage/configmaps.ts';
import type { ServerVersion } from '../../registry/model.ts';
import { officialOf } from '../../registry/status.ts';
import { timeKey } from '../../registry/time.ts';
import type { Cluster } from '../cluster.ts';
import { CliError } from '../errors.ts';
import { structured, type StructuredFormat } from '../format.ts';
import { renderInfo, recentEvents, type EventLike, type ServerRow } from './info-render.ts';
import type { CliIO } from '../io.ts';
import { single } from './shared.ts';

export interface InfoOptions {
  servers?: boolean;
  /** With -o json|yaml: wrap the object with its events (and --servers rows) instead of printing it alone. */
  events?: boolean;
  output?: StructuredFormat;
}

async function storedServers(cluster: Cluster, ns: string, name: string): Promise<ServerRow[]> {
  const stored = await cluster.call({ namespace: ns }, () => readStoredCatalog(cluster.client, ns, name));
  if (!stored)
    throw new CliError(
      `the storage of MCPRegistry "${name}" is not there although its status names it.`,
      `The operator rewrites it on the next sync: \`thv registry sync ${name} -n ${ns} --wait\`.`,
    );
  return stored.catalog.servers.map((s) => ({
    name: s.name,
    version: s.version,
    kind: s.kind,
    ...(s.transport ? { transport: s.transport } : {}),
    status: s.official.status,
    tags: s.tags,
    ...(s.versions?.length && { olderVersions: olderVersions(s.versions) }),
  }));
}

/** The versions a registry source kept beside the catalogued one, newest published first. */
export function olderVersions(versions: readonly ServerVersion[]): string[] {
  const published = (v: ServerVersion) => timeKey(officialOf(v.registryMeta).publishedAt) ?? -1n;
  return versions
    .map((v, i) => ({ v, i, k: published(v) }))
    .sort((a, b) => (a.k === b.k ? a.i - b.i : a.k > b.k ? -1 : 1))
    .map(({ v }) => {
      const status = officialOf(v.registryMeta).status;
      const version = typeof v.upstream.version === 'string' ? v.upstream.version : '?';
      return status === 'deprecated' || status === 'deleted' ? `${version} (${status})` : version;
    });
}

export async function runInfo(cluster: Cluster, io: CliIO, name: string, o: InfoOptions): Promise<void> {
  const ns = single(cluster, 'info');
  const registry = await cluster.call({ namespace: ns, name }, () =>
    cluster.client.get<MCPRegistryV1beta1>(cluster.registries(ns, name)),
  );
  // -o json|yaml alone is the object alone, as kubectl get -o yaml prints it: re-appliable, pipeable.
  if (o.output && !o.events && !o.servers) return io.out(structured(registry, o.output));
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
  let servers: ServerRow[] | { error: string } | undefined;
  if (o.servers) {
    if (!registry.status?.storage?.configMaps?.length)
      throw new CliError(
        `MCPRegistry "${name}" has no stored data yet (phase ${registry.status?.phase ?? '<none>'}).`,
        `Wait for the first sync: \`thv registry sync ${name} -n ${ns} --wait\`.`,
      );
    try {
      servers = await storedServers(cluster, ns, name);
    } catch (e) {
      // Reading storage needs ConfigMap access that a registry's user may not have (a Role on
      // mcpregistries only): show the rest, as for Events, and say what is missing.
      if (!(e instanceof CliError) || !/^permission denied:/.test(e.message)) throw e;
      servers = { error: `${e.message}${e.hint ? ` ${e.hint}` : ''}` };
    }
  }
  if (o.output) io.out(structured({ registry, events, ...(servers ? { servers } : {}) }, o.output));
  else io.out(renderInfo({ registry, events, servers, now: io.now() }));
}
