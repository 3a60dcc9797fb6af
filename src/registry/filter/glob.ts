/**
 * Server-name globs (SPEC §3.2): `*` matches any run of characters including `/`, `?` one character,
 * `[abc]`, `[a-z]`, `[!a-z]` / `[^a-z]` a class, `\x` a literal x. An unclosed `[` is an error.
 *
 * Matching never backtracks (SPEC §8 "Bounded work"): a pattern is compiled to segments of
 * single-character tests separated by stars, and a name is matched by placing each segment at its
 * leftmost position after the previous one. Because `*` matches any run, the leftmost placement is
 * always as good as any other, so one left-to-right pass decides; the work is at most
 * (name length + 1) × (pattern length + 1) character tests, never exponential. A regex did the same
 * job before and took minutes on `*a*a*a*a*a*a*a*a*a*b` against a 60-character name.
 */

/** One character test: a literal code point, any code point (`?`) or a class. */
type Atom = { kind: 'lit'; cp: string } | { kind: 'any' } | { kind: 'class'; test: (cp: string) => boolean };

export interface CompiledGlob {
  /** Whether `name` matches the whole pattern. */
  test(name: string): boolean;
  /** The same answer and the number of character tests it took (for tests of the linear bound). */
  count(name: string): { matched: boolean; steps: number };
}

export type GlobResult = { ok: true; glob: CompiledGlob } | { ok: false; error: string };

/**
 * Compiles globs and keeps them by pattern. Admission checks every filter pattern on every request
 * and the filter runs per server per sync, so compiling once matters (it was most of the validating
 * webhook's time). Bounded: cleared when full, which keeps it simple and a pathological stream of
 * patterns harmless. The cache lives on the object, so a test can start from a fresh one.
 */
export class GlobCompiler {
  private readonly compiled = new Map<string, GlobResult>();
  private readonly max: number;

  constructor(max = 4096) {
    this.max = max;
  }

  parse(pattern: string): GlobResult {
    let hit = this.compiled.get(pattern);
    if (!hit) {
      if (this.compiled.size >= this.max) this.compiled.clear();
      hit = compileGlob(pattern);
      this.compiled.set(pattern, hit);
    }
    return hit;
  }

  /** Patterns held (for tests of the bound). */
  get size(): number {
    return this.compiled.size;
  }
}

/** The process's compiler, shared by admission and the sync pipeline. */
export const globs = new GlobCompiler();

export function parseGlob(pattern: string): GlobResult {
  return globs.parse(pattern);
}

/**
 * Why a pattern is not a glob, or undefined when it is. Only `\` and `[` can make a pattern invalid,
 * so most are settled by one native scan: admission checks up to hundreds of long patterns per
 * request, and compiling or even hashing each one for the cache was a sixth of validating them.
 */
export function globSyntaxError(pattern: string): string | undefined {
  if (!/[\\[]/.test(pattern)) return undefined;
  const r = parseGlob(pattern);
  return r.ok ? undefined : r.error;
}

function compileGlob(pattern: string): GlobResult {
  // segments[0] is anchored at the start; with at least one star, the last one at the end.
  const segments: Atom[][] = [[]];
  const current = () => segments[segments.length - 1]!;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (current().length > 0 || segments.length === 1) segments.push([]);
    } else if (c === '?') current().push({ kind: 'any' });
    else if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return { ok: false, error: 'trailing \\ escapes nothing' };
      current().push({ kind: 'lit', cp: next });
      i++;
    } else if (c === '[') {
      const end = classEnd(pattern, i);
      if (end < 0) return { ok: false, error: `unclosed [ at position ${i + 1}` };
      const test = compileClass(pattern.slice(i + 1, end));
      if (!test)
        return { ok: false, error: `invalid class [${pattern.slice(i + 1, end)}] at position ${i + 1}` };
      current().push({ kind: 'class', test });
      i = end;
    } else current().push({ kind: 'lit', cp: c });
  }
  return { ok: true, glob: new SegmentGlob(joinSurrogates(segments)) };
}

/**
 * A class is one character test, so a regular expression of exactly one class is safe (it cannot
 * backtrack) and keeps the class semantics (ranges, negation, escapes) exactly as they always were.
 */
function compileClass(rawBody: string): ((cp: string) => boolean) | undefined {
  let body = rawBody;
  const negate = body.startsWith('!') || body.startsWith('^');
  if (negate) body = body.slice(1);
  const cls = [...body].map((ch) => (ch === '-' ? '-' : escapeClass(ch))).join('');
  try {
    // Validity has always been judged without the `u` flag (so `[😀-😀]`, a range of UTF-16 halves,
    // is an invalid class); matching is by code point.
    new RegExp(`[${cls}]`);
    const re = new RegExp(`^[${negate ? '^' : ''}${cls}]$`, 'u');
    return (cp) => re.test(cp);
  } catch {
    return undefined;
  }
}

/** A literal astral character in the pattern arrives as two UTF-16 halves; names are walked by code point. */
function joinSurrogates(segments: Atom[][]): Atom[][] {
  return segments.map((seg) => {
    const out: Atom[] = [];
    for (const a of seg) {
      const prev = out[out.length - 1];
      if (
        a.kind === 'lit' &&
        prev?.kind === 'lit' &&
        prev.cp.length === 1 &&
        /[\uD800-\uDBFF]/.test(prev.cp) &&
        /^[\uDC00-\uDFFF]$/.test(a.cp)
      )
        prev.cp += a.cp;
      else out.push(a.kind === 'lit' ? { ...a } : a);
    }
    return out;
  });
}

class SegmentGlob implements CompiledGlob {
  private readonly segments: Atom[][];
  constructor(segments: Atom[][]) {
    this.segments = segments;
  }

  test(name: string): boolean {
    return this.count(name).matched;
  }

  count(name: string): { matched: boolean; steps: number } {
    const cps = Array.from(name);
    let steps = 0;
    /** Does `seg` match `cps` at `at`? */
    const matchAt = (seg: Atom[], at: number): boolean => {
      for (let k = 0; k < seg.length; k++) {
        steps++;
        const a = seg[k]!;
        const cp = cps[at + k]!;
        if (a.kind === 'lit' ? a.cp !== cp : a.kind === 'class' && !a.test(cp)) return false;
      }
      return true;
    };
    const segs = this.segments;
    const first = segs[0]!;
    if (segs.length === 1) return { matched: cps.length === first.length && matchAt(first, 0), steps };
    if (first.length > cps.length || !matchAt(first, 0)) return { matched: false, steps };
    const last = segs[segs.length - 1]!;
    // The last segment is anchored at the end: the middle ones must fit before it.
    const limit = cps.length - last.length;
    let pos = first.length;
    for (let s = 1; s < segs.length - 1; s++) {
      const seg = segs[s]!;
      let at = pos;
      while (at + seg.length <= limit && !matchAt(seg, at)) at++;
      if (at + seg.length > limit) return { matched: false, steps };
      pos = at + seg.length;
    }
    if (limit < pos) return { matched: false, steps };
    return { matched: matchAt(last, limit), steps };
  }
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

function escapeClass(c: string): string {
  return /[\]\\^[]/.test(c) ? `\\${c}` : c;
}

export class GlobError extends Error {}

/** Matches `name` against `pattern`; throws GlobError for a pattern that does not parse. */
export function globMatch(pattern: string, name: string): boolean {
  const parsed = parseGlob(pattern);
  if (!parsed.ok) throw new GlobError(`invalid glob ${JSON.stringify(pattern)}: ${parsed.error}`);
  return parsed.glob.test(name);
}
