/**
 * `thv registry validate --policy FILE` with misspelt fields, in each form the policy is kept in (the
 * bare policy, its ConfigMap manifest, the chart's values file): every unknown field is named once and
 * each list of known fields is given once (issue #32.9). Before, each unknown field carried the whole
 * list, and a values file whose `policy:` key was misspelt listed it once per values key. Offline
 * command, through the real command tree, exact messages.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../src/cli/main.ts';
import { memoryIO } from '../../../src/cli/io.ts';
import { policyProblems } from '../../../src/cli/validate/policy-load.ts';

const TOP =
  'allowedSourceTypes, allowedHosts, allowHTTP, allowFileGit, allowClusterLocalHTTP, clusterDomain, allowedCIDRs, deniedCIDRs, allowPrivateNetworks, allowCrossNamespaceDiscovery, minSyncInterval, defaults, enforced, workloads, api';
const DEFAULTS = 'syncInterval, syncRemoteSources, filter';
const TYPOS = 'allowedHost: ["*.a.example"]\nallowHttp: true\ndefaults: {syncIntervl: 1h}\n';
const TYPOS_MESSAGE = `allowedHost, allowHttp: Forbidden: unknown fields; known fields: ${TOP}; defaults.syncIntervl: Forbidden: unknown field; known fields: ${DEFAULTS}`;
const DOCS_HINT = 'See docs/policy.md for the fields a policy file may set.';
const FORMS =
  '--policy reads the policy file, the ConfigMap manifest that mounts it (data["policy.yaml"]) or the chart’s values file (its policy: key).';
const indent = (text: string) => text.replace(/^(?=.)/gm, '    ');

let dir: string;
let good: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcpr-policy-'));
  good = join(dir, 'good.yaml');
  writeFileSync(
    good,
    'apiVersion: toolhive.stacklok.io/v1alpha1\nkind: MCPRegistry\nmetadata: {name: good}\nspec:\n  source: {type: url, url: "https://a.example/r.json"}\n',
  );
});

async function withPolicy(name: string, text: string) {
  const file = join(dir, name);
  writeFileSync(file, text);
  const io = memoryIO('');
  const code = await run(['registry', 'validate', '--policy', file, good], io);
  return { file, code, stderr: io.stderr };
}

test('misspelt fields in each form: named once, the known fields once per level', async () => {
  const forms: [string, string, string][] = [
    ['bare.yaml', TYPOS, ''],
    [
      'configmap.yaml',
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: mcp-registry-policy}\ndata:\n  policy.yaml: |\n${indent(TYPOS)}`,
      ' (ConfigMap mcp-registry-policy, key policy.yaml)',
    ],
    [
      'rendered.yaml',
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\ndata: {a: b}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: mcp-registry-policy}\ndata:\n  policy.yaml: |\n${indent(TYPOS)}`,
      ' (ConfigMap mcp-registry-policy, key policy.yaml)',
    ],
    [
      'values.yaml',
      `replicaCount: 2\npolicy:\n${indent(TYPOS).replace(/^ {4}/gm, '  ')}`,
      ' (Helm values, key policy)',
    ],
  ];
  for (const [name, text, from] of forms) {
    const r = await withPolicy(name, text);
    assert.equal(r.code, 2, name);
    assert.equal(
      r.stderr,
      `error: --policy ${r.file}${from} is not a valid policy: ${TYPOS_MESSAGE}\n${DOCS_HINT}\n`,
      name,
    );
  }
});

test('a misspelt form: a values file without policy:, a ConfigMap without policy.yaml, several other documents', async () => {
  const values = await withPolicy('values-typo.yaml', 'replicaCount: 2\npolcy:\n  allowHTTP: true\n');
  assert.equal(values.code, 2);
  assert.equal(
    values.stderr,
    `error: --policy ${values.file} is not a valid policy: replicaCount, polcy: Forbidden: unknown fields; known fields: ${TOP}\nNone of its fields is a policy field. ${FORMS}\n`,
  );
  const cm = await withPolicy(
    'cm-key.yaml',
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: mcp-registry-policy}\ndata:\n  policy.yml: "allowHTTP: true"\n',
  );
  assert.equal(cm.code, 2);
  assert.equal(
    cm.stderr,
    `error: --policy ${cm.file}: no ConfigMap in it has the data key policy.yaml: ConfigMap mcp-registry-policy (data keys: policy.yml)\n${FORMS}\n`,
  );
  const docs = await withPolicy(
    'rendered-none.yaml',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: y}\n',
  );
  assert.equal(docs.code, 2);
  assert.equal(
    docs.stderr,
    `error: --policy ${docs.file}: 2 YAML documents and none is a ConfigMap with the data key policy.yaml\n${FORMS}\n`,
  );
  // One misspelt field next to real ones is a typo in a policy, not another form: the docs hint.
  const one = await withPolicy('one.yaml', 'allowHTTP: true\nallowedHost: ["x"]\n');
  assert.equal(
    one.stderr,
    `error: --policy ${one.file} is not a valid policy: allowedHost: Forbidden: unknown field; known fields: ${TOP}\n${DOCS_HINT}\n`,
  );
});

test('policyProblems: unknown fields grouped by their list of known fields, other errors as they are, none twice', () => {
  const unknown = (field: string, known: string) => ({
    type: 'Forbidden' as const,
    field,
    detail: `unknown field; known fields: ${known}`,
  });
  const bad = {
    type: 'Invalid' as const,
    field: 'allowHTTP',
    value: 'maybe',
    detail: 'must be true or false',
  };
  assert.equal(
    policyProblems([
      unknown('a', 'x, y'),
      bad,
      unknown('defaults.filter.servers', 'names, tags'),
      unknown('b', 'x, y'),
      unknown('enforced.filter.servers', 'names, tags'),
      unknown('a', 'x, y'),
      bad,
    ]),
    'a, b: Forbidden: unknown fields; known fields: x, y; allowHTTP: Invalid value: "maybe": must be true or false; defaults.filter.servers, enforced.filter.servers: Forbidden: unknown fields; known fields: names, tags',
  );
  assert.equal(policyProblems([unknown('a', 'x')]), 'a: Forbidden: unknown field; known fields: x');
});
