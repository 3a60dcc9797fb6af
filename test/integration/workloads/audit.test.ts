/**
 * `thv registry audit` lists the workloads enforcement would refuse today, with admission's reason,
 * and changes nothing; a differential check shows it and the webhook agree, image by image.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installToolhiveCrds } from '../../support/toolhive-crds.ts';
import { kubectl } from '../../support/cluster.ts';
import { thv, rows } from '../cli/thv.ts';
import { apply, getSpec, registryWith, TOOLHIVE_DOC, UPSTREAM_DOC, workloadNamespace } from './helpers.ts';

const API = 'toolhive.stacklok.dev/v1beta1';
const D = 'sha256:' + 'c'.repeat(64);
const IMAGES = [
  'ghcr.io/stackloklabs/gofetch/server:1.0.1',
  'ghcr.io/stackloklabs/gofetch/server:1.0.0',
  'ghcr.io/acme/weather:2.1.0',
  'ghcr.io/acme/weather',
  `ghcr.io/acme/weather@${D}`,
  'docker.io/library/nginx:1.27',
  'evil.example/x:1',
];

test('audit lists pre-existing non-compliant workloads; the webhook refuses exactly those images', async () => {
  await installToolhiveCrds('2026-08-21');
  const ns = await workloadNamespace();
  await registryWith(ns, 'corp', TOOLHIVE_DOC);
  await registryWith(ns, 'public', UPSTREAM_DOC);
  IMAGES.forEach((image, i) =>
    assert.equal(
      apply(ns, { apiVersion: API, kind: 'MCPServer', metadata: { name: `s${i}` }, spec: { image } }).code,
      0,
    ),
  );
  assert.equal(
    apply(ns, {
      apiVersion: API,
      kind: 'MCPRemoteProxy',
      metadata: { name: 'p0' },
      spec: { remoteUrl: 'https://elsewhere.example/mcp' },
    }).code,
    0,
  );
  const before = await thv(['registry', 'audit', '-n', ns]);
  assert.deepEqual(before, {
    code: 0,
    stdout: `No non-compliant workloads in namespace "${ns}".\n`,
    stderr: '',
  });

  await registryWith(ns, 'corp', TOOLHIVE_DOC, { enforceServers: true });
  const audit = await thv(['registry', 'audit', '-n', ns]);
  assert.equal(audit.code, 0, audit.stderr);
  const table = rows(audit.stdout);
  assert.deepEqual(table[0], ['NAMESPACE', 'KIND', 'NAME', 'IMAGE/URL', 'REASON']);
  const flagged = new Set(table.slice(1).map((r) => r[2]));
  assert.deepEqual(
    table.find((r) => r[2] === 'p0'),
    [
      ns,
      'MCPRemoteProxy',
      'p0',
      'https://elsewhere.example/mcp',
      'remote URL "https://elsewhere.example/mcp" is in none of the registries enforced in this namespace (checked: corp, public)',
    ],
  );
  assert.match(
    audit.stderr,
    new RegExp(
      `^${flagged.size} non-compliant workload\\(s\\) in namespace "${ns}": reported only, never changed\\n$`,
    ),
  );

  // Differential: a new workload with each image, through the webhook (server-side dry run).
  const refused = new Set<string>();
  IMAGES.forEach((image, i) => {
    const r = kubectl(['create', '--dry-run=server', '-n', ns, '-f', '-'], {
      apiVersion: API,
      kind: 'MCPServer',
      metadata: { name: `new${i}` },
      spec: { image },
    });
    if (r.code !== 0) {
      assert.match(r.stderr, /is in none of the registries enforced in this namespace/);
      refused.add(`s${i}`);
    }
  });
  assert.deepEqual([...flagged].filter((n) => n?.startsWith('s')).sort(), [...refused].sort());
  assert.ok(refused.size > 0 && refused.size < IMAGES.length, `a split: ${[...refused].join(', ')}`);
  // Reported, never touched.
  assert.equal(getSpec(ns, 'mcpservers', 's6').spec.image, 'evil.example/x:1');

  const all = await thv(['registry', 'audit', '-A']);
  assert.equal(all.code, 0, all.stderr);
  assert.deepEqual(
    rows(all.stdout)
      .filter((r) => r[0] === ns)
      .map((r) => r[2])
      .sort(),
    [...flagged].sort(),
  );
});
