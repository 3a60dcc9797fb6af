/**
 * For checking the harness itself, not the product: a webhook-like server that takes the operator's
 * flags (--cert-dir, --webhook-port, --health-address, --drain-seconds) and answers every
 * AdmissionReview with `{allowed: true, uid}`. With NAIVE=1 it exits at once on SIGTERM (no drain).
 *   MCPR_WEBHOOK_BIN=bench/servers/fake-webhook.ts npm run bench -- webhook          # A/A: ratios ≈ 1
 *   NAIVE=1 MCPR_WEBHOOK_BIN=bench/servers/fake-webhook.ts \
 *     node --test test/integration/reliability/rolling-restart.test.ts             # must fail (ECONNRESET)
 */
import { createServer } from 'node:https';
import { createServer as createHttpServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  strict: false,
  options: {
    'cert-dir': { type: 'string' },
    'webhook-port': { type: 'string' },
    'health-address': { type: 'string' },
    'drain-seconds': { type: 'string' },
  },
});
const dir = String(values['cert-dir']);
const pair = () => ({ cert: readFileSync(join(dir, 'tls.crt')), key: readFileSync(join(dir, 'tls.key')) });
let draining = false;
const server = createServer(pair(), (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let uid = '';
    try {
      uid =
        (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request?: { uid?: string } }).request?.uid ??
        '';
    } catch {
      /* answer with an empty uid: the harness counts it as a failure */
    }
    if (draining) res.setHeader('connection', 'close');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        response: { uid, allowed: true },
      }),
    );
  });
});
server.keepAliveTimeout = 120_000;
// Certificate reload by polling, enough for the rotation test.
setInterval(() => {
  try {
    server.setSecureContext(pair());
  } catch {
    /* a half-written pair: keep the old one */
  }
}, 500).unref();
server.listen(Number(values['webhook-port']), '127.0.0.1');
const health = createHttpServer((_req, res) => res.end('ok'));
health.listen(Number(String(values['health-address']).split(':').pop()), '127.0.0.1');
process.on('SIGTERM', () => {
  if (process.env.NAIVE === '1') process.exit(0);
  draining = true;
  setTimeout(
    () => {
      server.close(() => process.exit(0));
      server.closeIdleConnections();
      health.close();
    },
    Number(values['drain-seconds'] ?? 1) * 1000,
  );
});
