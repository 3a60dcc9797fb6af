/**
 * Serving certificate from `tls.crt`/`tls.key` in a directory (the cert-manager Secret layout),
 * swapped into the running server with setSecureContext when the files change: connections in
 * flight keep their session, new handshakes get the new certificate.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import type { Server } from 'node:https';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { watchFiles, type FileWatcher } from './file-watch.ts';

export const TLS_OPTIONS: SecureContextOptions = { minVersion: 'TLSv1.2' };

export function readCertPair(certDir: string): { cert: Buffer; key: Buffer } {
  return { cert: readFileSync(join(certDir, 'tls.crt')), key: readFileSync(join(certDir, 'tls.key')) };
}

export interface CertReloader extends FileWatcher {
  /** Number of certificate pairs loaded so far (1 after start). */
  loads(): number;
}

export function reloadCerts(
  server: Server,
  certDir: string,
  initial: { cert: Buffer; key: Buffer },
  log: Logger,
  metrics: Registry,
  pollMs?: number,
): CertReloader {
  const reads = new Counter({
    name: 'certwatcher_read_certificate_total',
    help: 'Serving certificate reads, by result.',
    labelNames: ['result'] as const,
    registers: [metrics],
  });
  // The alert on a certificate about to expire (monitoring/, docs/troubleshooting.md) reads this: a
  // cert-manager or self-signed rotation that stopped working shows here weeks before admission fails.
  const expiry = new Gauge({
    name: 'mcpr_webhook_certificate_expiry_timestamp_seconds',
    help: 'Unix time at which the serving certificate in use expires (its notAfter).',
    registers: [metrics],
  });
  const notAfter = (cert: Buffer) => Date.parse(new X509Certificate(cert).validTo) / 1000;
  expiry.set(notAfter(initial.cert));
  let loads = 1;
  let current = Buffer.concat([initial.cert, initial.key]);
  const w = watchFiles(
    certDir,
    [join(certDir, 'tls.crt'), join(certDir, 'tls.key')],
    ([cert, key]) => {
      const next = Buffer.concat([cert ?? Buffer.alloc(0), key ?? Buffer.alloc(0)]);
      if (next.equals(current)) return;
      try {
        // Build the context first: a mismatched pair mid-rotation throws here and the old one stays.
        createSecureContext({ ...TLS_OPTIONS, cert, key });
        const expires = notAfter(cert ?? Buffer.alloc(0));
        server.setSecureContext({ ...TLS_OPTIONS, cert, key });
        current = next;
        loads++;
        expiry.set(expires);
        reads.inc({ result: 'success' });
        log.info({ certDir }, 'serving certificate reloaded');
      } catch (e) {
        reads.inc({ result: 'error' });
        log.warn({ err: e, certDir }, 'serving certificate not reloaded; keeping the current one');
      }
    },
    (e) => {
      reads.inc({ result: 'error' });
      log.debug({ err: e }, 'serving certificate not readable yet');
    },
    pollMs,
  );
  return { close: () => w.close(), loads: () => loads };
}
