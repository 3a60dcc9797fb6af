/** The two wire shapes of one server, and the list envelope both APIs share. */
import type { ApiEntry } from './snapshot.ts';
import type { Format, Page } from './query.ts';

export const OFFICIAL_META_KEY = 'io.modelcontextprotocol.registry/official';

/** A ToolHive-format entry with its name (the map key in a registry.json). */
export function toolhiveView(e: ApiEntry): Record<string, unknown> {
  return { ...e.toolhive, name: e.name };
}

/** An upstream ServerResponse. The catalog holds only current, active servers. */
export function upstreamView(e: ApiEntry): { server: unknown; _meta: Record<string, unknown> } {
  return {
    server: e.server,
    _meta: {
      ...e.meta,
      [OFFICIAL_META_KEY]: {
        status: 'active',
        statusChangedAt: e.publishedAt,
        publishedAt: e.publishedAt,
        updatedAt: e.updatedAt,
        isLatest: true,
      },
    },
  };
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
