/**
 * F2: rolling restarts of two webhook processes behind a loopback TCP proxy (the Service) under load,
 * with zero failed requests. Like Kubernetes, a terminating process is removed from the endpoints at
 * SIGTERM while its existing keep-alive connections stay open, so only its drain (keep serving, answer
 * with `Connection: close`, then close idle connections) stands between the clients and failures.
 * CI: 4 restarts; MCPR_LONG=1: 20 restarts at a higher rate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCertDir } from '../../../bench/lib/certs.ts';
import { admissionCorpus } from '../../../bench/lib/corpus.ts';
import { runLoad, type LoadResult } from '../../../bench/lib/load.ts';
import { PATHS, startWebhook, type WebhookProc } from '../../../bench/lib/webhook-proc.ts';
import { LONG } from '../../reliability/json-text.ts';
import { TcpProxy } from '../../reliability/proxy.ts';

const RESTARTS = LONG ? 20 : 4;
const RATE = LONG ? 1000 : 200;
const DRAIN_SECONDS = 2;

test(`${RESTARTS} rolling restarts of two webhook processes under load lose no request`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-rolling-'));
  const certs = await makeCertDir(join(dir, 'certs'));
  const start = () => startWebhook({ certDir: certs.dir, core: 0, drainSeconds: DRAIN_SECONDS });
  const procs: WebhookProc[] = [await start(), await start()];
  const proxy = new TcpProxy(procs.map((p) => ({ host: '127.0.0.1', port: p.port })));
  const port = await proxy.listen();
  const stop = new AbortController();
  const common = {
    ca: certs.caPem,
    maxRequests: 10_000_000,
    durationMs: 30 * 60_000,
    check: 'review-uid' as const,
    mode: 'open' as const,
    concurrency: 32,
  };
  const loads: Promise<LoadResult>[] = [
    runLoad(
      {
        ...common,
        url: `https://127.0.0.1:${port}${PATHS.validate}`,
        bodies: admissionCorpus(),
        keepAlive: true,
        rate: RATE,
      },
      stop.signal,
    ),
    runLoad(
      {
        ...common,
        url: `https://127.0.0.1:${port}${PATHS.mutate}`,
        bodies: admissionCorpus(),
        keepAlive: true,
        rate: RATE / 2,
      },
      stop.signal,
    ),
    runLoad(
      {
        ...common,
        url: `https://127.0.0.1:${port}${PATHS.validate}`,
        bodies: admissionCorpus(),
        keepAlive: false,
        rate: 20,
      },
      stop.signal,
    ),
  ];
  const exits: { code: number | null; signal: string | null }[] = [];
  try {
    for (let i = 0; i < RESTARTS; i++) {
      const slot = i % 2;
      const old = procs[slot] as WebhookProc;
      proxy.remove(old.port);
      const exited = new Promise<void>((res) =>
        old.proc.child.once('exit', (code, signal) => {
          exits.push({ code, signal });
          res();
        }),
      );
      old.proc.child.kill('SIGTERM');
      const fresh = await start();
      proxy.add({ host: '127.0.0.1', port: fresh.port });
      procs[slot] = fresh;
      await exited;
    }
  } finally {
    stop.abort();
    const results = await Promise.all(loads);
    await Promise.all(procs.map((p) => p.proc.stop()));
    await proxy.close();
    rmSync(dir, { recursive: true, force: true });
    const total = results.reduce((a, r) => ({ ok: a.ok + r.ok, failed: a.failed + r.failed }), {
      ok: 0,
      failed: 0,
    });
    t.diagnostic(
      `requests: ${total.ok} ok, ${total.failed} failed; errors: ${JSON.stringify(results.map((r) => r.errors))}`,
    );
    assert.deepEqual(
      results.map((r) => r.errors),
      [{}, {}, {}],
      'no request may fail during rolling restarts',
    );
    assert.ok(total.ok > RESTARTS * 50, `too little load went through: ${total.ok}`);
  }
  assert.equal(proxy.refused, 0);
  assert.deepEqual(
    exits,
    Array.from({ length: RESTARTS }, () => ({ code: 0, signal: null })),
    'each process drains and exits 0 on SIGTERM',
  );
});
