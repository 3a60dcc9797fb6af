/**
 * A real kube-apiserver of our own with the MCPRegistry CRD converted by a tiny HTTPS server that
 * hands every ConversionReview to handleConversionReview. (The shared test stack installs the CRD
 * with conversion None, which other files rely on, so this file must not change that CRD.)
 */
import { spawn } from 'node:child_process';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { stringify } from 'yaml';
import { buildCrd } from '../../../src/api/crd.ts';
import { handleConversionReview } from '../../../src/api/conversion/index.ts';
import { startControlPlane, type ControlPlane } from '../../../src/local/control-plane.ts';
import { createCA, issueCert } from '../../../src/pki/pki.ts';

export type Obj = {
  apiVersion: string;
  metadata: Record<string, unknown> & { annotations?: Record<string, string> };
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
};

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ConversionCluster {
  /** Object counts of the ConversionReviews the webhook answered, in order. */
  reviews: number[];
  kubectl(args: string[], input?: string | object): Promise<KubectlResult>;
  kubectlOk(args: string[], input?: string | object): Promise<string>;
  getAs(version: string, ns: string, name: string): Promise<Obj>;
  namespace(): Promise<string>;
  /** POSTs a ConversionReview to the webhook exactly as the apiserver does (TLS verified against the CA bundle). */
  postReview(
    body: object,
  ): Promise<{ response: { uid: string; result: unknown; convertedObjects: unknown[] } }>;
  stop(): Promise<void>;
}

export async function startConversionCluster(): Promise<ConversionCluster> {
  const cp: ControlPlane = await startControlPlane();
  const reviews: number[] = [];

  // kubectl runs asynchronously: the webhook server lives in this process, so a synchronous child
  // would block the very event loop that has to answer the apiserver's ConversionReviews.
  const kubectl = (args: string[], input?: string | object): Promise<KubectlResult> => {
    const stdin = input === undefined ? '' : typeof input === 'string' ? input : stringify(input);
    return new Promise((resolve, reject) => {
      const child = spawn('kubectl', ['--kubeconfig', cp.kubeconfigPath, ...args], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => {
        stderr = stderr
          .split('\n')
          .filter((l) => !l.includes('exceeds the supported minor version skew'))
          .join('\n')
          .trim();
        resolve({ code: code ?? -1, stdout, stderr });
      });
      child.stdin.end(stdin);
    });
  };
  const kubectlOk = async (args: string[], input?: string | object): Promise<string> => {
    const r = await kubectl(args, input);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  };

  const ca = await createCA('conversion-test-ca');
  const cert = await issueCert(ca, {
    commonName: '127.0.0.1',
    ipAddresses: ['127.0.0.1'],
    dnsNames: ['localhost'],
    usage: 'server',
  });
  const server: Server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request: { objects: unknown[] } };
      reviews.push(body.request.objects.length);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(handleConversionReview(body)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const webhookUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/convert`;
  const crd = buildCrd({
    conversion: { kind: 'url', url: webhookUrl, caBundle: Buffer.from(ca.certPem).toString('base64') },
  });
  await kubectlOk(['apply', '--server-side', '-f', '-'], JSON.stringify(crd));
  await kubectlOk([
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/mcpregistries.toolhive.stacklok.io',
  ]);
  // Discovery of both versions, so kubectl can address each.
  for (let i = 0; i < 100; i++) {
    if ((await kubectl(['get', 'mcpregistries.v1alpha1.toolhive.stacklok.io', '-A'])).code === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }

  let nsCounter = 0;
  return {
    reviews,
    kubectl,
    kubectlOk,
    async getAs(version, ns, name) {
      const out = await kubectlOk([
        'get',
        `mcpregistries.${version}.toolhive.stacklok.io`,
        '-n',
        ns,
        name,
        '-o',
        'json',
      ]);
      return JSON.parse(out) as Obj;
    },
    async namespace() {
      const name = `conv-${process.pid}-${nsCounter++}`;
      await kubectlOk(['create', 'namespace', name]);
      return name;
    },
    postReview(body) {
      return new Promise((resolve, reject) => {
        const req = request(
          webhookUrl,
          { method: 'POST', ca: ca.certPem, headers: { 'content-type': 'application/json' } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify(body));
      });
    },
    async stop() {
      server.close();
      await cp.stop();
    },
  };
}
