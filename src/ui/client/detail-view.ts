/** One server: everything a developer needs to decide on it and to run it, with copyable snippets. */
import { h, type ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { safeHref, type Detail, type Known, type Variable } from '../core/detail.ts';
import { thvRunCommand } from '../core/snippets.ts';
import { AuthRequired, NotFound } from './api.ts';
import { loadDetail } from './detail-load.ts';
import { CopyButton } from './copy-button.ts';
import { InstallPanels } from './install-view.ts';
import { Badges } from './list-view.ts';
import { linkClick } from './router.ts';
import { withBase } from './base.ts';
import { TrustSections } from './trust-view.ts';

type State =
  | { kind: 'loading' }
  | { kind: 'ok'; d: Detail; k8s?: string | undefined }
  | { kind: 'missing'; message: string }
  | { kind: 'error'; message: string };

function Section(props: { id: string; title: string; children?: ComponentChildren }) {
  return h('section', { class: 'section', 'aria-labelledby': props.id }, [
    h('h2', { id: props.id }, props.title),
    props.children,
  ]);
}

function Overview({ text }: { text: string }) {
  const [html, setHtml] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    void import('./markdown.ts').then((m) => live && setHtml(m.renderMarkdown(text)));
    return () => void (live = false);
  }, [text]);
  // markdown.ts escapes all raw HTML and drops unsafe links; see its header.
  return html === undefined
    ? h('p', { class: 'muted' }, 'Loading…')
    : h('div', { class: 'markdown', dangerouslySetInnerHTML: { __html: html } });
}

const yes = (b: boolean, word: string) =>
  b ? h('span', { class: `marker marker-${word.toLowerCase()}` }, word) : h('span', { class: 'muted' }, '—');

function VariablesTable(props: { vars: Variable[]; caption: string }) {
  return h('table', null, [
    h('caption', { class: 'visually-hidden' }, props.caption),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ['Name', 'Description', 'Required', 'Secret', 'Default'].map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h(
      'tbody',
      null,
      props.vars.map((v) =>
        h('tr', { key: v.name }, [
          h('th', { scope: 'row' }, h('code', null, v.name)),
          h('td', null, v.description ?? ''),
          h('td', null, yes(v.required, 'Required')),
          h('td', null, yes(v.secret, 'Secret')),
          h(
            'td',
            null,
            v.default !== undefined ? h('code', null, v.default) : h('span', { class: 'muted' }, '—'),
          ),
        ]),
      ),
    ),
  ]);
}

function ExternalLink(props: { url: string }) {
  const href = safeHref(props.url);
  return href ? h('a', { href, rel: 'noopener noreferrer' }, props.url) : h('span', null, props.url);
}

function DetailBody({ d, k8s }: { d: Detail; k8s?: string | undefined }) {
  const facts: [string, ComponentChildren][] = [];
  if (d.version) facts.push(['Version', d.version]);
  else if (d.imageTag) facts.push(['Image tag', h('code', null, d.imageTag)]);
  if (d.otherVersions.length) facts.push(['Image tags', d.otherVersions.join(', ')]);
  // A mirrored registry serves older versions too (`/versions/{v}`): name them when there are any.
  if (d.versions && d.versions.length > 1) facts.push(['Versions', d.versions.join(', ')]);
  if (d.stars !== undefined) facts.push(['Stars', d.stars.toLocaleString('en')]);
  if (d.pulls !== undefined) facts.push(['Pulls', d.pulls.toLocaleString('en')]);
  if (d.lastUpdated)
    facts.push(['Last updated', h('time', { dateTime: d.lastUpdated }, d.lastUpdated.slice(0, 10))]);
  if (d.repositoryUrl) facts.push(['Repository', h(ExternalLink, { url: d.repositoryUrl })]);
  if (d.upstreamName !== d.name) facts.push(['Registry name', h('code', null, d.upstreamName)]);
  const run = thvRunCommand(d.name);
  return h('div', { class: 'detail-grid' }, [
    h('div', { class: 'detail-main' }, [
      h(Section, { id: 'use', title: 'Run it' }, [
        h('p', null, 'With ToolHive:'),
        h('pre', { class: 'snippet', 'aria-label': 'thv run command' }, h('code', null, run)),
        h(CopyButton, { text: run, label: 'Copy thv run command' }),
        h('p', null, 'In an MCP client (only the required settings; replace or supply the placeholders):'),
        h(InstallPanels, { d }),
        ...(k8s
          ? [
              h(
                'p',
                null,
                'On Kubernetes, as a ToolHive workload (admission fills the rest from this catalog):',
              ),
              h('pre', { class: 'snippet', 'aria-label': 'Kubernetes manifest' }, h('code', null, k8s)),
              h(CopyButton, { text: k8s, label: 'Copy Kubernetes manifest' }),
            ]
          : []),
      ]),
      d.overview
        ? h(Section, { id: 'overview', title: 'Overview' }, h(Overview, { text: d.overview }))
        : null,
      h(
        Section,
        { id: 'tools', title: `Tools (${d.tools.length})` },
        d.tools.length
          ? h(
              'ul',
              { class: 'tools' },
              d.tools.map((t) =>
                h('li', { key: t.name }, [
                  h('code', null, t.name),
                  t.description ? h('span', null, ` — ${t.description}`) : null,
                ]),
              ),
            )
          : h('p', { class: 'muted' }, 'The catalog lists no tools for this server.'),
      ),
      h(
        Section,
        { id: 'env', title: 'Environment variables' },
        d.env.length
          ? h(VariablesTable, { vars: d.env, caption: 'Environment variables' })
          : h('p', { class: 'muted' }, 'None.'),
      ),
      ...TrustSections({ d }),
      d.packages.length
        ? h(
            Section,
            { id: 'packages', title: 'Packages' },
            h('table', null, [
              h('caption', { class: 'visually-hidden' }, 'Packages'),
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  ['Registry', 'Package', 'Version', 'Transport'].map((c) => h('th', { scope: 'col' }, c)),
                ),
              ),
              h(
                'tbody',
                null,
                d.packages.map((p) =>
                  h('tr', null, [
                    h('td', null, p.registryType.toUpperCase()),
                    h('th', { scope: 'row' }, h('code', null, p.identifier)),
                    h('td', null, p.version ?? '—'),
                    h('td', null, p.transport ?? '—'),
                  ]),
                ),
              ),
            ]),
          )
        : null,
      d.remotes.length
        ? h(
            Section,
            { id: 'remotes', title: 'Remote endpoints' },
            d.remotes.map((r) =>
              h('div', { class: 'remote' }, [
                h('p', null, [
                  h('span', { class: 'badge badge-transport' }, r.type),
                  ' ',
                  h('code', null, r.url),
                ]),
                r.headers.length
                  ? h(VariablesTable, { vars: r.headers, caption: `Headers for ${r.url}` })
                  : null,
              ]),
            ),
          )
        : null,
    ]),
    h(
      'aside',
      { class: 'detail-facts', 'aria-label': 'About this server' },
      h(
        'dl',
        null,
        facts.flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
      ),
    ),
  ]);
}

