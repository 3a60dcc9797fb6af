/** Turns a Catalog into the snapshot's entries: both wire shapes computed once per reload. */
import {
  OFFICIAL_META,
  officialFacts,
  toToolhiveServer,
  toUpstreamServerResponse,
  type Catalog,
  type CatalogServer,
  type ServerVersion,
} from '../../registry/index.ts';
import { buildSnapshot, sha256, type EntryInput, type Snapshot, type VersionInput } from './snapshot.ts';

export function catalogEntries(catalog: Catalog): EntryInput[] {
  return entryInputs(catalog.servers);
}

function entryInputs(servers: readonly CatalogServer[]): EntryInput[] {
  return servers.map((s) => {
    const up = toUpstreamServerResponse(s);
    return {
      name: s.name,
      description: s.description,
      tags: s.tags,
      toolhive: (toToolhiveServer(s) ?? { description: s.description ?? '', upstream_only: true }) as Record<
        string,
        unknown
      >,
      server: up.server,
      meta: up._meta,
      // The source registry's official dates win; a ToolHive entry's metadata.last_updated is next.
      updatedAt: s.official.updatedAt ?? s.lastUpdated,
      official: s.official,
      ...(s.versions && { versions: s.versions.map(versionInput) }),
    };
  });
}

/** Another version as the source registry gave it: its official facts, and its other `_meta` keys. */
function versionInput(v: ServerVersion): VersionInput {
  const { [OFFICIAL_META]: _official, ...others } = v.registryMeta ?? {};
  return {
    server: v.upstream,
    ...(Object.keys(others).length > 0 && { meta: others }),
    official: officialFacts(v.registryMeta, undefined),
  };
}

export interface SnapshotSource {
  registryName: string;
  displayName?: string;
  source: string;
}

export function snapshotOf(
  catalog: Catalog,
  text: string,
  src: SnapshotSource,
  format: 'toolhive' | 'upstream' = 'toolhive',
): Snapshot {
  return buildSnapshot(
    {
      registryName: src.registryName,
      displayName: src.displayName,
      format,
      version: catalog.meta?.version,
      lastUpdated: catalog.meta?.lastUpdated,
      source: src.source,
      digest: sha256(text),
    },
    catalogEntries(catalog),
    undefined,
    // Servers the source deleted whole: served by /v0.1 on request only (SPEC §14).
    entryInputs(catalog.withdrawn ?? []),
  );
}
