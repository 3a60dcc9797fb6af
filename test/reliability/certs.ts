/**
 * A cert dir laid out the way the kubelet mounts a Secret (files are symlinks through `..data`, which
 * is flipped atomically on update), and a probe of the certificate a server presents to a new client.
 */
import { mkdirSync, renameSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { connect } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import type { KeyPairPem } from '../../src/pki/pki.ts';

let generation = 0;

/** Writes a new version directory and flips `..data` to it in one rename, like a Secret volume update. */
export function writeSecretVolume(dir: string, serving: KeyPairPem, caPem: string): void {
  mkdirSync(dir, { recursive: true });
  const version = `..${Date.now()}_${process.pid}_${generation++}`;
  mkdirSync(join(dir, version));
  writeFileSync(join(dir, version, 'tls.crt'), serving.certPem);
  writeFileSync(join(dir, version, 'tls.key'), serving.keyPem);
  writeFileSync(join(dir, version, 'ca.crt'), caPem);
  const tmp = join(dir, '..data_tmp');
  symlinkSync(version, tmp);
  renameSync(tmp, join(dir, '..data'));
  for (const f of ['tls.crt', 'tls.key', 'ca.crt'])
    if (!existsSync(join(dir, f))) symlinkSync(join('..data', f), join(dir, f));
}

export function fingerprint(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

/** The fingerprint of the certificate a new TLS connection is served, verified against `ca`. */
export function presentedFingerprint(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      const fp = s.getPeerCertificate().fingerprint256;
      s.end();
      resolve(fp);
    });
    s.on('error', reject);
  });
}
