/**
 * `thv registry validate` as a user drives it, no cluster: inputs (files, directories, stdin, -f),
 * every output mode (text to stderr, --show-defaults YAML and -o json to stdout, -v), every exit code,
 * and each bad input with the exact message a user reads. What the verdicts are is the differential
 * test's job (differential.test.ts); this file is about the command around them.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { run } from '../../../src/cli/main.ts';
import { memoryIO } from '../../../src/cli/io.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const GOOD = `apiVersion: toolhive.stacklok.io/v1alpha1
kind: MCPRegistry
metadata: {name: good, namespace: team-a}
spec:
  source: {type: url, url: "https://a.example/r.json"}
`;
const BAD = `apiVersion: toolhive.stacklok.io/v1beta1
kind: MCPRegistry
metadata: {name: bad}
spec:
  sources:
    - {name: a, type: url, url: {href: "http://a.example/r.json#top"}}
`;
const OTHER = `apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
`;
const FAIL_HINT = 'Fix the errors above; each names the file, the document (from 1) and the field.\n';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcpr-validate-'));
  mkdirSync(join(dir, 'repo/nested'), { recursive: true });
  mkdirSync(join(dir, 'repo/.git'), { recursive: true });
  writeFileSync(join(dir, 'repo/a.yaml'), `${OTHER}---\n${GOOD}`);
  writeFileSync(join(dir, 'repo/nested/b.yml'), BAD);
  writeFileSync(join(dir, 'repo/notes.txt'), 'not a manifest');
  writeFileSync(join(dir, 'repo/.git/c.yaml'), BAD);
  writeFileSync(join(dir, 'good.yaml'), GOOD);
  writeFileSync(join(dir, 'bad.yaml'), BAD);
  writeFileSync(join(dir, 'broken.yaml'), 'kind: [unclosed\n');
  writeFileSync(join(dir, 'policy.yaml'), 'allowedHosts: ["*.allowed.example"]\n');
  writeFileSync(join(dir, 'bad-policy.yaml'), 'allowHTTP: maybe\n');
});

async function thv(args: string[], stdin = '') {
  const io = memoryIO(stdin);
  const code = await run(['registry', 'validate', ...args], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

test('a valid file: exit 0, the summary on stderr, nothing on stdout', async () => {
  const r = await thv([join(dir, 'good.yaml')]);
  assert.deepEqual(r, { code: 0, stdout: '', stderr: '1 MCPRegistry document: 1 valid, 0 invalid\n' });
});

test('a directory is searched recursively for .yaml/.yml/.json, skipping hidden directories', async () => {
  const r = await thv(['-v', join(dir, 'repo')]);
  assert.equal(r.code, 1);
  const a = join(dir, 'repo/a.yaml');
  const b = join(dir, 'repo/nested/b.yml');
  assert.equal(
    r.stderr,
    [
      `${a}: document 1 (ConfigMap cm): skipped (not a toolhive.stacklok.io MCPRegistry)`,
      `${a}: document 2 (MCPRegistry team-a/good): valid`,
      `${b}: document 1 (MCPRegistry bad): spec.sources[0].url.href: Invalid value: "http://a.example/r.json#top": must use https`,
      `${b}: document 1 (MCPRegistry bad): spec.sources[0].url.href: Invalid value: "http://a.example/r.json#top": must not contain a fragment`,
      'error: 2 MCPRegistry documents: 1 valid, 1 invalid; 1 other document skipped',
      FAIL_HINT,
    ].join('\n'),
  );
});

test('standard input with -, and -f like kubectl', async () => {
  const r = await thv(['-', '-f', join(dir, 'good.yaml')], `${GOOD}---\n${OTHER}`);
  assert.equal(r.code, 0);
  assert.equal(
    r.stderr,
    '2 MCPRegistry documents: 2 valid, 0 invalid; 1 other document skipped (-v lists them)\n',
  );
});

test('--show-defaults prints the valid objects with defaults filled, as one YAML stream', async () => {
  const r = await thv(['--show-defaults', join(dir, 'good.yaml'), join(dir, 'bad.yaml')]);
  assert.equal(r.code, 1);
  const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as { spec: unknown });
  assert.equal(docs.length, 1);
  assert.deepEqual(docs[0]?.spec, {
    source: { type: 'url', url: 'https://a.example/r.json' },
    format: 'toolhive',
    syncPolicy: { interval: '1h' },
  });
  assert.ok(r.stdout.startsWith(`# ${join(dir, 'good.yaml')}: document 1\n`));
});

test('-o json reports every document for tools, with the causes as the apiserver returns them', async () => {
  const r = await thv(['-o', 'json', join(dir, 'bad.yaml'), join(dir, 'good.yaml')]);
  assert.equal(r.code, 1);
  const report = JSON.parse(r.stdout) as {
    documents: Record<string, unknown>[];
    summary: Record<string, number>;
  };
  assert.deepEqual(report.documents[0], {
    file: join(dir, 'bad.yaml'),
    document: 1,
    apiVersion: 'toolhive.stacklok.io/v1beta1',
    kind: 'MCPRegistry',
    name: 'bad',
    result: 'invalid',
    rejectedBy: 'webhook',
    errors: [
      {
        field: 'spec.sources[0].url.href',
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "http://a.example/r.json#top": must use https',
        text: 'spec.sources[0].url.href: Invalid value: "http://a.example/r.json#top": must use https',
      },
      {
        field: 'spec.sources[0].url.href',
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "http://a.example/r.json#top": must not contain a fragment',
        text: 'spec.sources[0].url.href: Invalid value: "http://a.example/r.json#top": must not contain a fragment',
      },
    ],
    warnings: [],
  });
  assert.equal(report.documents[1]?.result, 'valid');
  assert.deepEqual(report.summary, { valid: 1, invalid: 1, skipped: 0, unmigrated: 0, unreadableFiles: 0 });
  assert.equal(r.stderr, `error: 2 MCPRegistry documents: 1 valid, 1 invalid\n${FAIL_HINT}`);
});

test('--policy judges with the platform policy the webhooks mount', async () => {
  const r = await thv(['--policy', join(dir, 'policy.yaml'), join(dir, 'good.yaml')]);
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr.split('\n')[0],
    `${join(dir, 'good.yaml')}: document 1 (MCPRegistry team-a/good): spec.source.url: Forbidden: host "a.example" is not allowed by the platform policy (allowedHosts: *.allowed.example)`,
  );
});

test('a file that is not YAML fails (exit 1) and the others are still judged', async () => {
  const r = await thv([join(dir, 'broken.yaml'), join(dir, 'good.yaml')]);
  assert.equal(r.code, 1);
  const [first, ...rest] = r.stderr.split('\n');
  assert.match(first ?? '', new RegExp(`^${join(dir, 'broken.yaml')}: document 1: cannot parse YAML: `));
  assert.deepEqual(rest, [
    'error: 1 MCPRegistry document: 1 valid, 0 invalid; 1 file not readable',
    'Fix the errors above; each names the file, the document (from 1) and the field.',
    '',
  ]);
});

test('a version the CRD does not serve is refused in kubectl’s words', async () => {
  const r = await thv(['-'], GOOD.replace('v1alpha1', 'v1'));
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr.split('\n')[0],
    '<stdin>: document 1 (MCPRegistry team-a/good): no matches for kind "MCPRegistry" in version "toolhive.stacklok.io/v1"',
  );
});

test('ToolHive’s own MCPRegistry (toolhive.stacklok.dev) is a warning with a pointer to migrate, even without -v', async () => {
  const r = await thv(['-'], GOOD.replace('toolhive.stacklok.io/v1alpha1', 'toolhive.stacklok.dev/v1alpha1'));
  assert.equal(r.code, 0);
  assert.equal(
    r.stderr,
    [
      "<stdin>: document 1 (MCPRegistry team-a/good): Warning: toolhive.stacklok.dev/v1alpha1 is ToolHive's MCPRegistry, not migrated: rewrite it with thv registry migrate - (--strict makes this an error)",
      '0 MCPRegistry documents: 0 valid, 0 invalid; 1 ToolHive MCPRegistry not migrated',
      '',
    ].join('\n'),
  );
});

test('usage errors exit 2 and say what to do', async () => {
  assert.deepEqual(await thv([]), {
    code: 2,
    stdout: '',
    stderr:
      'error: no manifests to validate\nName files or directories (thv registry validate manifests/), or - for standard input.\n',
  });
  const missing = await thv([join(dir, 'nope.yaml')]);
  assert.equal(missing.code, 2);
  assert.equal(
    missing.stderr,
    `error: the path "${join(dir, 'nope.yaml')}" does not exist\nName manifest files or directories, or - to read standard input.\n`,
  );
  const policy = await thv(['--policy', join(dir, 'bad-policy.yaml'), join(dir, 'good.yaml')]);
  assert.equal(policy.code, 2);
  assert.equal(
    policy.stderr,
    `error: --policy ${join(dir, 'bad-policy.yaml')} is not a valid policy: allowHTTP: Invalid value: "maybe": must be true or false\nSee docs/policy.md for the fields a policy file may set.\n`,
  );
  const output = await thv(['-o', 'yaml', join(dir, 'good.yaml')]);
  assert.equal(output.code, 2);
  assert.match(
    output.stderr,
    /option '-o, --output <format>' argument 'yaml' is invalid. Allowed choices are text, json/,
  );
});

test('the installed command: exit codes reach the shell', () => {
  const thvBin = (args: string[]) =>
    spawnSync(process.execPath, ['src/bin/thv.ts', 'registry', 'validate', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
    });
  assert.equal(thvBin([join(dir, 'good.yaml')]).status, 0);
  assert.equal(thvBin([join(dir, 'bad.yaml')]).status, 1);
  assert.equal(thvBin([]).status, 2);
  assert.match(
    thvBin(['--help']).stdout,
    /Validate MCPRegistry manifests offline, exactly as the cluster’s admission would/,
  );
});

test('--policy takes the policy file, its ConfigMap manifest (alone or among others) and the chart values file alike', async () => {
  const policy = 'allowedHosts: ["*.allowed.example"]\n';
  const indented = `${policy.trimEnd().replace(/^/gm, '    ')}\n`;
  const forms: [string, string][] = [
    ['bare.yaml', policy],
    [
      'configmap.yaml',
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: mcp-registry-policy, namespace: toolhive-system}\ndata:\n  policy.yaml: |\n${indented}`,
    ],
    [
      'rendered.yaml',
      `${OTHER}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: mcp-registry-policy}\ndata:\n  policy.yaml: |\n${indented}---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n`,
    ],
    ['values.yaml', `replicaCount: 2\npolicy:\n  allowedHosts: ["*.allowed.example"]\n`],
  ];
  for (const [file, text] of forms) {
    writeFileSync(join(dir, file), text);
    const r = await thv(['--policy', join(dir, file), join(dir, 'good.yaml')]);
    assert.equal(r.code, 1, file);
    assert.equal(
      r.stderr.split('\n')[0],
      `${join(dir, 'good.yaml')}: document 1 (MCPRegistry team-a/good): spec.source.url: Forbidden: host "a.example" is not allowed by the platform policy (allowedHosts: *.allowed.example)`,
      file,
    );
  }
  // The built-in policy from a values file without one (policy: {}) lets good.yaml pass.
  writeFileSync(join(dir, 'values-default.yaml'), 'replicaCount: 2\npolicy: {}\n');
  assert.equal((await thv(['--policy', join(dir, 'values-default.yaml'), join(dir, 'good.yaml')])).code, 0);
  // A bad policy inside a ConfigMap or values file: the message says where it was read from.
  const bad: [string, string, string][] = [
    [
      'bad-cm.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: mcp-registry-policy}\ndata:\n  policy.yaml: |\n    allowHTTP: maybe\n',
      ' (ConfigMap mcp-registry-policy, key policy.yaml)',
    ],
    ['bad-values.yaml', 'policy:\n  allowHTTP: maybe\n', ' (Helm values, key policy)'],
  ];
  for (const [file, text, from] of bad) {
    writeFileSync(join(dir, file), text);
    const r = await thv(['--policy', join(dir, file), join(dir, 'good.yaml')]);
    assert.equal(r.code, 2, file);
    assert.equal(
      r.stderr,
      `error: --policy ${join(dir, file)}${from} is not a valid policy: allowHTTP: Invalid value: "maybe": must be true or false\nSee docs/policy.md for the fields a policy file may set.\n`,
    );
  }
});
