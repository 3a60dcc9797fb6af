/**
 * The path prefix the page is served under (`thv-registry-api --base-path`, SPEC §13), from the
 * `thv-base-path` meta tag the server writes into the page (server/base-page.ts); '' at the root. The
 * views speak in paths from the root of the app (`/servers/x`, `/api/v1/...`); these two functions are
 * the only places the prefix is added or taken off.
 */
const meta = document.querySelector<HTMLMetaElement>('meta[name="thv-base-path"]');
export const BASE = meta?.content ?? '';

/** `/servers/x` → `/registry/servers/x`; the app's root `/` → `/registry/`. */
export const withBase = (path: string): string => BASE + path;

/** The location's path from the app's root (`/registry/servers/x` → `/servers/x`). */
export function withoutBase(pathname: string): string {
  if (!BASE) return pathname;
  if (pathname === BASE) return '/';
  return pathname.startsWith(`${BASE}/`) ? pathname.slice(BASE.length) : pathname;
}
