/** The MCP tools' pure parts: which transports a server.json offers (what search_servers filters on). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transportsOf } from '../../../src/registry-api/mcp/tools.ts';

test('transportsOf: packages and remotes, malformed items skipped', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['nothing', {}, []],
    ['a stdio package', { packages: [{ transport: { type: 'stdio' } }] }, ['stdio']],
    [
      'packages and remotes, repeated',
      {
        packages: [{ transport: { type: 'stdio' } }, { transport: { type: 'streamable-http' } }],
        remotes: [{ type: 'sse' }, { type: 'streamable-http' }],
      },
      ['stdio', 'streamable-http', 'sse'],
    ],
    ['not arrays', { packages: { transport: { type: 'stdio' } }, remotes: 'sse' }, []],
    ['bad items', { packages: [null, 3, { transport: 'stdio' }, {}], remotes: [{ type: 7 }, null] }, []],
  ];
  for (const [name, server, want] of cases) assert.deepEqual([...transportsOf(server)], want, name);
});
