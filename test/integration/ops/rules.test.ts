/**
 * The alert rules with the real promtool: `check rules` on the PrometheusRule's spec, `test rules`
 * on test/ops/alerts.test.yaml (every alert firing and not firing), and the same tests failing when a
 * rule's threshold is wrong (so they can fail). Every alert has a runbook section in
 * docs/troubleshooting.md that its runbook_url names. No cluster needed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ROOT, promtool, shippedRuleGroups, type RuleGroup } from './promql.ts';

const TESTS = join(ROOT, 'test/ops/alerts.test.yaml');

/** A directory with rules.yaml (the given groups) and the unit tests beside it. */
function workdir(groups: RuleGroup[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-rules-'));
  writeFileSync(join(dir, 'rules.yaml'), stringify({ groups }));
  copyFileSync(TESTS, join(dir, 'alerts.test.yaml'));
  return dir;
}

const alerts = shippedRuleGroups().flatMap((g) => g.rules.map((r) => r.alert ?? ''));

test('promtool check rules accepts the shipped rules', () => {
  const r = promtool(['check', 'rules', 'rules.yaml'], workdir(shippedRuleGroups()));
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, `Checking rules.yaml\n  SUCCESS: ${alerts.length} rules found\n\n`);
  assert.deepEqual(alerts.length, 8);
});

test('promtool test rules: every alert fires and stays quiet where it should', () => {
  const r = promtool(['test', 'rules', 'alerts.test.yaml'], workdir(shippedRuleGroups()));
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /SUCCESS/);
});

test('every alert has a firing and a not-firing case in the unit tests', () => {
  type Case = { alertname: string; exp_alerts: unknown[] };
  const doc = parse(readFileSync(TESTS, 'utf8')) as { tests: { alert_rule_test: Case[] }[] };
  const cases = doc.tests.flatMap((t) => t.alert_rule_test);
  for (const a of alerts) {
    assert.ok(
      cases.some((c) => c.alertname === a && c.exp_alerts.length > 0),
      `${a}: no case where it fires`,
    );
    assert.ok(
      cases.some((c) => c.alertname === a && c.exp_alerts.length === 0),
      `${a}: no case where it stays quiet`,
    );
  }
  assert.deepEqual([...new Set(cases.map((c) => c.alertname))].sort(), [...alerts].sort());
});

test('the unit tests fail when a rule is wrong (a threshold off by ten)', () => {
  const groups = shippedRuleGroups();
  const rule = groups[0]!.rules.find((r) => r.alert === 'MCPRegistrySyncFailing')!;
  rule.expr = rule.expr.replace('>= 3', '>= 30');
  const r = promtool(['test', 'rules', 'alerts.test.yaml'], workdir(groups));
  assert.equal(r.code, 1);
  assert.match(r.stdout + r.stderr, /FAILED:[\s\S]*alertname: MCPRegistrySyncFailing, time: 16m/);
});

test('every alert has a severity, a summary and a runbook_url naming a section of docs/troubleshooting.md', () => {
  const doc = readFileSync(join(ROOT, 'docs/troubleshooting.md'), 'utf8');
  const base = 'https://github.com/stacklok/mcp-registry-operator/blob/main/docs/troubleshooting.md#';
  for (const g of shippedRuleGroups())
    for (const r of g.rules) {
      assert.match(r.labels?.severity ?? '', /^(warning|critical)$/, `${r.alert} severity`);
      assert.ok(r.annotations?.summary, `${r.alert} summary`);
      assert.equal(r.annotations?.runbook_url, base + (r.alert ?? '').toLowerCase());
      assert.match(doc, new RegExp(`^### ${r.alert}$`, 'm'), `no runbook section for ${r.alert}`);
    }
});
