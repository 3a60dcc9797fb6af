/**
 * `--timeout` values: a Go duration (`90s`, `2m`, `1h30m`, `500ms`, parsed by the one Go-duration
 * parser the operator uses) or a bare number of seconds. The CLI waits with a Node timer, so a
 * timeout must fit one (about 596h).
 */
import { MAX_TIMER_MS, parseGoDuration } from '../api/duration.ts';
import { UsageError } from './errors.ts';

export function parseTimeout(flag: string, value: string): number {
  const bare = /^\d+(\.\d+)?$/.exec(value);
  const r = bare ? { ok: true as const, ms: Number(value) * 1000 } : parseGoDuration(value);
  if (!r.ok || r.ms <= 0)
    throw new UsageError(
      `${flag} ${JSON.stringify(value)}: expected a positive duration such as 90s, 5m or 1h30m`,
    );
  if (r.ms > MAX_TIMER_MS) throw new UsageError(`${flag} ${JSON.stringify(value)}: must be at most 596h`);
  return Math.max(1, Math.round(r.ms));
}
