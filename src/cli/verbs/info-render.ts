/** Pure rendering of `thv registry info`: a kubectl-describe-like summary of one registry. */
import { DEFAULT_CONFIGMAP_KEY, DEFAULT_GIT_PATH, defaultFormatOf } from '../../api/constants.ts';
import type { FilterSpec, MCPRegistryV1beta1, SourceV1beta1 } from '../../api/types.ts';
import { NONE, age, table } from '../format.ts';

/** The parts of a core/v1 Event the summary shows. */
export interface EventLike {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: string;
  eventTime?: string;
  firstTimestamp?: string;
  series?: { count?: number; lastObservedTime?: string };
  source?: { component?: string };
  reportingComponent?: string;
  metadata?: { creationTimestamp?: string };
}

export interface ServerRow {
  name: string;
  /** The upstream version (`1.0.0` for ToolHive data, which has none). */
  version: string;
  kind: string;
  transport?: string;
  /** Upstream status: `active`, `deprecated` or `deleted` (what /v0.1 serves). */
  status: string;
  tags: string[];
  /**
   * The other versions a `registry` source keeps, newest published first, a deprecated or deleted
   * one saying so (`1.9.0 (deprecated)`); absent when there are none (other sources: always).
   */
  olderVersions?: string[];
}

/** How many older versions the table names before `+N more` (-o json lists them all). */
export const OLDER_SHOWN = 3;

function older(v: readonly string[] | undefined): string {
  if (!v || v.length === 0) return NONE;
  const more = v.length - OLDER_SHOWN;
  return v.slice(0, OLDER_SHOWN).join(', ') + (more > 0 ? `, +${more} more` : '');
}

export const MAX_EVENTS = 10;

