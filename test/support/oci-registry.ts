/**
 * A real OCI registry on loopback: CNCF Distribution's `registry` (built from its Go module by
 * test/oci-registry/build.sh), serving TLS with a certificate from a CA made for the run (src/pki),
 * storage in a temp dir. Clients trust it the way a user's would trust a private registry: skopeo
 * and podman through a cert dir holding ca.crt, helm through --ca-file, containerd through a
 * hosts.toml naming the CA (test/node).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request } from 'node:https';
import { freePort } from '../../src/local/control-plane.ts';
import { pollUntil } from '../../src/local/poll.ts';
import { createCA, issueCert } from '../../src/pki/pki.ts';

const ROOT = resolve(import.meta.dirname, '../..');

export interface OciRegistry {
  /** 127.0.0.1:<port>: the registry part of image references and oci:// chart URLs. */
  host: string;
  /** The CA's PEM file (helm --ca-file, containerd's hosts.toml). */
  caFile: string;
  /** A directory holding only ca.crt (skopeo --dest-cert-dir, podman --cert-dir). */
  certDir: string;
  /** GET on the registry API with the CA trusted, e.g. /v2/<repo>/tags/list. */
  get(
    path: string,
    accept?: string,
  ): Promise<{ status: number; headers: Record<string, unknown>; body: string }>;
  stop(): Promise<void>;
}

export function registryBin(): string {
  if (process.env.MCPR_OCI_REGISTRY_BIN) return process.env.MCPR_OCI_REGISTRY_BIN;
  return execFileSync('bash', [join(ROOT, 'test/oci-registry/build.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n')
    .pop()!;
}

export async function startOciRegistry(): Promise<OciRegistry> {
  const bin = registryBin();
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-oci-'));
  const ca = await createCA('mcpr test OCI registry CA', 2);
  const serving = await issueCert(ca, {
    commonName: '127.0.0.1',
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
    usage: 'server',
    validDays: 2,
  });
  const certDir = join(dir, 'certs.d');
  mkdirSync(certDir);
  const caFile = join(certDir, 'ca.crt');
  writeFileSync(caFile, ca.certPem);
  writeFileSync(join(dir, 'tls.crt'), serving.certPem);
  writeFileSync(join(dir, 'tls.key'), serving.keyPem, { mode: 0o600 });
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  // Distribution's configuration file; JSON is YAML. Tag deletion on, so a test can tidy up.
  writeFileSync(
    join(dir, 'config.yml'),
    JSON.stringify({
      version: 0.1,
      log: { level: 'warn', accesslog: { disabled: true } },
      storage: { filesystem: { rootdirectory: join(dir, 'data') }, delete: { enabled: true } },
      http: {
        addr: host,
        secret: 'mcpr-test-only',
        tls: { certificate: join(dir, 'tls.crt'), key: join(dir, 'tls.key') },
      },
    }),
  );
  const logFd = openSync(join(dir, 'registry.log'), 'a');
  const child: ChildProcess = spawn(bin, ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, OTEL_TRACES_EXPORTER: 'none' },
  });
  closeSync(logFd);
  const get = (path: string, accept?: string) =>
    new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((res, rej) => {
      const req = request(
        `https://${host}${path}`,
        { ca: ca.certPem, timeout: 10_000, headers: accept ? { accept } : {} },
        (r) => {
          let body = '';
          r.setEncoding('utf8');
          r.on('data', (c: string) => (body += c));
          r.on('end', () => res({ status: r.statusCode ?? 0, headers: r.headers, body }));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`GET ${path}: timed out`)));
      req.on('error', rej);
      req.end();
    });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await pollUntil(
      `the OCI registry on ${host}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`registry exited with ${child.exitCode}`);
        return (await get('/v2/').catch(() => undefined))?.status === 200;
      },
      30_000,
      100,
    );
  } catch (e) {
    const log = readFileSync(join(dir, 'registry.log'), 'utf8').slice(-2000);
    await stop();
    throw new Error(`${(e as Error).message}\n${log}`);
  }
  return { host, caFile, certDir, get, stop };
}
