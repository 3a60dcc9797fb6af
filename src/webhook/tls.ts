/**
 * Serving certificate from `tls.crt`/`tls.key` in a directory (the cert-manager Secret layout),
 * swapped into the running server with setSecureContext when the files change: connections in
 * flight keep their session, new handshakes get the new certificate.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import type { Server } from 'node:https';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
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
        server.setSecureContext({ ...TLS_OPTIONS, cert, key });
        current = next;
        loads++;
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
