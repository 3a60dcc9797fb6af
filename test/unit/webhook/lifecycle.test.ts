import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCA } from '../../../src/pki/pki.ts';
import { createWebhookServer } from '../../../src/webhook/server.ts';
import { writeAtomically } from '../../support/atomic-writer.ts';
import { admissionReview, post, servingPair, startHarness } from './harness.ts';

const VALIDATE = '/validate-toolhive-stacklok-io-mcpregistry';
const review = (uid: string) =>
  admissionReview(uid, {
    apiVersion: 'toolhive.stacklok.io/v1alpha1',
    kind: 'MCPRegistry',
    metadata: { name: 'r' },
    spec: { source: { type: 'configmap', configmap: { name: 'c' } } },
  });

function servedCert(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const c = s.getPeerX509Certificate();
      s.end();
      resolve(c?.fingerprint256 ?? '');
    });
    s.on('error', reject);
  });
}

/** The value of the serving certificate's expiry gauge on /metrics (what the expiry alert reads). */
async function expiryMetric(healthUrl: string): Promise<number> {
  const text = await (await fetch(`${healthUrl}/metrics`)).text();
  const m = /^mcpr_webhook_certificate_expiry_timestamp_seconds (\S+)$/m.exec(text);
  assert.ok(m, 'no mcpr_webhook_certificate_expiry_timestamp_seconds sample');
  return Number(m[1]);
}
const notAfter = (pem: string) => Date.parse(new X509Certificate(pem).validTo) / 1000;

test('the certificate is swapped on disk (symlink flip, new CA) while requests flow: none fails', async () => {
  const h = await startHarness();
  try {
    assert.equal(await expiryMetric(h.healthUrl), notAfter(readFileSync(join(h.certDir, 'tls.crt'), 'utf8')));
    const newCa = await createCA('rotated-ca', 5);
    const newPair = await servingPair(newCa, 5);
    const newFingerprint = new X509Certificate(newPair['tls.crt']).fingerprint256;
    // Clients trust both CAs, like an apiserver whose caBundle holds the old and the new CA during rotation.
    const trust = { caPems: [h.ca.certPem, newCa.certPem] };
    let stop = false;
    const failures: string[] = [];
    let done = 0;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        try {
          const r = await post(h, VALIDATE, review(`${w}-${i}`), trust);
          const uid = (r.json() as { response: { uid: string } }).response.uid;
          if (r.status !== 200 || uid !== `${w}-${i}`) failures.push(`${r.status} ${r.body}`);
        } catch (e) {
          failures.push((e as Error).message);
        }
        done++;
      }
    };
    const workers = [0, 1, 2, 3].map(worker);
    while (done < 20) await new Promise((r) => setTimeout(r, 10));
    writeAtomically(h.certDir, newPair);
    const deadline = Date.now() + 15_000;
    while ((await servedCert(h.port)) !== newFingerprint) {
      assert.ok(Date.now() < deadline, 'the new certificate was never served');
      await new Promise((r) => setTimeout(r, 50));
    }
    const after = done;
    while (done < after + 20) await new Promise((r) => setTimeout(r, 10));
    stop = true;
    await Promise.all(workers);
    assert.deepEqual(failures, []);
    const ready = (await (await fetch(`${h.healthUrl}/readyz`)).json()) as { checks: { tls: string } };
    assert.equal(ready.checks.tls, `certificate loaded 2 time(s) from ${h.certDir}`);
    // The expiry gauge follows the certificate in use: 5 days out now, not the first one's 2.
    assert.equal(await expiryMetric(h.healthUrl), notAfter(newPair['tls.crt']));
  } finally {
    await h.stop();
  }
});

test('a half-written pair (key and cert not matching) is not installed; the old certificate keeps serving', async () => {
  const h = await startHarness();
  try {
    const before = await servedCert(h.port);
    const other = await servingPair(h.ca);
    const mine = await servingPair(h.ca);
    writeAtomically(h.certDir, { 'tls.crt': other['tls.crt'], 'tls.key': mine['tls.key'] });
    const expiry = await expiryMetric(h.healthUrl);
    await new Promise((r) => setTimeout(r, 2500)); // one poll period: the mismatched pair has been seen
    assert.equal(await servedCert(h.port), before);
    assert.equal(await expiryMetric(h.healthUrl), expiry, 'the expiry of the certificate still in use');
    assert.equal((await post(h, VALIDATE, review('x'))).status, 200);
  } finally {
    await h.stop();
  }
});

test('on stop: readiness turns 503 during the drain period while requests are still served, then the port closes', async () => {
  const h = await startHarness(['--drain-seconds=1']);
  const stopping = h.stop();
  const ready = await fetch(`${h.healthUrl}/readyz`);
  assert.equal(ready.status, 503);
  assert.deepEqual(((await ready.json()) as { checks: { webhook: string } }).checks.webhook, 'shutting down');
  const r = await post(h, VALIDATE, review('draining'));
  assert.equal(r.status, 200);
  assert.equal(r.headers.connection, 'close');
  await stopping;
  await assert.rejects(post(h, VALIDATE, review('late')), /ECONNREFUSED/);
});

test('keep-alive outlives the apiserver’s 90 s idle timeout', async () => {
  const pair = await servingPair(await createCA('k', 1));
  const s = createWebhookServer({
    cert: Buffer.from(pair['tls.crt']),
    key: Buffer.from(pair['tls.key']),
    policy: () => {
      throw new Error('unused');
    },
    log: undefined as never,
    metrics: undefined as never,
    draining: () => false,
  });
  assert.ok(s.keepAliveTimeout > 90_000);
  assert.ok(s.headersTimeout > s.keepAliveTimeout);
});
