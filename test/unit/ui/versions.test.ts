/** The catalog page's list of versions (SPEC §14): a `/versions` answer as the detail view names it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { versionList } from '../../../src/ui/core/detail.ts';

const OFFICIAL = 'io.modelcontextprotocol.registry/official';
const item = (version: string | undefined, official: Record<string, unknown>) => ({
  server: { name: 'io.ex/a', ...(version !== undefined && { version }) },
  _meta: { [OFFICIAL]: official },
});

test('newest first as served, the latest and any status other than active named', () => {
  const answer = {
    servers: [
      item('2.0.0', { status: 'active', isLatest: true }),
      item('1.1.0', { status: 'deprecated', isLatest: false }),
      item('1.0.5', { status: 'deleted', isLatest: false }),
      item('1.0.0', { status: 'active', isLatest: false }),
      item(undefined, {}),
      'not an item',
    ],
    metadata: { count: 6 },
  };
  assert.deepEqual(versionList(answer), [
    '2.0.0 (latest)',
    '1.1.0 (deprecated)',
    '1.0.5 (deleted)',
    '1.0.0',
    '(no version)',
  ]);
});

test('no answer (the request failed) or not a list: no versions', () => {
  for (const a of [undefined, null, {}, { servers: 'x' }, []]) assert.deepEqual(versionList(a), []);
});
