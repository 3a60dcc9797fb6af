/**
 * RFC 3339 timestamps compared exactly. A time is served as the source wrote it (SPEC §14: the
 * official registry writes microseconds, `.089802Z`, and Date keeps milliseconds), so comparisons
 * (`updated_since`, newest first) use this key instead: nanoseconds since the epoch, as Go's
 * time.Parse reads the same text.
 */
const RFC3339 = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d+))?(?:Z|([+-])(\d{2}):(\d{2}))$/i;

/** Nanoseconds since 1970 of an RFC 3339 time; undefined for anything else. Digits past 9 are cut, as Go does. */
export function timeKey(value: unknown): bigint | undefined {
  if (typeof value !== 'string') return undefined;
  const m = RFC3339.exec(value);
  if (!m) return undefined;
  const whole = Date.parse(`${m[1]}T${m[2]}Z`);
  if (Number.isNaN(whole)) return undefined;
  const [hh, mm] = [Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (hh > 23 || mm > 59) return undefined;
  const offsetMs = (m[4] === '-' ? -1 : 1) * (hh * 60 + mm) * 60_000;
  const nanos = BigInt((m[3] ?? '').padEnd(9, '0').slice(0, 9));
  return BigInt(whole - offsetMs) * 1_000_000n + nanos;
}

/** The text itself when it is an RFC 3339 time (kept exactly, precision and offset included). */
export function rfc3339(value: unknown): string | undefined {
  return timeKey(value) === undefined ? undefined : (value as string);
}
