/**
 * The gates themselves: issue #34's table (SPEC §16), which raised some of issue #15's targets and
 * kept the rest; where #15's target was already stricter it stays. Each names the benchmark, the rows
 * it reads and the bound on ours/baseline; the evaluation is in gates.ts.
 */
import type { Gate } from './gates.ts';

/** A scenario pattern: the literal text, where `#` stands for a number. */
export function re(text: string): RegExp {
  const literal = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${literal.replaceAll('#', '\\d+')}$`);
}

const WEBHOOKS: Gate[] = [
  ...(['/validate', '/mutate'] as const).flatMap((p): Gate[] => [
    {
      id: `webhook-throughput-${p.slice(1)}`,
      bench: 'webhook',
      label: `webhook ${p}: closed keep-alive c=8 throughput`,
      scenario: `${p} closed, keep-alive, c=8`,
      metric: 'throughput',
      op: '>=',
      target: 0.95,
      on: 'ratio',
    },
    {
      id: `webhook-open-p99-${p.slice(1)}`,
      bench: 'webhook',
      label: `webhook ${p}: open loop keep-alive p99 (2,000 req/s in a full run)`,
      scenario: re(`${p} open, keep-alive, # req/s`),
      metric: 'p99',
      op: '<=',
      target: 1.2,
      on: 'ratio',
    },
  ]),
  {
    id: 'webhook-rss',
    bench: 'webhook',
    label: 'webhook: server RSS after the run',
    scenario: 'after all runs',
    metric: 'server RSS',
    op: '<=',
    target: 1.3,
    on: 'ratio',
  },
];

const APISERVER_SCENARIOS = [
  ['keepalive', 'keep-alive c=10', 'closed, keep-alive, c=10'],
  ['newconn', 'a new client connection per request, c=50', 'closed, new connection, c=50'],
] as const;

const APISERVER: Gate[] = [
  // Issue #34: the floor of any webhook is the bare HTTPS server registered as the same two webhooks
  // (bench/servers/baseline.ts, a fixed allowed review); ours over it is what our code costs.
  ...APISERVER_SCENARIOS.map(([id, words, sc]): Gate => ({
    id: `apiserver-bare-${id}-p50`,
    bench: 'apiserver',
    label: `apiserver: dry-run creates, our webhooks vs the bare server as the same webhooks, p50 (${words})`,
    scenario: `webhooks vs bare webhooks (the floor), ${sc}`,
    metric: 'p50',
    op: '<=',
    target: 1.05,
    on: 'ratio',
  })),
  // Issue #15 gated these against the CEL ValidatingAdmissionPolicy (1.15× and 1.2×); issue #34 keeps
  // the comparison as information: a webhook's round trip is not ours to remove.
  ...APISERVER_SCENARIOS.map(([id, words, sc], i): Gate => ({
    id: `apiserver-vap-${id}-p50`,
    bench: 'apiserver',
    label: `apiserver: dry-run creates, our webhooks vs the CEL VAP, p50 (${words})`,
    scenario: `webhooks vs VAP, ${sc}`,
    metric: 'p50',
    op: '<=',
    target: i === 0 ? 1.15 : 1.2,
    on: 'ratio',
    info: true,
  })),
  {
    id: 'apiserver-plugin-ms',
    bench: 'apiserver',
    label: 'apiserver: admission plugin time per request (keep-alive c=10), ms',
    scenario: 'webhooks vs VAP, closed, keep-alive, c=10',
    metric: 'admission plugin time per request, measured by the apiserver',
    op: '<=',
    target: 3,
    on: 'ours',
  },
];

const CONVERSION: Gate[] = [
  ...(
    [
      ['p50', 1.15], // issue #15's target; #34 raised only the p99
      ['p99', 1.1],
    ] as const
  ).map(([m, target]): Gate => ({
    id: `conversion-500-${m}`,
    bench: 'conversion',
    label: `conversion: 500 objects over HTTPS ${m} vs identity converter`,
    scenario: 'HTTPS /convert keep-alive c=1, N=500',
    metric: m,
    op: '<=',
    target,
    on: 'ratio',
  })),
  {
    id: 'conversion-500-p99-ms',
    bench: 'conversion',
    label: 'conversion: 500 objects over HTTPS p99, ms',
    scenario: 'HTTPS /convert keep-alive c=1, N=500',
    metric: 'p99',
    op: '<=',
    target: 25,
    on: 'ours',
  },
];

/** The sync benchmark's scenarios: `N servers, P pages` and `N servers × 3 versions, P pages`. */
const SYNC: Gate[] = (
  [
    ['sync', 'sync: 10,000 servers', re('# servers, # pages'), 1.3],
    [
      'mirror-full',
      'mirror: 20,000 servers × 3 versions, full sync',
      re('# servers × 3 versions, # pages'),
      1.5,
    ],
  ] as const
).flatMap(([id, what, scenario, target]): Gate[] => [
  {
    id: `${id}-peak-rss`,
    bench: 'sync',
    label: `${what}, peak RSS of the controller vs fetch+parse+serialise+gzip`,
    scenario,
    metric: 'peak RSS',
    op: '<=',
    target,
    on: 'ratio',
  },
  {
    id: `${id}-wall`,
    bench: 'sync',
    label: `${what}, wall time vs fetch+parse+serialise+gzip`,
    scenario,
    metric: 'full sync wall time',
    op: '<=',
    target,
    on: 'ratio',
  },
]);

