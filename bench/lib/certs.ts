/**
 * Serving certificates for loopback benchmarks and tests, in the cert-manager Secret layout
 * (tls.crt, tls.key, ca.crt in one directory), ECDSA P-256 like the product's own.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCA, issueCert, type KeyPairPem } from '../../src/pki/pki.ts';

export interface CertDir {
  dir: string;
  ca: KeyPairPem;
  caPem: string;
}

export async function issueServing(ca: KeyPairPem, validDays = 30): Promise<KeyPairPem> {
  return issueCert(ca, {
    commonName: 'mcp-registry-operator-webhook',
    dnsNames: ['localhost', 'mcp-registry-operator-webhook.toolhive-system.svc'],
    ipAddresses: ['127.0.0.1'],
    usage: 'server',
    validDays,
  });
}

export function writeCertFiles(dir: string, caPem: string, serving: KeyPairPem): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tls.crt'), serving.certPem, { mode: 0o600 });
  writeFileSync(join(dir, 'tls.key'), serving.keyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'ca.crt'), caPem, { mode: 0o600 });
}

export async function makeCertDir(dir: string, caName = 'mcpr-bench-ca'): Promise<CertDir> {
  const ca = await createCA(caName);
  writeCertFiles(dir, ca.certPem, await issueServing(ca));
  return { dir, ca, caPem: ca.certPem };
}
