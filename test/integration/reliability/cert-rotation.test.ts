/**
 * F3: certificate and CA rotation under load with zero failures. The cert dir is laid out like a
 * mounted Secret and updated the way the kubelet does it (a new version directory, `..data` flipped by
 * rename). Clients trust the old and the new CA during the rotation, as a caBundle does while
 * cert-manager rotates. Half the load reuses connections, half opens a new one per request.
 * CI: one re-issue from the same CA, then a new CA; MCPR_LONG=1: 10 rotations alternating CAs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCA } from '../../../src/pki/pki.ts';
import { issueServing } from '../../../bench/lib/certs.ts';
import { admissionCorpus } from '../../../bench/lib/corpus.ts';
import { runLoad, type LiveCounts, type LoadResult } from '../../../bench/lib/load.ts';
import { PATHS, startWebhook } from '../../../bench/lib/webhook-proc.ts';
import { eventually } from '../../support/cluster.ts';
import { fingerprint, presentedFingerprint, writeSecretVolume } from '../../reliability/certs.ts';
import { LONG } from '../../reliability/json-text.ts';

const ROTATIONS = LONG ? 10 : 2;

test(`${ROTATIONS} certificate rotations (same CA, then a new CA) under load fail no request`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-rotation-'));
  const certDir = join(dir, 'certs');
  const caA = await createCA('mcpr-rotation-ca-a');
  const caB = await createCA('mcpr-rotation-ca-b');
  const bundle = caA.certPem + caB.certPem;
  const first = await issueServing(caA);
  writeSecretVolume(certDir, first, caA.certPem);
  const hook = await startWebhook({ certDir, core: 0 });
  const stop = new AbortController();
  const common = {
    ca: bundle,
    maxRequests: 10_000_000,
    durationMs: 30 * 60_000,
    check: 'review-uid' as const,
    mode: 'open' as const,
    concurrency: 16,
    bodies: admissionCorpus(),
  };
  const live: LiveCounts = { ok: 0, failed: 0 };
  const loads: Promise<LoadResult>[] = [
    runLoad(
      { ...common, url: `${hook.url}${PATHS.validate}`, keepAlive: true, rate: 150 },
      stop.signal,
      live,
    ),
    runLoad({ ...common, url: `${hook.url}${PATHS.mutate}`, keepAlive: false, rate: 30 }, stop.signal, live),
  ];
  // Each phase (before, between and after rotations) carries real traffic: wait for answers, not time.
  const traffic = (n: number) => {
    const target = live.ok + n;
    return eventually(`${n} more answers`, () => (live.ok >= target ? true : undefined));
  };
  const served: string[] = [];
  try {
    assert.equal(await presentedFingerprint(hook.port, bundle), fingerprint(first.certPem));
    await traffic(200);
    for (let i = 0; i < ROTATIONS; i++) {
      // Odd rotations move to the other CA; even ones re-issue from the current CA.
      const ca = i % 2 === 0 ? caA : caB;
      const next = await issueServing(ca);
      writeSecretVolume(certDir, next, ca.certPem);
      const want = fingerprint(next.certPem);
      served.push(
        await eventually(`new connections to present rotation ${i + 1}`, async () => {
          const fp = await presentedFingerprint(hook.port, bundle);
          return fp === want ? fp : undefined;
        }),
      );
      await traffic(200);
    }
  } finally {
    stop.abort();
    const results = await Promise.all(loads);
    await hook.proc.stop();
    rmSync(dir, { recursive: true, force: true });
    t.diagnostic(
      `requests: ${results.map((r) => `${r.ok} ok / ${r.failed} failed`).join(', ')}; errors: ${JSON.stringify(results.map((r) => r.errors))}`,
    );
    assert.deepEqual(
      results.map((r) => r.errors),
      [{}, {}],
      'no request may fail while certificates rotate',
    );
    assert.ok(results.every((r) => r.ok > 0));
  }
  assert.equal(served.length, ROTATIONS);
});