/** Through the controller, in the sync benchmark (bench/lib/resync.ts). */
const MIRROR: Gate[] = [
  {
    id: 'mirror-incremental-wall',
    bench: 'sync',
    label: 'mirror: incremental resync, 1% of servers changed, wall vs the full sync',
    scenario: re('# servers × 3 versions, # pages'),
    metric: 'incremental resync wall, 1% of servers changed',
    op: '<=',
    target: 0.1,
    on: 'ratio',
  },
  {
    // A count, not a speed: gated as it is.
    id: 'mirror-incremental-writes',
    bench: 'sync',
    label: 'mirror: incremental resync, ConfigMap writes beyond the ConfigMaps whose content changed',
    scenario: re('# servers × 3 versions, # pages'),
    metric: 'incremental resync: ConfigMap writes beyond the changed ones',
    op: '<=',
    target: 0,
    on: 'ours',
    info: false,
  },
];

const CONTROLLER: Gate[] = [
  {
    id: 'isolation-admission-p99',
    bench: 'isolation',
    label: 'isolation: admission p99 while the largest admitted sync runs, vs idle admission',
    scenario: re('# servers, # globs, open loop # req/s /validate'),
    metric: 'admission p99 while the largest admitted sync runs',
    op: '<=',
    target: 1.5,
    on: 'ratio',
  },
  {
    id: 'reconcile-time',
    bench: 'reconcile',
    label:
      'reconcile: 1,000 MCPRegistries created at once, time until all Ready vs a trivial reconciler writing the same storage ConfigMap and status',
    scenario: re('# MCPRegistries created at once (one run)'),
    metric: 'time until all Ready',
    op: '<=',
    target: 1.3,
    on: 'ratio',
  },
  {
    id: 'reconcile-rss',
    bench: 'reconcile',
    label: 'reconcile: 1,000 MCPRegistries, reconciler peak RSS',
    scenario: re('# MCPRegistries created at once (one run)'),
    metric: 'reconciler peak RSS',
    op: '<=',
    target: 1.5,
    on: 'ratio',
  },
  {
    // Memory is not a speed: KiB per registry above the same replicas before any registry, both
    // measured in this run, says the same on any machine, so this absolute figure is gated.
    id: 'shards-idle-kib-per-registry',
    bench: 'shards',
    label:
      'shards: 10,000 registries on 2 sharded replicas, idle RSS per registry above an empty operator, KiB',
    scenario: / MCPRegistries on 2 replicas, \d+ shards$/,
    metric: 'idle RSS per registry above the empty operator',
    op: '<=',
    target: 20,
    on: 'ours',
    info: false,
  },
  {
    // Issue #34: "replica killed under N registries: its shards reconciled again ≤ lease duration +
    // 10 s", with the 15 s lease: a time, so information only.
    id: 'shards-takeover-s',
    bench: 'shards',
    label: 'shards: replica killed, its registries reconciled again by the other, s',
    scenario: / MCPRegistries on 2 replicas, \d+ shards$/,
    metric: 'replica killed: its registries reconciled again',
    op: '<=',
    target: 25,
    on: 'ours',
  },
];

const API: Gate[] = [
  {
    id: 'api-throughput',
    bench: 'api',
    label: 'api: every scenario, throughput',
    scenario: /.*/,
    metric: 'throughput',
    op: '>=',
    target: 0.95,
    on: 'ratio',
  },
  {
    // Issue #29: authenticated reads (kubernetes with cached reviews, oidc, api-keys) vs anonymous.
    id: 'api-auth-throughput',
    bench: 'api-auth',
    label: 'api-auth: kubernetes, oidc and api-keys, every scenario, throughput vs anonymous',
    scenario: /.*/,
    metric: 'throughput',
    op: '>=',
    target: 0.9,
    on: 'ratio',
  },
  {
    // The same target as the server's cost: robust to other load on a shared machine (api-auth.ts).
    id: 'api-auth-cpu-per-request',
    bench: 'api-auth',
    label: 'api-auth: server CPU per request vs anonymous (≤ 1.11× is ≥ 0.9× throughput on one core)',
    scenario: /.*/,
    metric: 'server CPU per request',
    op: '<=',
    target: 1.11,
    on: 'ratio',
  },
  {
    // Issue #29: a Cedar-filtered list of 10,000 entries vs the same list unfiltered.
    id: 'api-authz-throughput',
    bench: 'api-authz',
    label: 'api-authz: Cedar policies over tags and over names, every scenario, throughput vs unfiltered',
    scenario: /.*/,
    metric: 'throughput',
    op: '>=',
    target: 0.8,
    on: 'ratio',
  },
  {
    // "≥ 0.95×, incl. the first request after a reload": for a latency that is ≤ 1/0.95 ≈ 1.05×
    // (stricter than #34's 1.5×, so it stays). The worst path kind decides (bench/lib/api-reload.ts:
    // one cold request per path and reload).
    id: 'api-first-request-after-reload',
    bench: 'api',
    label: 'api: first request after a reload, every path kind, p50 over the reloads',
    scenario: /^first request after a reload, /,
    metric: 'p50',
    op: '<=',
    target: 1.05,
    on: 'ratio',
  },
];

export const GATES: Gate[] = [
  ...WEBHOOKS,
  ...APISERVER,
  ...CONVERSION,
  ...SYNC,
  ...MIRROR,
  ...CONTROLLER,
  ...API,
];
