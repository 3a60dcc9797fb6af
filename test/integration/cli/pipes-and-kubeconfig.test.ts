/**
 * Two things every new user hits first: piping output into `head`, and running thv with no
 * kubeconfig at all. Both run the real binary as a child process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { kubeconfigPath } from '../../support/cluster.ts';
import { thv } from './thv.ts';

const BIN = resolve(import.meta.dirname, '../../../src/bin/thv.ts');
const dir = mkdtempSync(join(tmpdir(), 'thv-pipes-'));

/** Runs thv with its stdout read for `keep` bytes and then closed, as `| head -c` does. */
function thvIntoClosedPipe(args: string[], keep: number) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let got = 0;
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdout.on('data', (c: Buffer) => {
    got += c.length;
    if (got >= keep) child.stdout.destroy();
  });
  return new Promise<{ code: number | null; signal: string | null; stderr: string }>((res) =>
    child.on('close', (code, signal) => res({ code, signal, stderr })),
  );
}

test('output piped into a reader that stops early: quiet exit 0, no stack trace', async () => {
  // A document large enough that the reader closes long before thv has written it all.
  const servers: Record<string, unknown> = {};
  for (let i = 0; i < 3000; i++)
    servers[`server-${i}`] = {
      description: `Server number ${i} with a description long enough to fill the pipe buffer`,
      tier: 'Community',
      status: 'Active',
      transport: 'stdio',
      image: `ghcr.io/example/server-${i}:1.0.0`,
      tools: ['a', 'b'],
    };
  const file = join(dir, 'big.json');
  writeFileSync(file, JSON.stringify({ version: '1.0.0', last_updated: '2025-01-01T00:00:00Z', servers }));
  for (const args of [
    ['registry', 'convert', '--to', 'upstream', file],
    ['registry', 'list', '-A', '-o', 'yaml', '--kubeconfig', kubeconfigPath()],
    ['--help'],
  ]) {
    const r = await thvIntoClosedPipe(args, 1);
    assert.equal(r.stderr, '', args.join(' '));
    assert.equal(r.code, 0, args.join(' '));
  }
});

test('no kubeconfig anywhere: says so and where it looked, exit 1', async () => {
  const home = mkdtempSync(join(tmpdir(), 'thv-home-'));
  const env = { HOME: home, KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '', KUBERNETES_SERVICE_PORT: '' };
  const r = await thv(['registry', 'list'], { kubeconfig: null, env });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(
    r.stderr,
    `error: no kubeconfig found: looked at --kubeconfig (not given), $KUBECONFIG (not set) and ${home}/.kube/config (no such file).\n` +
      'Point thv at a cluster with --kubeconfig FILE or KUBECONFIG=FILE; for a local cluster, run `npm start` and use the .local/kubeconfig it writes.\n',
  );

  const gone = join(home, 'nope.yaml');
  const viaEnv = await thv(['registry', 'list'], { kubeconfig: null, env: { ...env, KUBECONFIG: gone } });
  assert.equal(viaEnv.code, 1);
  assert.match(
    viaEnv.stderr,
    new RegExp(
      `^error: no kubeconfig found: looked at --kubeconfig \\(not given\\), \\$KUBECONFIG \\(${gone}: no such file\\)\\.\n`,
    ),
  );

  const flag = await thv(['registry', 'list'], { kubeconfig: gone, env });
  assert.equal(flag.code, 1);
  assert.equal(
    flag.stderr,
    `error: the kubeconfig ${gone} given with --kubeconfig does not exist.\nCheck the path, or leave --kubeconfig out to use $KUBECONFIG or ~/.kube/config.\n`,
  );
});
