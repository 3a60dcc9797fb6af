/**
 * Helpers for the alert and dashboard tests: the real promtool (test/promtool/build.sh, or
 * MCPR_PROMTOOL_BIN from scripts/test.sh), the metric names a PromQL expression selects, and the
 * names a /metrics page exposes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

export const ROOT = resolve(import.meta.dirname, '../../..');

let bin: string | undefined;
export function promtoolBin(): string {
  bin ??=
    process.env.MCPR_PROMTOOL_BIN ||
    execFileSync('bash', [join(ROOT, 'test/promtool/build.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    })
      .trim()
      .split('\n')
      .pop()!;
  return bin;
}

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
