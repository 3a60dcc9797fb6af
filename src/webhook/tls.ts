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
  let first = true;
  const w = watchFiles(
    certDir,
    [join(certDir, 'tls.crt'), join(certDir, 'tls.key')],
    ([cert, key]) => {
      try {
        // Build the context first: a mismatched pair mid-rotation throws here and the old one stays.
        createSecureContext({ ...TLS_OPTIONS, cert, key });
        server.setSecureContext({ ...TLS_OPTIONS, cert, key });
        reads.inc({ result: 'success' });
        // The first read is normally the pair the server started with; installing it again is harmless.
        if (first) first = false;
        else {
          loads++;
          log.info({ certDir }, 'serving certificate reloaded');
        }
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
