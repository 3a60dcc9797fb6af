/**
 * F11 soak: steady admission load on one webhook process while its RSS, heap and event-loop delay are
 * sampled. The gate is on memory trend only (no wall-clock assertions): the median RSS of the last
 * third of the run may not exceed the median of the first third (after warm-up) by more than 50% in
 * the short CI run, or 5% in the long run (MCPR_LONG=1: MCPR_SOAK_MINUTES, default 60, at 200 req/s).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCertDir } from '../../../bench/lib/certs.ts';
import { admissionCorpus } from '../../../bench/lib/corpus.ts';
import { runLoad } from '../../../bench/lib/load.ts';
import { PATHS, startWebhook } from '../../../bench/lib/webhook-proc.ts';
import { LONG } from '../../reliability/json-text.ts';
import { medianOf, sample, type Sample } from '../../reliability/sampler.ts';

const SAMPLES = LONG ? Math.round((Number(process.env.MCPR_SOAK_MINUTES ?? 60) * 60) / 10) : 24;
const INTERVAL_MS = LONG ? 10_000 : 400;
const GROWTH = LONG ? 1.05 : 1.5;

test(`soak: ${SAMPLES} samples under steady load, no failed request, no memory growth trend`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-soak-'));
  const certs = await makeCertDir(join(dir, 'certs'));
  const hook = await startWebhook({ certDir: certs.dir, core: 0 });
  const stop = new AbortController();
  const load = runLoad(
    {
      url: `${hook.url}${PATHS.validate}`,
      paths: [PATHS.validate, PATHS.mutate],
      bodies: admissionCorpus(),
      ca: certs.caPem,
      keepAlive: true,
      mode: 'open',
      rate: 200,
      concurrency: 16,
      maxRequests: 10_000_000,
      durationMs: 24 * 3600_000,
      check: 'review-uid',
    },
    stop.signal,
  );
  const samples: Sample[] = [];
  const t0 = performance.now();
  try {
    for (let i = 0; i < SAMPLES; i++) {
      await new Promise((r) => setTimeout(r, INTERVAL_MS));
      samples.push(await sample(hook.proc.child.pid ?? 0, `http://127.0.0.1:${hook.healthPort}/metrics`, t0));
    }
  } finally {
    stop.abort();
  }
  const result = await load;
  await hook.proc.stop();
  rmSync(dir, { recursive: true, force: true });
  const mib = (b: number) => (b / 2 ** 20).toFixed(1);
  t.diagnostic(`requests: ${result.ok} ok, ${result.failed} failed ${JSON.stringify(result.errors)}`);
  t.diagnostic(
    `samples (ms: RSS MiB / heap MiB / loop-lag p99 ms): ${samples
      .map((s) => `${s.atMs}: ${mib(s.rssBytes)}/${mib(s.heapUsedBytes)}/${s.eventLoopLagP99Ms.toFixed(1)}`)
      .join(', ')}`,
  );
  assert.deepEqual(result.errors, {});
  assert.ok(result.ok > 0);
  assert.ok(
    samples.every((s) => s.rssBytes > 0),
    'RSS was sampled',
  );
  assert.ok(
    samples.some((s) => Number.isFinite(s.eventLoopLagP99Ms)),
    'the server exports event-loop delay on /metrics',
  );
  const third = Math.floor(samples.length / 3);
  // The first sixth is warm-up (JIT, pools filling); compare the rest of the first third with the last third.
  const early = medianOf(samples.slice(Math.floor(third / 2), third).map((s) => s.rssBytes));
  const late = medianOf(samples.slice(-third).map((s) => s.rssBytes));
  assert.ok(late <= early * GROWTH, `RSS grew from ${mib(early)} MiB to ${mib(late)} MiB (limit ×${GROWTH})`);
});
