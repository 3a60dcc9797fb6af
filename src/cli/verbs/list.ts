/**
 * `thv registry list`: the registries of one namespace (or all) as a table, names, JSON, YAML or a
 * JSONPath template, with kubectl's -l/--selector, --no-headers and -w/--watch.
 */
import { API_VERSION_V1BETA1, LIST_KIND, SINGULAR, GROUP, defaultFormatOf } from '../../api/constants.ts';
import type { MCPRegistryV1beta1 } from '../../api/types.ts';
import type { KubeStatus } from '../../kube/types.ts';
import type { Cluster } from '../cluster.ts';
import { CliError } from '../errors.ts';
import { NONE, age, structured, table } from '../format.ts';
import type { CliIO } from '../io.ts';
import { JsonPathError, renderJsonPath } from './jsonpath.ts';

export const LIST_OUTPUTS = ['table', 'wide', 'json', 'yaml', 'name'] as const;
export type ListOutput = (typeof LIST_OUTPUTS)[number] | `jsonpath=${string}`;

/** commander's parser for -o: one of LIST_OUTPUTS or jsonpath=TEMPLATE (checked before any request). */
export function parseListOutput(value: string): ListOutput {
  if ((LIST_OUTPUTS as readonly string[]).includes(value)) return value as ListOutput;
  if (value.startsWith('jsonpath=')) {
    renderJsonPath(value.slice('jsonpath='.length), {}); // refuses an unsupported template now
    return value as ListOutput;
  }
  throw new JsonPathError(
    `Allowed choices are ${LIST_OUTPUTS.join(', ')}, or jsonpath=TEMPLATE (e.g. jsonpath='{.items[*].metadata.name}').`,
  );
}

export interface ListFlags {
  output: ListOutput;
  selector?: string;
  /** commander's --no-headers: false when given. */
  headers?: boolean;
  watch?: boolean;
}

export interface ListView {
  allNamespaces: boolean;
  wide: boolean;
  now: Date;
}

const HEADERS = ['NAME', 'PHASE', 'SERVERS', 'SOURCE', 'LAST SYNC', 'AGE'];
const WIDE_HEADERS = ['FORMAT', 'INTERVAL', 'API ENDPOINT'];

const distinct = (values: string[]) => [...new Set(values)].join(',');

/** One row per registry, sorted by namespace and name (what `kubectl get` shows). */
export function listTable(items: readonly MCPRegistryV1beta1[], view: ListView): string {
  const sorted = [...items].sort(
    (a, b) =>
      (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') ||
      (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''),
  );
  const headers = [
    ...(view.allNamespaces ? ['NAMESPACE'] : []),
    ...HEADERS,
    ...(view.wide ? WIDE_HEADERS : []),
  ];
  const rows = sorted.map((r) => {
    const sources = r.spec?.sources ?? [];
    const status = r.status;
    const count = status?.sync?.serverCount;
    return [
      ...(view.allNamespaces ? [r.metadata.namespace ?? ''] : []),
      r.metadata.name ?? '',
      status?.phase ?? NONE,
      count === undefined ? NONE : String(count),
      distinct(sources.map((s) => s.type)) || NONE,
      age(status?.sync?.lastSyncTime, view.now),
      age(r.metadata.creationTimestamp, view.now),
      ...(view.wide
        ? [
            distinct(sources.map((s) => s.format ?? defaultFormatOf(s.type))) || NONE,
            r.spec?.syncPolicy?.interval ?? NONE,
            status?.api?.endpoint ?? NONE,
          ]
        : []),
    ];
  });
  return table(headers, rows);
}

export function renderList(
  items: readonly MCPRegistryV1beta1[],
  output: ListOutput,
  view: Omit<ListView, 'wide'> & { headers?: boolean },
): string {
  if (output.startsWith('jsonpath='))
    return renderJsonPath(output.slice('jsonpath='.length), {
      apiVersion: API_VERSION_V1BETA1,
      kind: LIST_KIND,
      metadata: {},
      items: [...items],
    });
  switch (output) {
    case 'json':
    case 'yaml':
      return structured(
        { apiVersion: API_VERSION_V1BETA1, kind: LIST_KIND, metadata: {}, items: [...items] },
        output,
      );
    case 'name':
      return items.map((r) => `${SINGULAR}.${GROUP}/${r.metadata.name}\n`).join('');
    default: {
      const t = listTable(items, { ...view, wide: output === 'wide' });
      return view.headers === false ? t.slice(t.indexOf('\n') + 1) : t;
    }
  }
}

/** One watch event as -w prints it: a row (no header), the object, its name, or the template over it. */
function renderEvent(r: MCPRegistryV1beta1, output: ListOutput, view: Omit<ListView, 'wide'>): string {
  if (output === 'json' || output === 'yaml') return structured(r, output);
  if (output.startsWith('jsonpath=')) return renderJsonPath(output.slice('jsonpath='.length), r);
  return renderList([r], output, { ...view, headers: false });
}

/**
 * A watch the apiserver ended with an ERROR event (410 Expired: the version it resumed from is gone).
 * The stream closes after it, and watching again from the same version would get the same answer
 * at once, forever: it ends the command instead, saying so.
 */
export function watchEnded(s: KubeStatus): CliError {
  const why = `${s.message || s.reason || 'unknown error'}${s.code ? ` (${s.code})` : ''}`;
  return new CliError(
    `the watch ended: ${why}.`,
    s.code === 410
      ? 'The apiserver no longer holds the changes since the last one shown; run the command again to list and watch from now.'
      : 'Run the command again to list and watch from now.',
  );
}

export async function runList(cluster: Cluster, io: CliIO, flags: ListFlags): Promise<void> {
  const { output } = flags;
  const ns = cluster.allNamespaces ? undefined : cluster.namespace;
  const query = flags.selector ? { labelSelector: flags.selector } : {};
  const list = await cluster.call({ namespace: ns }, () =>
    cluster.client.list<MCPRegistryV1beta1>(cluster.registries(ns), query),
  );
  const { items } = list;
  const view = { allNamespaces: cluster.allNamespaces, now: io.now(), headers: flags.headers };
  if (items.length === 0 && (output === 'table' || output === 'wide')) {
    const matching = flags.selector ? ` matching "${flags.selector}"` : '';
    io.err(
      ns
        ? `No MCPRegistries${matching} found in namespace "${ns}".${flags.selector ? '' : ` Add one with \`thv registry add NAME -n ${ns} --configmap CONFIGMAP\`.`}\n`
        : `No MCPRegistries${matching} found in any namespace.\n`,
    );
    if (!flags.watch) return;
  } else io.out(renderList(items, output, view));
  if (!flags.watch) return;
  // Like kubectl get -w: from the listed version on, one line (or object) per change, until interrupted;
  // a watch the apiserver ends (its timeout) is resumed where it stopped.
  let resourceVersion = list.metadata.resourceVersion;
  for (;;) {
    await cluster.call({ namespace: ns }, () =>
      cluster.client.watch<MCPRegistryV1beta1>(
        cluster.registries(ns),
        { ...query, ...(resourceVersion && { resourceVersion }), allowWatchBookmarks: true },
        (ev) => {
          // Thrown here, it ends the stream and the command (KubeClient.watch rejects with it).
          if (ev.type === 'ERROR') throw watchEnded(ev.object as unknown as KubeStatus);
          resourceVersion = ev.object?.metadata?.resourceVersion ?? resourceVersion;
          if (ev.type === 'ADDED' || ev.type === 'MODIFIED' || ev.type === 'DELETED')
            io.out(renderEvent(ev.object, output, { ...view, now: io.now() }));
        },
      ),
    );
  }
}
