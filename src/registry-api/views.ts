/** The two wire shapes of one server, and the list envelope both APIs share. */
import type { ApiEntry, ApiVersion } from './snapshot/snapshot.ts';
import type { Format, Page } from './query.ts';

export const OFFICIAL_META_KEY = 'io.modelcontextprotocol.registry/official';

/** A ToolHive-format entry with its name (the map key in a registry.json). */
export function toolhiveView(e: ApiEntry): Record<string, unknown> {
  return { ...e.toolhive, name: e.name };
}

/**
 * An upstream ServerResponse of one version. Status, status message and dates are the source's,
 * unchanged, to the digit (a ToolHive `Deprecated` server is `deprecated`); the catalogued version
 * is the latest.
 */
export function upstreamView(e: ApiVersion): { server: unknown; _meta: Record<string, unknown> } {
  const official: Record<string, unknown> = { status: e.status };
  if (e.statusMessage !== undefined) official.statusMessage = e.statusMessage;
  official.statusChangedAt = e.statusChangedAt;
  official.publishedAt = e.publishedAt;
  official.updatedAt = e.updatedAt;
  official.isLatest = e.isLatest;
  return { server: e.server, _meta: { ...e.meta, [OFFICIAL_META_KEY]: official } };
}

export function view(e: ApiEntry, format: Format): unknown {
  return format === 'upstream' ? upstreamView(e) : toolhiveView(e);
}

export interface ListBody {
  servers: unknown[];
  metadata: { count: number; nextCursor?: string };
}

export function listBody(p: Page, format: Format): ListBody {
  const metadata: ListBody['metadata'] = { count: p.items.length };
  if (p.nextCursor) metadata.nextCursor = p.nextCursor;
  return { servers: p.items.map((e) => view(e, format)), metadata };
}

/** An upstream ServerList of versions (`/v0.1/servers`, `/versions`). */
export function versionListBody(items: readonly ApiVersion[], nextCursor?: string): ListBody {
  const metadata: ListBody['metadata'] = { count: items.length };
  if (nextCursor) metadata.nextCursor = nextCursor;
  return { servers: items.map(upstreamView), metadata };
}