export function sourceLocation(s: SourceV1beta1): string {
  switch (s.type) {
    case 'configmap':
      return `ConfigMap ${s.configMapRef?.name ?? NONE}, key ${s.configMapRef?.key ?? DEFAULT_CONFIGMAP_KEY}`;
    case 'url':
      return s.url?.href ?? NONE;
    case 'git': {
      const ref = s.git?.ref;
      const at = ref?.branch
        ? ` branch ${ref.branch}`
        : ref?.tag
          ? ` tag ${ref.tag}`
          : ref?.commit
            ? ` commit ${ref.commit}`
            : ' (default branch)';
      return `${s.git?.repository ?? NONE}${at}, path ${s.git?.path ?? DEFAULT_GIT_PATH}`;
    }
    case 'registry': {
      // Federation: another MCPRegistry, read through its API (namespace absent = this registry's).
      const ref = s.registry?.registryRef;
      if (ref) return `MCPRegistry ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
      return s.registry?.baseURL ?? NONE;
    }
    case 'kubernetes': {
      const ns = s.kubernetes?.namespaces;
      return `workloads in ${ns?.length ? `namespaces ${ns.join(', ')}` : 'the registry’s namespace'}`;
    }
  }
}

export function filterSummary(f: FilterSpec | undefined): string {
  const parts: string[] = [];
  const add = (label: string, l?: string[]) => {
    if (l?.length) parts.push(`${label} ${l.join(', ')}`);
  };
  add('names include', f?.names?.include);
  add('names exclude', f?.names?.exclude);
  add('tags include', f?.tags?.include);
  add('tags exclude', f?.tags?.exclude);
  return parts.length ? parts.join('; ') : NONE;
}

function when(ts: string | undefined, now: Date): string {
  return ts ? `${ts} (${age(ts, now)} ago)` : NONE;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => (l ? `  ${l}` : l))
    .join('\n');
}

function fields(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}\n`).join('');
}

function eventTime(e: EventLike): string | undefined {
  return e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp;
}

/** The newest events last, at most MAX_EVENTS of them. */
export function recentEvents(events: readonly EventLike[]): EventLike[] {
  return [...events]
    .sort((a, b) => (eventTime(a) ?? '').localeCompare(eventTime(b) ?? ''))
    .slice(-MAX_EVENTS);
}

export function renderServers(servers: readonly ServerRow[]): string {
  if (servers.length === 0) return 'No servers stored.\n';
  // The OLDER column only where a registry source kept other versions: other tables stay as they were.
  if (!servers.some((s) => s.olderVersions?.length))
    return table(
      ['NAME', 'VERSION', 'TYPE', 'TRANSPORT', 'STATUS', 'TAGS'],
      servers.map((s) => [
        s.name,
        s.version,
        s.kind,
        s.transport ?? NONE,
        s.status,
        s.tags.join(',') || NONE,
      ]),
    );
  return table(
    ['NAME', 'VERSION', 'OLDER', 'TYPE', 'TRANSPORT', 'STATUS', 'TAGS'],
    servers.map((s) => [
      s.name,
      s.version,
      older(s.olderVersions),
      s.kind,
      s.transport ?? NONE,
      s.status,
      s.tags.join(',') || NONE,
    ]),
  );
}

export interface InfoInput {
  registry: MCPRegistryV1beta1;
  events: readonly EventLike[] | { error: string };
  servers?: readonly ServerRow[] | { error: string };
  now: Date;
}

export function renderInfo({ registry: r, events, servers, now }: InfoInput): string {
  const st = r.status;
  const sync = st?.sync;
  let out = fields([
    ['Name', r.metadata.name ?? ''],
    ['Namespace', r.metadata.namespace ?? ''],
    ...(r.spec.displayName ? [['Display Name', r.spec.displayName] as [string, string]] : []),
    ['Created', when(r.metadata.creationTimestamp, now)],
    ['Phase', st?.phase ?? NONE],
    ['Message', st?.message ?? NONE],
    [
      'Sync Policy',
      r.spec.syncPolicy?.interval
        ? `every ${r.spec.syncPolicy.interval}`
        : 'on source change and on demand only',
    ],
    ['Filter', filterSummary(r.spec.filter)],
  ]);
  out += 'Sources:\n';
  out += indent(
    table(
      ['NAME', 'TYPE', 'FORMAT', 'LOCATION', 'FILTER'],
      r.spec.sources.map((s) => [
        s.name,
        s.type,
        s.format ?? defaultFormatOf(s.type),
        sourceLocation(s),
        filterSummary(s.filter),
      ]),
    ),
  );
  const servers$ = sync?.serverCount;
  out += 'Sync:\n';
  out += indent(
    fields([
      [
        'Servers',
        servers$ === undefined
          ? NONE
          : `${servers$} (${sync?.invalidServerCount ?? 0} invalid skipped, ${sync?.conflictCount ?? 0} conflicts)`,
      ],
      ['Last Sync', when(sync?.lastSyncTime, now)],
      ['Last Attempt', when(sync?.lastAttemptTime, now)],
      // The status counts attempts since the last success: 0 after one says nothing worth a line.
      ...(sync?.attempts
        ? [['Failed Attempts', `${sync.attempts} since the last success`] as [string, string]]
        : []),
      ['Source Hash', sync?.hash ?? NONE],
      ['Last Manual Trigger', sync?.lastManualSyncTrigger ?? NONE],
    ]),
  );
  const storage = st?.storage;
  out += fields([
    [
      'Storage',
      storage?.configMaps?.length
        ? `ConfigMap ${storage.configMaps.join(', ')}, ${storage.bytes ?? 0} bytes${storage.compressed ? ', gzip-compressed' : ''}`
        : NONE,
    ],
    [
      'API Endpoint',
      st?.api?.endpoint
        ? `${st.api.endpoint} (${st.api.readyReplicas ?? 0} ready replica${st.api.readyReplicas === 1 ? '' : 's'})`
        : NONE,
    ],
  ]);
  const conditions = st?.conditions ?? [];
  out += conditions.length
    ? `Conditions:\n${indent(
        table(
          ['TYPE', 'STATUS', 'REASON', 'AGE', 'MESSAGE'],
          conditions.map((c) => [c.type, c.status, c.reason, age(c.lastTransitionTime, now), c.message]),
        ),
      )}`
    : `Conditions:  ${NONE}\n`;
  if ('error' in events) out += `Events:  cannot list events: ${events.error}\n`;
  else {
    const recent = recentEvents(events);
    out += recent.length
      ? `Events:\n${indent(
          table(
            ['TYPE', 'REASON', 'AGE', 'FROM', 'MESSAGE'],
            recent.map((e) => {
              const count = e.series?.count ?? e.count ?? 1;
              return [
                e.type ?? '',
                e.reason ?? '',
                `${age(eventTime(e), now)}${count > 1 ? ` (x${count})` : ''}`,
                e.reportingComponent || e.source?.component || NONE,
                e.message ?? '',
              ];
            }),
          ),
        )}`
      : `Events:  ${NONE}\n`;
  }
  if (servers && 'error' in servers) out += `Servers: cannot read the stored catalog: ${servers.error}\n`;
  else if (servers) out += `Servers:\n${indent(renderServers(servers))}`;
  return out;
}
