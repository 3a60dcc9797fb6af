/** The whole command tree in-process: help, usage errors and exit codes, completion. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../src/cli/main.ts';
import { memoryIO } from '../../../src/cli/io.ts';

async function thv(args: string[]) {
  const io = memoryIO();
  const code = await run(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

// A kubeconfig that loads but points at nothing: usage errors must come before any request.
const dir = mkdtempSync(join(tmpdir(), 'thv-unit-'));
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(
  kubeconfig,
  'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:1"}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: x\n  context: {cluster: c, user: u, namespace: team-a}\ncurrent-context: x\n',
);

const COMMANDS = [
  ['registry', 'list'],
  ['registry', 'add'],
  ['registry', 'sync'],
  ['registry', 'info'],
  ['registry', 'remove'],
  ['registry', 'convert'],
  ['completion'],
  ['registry'],
  [],
];

test('--help exits 0 and shows examples for every command', async () => {
  for (const cmd of COMMANDS) {
    const r = await thv([...cmd, '--help']);
    assert.equal(r.code, 0, cmd.join(' '));
    assert.match(r.stdout, /^Usage: thv/m, cmd.join(' '));
    assert.match(r.stdout, /\nExamples:\n( {2}.*\n)* {2}\$ .*thv /, cmd.join(' '));
    assert.equal(r.stderr, '');
  }
});

test('thv registry --help lists every verb, migrate and validate included; thv --help lists version', async () => {
  const r = await thv(['registry', '--help']);
  const verbs = [...r.stdout.matchAll(/^ {2}([a-z-]+)(?:\|[a-z]+)*(?= |$)/gm)].map((m) => m[1]);
  for (const v of [
    'list',
    'add',
    'sync',
    'info',
    'remove',
    'convert',
    'migrate',
    'validate',
    'manifest',
    'audit',
  ])
    assert.ok(verbs.includes(v), `${v} in: ${verbs.join(' ')}`);
  assert.match((await thv(['--help'])).stdout, /^ {2}version +Print the version/m);
});

test('usage errors exit 2 with commander’s or our message', async () => {
  const cases: [string[], string][] = [
    [['registry', 'list', '--bogus'], "error: unknown option '--bogus'\n"],
    [
      ['registry', 'list', '-o', 'xml'],
      "error: option '-o, --output <format>' argument 'xml' is invalid. Allowed choices are table, wide, json, yaml, name, or jsonpath=TEMPLATE (e.g. jsonpath='{.items[*].metadata.name}').\n",
    ],
    [['registry', 'info'], "error: missing required argument 'name'\n"],
    [
      ['registry', 'sync', 'a', 'b'],
      "error: too many arguments for 'sync'. Expected 1 argument but got 2.\n",
    ],
    [
      ['registry', 'add', 'demo', '--type', 'oci'],
      "error: option '--type <type>' argument 'oci' is invalid. Allowed choices are configmap, url, git, registry, kubernetes.\n",
    ],
    [['registry', 'convert', 'f.json'], "error: required option '--to <format>' not specified\n"],
    [
      ['--kubeconfig', kubeconfig, 'registry', 'add', 'demo'],
      'error: a source is required\nGive exactly one of --configmap NAME[:KEY], --url URL, --git REPO, --registry URL or --kubernetes.\n',
    ],
    [
      ['--kubeconfig', kubeconfig, 'registry', 'add', 'demo', '--url', 'https://x', '--branch', 'main'],
      'error: --branch is only valid with --git\nFor example --git https://github.com/org/repo.git --branch main.\n',
    ],
    [
      ['--kubeconfig', kubeconfig, 'registry', 'sync', 'demo', '-A'],
      'error: -A/--all-namespaces cannot be used with sync\nName the namespace with -n NAMESPACE (only list works across namespaces).\n',
    ],
    [
      ['--kubeconfig', kubeconfig, 'registry', 'sync', 'demo', '--wait', '--timeout', 'soon'],
      'error: --timeout "soon": expected a positive duration such as 90s, 5m or 1h30m\n',
    ],
    [
      ['--kubeconfig', kubeconfig, 'registry', 'add', 'demo', '--configmap', 'c', '--dry-run', '--wait'],
      'error: --wait cannot be used with --dry-run\nA dry run creates nothing to wait for.\n',
    ],
    [['completion', 'tcsh'], 'error: unsupported shell "tcsh": use bash, zsh or fish\n'],
  ];
  for (const [args, stderr] of cases) {
    const r = await thv(args);
    assert.equal(r.stderr, stderr, args.join(' '));
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.stdout, '', args.join(' '));
  }
});

test('a missing subcommand prints the group’s help on stderr and exits 2', async () => {
  const r = await thv(['registry']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^Usage: thv registry \[options\] \[command\]/);
});

test('global flags work before and after the subcommand; a bad kubeconfig path is explained', async () => {
  for (const args of [
    ['--kubeconfig', join(dir, 'missing'), 'registry', 'list'],
    ['registry', 'list', '--kubeconfig', join(dir, 'missing')],
  ]) {
    const r = await thv(args);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `error: the kubeconfig ${join(dir, 'missing')} given with --kubeconfig does not exist.\n` +
        'Check the path, or leave --kubeconfig out to use $KUBECONFIG or ~/.kube/config.\n',
    );
  }
});

function complete(script: string, line: string): string[] {
  const words = line.split(' ');
  const r = spawnSync(
    'bash',
    [
      '-c',
      `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _thv; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

test('bash completion completes commands, flags and flag values from the command tree', async () => {
  const r = await thv(['completion', 'bash']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /\ncomplete -F _thv thv\n$/);
  assert.deepEqual(complete(r.stdout, 'thv reg'), ['registry']);
  assert.deepEqual(complete(r.stdout, 'thv registry s'), ['sync']);
  assert.deepEqual(complete(r.stdout, 'thv registry list -o '), ['table', 'wide', 'json', 'yaml', 'name']);
  assert.deepEqual(complete(r.stdout, 'thv -n x registry add demo --inc'), ['--include', '--include-tag']);
  assert.deepEqual(complete(r.stdout, 'thv registry convert --to '), ['toolhive', 'upstream']);
  // -A only where it is accepted.
  assert.deepEqual(complete(r.stdout, 'thv registry list --all'), ['--all-namespaces']);
  assert.ok(complete(r.stdout, 'thv registry audit -').includes('-A'));
  for (const line of ['thv registry info x -', 'thv registry add x -', 'thv registry sync x -'])
    assert.ok(
      !complete(r.stdout, line).includes('-A') && !complete(r.stdout, line).includes('--all-namespaces'),
      line,
    );
  const zsh = await thv(['completion', 'zsh']);
  assert.match(zsh.stdout, /^#compdef thv\n/);
  assert.match(zsh.stdout, /autoload -U \+X bashcompinit && bashcompinit\n/);
});
