/** The manifest's YAML writer reads back as the same value (the yaml library parses it), whatever the strings. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { toYaml } from '../../../../src/admission/workloads/index.ts';

const STRINGS = [
  'plain',
  'ghcr.io/x/y:1.0',
  'ghcr.io/x/y@sha256:' + 'a'.repeat(64),
  '--max-bytes',
  '-',
  '- x',
  '1000000',
  '1e3',
  '0x1f',
  '.5',
  'true',
  'No',
  'null',
  '~',
  '',
  ' leading',
  'trailing ',
  'a: b',
  'a #b',
  '#x',
  '@x',
  '*x',
  '&x',
  '!x',
  '%x',
  '`x',
  '{x}',
  '[x]',
  '"x"',
  "'x'",
  'multi\nline',
  'tab\there',
  'ünïcode',
  'https://mcp.example.com/v1/sse?x=1&y=2',
];

test('toYaml: every tricky string reads back unchanged, as a value, key, list item', () => {
  for (const s of STRINGS) {
    const v = { k: s, [s || 'empty']: [s, { n: s }], list: [[], {}], num: 8080, yes: true };
    assert.deepEqual(parse(toYaml(v)), v, JSON.stringify(s));
  }
});

test('toYaml: the manifest shape, block style', () => {
  assert.equal(
    toYaml({
      kind: 'MCPServer',
      metadata: { annotations: { 'toolhive.stacklok.io/server': 'fetch' } },
      spec: { args: ['-v'], env: [{ name: 'A', value: '1' }] },
    }),
    'kind: MCPServer\nmetadata:\n  annotations:\n    toolhive.stacklok.io/server: fetch\nspec:\n  args:\n  - -v\n  env:\n  - name: A\n    value: "1"\n',
  );
});
