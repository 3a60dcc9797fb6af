import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoDuration } from '../../../src/admission/index.ts';

const ok: [string, number][] = [
  ['0', 0],
  ['30s', 30_000],
  ['1h30m', 5_400_000],
  ['1.5h', 5_400_000],
  ['300ms', 300],
  ['-2m', -120_000],
  ['+5s', 5000],
  ['1h0m0s', 3_600_000],
  ['1000000us', 1000],
  ['1000000µs', 1000],
  ['2000000ns', 2],
  ['.5s', 500],
  ['8760h', 8760 * 3_600_000],
];
for (const [text, ms] of ok)
  test(`Go duration ${text} = ${ms} ms`, () => assert.deepEqual(parseGoDuration(text), { ok: true, ms }));

const bad: [string, string][] = [
  ['', 'time: invalid duration ""'],
  ['10', 'time: missing unit in duration "10"'],
  ['10x', 'time: unknown unit "x" in duration "10x"'],
  ['1d', 'time: unknown unit "d" in duration "1d"'],
  ['h', 'time: invalid duration "h"'],
  ['1h 30m', 'time: unknown unit "h " in duration "1h 30m"'],
  ['.s', 'time: invalid duration ".s"'],
  ['-', 'time: invalid duration "-"'],
  ['3000000h', 'time: invalid duration "3000000h"'],
];
for (const [text, error] of bad)
  test(`Go duration ${JSON.stringify(text)} is refused like Go refuses it`, () =>
    assert.deepEqual(parseGoDuration(text), { ok: false, error }));
