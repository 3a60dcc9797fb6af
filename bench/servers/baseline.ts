/**
 * The physical ceiling the webhook is compared with: a bare node:https server that parses the body and
 * answers a fixed review. AdmissionReview → `{allowed: true, uid}`; ConversionReview → the objects back
 * with only apiVersion changed (the identity converter). Same certificate as the system under test.
 * With --admission it answers AdmissionReviews with our pure admission core instead (validate or
 * mutate by path, the default policy): the bare server doing our work, which separates what the work
 * itself costs from what our server adds around it (docs/performance.md).
 *   node bench/servers/baseline.ts --cert-dir DIR --port N [--admission]
 */
import { createServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    'cert-dir': { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    admission: { type: 'boolean' },
  },
});
// Loaded only with --admission, so the plain baseline's memory and startup stay those of a bare server.
const admission = values.admission === true ? await import('../../src/admission/index.ts') : undefined;
const certDir = values['cert-dir'] ?? '.';

interface Review {
  request?: { uid?: string; desiredAPIVersion?: string; objects?: { apiVersion?: string }[] };
}

const server = createServer(
  { cert: readFileSync(join(certDir, 'tls.crt')), key: readFileSync(join(certDir, 'tls.key')) },
  (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let review: Review;
      try {
        review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Review;
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"bad json"}');
        return;
      }
      const uid = review.request?.uid ?? '';
      if (admission && req.url !== '/convert') {
        const r = admission.decodeAdmissionReview(review);
        const policy = admission.DEFAULT_POLICY;
        const out = req.url?.startsWith('/mutate')
          ? admission.mutate(r, policy)
          : admission.validateReview(r, policy);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out.review));
        return;
      }
      const body =
        req.url === '/convert'
          ? {
              apiVersion: 'apiextensions.k8s.io/v1',
              kind: 'ConversionReview',
              response: {
                uid,
                convertedObjects: (review.request?.objects ?? []).map((o) => ({
                  ...o,
                  apiVersion: review.request?.desiredAPIVersion,
                })),
                result: { status: 'Success' },
              },
            }
          : { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, allowed: true } };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  },
);
server.keepAliveTimeout = 120_000;
server.listen(Number(values.port ?? 0), values.host ?? '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`listening ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
