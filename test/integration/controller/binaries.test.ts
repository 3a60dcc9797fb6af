/**
 * The binaries as users and kubelets meet them: --help and --version on every binary, and a
 * controller-only operator (webhooks off, as in a split Deployment) serving /healthz, /readyz and
 * /metrics on its plain-HTTP port against the real apiserver, so its probes pass.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createNamespace, eventually, kubeconfigPath } from '../../support/cluster.ts';
import { startController } from '../../support/controller.ts';
import { freePort } from '../../../src/local/control-plane.ts';
import { CONTROLLER_NICE, SYNC_WORKER_NICE } from '../../../src/observability/thread-priority.ts';
import { niceOf } from '../../support/threads.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const VERSION = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

function run(bin: string, args: string[]) {
  const r = spawnSync(process.execPath, [resolve(ROOT, 'src/bin', bin), ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const versions: [string, string][] = [
  ['operator.ts', 'mcp-registry-operator'],
  ['thv.ts', 'thv'],
  ['thv-registry-api.ts', 'thv-registry-api'],
];
for (const [bin, name] of versions)
  test(`${name} --version prints the package version and exits 0`, () => {
    assert.deepEqual(run(bin, ['--version']), { code: 0, out: `${name} ${VERSION}\n`, err: '' });
  });

test('mcp-registry-operator --help prints usage and exits 0; an unknown flag exits 2 pointing at --help', () => {
  for (const flag of ['--help', '-h']) {
    const r = run('operator.ts', [flag]);
    assert.equal(r.code, 0);
    assert.equal(r.err, '');
    assert.match(r.out, /^Usage: mcp-registry-operator \[flags\]\n/);
    assert.match(r.out, /--enable-webhooks=<bool>/);
  }
  assert.deepEqual(run('operator.ts', ['--bogus']), {
    code: 2,
    out: '',
    err: "error: Unknown option '--bogus'\nRun 'mcp-registry-operator --help' for usage.\n",
  });
});

test('a controller-only operator serves /healthz, /readyz and /metrics on its health port', async () => {
  const ns = await createNamespace('ctrl-health');
  const port = await freePort();
  const ctrl = startController({
    kubeconfig: kubeconfigPath(),
    namespaces: [ns],
    extraArgs: [`--health-address=127.0.0.1:${port}`],
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    const ready = await eventually(
      'the controller-only operator to be ready',
      async () => {
        const r = await fetch(`${base}/readyz`).catch(() => undefined);
        if (r?.status !== 200) return undefined;
        // Ready while it stands by for the leader lease too (a standby replica serves); wait until it leads.
        const body = (await r.json()) as { ready: boolean; checks: Record<string, string> };
        return body.checks.controller?.startsWith('reconciling') ? body : undefined;
      },
      60_000,
    );
    assert.deepEqual(ready, {
      ready: true,
      checks: { startup: 'started', controller: 'reconciling with 4 workers' },
    });
    const health = await fetch(`${base}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(await health.text(), 'ok\n');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    // The controller's metrics come from its thread, the process's from the main thread: each once.
    for (const name of ['controller_runtime_reconcile_total', 'process_cpu_seconds_total'])
      assert.equal(metrics.match(new RegExp(`^# HELP ${name} `, 'gm'))?.length, 1, name);
    // The main thread (webhooks, health) keeps nice 0; the controller thread runs at 10, its sync
    // worker at 19 (SPEC §18): /proc lists each thread's own value.
    // A sync worker starts at its parent's 10 and lowers itself once its modules are loaded.
    const pid = ctrl.child.pid ?? 0;
    const nices = () => readdirSync(`/proc/${pid}/task`).map((tid) => niceOf(pid, Number(tid)));
    const seen = await eventually(
      'a sync worker thread at its own priority',
      async () => (nices().includes(SYNC_WORKER_NICE) ? nices() : undefined),
      30_000,
    );
    assert.equal(niceOf(pid, pid), 0);
    assert.ok(seen.includes(CONTROLLER_NICE), `thread nice values: ${seen.join(' ')}`);
    assert.equal((await fetch(`${base}/nope`)).status, 404);
  } finally {
    await ctrl.stop();
  }
});
