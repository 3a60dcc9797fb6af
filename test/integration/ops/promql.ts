/**
 * Helpers for the alert and dashboard tests: the real promtool (test/promtool/build.sh, or
 * MCPR_PROMTOOL_BIN from scripts/test.sh), the metric names a PromQL expression selects, and the
 * names a /metrics page exposes.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';
import { parse, stringify } from 'yaml';
import { toolBin } from '../../support/tool-bin.ts';

export const ROOT = resolve(import.meta.dirname, '../../..');

export const promtoolBin = (): string => toolBin('MCPR_PROMTOOL_BIN', 'test/promtool/build.sh');

/** Runs promtool in `cwd`; never throws (assert on the result). */
export function promtool(args: string[], cwd: string) {
  const r = spawnSync(promtoolBin(), args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
export interface RuleGroup {
  name: string;
  rules: Rule[];
}

/** The groups of monitoring/prometheusrule.yaml (the PrometheusRule's spec: a Prometheus rule file). */
export function shippedRuleGroups(): RuleGroup[] {
  const obj = parse(readFileSync(join(ROOT, 'monitoring/prometheusrule.yaml'), 'utf8')) as {
    spec: { groups: RuleGroup[] };
  };
  return obj.spec.groups;
}

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool']);
const OPERATORS = new Set(['and', 'or', 'unless', 'offset', 'atan2', 'inf', 'nan']);

/**
 * The metric names an expression selects: identifiers outside label matchers, ranges, strings and
 * grouping clauses that are not function or aggregation calls. promtool has checked that the
 * expression parses before this is asked (so it only has to read valid PromQL).
 */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of bare.matchAll(/(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    const [, name, call] = m;
    if (!name || call || KEYWORDS.has(name) || OPERATORS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names].sort();
}

/** Series names a /metrics page exposes: every `# TYPE`, histograms with _bucket, _sum and _count. */
export function exposedNames(page: string): Set<string> {
  const out = new Set<string>();
  for (const [, name, type] of page.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (!name) continue;
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) out.add(name + s);
    else if (type === 'summary') for (const s of ['', '_sum', '_count']) out.add(name + s);
    else out.add(name);
  }
  return out;
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: { refId: string; expr: string; datasource?: { uid: string } }[];
}
export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: unknown; definition?: string }[] };
}

export function shippedDashboard(): Dashboard {
  return JSON.parse(readFileSync(join(ROOT, 'monitoring/dashboard.json'), 'utf8')) as Dashboard;
}

/**
 * Every PromQL query of the dashboard, with Grafana's variables replaced the way Grafana does before
 * sending it ($__rate_interval by a duration, the multi-value $namespace by a regex), plus the
 * namespace variable's label_values() selector.
 */
export function dashboardQueries(d: Dashboard): { id: string; expr: string }[] {
  const grafana = (e: string) => e.replaceAll('$__rate_interval', '5m').replaceAll('$namespace', '.*');
  const out = d.panels.flatMap((p) =>
    (p.targets ?? []).map((t) => ({ id: `panel ${p.id} (${p.title}) ${t.refId}`, expr: grafana(t.expr) })),
  );
  for (const v of d.templating.list)
    if (v.type === 'query') {
      const m = /^label_values\((.*), *\w+\)$/.exec(v.definition ?? '');
      assert.ok(m?.[1], `variable ${v.name}: not label_values(selector, label): ${v.definition}`);
      out.push({ id: `variable ${v.name}`, expr: m[1] });
    }
  return out;
}

/** A rule file recording each query, so promtool's rule checker parses every one of them. */
export function asRecordingRules(queries: { id: string; expr: string }[]): string {
  return stringify({
    groups: [
      {
        name: 'dashboard',
        rules: queries.map((q, i) => ({ record: `dashboard:query_${i}`, expr: q.expr })),
      },
    ],
  });
}
