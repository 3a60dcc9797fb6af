/**
 * `thv registry validate` and `migrate` on one multi-document file (issue #32.9): both name a document
 * the same way, `FILE: document N (KIND NAMESPACE/NAME)`, counting from 1 every part between `---`
 * lines, empty and comments-only ones included; and `validate --strict` fails on ToolHive's own
 * MCPRegistries (toolhive.stacklok.dev) that are not migrated yet, where without it they are warnings.
 * Offline commands, driven through the real command tree with exact messages.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../src/cli/main.ts';
import { memoryIO } from '../../../src/cli/io.ts';
import { documentLabel } from '../../../src/cli/documents.ts';

const TOOLHIVE_OLD = `apiVersion: toolhive.stacklok.dev/v1alpha1
kind: MCPRegistry
metadata: {name: old, namespace: team-a}
spec:
  source: {type: git, git: {repository: "git://example.com/registry.git"}}
`;
const TOOLHIVE_SYSTEM = `apiVersion: toolhive.stacklok.dev/v1alpha1
kind: MCPRegistry
metadata: {name: sys, namespace: toolhive-system}
spec:
  source: {type: configmap, configmap: {name: catalog}}
`;
const OURS_BAD = `apiVersion: toolhive.stacklok.io/v1beta1
kind: MCPRegistry
metadata: {name: bad, namespace: team-a}
spec:
  sources: [{name: a, type: url, url: {href: "http://a.example/r.json"}}]
`;
const OURS_GOOD = `apiVersion: toolhive.stacklok.io/v1alpha1
kind: MCPRegistry
metadata: {name: good}
spec:
  source: {type: url, url: "https://a.example/r.json"}
`;

/**
 * 1 a ConfigMap under a header comment, 2 empty, 3 comments only, 4 and 5 ToolHive MCPRegistries,
 * 6 ours (invalid), 7 empty at the end of a line of its own, 8 not YAML.
 */
const MIXED = [
  '# rendered by kustomize\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: catalog, namespace: team-a}\n',
  '',
  '# nothing here any more\n',
  TOOLHIVE_OLD,
  TOOLHIVE_SYSTEM,
  OURS_BAD,
  '',
  'kind: [unclosed\n',
].join('---\n');

let dir: string;
let mixed: string;
let clean: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcpr-documents-'));
  mixed = join(dir, 'mixed.yaml');
  writeFileSync(mixed, MIXED);
  clean = join(dir, 'clean.yaml');
  writeFileSync(clean, `---\n${OURS_GOOD}---\n# a comment\n---\n${TOOLHIVE_SYSTEM}`);
});

