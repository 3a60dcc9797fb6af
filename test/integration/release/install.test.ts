/**
 * The npm package as a user installs it: `npm install -g` of the release tarball into a temporary
 * prefix, then every command from a directory outside the repository (no checkout, no TypeScript:
 * Node runs the compiled JavaScript). kubectl finds the plugin on PATH and runs the same verbs as
 * `thv registry`. Under the machine's Node 20 every command stops with the version message.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MIN_NODE } from '../../../src/bin/launch/node-check.ts';
import { NAME, installNpmRelease, packageVersion, releaseDir, releaseFiles } from '../../support/release.ts';

const COMMANDS = ['thv', 'thv-registry-api', 'mcp-registry-operator', 'kubectl-mcpregistry'];
const version = packageVersion();
// The machine's own Node (20 here): what a user with an old Node on PATH would run the commands with.
const OLD_NODE = '/usr/bin/node';
let prefix: string;
let work: string;
let path: string;

before(() => {
  prefix = mkdtempSync(join(tmpdir(), 'mcpr-prefix-'));
  work = mkdtempSync(join(tmpdir(), 'mcpr-user-'));
  // Node 24 (this process's) first, then the installed commands, then the system (kubectl).
  path = [dirname(process.execPath), join(prefix, 'bin'), '/usr/local/bin', '/usr/bin', '/bin'].join(':');
  installNpmRelease(prefix, join(releaseDir(), releaseFiles(version).npm), work, {
    ...process.env,
    PATH: path,
  });
});
after(() => {
  rmSync(prefix, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const runIn = (cmd: string, args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(cmd, args, {
    cwd: work,
    encoding: 'utf8',
    timeout: 60_000,
    env: { HOME: work, PATH: path, ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
};

test('npm install -g puts the four commands on the prefix’s PATH; the installed package has no TypeScript', () => {
  assert.deepEqual(readdirSync(join(prefix, 'bin')).sort(), [...COMMANDS].sort());
  const installed = join(prefix, 'lib/node_modules', NAME);
  const files = execFileSync('find', [join(installed, 'dist'), '-type', 'f'], { encoding: 'utf8' })
    .trim()
    .split('\n');
  assert.deepEqual(
    files.filter((f) => /\.(ts|mts|cts|map)$/.test(f)),
    [],
  );
});

test('every installed command prints its version, from a directory outside the repository', () => {
  for (const cmd of COMMANDS) {
    const r = runIn(cmd, ['--version']);
    assert.deepEqual(r, { code: 0, stdout: `${cmd} ${version}\n`, stderr: '' }, cmd);
  }
});

test('kubectl finds the plugin: `kubectl mcpregistry <verb>` is `thv registry <verb>`', () => {
  const input = join(work, 'registry.json');
  writeFileSync(input, readFileSync(join(import.meta.dirname, '../../../samples/registry.json'), 'utf8'));
  const viaThv = runIn('thv', ['registry', 'convert', '--to', 'upstream', input]);
  assert.equal(viaThv.code, 0, viaThv.stderr);
  const viaKubectl = runIn('kubectl', ['mcpregistry', 'convert', '--to', 'upstream', input]);
  assert.deepEqual(viaKubectl, viaThv);
  // Without a cluster both say the same thing, with the same exit code.
  const listThv = runIn('thv', ['registry', 'list'], { KUBECONFIG: join(work, 'missing') });
  const listKubectl = runIn('kubectl', ['mcpregistry', 'list'], { KUBECONFIG: join(work, 'missing') });
  assert.equal(listThv.code, 1);
  assert.deepEqual(listKubectl, listThv);
  assert.equal(
    runIn('kubectl', ['plugin', 'list', '--name-only'])
      .stdout.trim()
      .split('\n')
      .includes('kubectl-mcpregistry'),
    true,
  );
});

test('under Node older than 24 each command says which Node it needs and which it got, and exits 1', () => {
  const old = execFileSync(OLD_NODE, ['--version'], { encoding: 'utf8' }).trim();
  assert.ok(Number(old.slice(1).split('.')[0]) < 24, `${OLD_NODE} is ${old}`);
  for (const cmd of COMMANDS) {
    const r = runIn(cmd, ['--version'], { PATH: ['/usr/bin', '/bin', join(prefix, 'bin')].join(':') });
    assert.deepEqual(
      r,
      {
        code: 1,
        stdout: '',
        stderr:
          `${cmd}: this needs Node.js ${MIN_NODE} or newer, but it was started by Node.js ${old.slice(1)} (${OLD_NODE}).\n` +
          `Install Node.js 24 (LTS) and put it first on PATH, or run it as: /path/to/node24/bin/node "$(command -v ${cmd})"\n`,
      },
      cmd,
    );
  }
});
