import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:tls';
import { X509Certificate } from 'node:crypto';
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

test('the certificate is swapped on disk (symlink flip, new CA) while requests flow: none fails', async () => {
  const h = await startHarness();
  try {
    const newCa = await createCA('rotated-ca', 2);
    const newPair = await servingPair(newCa);
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
    await new Promise((r) => setTimeout(r, 2500)); // one poll period: the mismatched pair has been seen
    assert.equal(await servedCert(h.port), before);
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
