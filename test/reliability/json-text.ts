/**
 * fast-check arbitraries for hostile JSON *text* (not values): duplicate keys, `__proto__` /
 * `constructor` / `prototype` keys, deep nesting, long strings, unicode. Decoding goes through the
 * real JSON.parse, exactly like a request body.
 */
import fc from 'fast-check';

/** Long and hostile runs: MCPR_LONG=1 multiplies case counts (a million decoding cases). */
export const LONG = process.env.MCPR_LONG === '1';

export function runs(ci: number, long: number): number {
  return LONG ? long : ci;
}

const hostileKey = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'apiVersion',
      'kind',
      'request',
      'uid',
      'object',
      'oldObject',
      'objects',
      'desiredAPIVersion',
      'metadata',
      'spec',
      'operation',
    ),
  },
);

const scalarText = fc.oneof(
  fc.constant('null'),
  fc.boolean().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.string({ maxLength: 24, unit: 'grapheme' }).map((s) => JSON.stringify(s)),
  fc.integer({ min: 1000, max: 5000 }).map((n) => JSON.stringify('x'.repeat(n))),
);

/** JSON text of any shape, with duplicate and prototype-ish keys allowed. */
export const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarText,
    fc.array(tie('value'), { maxLength: 5 }).map((xs) => `[${xs.join(',')}]`),
    fc
      .array(fc.tuple(hostileKey, tie('value')), { maxLength: 6 })
      .map((kv) => `{${kv.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
})).value;

/** Deep nesting (arrays or objects) of the given depth, as text. */
export function deepText(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** A review envelope whose parts are hostile JSON text, so decoding reaches the inner checks. */
export function envelopeText(
  apiVersion: string,
  kind: string,
  request: fc.Arbitrary<string>,
): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(JSON.stringify(apiVersion), '"v1"', 'null'),
      fc.constantFrom(JSON.stringify(kind), '"Other"'),
      request,
    )
    .map(([a, k, r]) => `{"apiVersion":${a},"kind":${k},"request":${r}}`);
}

/** Object.prototype must stay untouched by any decode (prototype pollution check). */
export function prototypeIsClean(): boolean {
  const probe: Record<string, unknown> = {};
  return (
    Object.getOwnPropertyNames(Object.prototype).sort().join() === PROTO_NAMES &&
    probe.polluted === undefined &&
    probe.uid === undefined &&
    probe.apiVersion === undefined
  );
}
const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype).sort().join();
