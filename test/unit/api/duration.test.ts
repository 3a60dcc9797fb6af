/**
 * The one Go-duration parser against Go's own table (time_test.go parseDurationTests and
 * parseDurationErrorTests), plus the values a hostile spec used to get a registry stuck.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { durationMs, formatGoDuration, MAX_TIMER_MS, parseGoDuration } from '../../../src/api/duration.ts';

const ns = 1n;
const us = 1000n * ns;
const ms = 1000n * us;
const s = 1000n * ms;
const m = 60n * s;
const h = 60n * m;
const MAX = (1n << 63n) - 1n;
const MIN = -(1n << 63n);

const goOk: [string, bigint][] = [
  // simple
  ['0', 0n],
  ['5s', 5n * s],
  ['30s', 30n * s],
  ['1478s', 1478n * s],
  // sign
  ['-5s', -5n * s],
  ['+5s', 5n * s],
  ['-0', 0n],
  ['+0', 0n],
  // decimal
  ['5.0s', 5n * s],
  ['5.6s', 5n * s + 600n * ms],
  ['5.s', 5n * s],
  ['.5s', 500n * ms],
  ['1.0s', 1n * s],
  ['1.00s', 1n * s],
  ['1.004s', 1n * s + 4n * ms],
  ['1.0040s', 1n * s + 4n * ms],
  ['100.00100s', 100n * s + 1n * ms],
  // units
  ['10ns', 10n * ns],
  ['11us', 11n * us],
  ['12µs', 12n * us], // U+00B5
  ['12μs', 12n * us], // U+03BC
  ['13ms', 13n * ms],
  ['14s', 14n * s],
  ['15m', 15n * m],
  ['16h', 16n * h],
  // composite
  ['3h30m', 3n * h + 30n * m],
  ['10.5s4m', 4n * m + 10n * s + 500n * ms],
  ['-2m3.4s', -(2n * m + 3n * s + 400n * ms)],
  ['1h2m3s4ms5us6ns', h + 2n * m + 3n * s + 4n * ms + 5n * us + 6n * ns],
  ['39h9m14.425s', 39n * h + 9n * m + 14n * s + 425n * ms],
  // large values, beyond float64 precision
  ['52763797000ns', 52763797000n],
  ['0.3333333333333333333h', 20n * m],
  ['9007199254740993ns', (1n << 53n) + 1n],
  ['9223372036854775807ns', MAX],
  ['9223372036854775.807us', MAX],
  ['9223372036s854ms775us807ns', MAX],
  ['-9223372036854775808ns', MIN],
  ['-9223372036854775.808us', MIN],
  ['-9223372036s854ms775us808ns', MIN],
  ['-2562047h47m16.854775808s', MIN],
  ['0.100000000000000000000h', 6n * m],
  ['0.830103483285477580700h', 49n * m + 48n * s + 372539827n * ns],
  // what issue #12 item 5 admitted and the controller then could not read
  ['+1h', h],
  ['1.h', h],
  ['.5h', 30n * m],
  ['1800000000μs', 30n * m],
  ['1800000000µs', 30n * m],
  ['1µs', us],
  ['8760h', 8760n * h],
];
for (const [text, want] of goOk)
  test(`Go duration ${JSON.stringify(text)} = ${want} ns`, () => {
    const r = parseGoDuration(text);
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.equal(r.ns, want);
    assert.equal(r.ms, Number(want) / 1e6);
  });

const invalid = (t: string) => `time: invalid duration ${JSON.stringify(t)}`;
const goBad: [string, string][] = [
  ['', invalid('')],
  ['3', 'time: missing unit in duration "3"'],
  ['-', invalid('-')],
  ['s', invalid('s')],
  ['.', invalid('.')],
  ['-.', invalid('-.')],
  ['.s', invalid('.s')],
  ['+.s', invalid('+.s')],
  ['1d', 'time: unknown unit "d" in duration "1d"'],
  ['10x', 'time: unknown unit "x" in duration "10x"'],
  ['1h 30m', 'time: unknown unit "h " in duration "1h 30m"'],
  ['5 minutes', 'time: unknown unit " minutes" in duration "5 minutes"'],
  ['h', invalid('h')],
  ['soon', invalid('soon')],
  // Go escapes U+FFFD as \xef\xbf\xbd; we keep it readable.
  ['\uFFFD', invalid('\uFFFD')],
  // overflow
  ['9223372036854775810ns', invalid('9223372036854775810ns')],
  ['9223372036854775808ns', invalid('9223372036854775808ns')],
  ['-9223372036854775809ns', invalid('-9223372036854775809ns')],
  ['9223372036854776us', invalid('9223372036854776us')],
  ['3000000h', invalid('3000000h')],
  ['9223372036854775.808us', invalid('9223372036854775.808us')],
  ['9223372036854ms775us808ns', invalid('9223372036854ms775us808ns')],
  ['99999999999999999999999h', invalid('99999999999999999999999h')],
];
for (const [text, error] of goBad)
  test(`Go duration ${JSON.stringify(text)} is refused with Go's message`, () => {
    assert.deepEqual(parseGoDuration(text), { ok: false, error });
    assert.throws(
      () => durationMs(text),
      (e: unknown) => e instanceof Error && e.message === error,
    );
  });

test('durationMs returns milliseconds, fractions kept', () => {
  assert.equal(durationMs('1h30m'), 5_400_000);
  assert.equal(durationMs('1.5s'), 1500);
  assert.equal(durationMs('2000000ns'), 2);
  assert.equal(durationMs('1500ns'), 0.0015);
});

test('MAX_TIMER_MS is the largest delay a Node timer accepts', () => {
  assert.equal(MAX_TIMER_MS, 2_147_483_647);
});

test('formatGoDuration renders like Go for whole seconds and above', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [500, '500ms'],
    [30_000, '30s'],
    [90_000, '1m30s'],
    [3_600_000, '1h0m0s'],
    [5_400_000, '1h30m0s'],
  ];
  for (const [value, text] of cases) assert.equal(formatGoDuration(value), text);
});
