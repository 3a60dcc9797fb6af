/** Node's own advice is cut from TLS errors shown to users; the cause stays. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, get } from 'node:https';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withoutNodeHints } from '../../../src/api/node-hints.ts';
import { SourceError } from '../../../src/sources/types.ts';

test('a real self-signed TLS failure reads without the --use-system-ca advice', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'node-hints-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'k.pem'),
      '-out',
      join(dir, 'c.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
    ],
    { stdio: 'ignore' },
  );
  const server = createServer(
    { key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) },
    (_q, r) => r.end('x'),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const message = await new Promise<string>((resolve) =>
    get(`https://127.0.0.1:${port}/`, () => resolve('connected')).on('error', (e) => resolve(e.message)),
  );
  server.close();
  assert.match(message, /^self-signed certificate/);
  assert.equal(withoutNodeHints(message), 'self-signed certificate');
  assert.equal(
    new SourceError('FetchFailed', `https://x: ${message}`).message,
    'https://x: self-signed certificate',
  );
});

test('messages without the advice are unchanged', () => {
  for (const m of ['unable to get local issuer certificate', 'connect ECONNREFUSED 127.0.0.1:1', ''])
    assert.equal(withoutNodeHints(m), m);
});
