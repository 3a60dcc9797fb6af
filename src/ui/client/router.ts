/**
 * Client-side routes over the History API: `/` (with the list query in the URL) and `/servers/<name>`
 * (the name URL-encoded, as the API's own paths; an unencoded `/` in the name is accepted too). The
 * server answers both paths with the same page, so every view is a shareable deep link.
 */
import { parseQuery, type Query } from '../core/query.ts';
import { withBase, withoutBase } from './base.ts';

export type Route = { kind: 'list'; query: Query } | { kind: 'detail'; name: string };

export function routeOf(loc: { pathname: string; search: string }): Route {
  const pathname = withoutBase(loc.pathname);
  if (pathname.startsWith('/servers/')) {
    const raw = pathname.slice('/servers/'.length);
    let name = raw;
    try {
      name = decodeURIComponent(raw);
    } catch {
      /* keep it as written: the API will say it is not found */
    }
    return { kind: 'detail', name };
  }
  return { kind: 'list', query: parseQuery(new URLSearchParams(loc.search)) };
}

export const serverHref = (name: string) => `/servers/${encodeURIComponent(name)}`;

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((l) => l()));

export function onNavigate(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** `href` is a path from the app's root; the history gets it under the base path. */
export function navigate(href: string, opts: { replace?: boolean } = {}): void {
  const url = withBase(href);
  if (url === location.pathname + location.search) return;
  if (opts.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  listeners.forEach((l) => l());
}

/** For in-page links: a plain left click navigates in place; modified clicks open tabs as usual. */
export function linkClick(href: string) {
  return (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
    window.scrollTo(0, 0);
  };
}
