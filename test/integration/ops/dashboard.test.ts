/**
 * The Grafana dashboard (monitoring/dashboard.json): every panel query parses, checked by the real
 * promtool (each query as a recording rule through `promtool check rules`, with Grafana's variables
 * replaced as Grafana replaces them), a broken query is caught the same way, and the JSON is
 * well-formed as a dashboard: unique panel ids, every query panel on the datasource variable, panels
 * inside the 24-column grid without overlapping. The metric names it uses are checked against what
 * the processes expose in metric-names.test.ts. No cluster needed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asRecordingRules, dashboardQueries, promtool, shippedDashboard } from './promql.ts';

function check(queries: { id: string; expr: string }[]) {
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-dashboard-'));
  writeFileSync(join(dir, 'queries.yaml'), asRecordingRules(queries));
  return promtool(['check', 'rules', 'queries.yaml'], dir);
}

test('every query of the dashboard parses (promtool check rules)', () => {
  const queries = dashboardQueries(shippedDashboard());
  assert.ok(queries.length >= 25, `${queries.length} queries`);
  const r = check(queries);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, `Checking queries.yaml\n  SUCCESS: ${queries.length} rules found\n\n`);
});

test('a query that does not parse is caught, with promtool’s message', () => {
  const r = check([{ id: 'broken', expr: 'sum by (namespace (rate(mcpregistry_sync_total[5m]))' }]);
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    '  FAILED:\nqueries.yaml: 5:15: group "dashboard", rule 1, "dashboard:query_0": could not parse expression: 1:19: parse error: unexpected "(" in grouping opts, expected "," or ")"\n',
  );
});

test('the dashboard is well-formed: ids, datasource variable, namespace variable, grid', () => {
  const d = shippedDashboard();
  assert.equal(d.uid, 'mcp-registry-operator');
  assert.deepEqual(
    d.templating.list.map((v) => `${v.name}:${v.type}`),
    ['datasource:datasource', 'namespace:query'],
  );
  const ids = d.panels.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
  const cells = new Map<string, number>();
  for (const p of d.panels) {
    const { x, y, w, h } = p.gridPos;
    assert.ok(x >= 0 && w > 0 && x + w <= 24, `panel ${p.id} fits the 24 columns`);
    for (let i = x; i < x + w; i++)
      for (let j = y; j < y + h; j++) {
        const other = cells.get(`${i},${j}`);
        assert.equal(other, undefined, `panel ${p.id} overlaps panel ${other}`);
        cells.set(`${i},${j}`, p.id);
      }
    if (p.type === 'row') continue;
    assert.deepEqual(p.datasource, { type: 'prometheus', uid: '${datasource}' }, `panel ${p.id}`);
    assert.ok(p.targets?.length, `panel ${p.id} has queries`);
    for (const t of p.targets ?? []) assert.equal(t.datasource?.uid, '${datasource}');
  }
  // The four areas the issue names, each a row.
  assert.deepEqual(
    d.panels.filter((p) => p.type === 'row').map((p) => p.title),
    ['Sync health', 'Admission', 'Conversion', 'Registry API'],
  );
});
