/**
 * Server-name globs (SPEC §3.2): `*` matches any run of characters including `/`, `?` one character,
 * `[abc]`, `[a-z]`, `[!a-z]` / `[^a-z]` a class, `\x` a literal x. An unclosed `[` is an error.
 */
export type GlobResult = { ok: true; regex: RegExp } | { ok: false; error: string };

/**
 * Compiled globs by pattern. Admission checks every filter pattern on every request and the filter
 * runs per server per sync, so compiling once matters (it was most of the validating webhook's time).
 * Bounded: cleared when full, which keeps it simple and a pathological stream of patterns harmless.
 */
const compiled = new Map<string, GlobResult>();
const COMPILED_MAX = 4096;

export function parseGlob(pattern: string): GlobResult {
  let hit = compiled.get(pattern);
  if (!hit) {
    if (compiled.size >= COMPILED_MAX) compiled.clear();
    hit = compileGlob(pattern);
    compiled.set(pattern, hit);
  }
  return hit;
}

function compileGlob(pattern: string): GlobResult {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return { ok: false, error: 'trailing \\ escapes nothing' };
      re += escape(next);
      i++;
    } else if (c === '[') {
      const end = classEnd(pattern, i);
      if (end < 0) return { ok: false, error: `unclosed [ at position ${i + 1}` };
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      const cls = [...body].map((ch) => (ch === '-' ? '-' : escapeClass(ch))).join('');
      re += `[${negate ? '^' : ''}${cls}]`;
      try {
        new RegExp(`[${cls}]`);
      } catch {
        return { ok: false, error: `invalid class [${pattern.slice(i + 1, end)}] at position ${i + 1}` };
      }
      i = end;
    } else re += escape(c);
  }
  return { ok: true, regex: new RegExp(`${re}$`, 'u') };
}

/** Index of the `]` closing the class opened at `start`, or -1. A `]` right after `[`, `[!` or `[^` is literal. */
function classEnd(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === '!' || pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === ']') return i;
  }
  return -1;
}

function escape(c: string): string {
  return /[.*+?^${}()|[\]\\]/.test(c) ? `\\${c}` : c;
}

function escapeClass(c: string): string {
  return /[\]\\^[]/.test(c) ? `\\${c}` : c;
}

export class GlobError extends Error {}

const cache = new Map<string, RegExp>();

/** Matches `name` against `pattern`; throws GlobError for a pattern that does not parse. */
export function globMatch(pattern: string, name: string): boolean {
  let regex = cache.get(pattern);
  if (!regex) {
    const parsed = parseGlob(pattern);
    if (!parsed.ok) throw new GlobError(`invalid glob ${JSON.stringify(pattern)}: ${parsed.error}`);
    regex = parsed.regex;
    if (cache.size > 10_000) cache.clear();
    cache.set(pattern, regex);
  }
  return regex.test(name);
}
