/**
 * Go's time.ParseDuration, so `syncPolicy.interval` means exactly what it would to a Go operator:
 * `300ms`, `-1.5h`, `2h45m`; units ns, us, µs, ms, s, m, h; a bare `0` is allowed. Returns
 * milliseconds (fractions kept) or the error text Go would give.
 */
const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

export type DurationResult = { ok: true; ms: number } | { ok: false; error: string };

export function parseGoDuration(text: string): DurationResult {
  const quoted = JSON.stringify(text);
  const invalid = (): DurationResult => ({ ok: false, error: `time: invalid duration ${quoted}` });
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s.startsWith('-') ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') return { ok: true, ms: 0 };
  if (s === '') return invalid();
  let total = 0;
  while (s !== '') {
    const num = /^(\d*)(\.(\d*))?/.exec(s);
    const digits = num?.[0] ?? '';
    if (digits === '' || digits === '.' || !/\d/.test(digits)) return invalid();
    s = s.slice(digits.length);
    const unit = /^[^\d.]*/.exec(s)?.[0] ?? '';
    if (unit === '') return { ok: false, error: `time: missing unit in duration ${quoted}` };
    const factor = UNIT_MS[unit];
    if (factor === undefined)
      return { ok: false, error: `time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}` };
    s = s.slice(unit.length);
    total += Number(digits.endsWith('.') ? digits.slice(0, -1) : digits) * factor;
  }
  // Go's Duration is an int64 of nanoseconds: about 2562047h.
  if (total > 9_223_372_036_854.775) return invalid();
  return { ok: true, ms: sign * total };
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
