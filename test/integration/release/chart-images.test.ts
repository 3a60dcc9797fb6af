/**
 * docs/install.md lists every image the chart uses, for mirroring to an air-gapped registry. This
 * renders the chart with `helm template` (both certificate modes, monitoring on) and collects every
 * image it references: container images, and the images the operator is told to run (environment
 * variables and flags ending in IMAGE / -image), and compares the two lists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CHART, ROOT, helm, renderChart, type K8sObject } from '../helm/chart.ts';

function documented(version: string): string[] {
  const doc = readFileSync(join(ROOT, 'docs/install.md'), 'utf8');
  const section = /<!-- chart-images[^>]*-->\s*```text\n([\s\S]*?)```\s*<!-- \/chart-images -->/.exec(doc);
  assert.ok(section, 'docs/install.md has the chart-images list');
  return section[1]!
    .trim()
    .split('\n')
    .map((l) => l.trim().replace('<version>', version))
    .sort();
}

function referenced(objects: K8sObject[]): Set<string> {
  const found = new Set<string>();
  const walk = (v: unknown, key?: string): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.name === 'string' && /IMAGE$/.test(o.name) && typeof o.value === 'string' && o.value)
        found.add(o.value);
      for (const [k, x] of Object.entries(o)) walk(x, k);
    } else if (typeof v === 'string') {
      if (key === 'image') found.add(v);
      const flag = /^--[a-z-]*-image=(.+)$/.exec(v);
      if (flag) found.add(flag[1]!);
    }
  };
  for (const o of objects) walk(o);
  return found;
}

test('docs/install.md lists exactly the images `helm template` references', () => {
  const chart = helm(['show', 'chart', CHART]);
  assert.equal(chart.code, 0, chart.stderr);
  const { appVersion } = parse(chart.stdout) as { appVersion: string };
  const images = new Set<string>();
  for (const set of [
    {},
    { 'certificates.mode': 'cert-manager' },
    {
      'monitoring.serviceMonitor.enabled': true,
      'monitoring.podMonitor.enabled': true,
      'monitoring.prometheusRule.enabled': true,
      'monitoring.dashboard.enabled': true,
    },
  ])
    for (const i of referenced(renderChart(set))) images.add(i);
  assert.deepEqual([...images].sort(), documented(appVersion));
});
