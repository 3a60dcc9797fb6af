/** `thv registry list`: the registries of one namespace (or all) as a table, names, JSON or YAML. */
import { API_VERSION_V1BETA1, LIST_KIND, SINGULAR, GROUP, defaultFormatOf } from '../../api/constants.ts';
import type { MCPRegistryV1beta1 } from '../../api/types.ts';
import type { Cluster } from '../cluster.ts';
import { NONE, age, structured, table } from '../format.ts';
import type { CliIO } from '../io.ts';

export const LIST_OUTPUTS = ['table', 'wide', 'json', 'yaml', 'name'] as const;
export type ListOutput = (typeof LIST_OUTPUTS)[number];

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
  view: Omit<ListView, 'wide'>,
): string {
  switch (output) {
    case 'json':
    case 'yaml':
      return structured(
        { apiVersion: API_VERSION_V1BETA1, kind: LIST_KIND, metadata: {}, items: [...items] },
        output,
      );
    case 'name':
      return items.map((r) => `${SINGULAR}.${GROUP}/${r.metadata.name}\n`).join('');
    default:
      return listTable(items, { ...view, wide: output === 'wide' });
  }
}

export async function runList(cluster: Cluster, io: CliIO, output: ListOutput): Promise<void> {
  const ns = cluster.allNamespaces ? undefined : cluster.namespace;
  const { items } = await cluster.call({ namespace: ns }, () =>
    cluster.client.list<MCPRegistryV1beta1>(cluster.registries(ns)),
  );
  if (items.length === 0 && (output === 'table' || output === 'wide')) {
    io.err(
      ns
        ? `No MCPRegistries found in namespace "${ns}". Add one with \`thv registry add NAME -n ${ns} --configmap CONFIGMAP\`.\n`
        : 'No MCPRegistries found in any namespace.\n',
    );
    return;
  }
  io.out(renderList(items, output, { allNamespaces: cluster.allNamespaces, now: io.now() }));
}
