/** `--timeout` values: Go-style durations (`90s`, `2m`, `1h30m`, `500ms`) or a bare number of seconds. */
import { UsageError } from './errors.ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseTimeout(flag: string, value: string): number {
  const bare = /^\d+(\.\d+)?$/.exec(value);
  if (bare) return Math.round(Number(value) * 1000);
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;
  let total = 0;
  let pos = 0;
  while (pos < value.length) {
    re.lastIndex = pos;
    const m = re.exec(value);
    if (!m) break;
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? 0);
    pos = re.lastIndex;
  }
  if (value === '' || pos !== value.length || total <= 0)
    throw new UsageError(
      `${flag} ${JSON.stringify(value)}: expected a positive duration such as 90s, 5m or 1h30m`,
    );
  return Math.round(total);
}
