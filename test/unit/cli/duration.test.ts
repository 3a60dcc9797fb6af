import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTimeout } from '../../../src/cli/duration.ts';
import { UsageError } from '../../../src/cli/errors.ts';

test('--timeout reads every Go duration the operator reads', () => {
  assert.equal(parseTimeout('--timeout', '+1h'), 3_600_000);
  assert.equal(parseTimeout('--timeout', '1.h'), 3_600_000);
  assert.equal(parseTimeout('--timeout', '.5h'), 1_800_000);
  assert.equal(parseTimeout('--timeout', '1800000000μs'), 1_800_000);
  assert.equal(parseTimeout('--timeout', '2m30s'), 150_000);
  assert.equal(parseTimeout('--timeout', '596h'), 596 * 3_600_000);
  // Shorter than a millisecond still waits at least one (0 would mean "do not wait").
  assert.equal(parseTimeout('--timeout', '1µs'), 1);
});

test('--timeout longer than a Node timer can wait is a usage error, not an instant timeout', () => {
  for (const value of ['597h', '8760h', '2562047h'])
    assert.throws(
      () => parseTimeout('--timeout', value),
      (e: unknown) =>
        e instanceof UsageError &&
        e.exitCode === 2 &&
        e.message === `--timeout ${JSON.stringify(value)}: must be at most 596h`,
    );
  assert.throws(
    () => parseTimeout('--timeout', '3000000h'),
    (e: unknown) =>
      e instanceof UsageError &&
      e.message === '--timeout "3000000h": expected a positive duration such as 90s, 5m or 1h30m',
  );
});