export function DetailView(props: {
  name: string;
  backHref: string;
  onAuth: (message: string) => void;
  known?: Known;
}) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    let live = true;
    setState({ kind: 'loading' });
    loadDetail(props.name, props.known).then(
      ({ d, k8s }) => {
        if (!live) return;
        setState({ kind: 'ok', d, k8s });
      },
      (e: unknown) => {
        if (!live) return;
        if (e instanceof AuthRequired) return props.onAuth(e.message);
        const message = e instanceof Error ? e.message : String(e);
        setState(e instanceof NotFound ? { kind: 'missing', message } : { kind: 'error', message });
      },
    );
    return () => void (live = false);
  }, [props.name, attempt]);
  useEffect(() => heading.current?.focus(), [props.name]);
  useEffect(() => {
    document.title = `${props.name} · MCP server catalog`;
  }, [props.name]);
  const d = state.kind === 'ok' ? state.d : undefined;
  return h('main', { id: 'main', class: 'detail', tabIndex: -1 }, [
    h(
      'p',
      { class: 'back' },
      h('a', { href: withBase(props.backHref), onClick: linkClick(props.backHref) }, '← All servers'),
    ),
    h('header', { class: 'detail-head' }, [
      h('h1', { ref: heading, tabIndex: -1 }, props.name),
      d ? h(Badges, { tier: d.tier, transport: d.transport, status: d.status }) : null,
    ]),
    d?.title ? h('p', { class: 'server-title' }, d.title) : null,
    d ? h('p', { class: 'lead' }, d.description) : null,
    d?.status === 'Deprecated'
      ? h(
          'p',
          { class: 'notice', role: 'note' },
          `This server is deprecated${d.statusMessage ? `: ${d.statusMessage}` : '.'}`,
        )
      : null,
    d?.tags.length
      ? h('p', { class: 'tags' }, [
          h('span', { class: 'visually-hidden' }, 'Tags: '),
          ...d.tags.map((t) => h('span', { class: 'tag' }, t)),
        ])
      : null,
    state.kind === 'loading' ? h('p', { class: 'muted', role: 'status' }, 'Loading…') : null,
    state.kind === 'missing'
      ? h('p', { role: 'alert' }, `No server named “${props.name}” in this catalog.`)
      : null,
    state.kind === 'error'
      ? h('div', { class: 'message-box' }, [
          h('p', { role: 'alert' }, `Could not load this server. ${state.message}`),
          h(
            'button',
            { type: 'button', class: 'button primary', onClick: () => setAttempt(attempt + 1) },
            'Retry',
          ),
        ])
      : null,
    d ? h(DetailBody, { d, k8s: state.kind === 'ok' ? state.k8s : undefined }) : null,
  ]);
}
