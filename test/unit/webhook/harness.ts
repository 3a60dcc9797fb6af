/** An in-process webhook server on loopback with a generated CA and a Secret-style cert directory. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, type RequestOptions } from 'node:https';
import { Registry } from 'prom-client';
import { parseOperatorConfig } from '../../../src/config/operator-config.ts';
import { freePort } from '../../../src/local/control-plane.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createCA, issueCert, type KeyPairPem } from '../../../src/pki/pki.ts';
import { runWebhooks } from '../../../src/webhook/main.ts';
import { writeAtomically } from '../../support/atomic-writer.ts';

export interface Harness {
  port: number;
  healthUrl: string;
  certDir: string;
  ca: KeyPairPem;
  stop: () => Promise<void>;
}

export async function servingPair(
  ca: KeyPairPem,
  validDays = 2,
): Promise<{ 'tls.crt': string; 'tls.key': string }> {
  const c = await issueCert(ca, {
    commonName: '127.0.0.1',
    ipAddresses: ['127.0.0.1'],
    usage: 'server',
    validDays,
  });
  return { 'tls.crt': c.certPem, 'tls.key': c.keyPem };
}

function nowhereKubeconfig(port: number): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters: [{name: nowhere, cluster: {server: "http://127.0.0.1:' + port + '"}}]',
    'users: [{name: nobody, user: {}}]',
    'contexts: [{name: nowhere, context: {cluster: nowhere, user: nobody}}]',
    'current-context: nowhere',
    '',
  ].join('\n');
}

export async function startHarness(extra: string[] = []): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-webhook-'));
  const certDir = join(dir, 'certs');
  const ca = await createCA('webhook-test-ca', 2);
  writeAtomically(certDir, await servingPair(ca));
  const port = await freePort();
  const healthPort = await freePort();
  // An apiserver address where nothing listens: the workload webhook starts and finds no CRD, and
  // the harness never reaches a cluster the machine's own ~/.kube/config may name.
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, nowhereKubeconfig(await freePort()));
  const config = parseOperatorConfig(
    [
      `--kubeconfig=${kubeconfig}`,
      `--cert-dir=${certDir}`,
      '--webhook-host=127.0.0.1',
      `--webhook-port=${port}`,
      `--health-address=127.0.0.1:${healthPort}`,
      '--drain-seconds=0',
      ...extra,
    ],
    {},
  );
  const stop = await runWebhooks(config, createLogger('silent'), new Registry());
  return { port, healthUrl: `http://127.0.0.1:${healthPort}`, certDir, ca, stop };
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: () => unknown;
}

export function post(
  h: { port: number; ca: KeyPairPem },
  path: string,
  body: string | Buffer | undefined,
  opts: RequestOptions & { contentType?: string | null; caPems?: string[] } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (opts.contentType !== null) headers['content-type'] = opts.contentType ?? 'application/json';
    const req = request(
      {
        host: '127.0.0.1',
        port: h.port,
        path,
        method: opts.method ?? 'POST',
        ca: opts.caPems ?? [h.ca.certPem],
        agent: false,
        headers: { ...headers, ...(opts.headers as Record<string, string> | undefined) },
        ...(opts.maxVersion ? { maxVersion: opts.maxVersion, minVersion: opts.minVersion } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text,
            json: () => JSON.parse(text),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

export const admissionReview = (uid: string, object: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { uid, operation: 'CREATE', name: 'r', object, ...extra },
  });