async function thv(args: string[], stdin = '') {
  const io = memoryIO(stdin);
  const code = await run(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

test('documentLabel: from 1, with the object when there is one', () => {
  const cases: [Parameters<typeof documentLabel>, string][] = [
    [['a.yaml', 0], 'a.yaml: document 1'],
    [
      ['a.yaml', 1, { kind: 'MCPRegistry', namespace: 'team-a', name: 'x' }],
      'a.yaml: document 2 (MCPRegistry team-a/x)',
    ],
    [['<stdin>', 4, { kind: 'ConfigMap', name: 'c' }], '<stdin>: document 5 (ConfigMap c)'],
    [['a.yaml', 2, {}], 'a.yaml: document 3 (<no kind> <no name>)'],
  ];
  for (const [args, want] of cases) assert.equal(documentLabel(...args), want);
});

test('validate and migrate name the same documents with the same numbers', async () => {
  const v = await thv(['registry', 'validate', mixed]);
  const m = await thv(['registry', 'migrate', mixed]);
  assert.equal(v.code, 1);
  assert.equal(m.code, 1);
  assert.equal(
    v.stderr,
    [
      `${mixed}: document 8: cannot parse YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 29, column 1`,
      `${mixed}: document 4 (MCPRegistry team-a/old): Warning: toolhive.stacklok.dev/v1alpha1 is ToolHive's MCPRegistry, not migrated: rewrite it with thv registry migrate ${mixed} (--strict makes this an error)`,
      `${mixed}: document 5 (MCPRegistry toolhive-system/sys): Warning: toolhive.stacklok.dev/v1alpha1 is ToolHive's MCPRegistry, not migrated: rewrite it with thv registry migrate ${mixed} (--strict makes this an error)`,
      `${mixed}: document 6 (MCPRegistry team-a/bad): spec.sources[0].url.href: Invalid value: "http://a.example/r.json": must use https`,
      'error: 1 MCPRegistry document: 0 valid, 1 invalid; 2 ToolHive MCPRegistries not migrated; 1 other document skipped (-v lists them); 1 file not readable',
      'Fix the errors above; each names the file, the document (from 1) and the field.',
      '',
    ].join('\n'),
  );
  assert.equal(
    m.stderr,
    [
      `warning: ${mixed}: document 5 (MCPRegistry toolhive-system/sys): namespace toolhive-system is the operator's own, which the admission webhooks do not review (no defaults, no validation); move it with -n NAMESPACE`,
      `error: ${mixed}: document 4 (MCPRegistry team-a/old): spec.source.git.repository: the unauthenticated git:// protocol is not supported; use the https:// or ssh:// URL of "example.com/registry.git"`,
      `error: ${mixed}: document 8: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 29, column 1`,
      'migrated 1 MCPRegistry in 1 file; 2 could not be migrated (left unchanged)',
      'error: 2 MCPRegistries could not be migrated.',
      'Each error above names the field; see docs/migration.md for what has no equivalent.',
      '',
    ].join('\n'),
  );
});

test('validate -v numbers the documents it skips the same way; empty and comments-only ones are counted, not listed', async () => {
  const r = await thv(['registry', 'validate', '-v', clean]);
  assert.equal(r.code, 0);
  assert.equal(
    r.stderr,
    [
      `${clean}: document 1 (MCPRegistry good): valid`,
      `${clean}: document 3 (MCPRegistry toolhive-system/sys): Warning: toolhive.stacklok.dev/v1alpha1 is ToolHive's MCPRegistry, not migrated: rewrite it with thv registry migrate ${clean} (--strict makes this an error)`,
      '1 MCPRegistry document: 1 valid, 0 invalid; 1 ToolHive MCPRegistry not migrated',
      '',
    ].join('\n'),
  );
  const m = await thv(['registry', 'migrate', clean]);
  assert.match(
    m.stderr,
    new RegExp(`^warning: ${clean}: document 3 \\(MCPRegistry toolhive-system/sys\\): namespace`),
  );
});

test('--strict: an unmigrated ToolHive MCPRegistry fails the run (exit 1), named by document and object', async () => {
  const r = await thv(['registry', 'validate', '--strict', clean]);
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    [
      `${clean}: document 3 (MCPRegistry toolhive-system/sys): toolhive.stacklok.dev/v1alpha1 is ToolHive's MCPRegistry, not migrated: rewrite it with thv registry migrate ${clean}`,
      'error: 1 MCPRegistry document: 1 valid, 0 invalid; 1 ToolHive MCPRegistry not migrated',
      'Migrate the ToolHive MCPRegistries above with thv registry migrate (docs/migration.md).',
      '',
    ].join('\n'),
  );
  // From standard input the command to run reads it there too.
  const stdin = await thv(['registry', 'validate', '--strict', '-'], TOOLHIVE_OLD);
  assert.equal(stdin.code, 1);
  assert.equal(
    stdin.stderr.split('\n')[0],
    "<stdin>: document 1 (MCPRegistry team-a/old): toolhive.stacklok.dev/v1alpha1 is ToolHive's MCPRegistry, not migrated: rewrite it with thv registry migrate -",
  );
  // Once migrated, --strict passes.
  const migrated = await thv(['registry', 'migrate', '-n', 'team-a', clean]);
  const after = await thv(['registry', 'validate', '--strict', '-'], migrated.stdout);
  assert.equal(after.code, 0, after.stderr);
  assert.equal(after.stderr, '2 MCPRegistry documents: 2 valid, 0 invalid\n');
});

test('--strict with -o json: the document is "unmigrated" in the report and the exit code is 1', async () => {
  const r = await thv(['registry', 'validate', '--strict', '-o', 'json', clean]);
  assert.equal(r.code, 1);
  const report = JSON.parse(r.stdout) as {
    documents: Record<string, unknown>[];
    summary: Record<string, number>;
  };
  assert.deepEqual(report.documents[1], {
    file: clean,
    document: 3,
    apiVersion: 'toolhive.stacklok.dev/v1alpha1',
    kind: 'MCPRegistry',
    name: 'sys',
    namespace: 'toolhive-system',
    result: 'unmigrated',
    errors: [],
    warnings: [],
  });
  assert.deepEqual(report.summary, { valid: 1, invalid: 0, skipped: 0, unmigrated: 1, unreadableFiles: 0 });
  const lenient = await thv(['registry', 'validate', '-o', 'json', clean]);
  assert.equal(lenient.code, 0);
});

test('another group’s MCPRegistry is skipped, not judged, --strict or not', async () => {
  const other = OURS_GOOD.replace('toolhive.stacklok.io/v1alpha1', 'example.com/v1');
  const r = await thv(['registry', 'validate', '--strict', '-'], other);
  assert.equal(r.code, 0);
  assert.equal(
    r.stderr,
    '<stdin>: document 1 (MCPRegistry good): skipped: example.com/v1 is not toolhive.stacklok.io\n0 MCPRegistry documents: 0 valid, 0 invalid; 1 other document skipped (-v lists them)\n',
  );
});
