/**
 * The pre-commit hook of .pre-commit-hooks.yaml on a fixture GitOps repository: its `entry` run as
 * written on the files its `files` pattern selects, and the same hook through the real pre-commit
 * (`pre-commit try-repo`, Debian's pre-commit from scripts/prereqs.sh). `thv` on PATH is a shim for
 * this checkout's CLI, as `npm install -g` would put it there.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const ROOT = resolve(import.meta.dirname, '../../..');
const FIXTURE = join(import.meta.dirname, 'fixtures/repo');

interface Hook {
  id: string;
  entry: string;
  language: string;
  files: string;
}
const hooks = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
const hook = hooks.find((h) => h.id === 'thv-registry-validate');

const INVALID = `apiVersion: toolhive.stacklok.io/v1alpha1
kind: MCPRegistry
metadata:
  name: broken
spec:
  source:
    type: url
    url: http://catalog.example.com/registry.json
`;

let env: NodeJS.ProcessEnv;
let work: string;

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** A fresh git repository holding the fixture (plus `extra` files), committed. */
function fixtureRepo(extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(work, 'repo-'));
  cpSync(FIXTURE, dir, { recursive: true });
  for (const [path, text] of Object.entries(extra)) writeFileSync(join(dir, path), text);
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['add', '-A'],
    ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'fixture'],
  ])
    assert.equal(run('git', args, dir).code, 0);
  return dir;
}

function filesOf(dir: string, pattern: RegExp, sub = ''): string[] {
  return readdirSync(join(dir, sub), { withFileTypes: true })
    .flatMap((e) => {
      const path = join(sub, e.name);
      if (e.isDirectory()) return e.name === '.git' ? [] : filesOf(dir, pattern, path);
      return pattern.test(path) ? [path] : [];
    })
    .sort();
}

before(() => {
  work = mkdtempSync(join(tmpdir(), 'mcpr-precommit-'));
  const bin = join(work, 'bin');
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'thv'),
    `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'src/bin/thv.ts')}" "$@"\n`,
  );
  chmodSync(join(bin, 'thv'), 0o755);
  env = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    PRE_COMMIT_HOME: join(work, 'pre-commit-cache'),
    GIT_CONFIG_GLOBAL: join(work, 'gitconfig'),
  };
  writeFileSync(env.GIT_CONFIG_GLOBAL ?? '', '[safe]\n\tdirectory = *\n');
});

test('the hook is defined to run thv registry validate on YAML and JSON files', () => {
  assert.ok(hook, 'hook thv-registry-validate is defined');
  assert.equal(hook.entry, 'thv registry validate');
  assert.equal(hook.language, 'system');
  const pattern = new RegExp(hook.files);
  assert.ok(pattern.test('a/b.yaml') && pattern.test('c.yml') && pattern.test('d.json'));
  assert.ok(!pattern.test('README.md'));
});

test('the hook’s entry, as written, passes a valid repository and fails on an invalid manifest', () => {
  assert.ok(hook);
  const [cmd = '', ...args] = hook.entry.split(' ');
  const pattern = new RegExp(hook.files);

  const good = fixtureRepo();
  const files = filesOf(good, pattern);
  assert.deepEqual(files, ['apps/deployment.yaml', 'registries/community.yaml', 'registries/team.yaml']);
  const ok = run(cmd, [...args, ...files], good);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(
    ok.stderr,
    '2 MCPRegistry documents: 2 valid, 0 invalid; 2 other documents skipped (-v lists them)\n',
  );

  const bad = fixtureRepo({ 'registries/broken.yaml': INVALID });
  const r = run(cmd, [...args, ...filesOf(bad, pattern)], bad);
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    [
      'registries/broken.yaml: document 1 (MCPRegistry broken): spec.source.url: Invalid value: "http://catalog.example.com/registry.json": must use https',
      'error: 3 MCPRegistry documents: 2 valid, 1 invalid; 2 other documents skipped (-v lists them)',
      'Fix the errors above; each names the file, the document (from 1) and the field.',
      '',
    ].join('\n'),
  );
});

test('the real pre-commit runs the hook from this repository: passes, then blocks the invalid manifest', () => {
  const good = fixtureRepo();
  const tryRepo = (dir: string) =>
    run('pre-commit', ['try-repo', ROOT, 'thv-registry-validate', '--all-files', '--color=never'], dir);
  const ok = tryRepo(good);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /MCPRegistry admission \(thv registry validate\)\.+Passed/);

  const bad = fixtureRepo({ 'registries/broken.yaml': INVALID });
  const r = tryRepo(bad);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /MCPRegistry admission \(thv registry validate\)\.+Failed/);
  assert.ok(
    r.stdout.includes(
      'registries/broken.yaml: document 1 (MCPRegistry broken): spec.source.url: Invalid value: "http://catalog.example.com/registry.json": must use https',
    ),
    r.stdout,
  );
});
