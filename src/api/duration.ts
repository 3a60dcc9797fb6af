/**
 * The one Go-duration parser: a port of Go's time.ParseDuration, so `syncPolicy.interval`,
 * `url.timeout`, the platform policy and the CLI's `--timeout` mean exactly what they would to a Go
 * operator. Admission, the controller and the CLI all use this file: a value admission accepts is a
 * value the controller can act on (three parsers that disagreed once left a registry `Syncing`
 * forever).
 *
 * Grammar `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` with units ns, us, µs (U+00B5), μs (U+03BC), ms, s, m, h,
 * or a bare `0`. Like Go the value is an int64 of nanoseconds (computed here with BigInt so overflow
 * is detected at the same place), fractions are added with float64 arithmetic as Go does, and `1.h`,
 * `.5h` and `+1h` are valid. Error texts are Go's, except that the quoted input keeps non-ASCII
 * characters readable (Go escapes them as \xNN).
 */
const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  μs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const TWO_63 = 1n << 63n;

/** The longest delay a Node timer can wait (setTimeout overflows to 1 ms above it). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export type DurationResult = { ok: true; ms: number; ns: bigint } | { ok: false; error: string };

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

export function parseGoDuration(text: string): DurationResult {
  const quoted = JSON.stringify(text);
  const invalid: DurationResult = { ok: false, error: `time: invalid duration ${quoted}` };
  let s = text;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return { ok: true, ms: 0, ns: 0n };
  if (s === '') return invalid;
  let d = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) return invalid;
    // Integer part: Go rejects it once it exceeds 2^63.
    let i = 0;
    let v = 0n;
    for (; isDigit(s[i]); i++) {
      v = v * 10n + BigInt(s.charCodeAt(i) - 48);
      if (v > TWO_63) return invalid;
    }
    const pre = i > 0;
    s = s.slice(i);
    // Fraction part: digits past int64 precision are consumed but ignored, as in Go.
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s[0] === '.') {
      s = s.slice(1);
      let overflow = false;
      let j = 0;
      for (; isDigit(s[j]); j++) {
        if (overflow) continue;
        if (f > (TWO_63 - 1n) / 10n) {
          overflow = true;
          continue;
        }
        const y = f * 10n + BigInt(s.charCodeAt(j) - 48);
        if (y > TWO_63) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) return invalid;
    let u = 0;
    while (u < s.length && !(s[u] === '.' || isDigit(s[u]))) u++;
    if (u === 0) return { ok: false, error: `time: missing unit in duration ${quoted}` };
    const unitText = s.slice(0, u);
    s = s.slice(u);
    const unit = UNIT_NS[unitText];
    if (unit === undefined)
      return { ok: false, error: `time: unknown unit ${JSON.stringify(unitText)} in duration ${quoted}` };
    if (v > TWO_63 / unit) return invalid;
    v *= unit;
    if (f > 0n) {
      // Go: v += uint64(float64(f) * (float64(unit) / scale)), float64 for fractions of hours.
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > TWO_63) return invalid;
    }
    d += v;
    if (d > TWO_63) return invalid;
  }
  if (neg) return { ok: true, ms: -Number(d) / 1e6, ns: -d };
  if (d > TWO_63 - 1n) return invalid;
  return { ok: true, ms: Number(d) / 1e6, ns: d };
}

/**
 * Milliseconds of a duration that was already validated (admission, the policy loader). Throws the
 * parser's error otherwise; the controller turns such a throw into a `Failed` status.
 */
export function durationMs(text: string): number {
  const r = parseGoDuration(text);
  if (!r.ok) throw new Error(r.error);
  return r.ms;
}

/** Renders milliseconds the way Go's Duration.String does for whole seconds and above (`1h30m0s`). */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  let rest = ms / 1000;
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = Math.round((rest - m * 60) * 1000) / 1000;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
