/** Pure text formatting shared by the commands: kubectl-style ages, tables and -o json|yaml. */
import { stringify } from 'yaml';

/**
 * A duration the way kubectl prints ages: `45s`, `5m30s`, `5m`, `3h`, `6h20m`, `2d`, `3d4h`, `1y30d`.
 * Precision drops as the duration grows. Up to 2 s in the future counts as now (clock skew).
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

/** Age of an RFC 3339 timestamp at `now`, or `<none>` when absent or unreadable. */
export function age(timestamp: string | undefined, now: Date): string {
  if (!timestamp) return NONE;
  const t = Date.parse(timestamp);
  return Number.isNaN(t) ? NONE : humanDuration(now.getTime() - t);
}

export const NONE = '<none>';

/**
 * Columns padded like kubectl's tabwriter (3 spaces between columns, cells at least 6 wide with
 * the padding; the last column unpadded), one line per row, trailing newline.
 */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers, ...rows];
  // A reduce, not Math.max(...x): a spread of a long listing overflows the stack (RangeError).
  const widths = headers.map((_, i) => all.reduce((w, r) => Math.max(w, (r[i] ?? '').length), 0));
  return all
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(Math.max((widths[i] ?? 0) + 3, 6))))
        .join('')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

export type StructuredFormat = 'json' | 'yaml';

/** `-o json` is indented with two spaces like kubectl; `-o yaml` is block style. Both end in a newline. */
export function structured(value: unknown, format: StructuredFormat): string {
  const shown = withoutManagedFields(value);
  if (format === 'json') return `${JSON.stringify(shown, null, 2)}\n`;
  return stringify(shown, { lineWidth: 0 });
}

/**
 * kubectl hides `metadata.managedFields` in -o yaml/json (they are server-side apply bookkeeping, often
 * longer than the object); so do we, in every object the output holds.
 */
export function withoutManagedFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutManagedFields);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'metadata' && typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const { managedFields: _hidden, ...meta } = v as Record<string, unknown>;
      out[k] = meta;
    } else out[k] = withoutManagedFields(v);
  }
  return out;
}
