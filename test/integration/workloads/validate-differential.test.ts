/**
 * `thv registry validate --catalog` and the live workload webhooks agree on ToolHive workloads: the
 * same verdict for each, and every cause and warning validate prints is what kubectl shows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { kubectl } from '../../support/cluster.ts';
import { installToolhiveCrds } from '../../support/toolhive-crds.ts';
import { thv } from '../cli/thv.ts';
import { annotations, registryWith, TOOLHIVE_DOC, UPSTREAM_DOC, workloadNamespace } from './helpers.ts';

const API = 'toolhive.stacklok.dev/v1beta1';

test('validate --catalog and the webhooks: same verdicts, same messages', async () => {
  await installToolhiveCrds('2026-08-21');
  const ns = await workloadNamespace();
  await registryWith(ns, 'corp', TOOLHIVE_DOC, { enforceServers: true });
  await registryWith(ns, 'public', UPSTREAM_DOC);
  const server = (name: string, ann?: Record<string, string>, spec?: object) => ({
    apiVersion: API,
    kind: 'MCPServer',
    metadata: { name, namespace: ns, ...(ann && { annotations: ann }) },
    ...(spec && { spec }),
  });
  const proxy = (name: string, ann?: Record<string, string>, spec?: object) => ({
    ...server(name, ann, spec),
    kind: 'MCPRemoteProxy',
  });
  const workloads = [
    server('resolved', annotations('corp', 'fetch')),
    server('secret-warned', annotations('public', 'io.github.acme/weather')),
    server('listed', undefined, { image: 'ghcr.io/acme/weather:2.1.0' }),
    server('unlisted', undefined, { image: 'evil.example/x:1' }),
    server('user-image-unlisted', annotations('corp', 'fetch'), { image: 'evil.example/x:2' }),
    server('typo', annotations('corp', 'fecth')),
    server('ambiguous', annotations('public', 'weather')),
    server('no-registry', annotations('crop', 'fetch')),
    server('wrong-kind', annotations('corp', 'atlassian')),
    server('old-version', annotations('corp', 'fetch', '0.1.0')),
    proxy('remote', annotations('corp', 'atlassian')),
    proxy('remote-unlisted', undefined, { remoteUrl: 'https://elsewhere.example/mcp' }),
  ];
  const dir = mkdtempSync(join(tmpdir(), 'wl-validate-'));
  const registries = ['corp', 'public'].map((name) => ({
    apiVersion: 'toolhive.stacklok.io/v1alpha1',
    kind: 'MCPRegistry',
    metadata: { name, namespace: ns },
    spec: {
      source: { type: 'configmap', configmap: { name: `${name}-src` } },
      ...(name === 'corp' && { enforceServers: true }),
    },
  }));
  writeFileSync(join(dir, 'all.yaml'), [...registries, ...workloads].map((d) => stringify(d)).join('---\n'));
  writeFileSync(join(dir, 'corp.json'), JSON.stringify(TOOLHIVE_DOC));
  writeFileSync(join(dir, 'public.json'), JSON.stringify(UPSTREAM_DOC));
  const offline = await thv([
    'registry',
    'validate',
    join(dir, 'all.yaml'),
    '--catalog',
    `corp=${join(dir, 'corp.json')}`,
    '--catalog',
    `public=${join(dir, 'public.json')}`,
    '-o',
    'json',
  ]);
  const report = JSON.parse(offline.stdout) as {
    documents: {
      name: string;
      kind: string;
      result: string;
      errors: { text: string }[];
      warnings: string[];
    }[];
  };
  const verdicts = { admitted: 0, refused: 0 };
  for (const w of workloads) {
    const d = report.documents.find((x) => x.name === w.metadata.name && x.kind === w.kind);
    assert.ok(d, `${w.metadata.name} reviewed offline`);
    const live = kubectl(['create', '--dry-run=server', '-f', '-'], w);
    assert.equal(
      live.code === 0,
      d.result === 'valid',
      `${w.metadata.name}: live ${live.stderr} / offline ${JSON.stringify(d)}`,
    );
    verdicts[live.code === 0 ? 'admitted' : 'refused']++;
    for (const e of d.errors)
      assert.ok(live.stderr.includes(e.text), `${w.metadata.name}: "${e.text}" not in ${live.stderr}`);
    for (const warning of d.warnings)
      assert.ok(
        live.stderr.includes(`Warning: ${warning}`),
        `${w.metadata.name}: warning "${warning}" not in ${live.stderr}`,
      );
  }
  assert.ok(verdicts.admitted >= 4 && verdicts.refused >= 6, JSON.stringify(verdicts));
});
