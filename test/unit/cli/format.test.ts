import { test } from 'node:test';
import assert from 'node:assert/strict';
import { age, humanDuration, structured, table } from '../../../src/cli/format.ts';
import { parseTimeout } from '../../../src/cli/duration.ts';
import { UsageError } from '../../../src/cli/errors.ts';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

test('humanDuration prints ages like kubectl', () => {
  const cases: [number, string][] = [
    [-5 * s, '<invalid>'],
    [-1 * s, '0s'],
    [0, '0s'],
    [59 * s, '59s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [5 * m + 30 * s, '5m30s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m + 30 * s, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [6 * h + 20 * m, '6h20m'],
    [8 * h + 20 * m, '8h'],
    [47 * h, '47h'],
    [2 * d, '2d'],
    [3 * d + 4 * h, '3d4h'],
    [8 * d + 4 * h, '8d'],
    [729 * d, '729d'],
    [730 * d, '2y'],
    [731 * d, '2y1d'],
    [8 * 365 * d, '8y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms} ms`);
});

test('age is relative to now and <none> when the timestamp is absent or unreadable', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  assert.equal(age('2026-11-23T11:55:00Z', now), '5m');
  assert.equal(age('2026-11-20T12:00:00Z', now), '3d');
  assert.equal(age(undefined, now), '<none>');
  assert.equal(age('yesterday', now), '<none>');
});

test('table pads columns like kubectl (3 spaces, cells at least 6 wide, last column bare)', () => {
  assert.equal(
    table(
      ['NAME', 'PHASE', 'AGE'],
      [
        ['a', 'Ready', '5m'],
        ['longer-name', 'Failed', '2d'],
      ],
    ),
    'NAME          PHASE    AGE\na             Ready    5m\nlonger-name   Failed   2d\n',
  );
  assert.equal(table(['A', 'B'], [['x', 'y']]), 'A     B\nx     y\n');
});

test('structured output: indented JSON and block YAML, each ending in a newline', () => {
  assert.equal(structured({ a: [1] }, 'json'), '{\n  "a": [\n    1\n  ]\n}\n');
  assert.equal(structured({ a: [1], b: 'x' }, 'yaml'), 'a:\n  - 1\nb: x\n');
});

test('parseTimeout accepts Go durations and bare seconds; anything else is a usage error', () => {
  assert.equal(parseTimeout('--timeout', '90s'), 90_000);
  assert.equal(parseTimeout('--timeout', '2m'), 120_000);
  assert.equal(parseTimeout('--timeout', '1h30m'), 5_400_000);
  assert.equal(parseTimeout('--timeout', '500ms'), 500);
  assert.equal(parseTimeout('--timeout', '1.5m'), 90_000);
  assert.equal(parseTimeout('--timeout', '30'), 30_000);
  for (const bad of ['', 'soon', '5x', '0s', '-1m', '1h 30m'])
    assert.throws(
      () => parseTimeout('--timeout', bad),
      (e: unknown) =>
        e instanceof UsageError &&
        e.exitCode === 2 &&
        e.message ===
          `--timeout ${JSON.stringify(bad)}: expected a positive duration such as 90s, 5m or 1h30m`,
      bad,
    );
});

test('structured output hides metadata.managedFields like kubectl, in objects and in lists', () => {
  const obj = {
    metadata: { name: 'a', managedFields: [{ manager: 'kubectl' }] },
    spec: { metadata: 'kept' },
  };
  assert.equal(structured(obj, 'yaml'), 'metadata:\n  name: a\nspec:\n  metadata: kept\n');
  const list = { items: [obj, { metadata: { name: 'b', managedFields: [] } }] };
  assert.deepEqual(JSON.parse(structured(list, 'json')), {
    items: [{ metadata: { name: 'a' }, spec: { metadata: 'kept' } }, { metadata: { name: 'b' } }],
  });
});
