/** An admission warning is shown once, when the value is written, not again by every `sync`. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createNamespace } from '../../support/cluster.ts';
import { thv } from './thv.ts';

let ns: string;
before(async () => {
  ns = await createNamespace('cli-sync-warning');
});

test('add warns about a short remote interval; sync (only the trigger changes) does not repeat it', async () => {
  const warning =
    'Warning: spec.syncPolicy.interval: 1m polls a remote source more often than every 5m; consider 5m or more\n';
  const add = await thv([
    'registry',
    'add',
    'eager',
    '-n',
    ns,
    '--url',
    'https://example.com/r.json',
    '--interval',
    '1m',
  ]);
  assert.equal(add.code, 0, add.stderr);
  assert.equal(add.stderr, warning);
  for (let i = 0; i < 2; i++) {
    const sync = await thv(['registry', 'sync', 'eager', '-n', ns]);
    assert.equal(sync.code, 0, sync.stderr);
    assert.equal(sync.stderr, '');
    assert.match(sync.stdout, /^mcpregistry\.toolhive\.stacklok\.io\/eager sync requested/);
  }
});
