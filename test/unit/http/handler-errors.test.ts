/**
 * A handler that throws (synchronously or by a rejected promise) gets the client a 500 and a log line,
 * and the process keeps serving: the guard of src/http/guard.ts, for each server that uses it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { pino } from 'pino';
import type { Registry } from 'prom-client';
import { guarded } from '../../../src/http/guard.ts';
import { HealthServer } from '../../../src/observability/health.ts';
import { startApiServer } from '../../../src/registry-api/server.ts';
import { SnapshotStore } from '../../../src/registry-api/snapshot/snapshot.ts';

/** A metrics registry whose scrape fails, as prom-client's does when a collect callback throws. */
const failingRegistry = {
  contentType: 'text/plain',
  metrics: () => Promise.reject(new Error('collect failed')),
} as unknown as Registry;

test('health server: a throwing readiness check and a failing scrape are 500s, logged, and it keeps serving', async () => {
  const errors: string[] = [];
  const health = new HealthServer(failingRegistry, (err, path) =>
    errors.push(`${path}: ${(err as Error).message}`),
  );
  health.addCheck('boom', () => {
    throw new Error('check threw');
  });
  const port = await health.listen('127.0.0.1:0');
  try {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    assert.equal(ready.status, 500);
    assert.equal(await ready.text(), 'Internal server error\n');
    assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 500);
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    assert.deepEqual(errors, ['/readyz: check threw', '/metrics: collect failed']);
  } finally {
    await health.close();
  }
});

test('registry API: a failing handler is a JSON 500 and the next request is answered', async () => {
  const srv = await startApiServer({
    address: '127.0.0.1:0',
    store: new SnapshotStore(),
    log: pino({ level: 'silent' }),
    metricsRegistry: failingRegistry,
  });
  try {
    const r = await fetch(`${srv.url}/metrics`);
    assert.equal(r.status, 500);
    assert.deepEqual(await r.json(), { error: 'Internal server error' });
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal((await fetch(`${srv.url}/healthz`)).status, 200);
  } finally {
    await srv.close();
  }
});

const cases: [name: string, handler: () => void | Promise<void>][] = [
  [
    'a synchronous throw',
    () => {
      throw new Error('sync');
    },
  ],
  ['a rejected promise', () => Promise.reject(new Error('async'))],
];
for (const [name, handler] of cases)
  test(`guarded: ${name} becomes the server's own 500 answer`, async () => {
    const seen: string[] = [];
    const server = createServer(
      guarded(handler, {
        reply: (_req, res, status, message) => res.writeHead(status).end(message),
        onError: (err) => seen.push((err as Error).message),
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;
    try {
      const r = await fetch(url);
      assert.equal(r.status, 500);
      assert.equal(await r.text(), 'Internal server error');
      assert.deepEqual(seen, [name === 'a synchronous throw' ? 'sync' : 'async']);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
