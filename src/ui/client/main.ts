/**
 * The catalog page: loads the catalog summary once (or asks for credentials when the API says 401),
 * then renders the list or one server by the URL. See docs/ui.md.
 */
import './styles.css';
import { h, render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { indexServers, queryString, type Indexed } from '../core/query.ts';
import { findServer, type CatalogSummary } from '../core/summary.ts';
import { AuthRequired, credential, getJson } from './api.ts';
import { DetailView } from './detail-view.ts';
import { ListView } from './list-view.ts';
import { linkClick, onNavigate, routeOf, type Route } from './router.ts';
import { TokenView } from './token-view.ts';
import { withBase } from './base.ts';

type Catalog =
  | { kind: 'loading' }
  | { kind: 'ok'; summary: CatalogSummary; index: Indexed[] }
  | { kind: 'auth'; message: string }
  | { kind: 'error'; message: string };

const here = () => routeOf(location);

function Header(props: { summary?: CatalogSummary; signedIn: boolean; onSignOut: () => void }) {
  const r = props.summary?.registry;
  return h('header', { class: 'top' }, [
    h('a', { class: 'skip', href: '#main' }, 'Skip to content'),
    h('div', { class: 'top-inner' }, [
      h('a', { class: 'brand', href: withBase('/'), onClick: linkClick('/') }, [
        h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '◆'),
        r ? (r.displayName ?? r.name) : 'MCP server catalog',
      ]),
      r
        ? h(
            'span',
            { class: 'muted registry-meta' },
            `${r.serverCount} MCP servers${r.lastUpdated ? ` · updated ${r.lastUpdated.slice(0, 10)}` : ''}`,
          )
        : null,
      props.signedIn
        ? h('button', { type: 'button', class: 'button', onClick: props.onSignOut }, 'Sign out')
        : null,
    ]),
  ]);
}

function App() {
  const [route, setRoute] = useState<Route>(here);
  const [catalog, setCatalog] = useState<Catalog>({ kind: 'loading' });
  const [lastList, setLastList] = useState('/');
  useEffect(() => onNavigate(() => setRoute(here())), []);
  const load = useCallback(() => {
    setCatalog({ kind: 'loading' });
    getJson<CatalogSummary>('/ui/catalog.json').then(
      (summary) => setCatalog({ kind: 'ok', summary, index: indexServers(summary.servers) }),
      (e: unknown) => {
        if (e instanceof AuthRequired) {
          // A stored credential the API refuses (expired, rotated) is dropped, and the user asked again.
          const had = credential.get() !== undefined;
          credential.clear();
          setCatalog({ kind: 'auth', message: had ? e.message : '' });
        } else setCatalog({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
      },
    );
  }, []);
  useEffect(load, [load]);
  useEffect(() => {
    if (route.kind === 'list') {
      setLastList(`/${queryString(route.query)}`);
      if (catalog.kind === 'ok')
        document.title = `${catalog.summary.registry.displayName ?? catalog.summary.registry.name} · MCP server catalog`;
    }
  }, [route, catalog]);
  useEffect(() => {
    if (
      catalog.kind === 'ok' &&
      route.kind === 'list' &&
      !performance.getEntriesByName('catalog:list-rendered').length
    )
      performance.mark('catalog:list-rendered');
  }, [catalog, route]);

  const signOut = () => {
    credential.clear();
    load();
  };
  const onAuth = (message: string) => {
    credential.clear();
    setCatalog({ kind: 'auth', message });
  };
  const ok = catalog.kind === 'ok' ? catalog : undefined;
  let body;
  if (catalog.kind === 'auth')
    body = h(TokenView, {
      message: catalog.message,
      onSubmit: (t) => {
        credential.set(t);
        load();
      },
    });
  else if (catalog.kind === 'error')
    body = h('main', { id: 'main', class: 'message' }, [
      h('h1', null, 'The catalog could not be loaded'),
      h('p', { role: 'alert' }, catalog.message),
      h('button', { type: 'button', class: 'button primary', onClick: load }, 'Retry'),
    ]);
  else if (route.kind === 'detail' && ok) {
    // The catalog names each server by its key and, for upstream entries, by its full server.json name
    // (`io.github.stacklok/github`): a link by either opens the same server, as the API's /v0.1 does.
    const s = findServer(ok.summary.servers, route.name);
    body = h(DetailView, {
      key: s?.name ?? route.name,
      name: s?.name ?? route.name,
      backHref: lastList,
      onAuth,
      known: {
        ...(ok.summary.registry.format && { format: ok.summary.registry.format }),
        ...(s && { summary: s }),
      },
    });
  } else if (ok && route.kind === 'list')
    body = h(ListView, { index: ok.index, total: ok.summary.servers.length, query: route.query });
  else body = h('main', { id: 'main', class: 'message' }, h('p', { role: 'status' }, 'Loading the catalog…'));
  return h('div', { class: 'app' }, [
    h(Header, { summary: ok?.summary, signedIn: credential.get() !== undefined, onSignOut: signOut }),
    body,
    h('footer', { class: 'foot muted' }, [
      'Served by thv-registry-api · ',
      h('a', { href: withBase('/openapi.json') }, 'API (OpenAPI)'),
    ]),
  ]);
}

render(h(App, null), document.getElementById('app')!);
