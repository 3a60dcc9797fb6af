/**
 * Helpers for the chart tests: the real helm (test/helm/build.sh, or MCPR_HELM_BIN from
 * scripts/test.sh), rendering the chart and a kustomize overlay, and a comparison of the two that
 * ignores only Helm's own labels and annotations and names every path where they differ.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse, parseAllDocuments } from 'yaml';
import { toolBin } from '../../support/tool-bin.ts';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const CHART = join(ROOT, 'charts/mcp-registry-operator');
export const RELEASE = 'mcp-registry-operator';
export const NAMESPACE = 'toolhive-system';

/** The helm binary: MCPR_HELM_BIN, else built (or found in the cache) by test/helm/build.sh. */
export const helmBin = (): string => toolBin('MCPR_HELM_BIN', 'test/helm/build.sh');

// Helm keeps its repository cache and config per user; give the tests their own.
const helmHome = mkdtempSync(join(tmpdir(), 'mcpr-helm-home-'));

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs helm; never throws (assert on the result). */
export function helm(args: string[], kubeconfig?: string): RunResult {
  const r = spawnSync(helmBin(), [...(kubeconfig ? ['--kubeconfig', kubeconfig] : []), ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: helmHome,
      HELM_CACHE_HOME: join(helmHome, 'cache'),
      HELM_CONFIG_HOME: join(helmHome, 'config'),
      HELM_DATA_HOME: join(helmHome, 'data'),
    },
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** `helm template` with --set-json pairs; throws with helm's message on failure. */
export function renderChart(set: Record<string, unknown> = {}, namespace = NAMESPACE): K8sObject[] {
  const r = helm(['template', RELEASE, CHART, '--namespace', namespace, ...setArgs(set)]);
  if (r.code !== 0) throw new Error(`helm template failed: ${r.stderr}`);
  return parseObjects(r.stdout);
}

export function setArgs(set: Record<string, unknown>): string[] {
  return Object.entries(set).flatMap(([k, v]) => ['--set-json', `${k}=${JSON.stringify(v)}`]);
}

/** `kubectl kustomize DIR` (the kustomize the installs use). */
export function kustomize(dir: string): K8sObject[] {
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${r.stderr}`);
  return parseObjects(r.stdout);
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [k: string]: unknown;
}

export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null && typeof o === 'object');
}

export const keyOf = (o: K8sObject) =>
  `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

/** The labels and annotations Helm (or the chart's Helm conventions) adds; nothing else is ignored. */
export const HELM_LABELS = [
  'helm.sh/chart',
  'app.kubernetes.io/managed-by',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/version',
];
export const HELM_ANNOTATIONS = [
  'helm.sh/resource-policy',
  'meta.helm.sh/release-name',
  'meta.helm.sh/release-namespace',
];

function stripMeta(meta: Record<string, unknown> | undefined): void {
  if (!meta) return;
  for (const [field, drop] of [
    ['labels', HELM_LABELS],
    ['annotations', HELM_ANNOTATIONS],
  ] as const) {
    const m = meta[field] as Record<string, string> | undefined;
    if (!m) continue;
    for (const k of drop) delete m[k];
    if (Object.keys(m).length === 0) delete meta[field];
  }
}

/**
 * A copy without Helm's own labels/annotations (on objects and pod templates). The policy document
 * in the policy ConfigMap is compared as YAML data, not as text (Helm's toYaml sorts keys).
 */
export function normalize(o: K8sObject): K8sObject {
  const c = structuredClone(o);
  stripMeta(c.metadata);
  const tpl = (c.spec as { template?: { metadata?: Record<string, unknown> } } | undefined)?.template;
  stripMeta(tpl?.metadata);
  const data = c.data as Record<string, string> | undefined;
  if (c.kind === 'ConfigMap' && c.metadata.name === 'mcp-registry-policy' && data?.['policy.yaml'])
    (c as unknown as { data: Record<string, unknown> }).data = { 'policy.yaml': parse(data['policy.yaml']) };
  return c;
}

/** Every path where a and b differ, as `path: chart <a> ≠ kustomize <b>`. */
export function diffPaths(a: unknown, b: unknown, path = ''): string[] {
  if (isDeepStrictEqual(a, b)) return [];
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    if (Array.isArray(a) && Array.isArray(b) && a.length !== b.length)
      return [`${path}: chart ${JSON.stringify(a)} ≠ kustomize ${JSON.stringify(b)}`];
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) =>
      diffPaths(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k,
      ),
    );
  }
  return [`${path}: chart ${JSON.stringify(a)} ≠ kustomize ${JSON.stringify(b)}`];
}

/**
 * Compares two object sets; returns one line per difference: an object only one side renders, or
 * a path inside an object where they disagree. Empty = the same objects.
 */
export function compareObjects(chart: K8sObject[], kust: K8sObject[]): string[] {
  const c = new Map(chart.map((o) => [keyOf(o), normalize(o)]));
  const k = new Map(kust.map((o) => [keyOf(o), normalize(o)]));
  const out: string[] = [];
  for (const key of c.keys()) if (!k.has(key)) out.push(`${key}: only the chart renders it`);
  for (const key of k.keys()) if (!c.has(key)) out.push(`${key}: only kustomize renders it`);
  for (const [key, obj] of c) {
    const other = k.get(key);
    if (other) out.push(...diffPaths(obj, other).map((d) => `${key}: ${d}`));
  }
  return out;
}
