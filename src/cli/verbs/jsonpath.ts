/**
 * `-o jsonpath=TEMPLATE`: the subset of kubectl's JSONPath templates scripts use. Text outside `{…}` is
 * printed as is (with `\n`, `\t` escapes), so is `{"…"}`; inside other braces, a path from the root: `.field`, `['field']`,
 * `[n]` (negative from the end) and `[*]`. Filters, slices, `..` and range/end are refused with a
 * message naming them rather than printing something wrong. Several
 * results of one expression are joined by a space, as kubectl does.
 */

export class JsonPathError extends Error {}

type Step = { kind: 'field'; name: string } | { kind: 'index'; n: number } | { kind: 'all' };

function parsePath(expr: string): Step[] {
  const steps: Step[] = [];
  let s = expr.trim();
  if (s.startsWith('$')) s = s.slice(1);
  let i = 0;
  while (i < s.length) {
    if (s[i] === '.') {
      const m = /^\.([A-Za-z0-9_-]*)/.exec(s.slice(i))!;
      if (m[1] === '' && s[i + 1] !== '[' && i + 1 < s.length)
        throw new JsonPathError(`unsupported JSONPath "${expr}" at "${s.slice(i)}"`);
      if (m[1]) steps.push({ kind: 'field', name: m[1] });
      i += m[0].length;
    } else if (s[i] === '[') {
      const m = /^\[(\*|-?\d+|'([^']*)'|"([^"]*)")\]/.exec(s.slice(i));
      if (!m)
        throw new JsonPathError(`unsupported JSONPath "${expr}" at "${s.slice(i)}" (no filters or slices)`);
      if (m[1] === '*') steps.push({ kind: 'all' });
      else if (m[2] !== undefined || m[3] !== undefined) steps.push({ kind: 'field', name: m[2] ?? m[3]! });
      else steps.push({ kind: 'index', n: Number(m[1]) });
      i += m[0].length;
    } else throw new JsonPathError(`unsupported JSONPath "${expr}" at "${s.slice(i)}"`);
  }
  return steps;
}

function evaluate(value: unknown, steps: readonly Step[]): unknown[] {
  let current: unknown[] = [value];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of current) {
      if (step.kind === 'all') {
        if (Array.isArray(v)) next.push(...(v as unknown[]));
        else if (typeof v === 'object' && v !== null) next.push(...Object.values(v));
      } else if (step.kind === 'index') {
        if (Array.isArray(v)) {
          const at = step.n < 0 ? v.length + step.n : step.n;
          if (at >= 0 && at < v.length) next.push(v[at]);
        }
      } else if (typeof v === 'object' && v !== null && !Array.isArray(v) && step.name in v)
        next.push((v as Record<string, unknown>)[step.name]);
    }
    current = next;
  }
  return current;
}

const unescapeText = (s: string) => s.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
const show = (v: unknown) => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));

/** Renders `template` over `value`; throws JsonPathError for a template outside the subset. */
export function renderJsonPath(template: string, value: unknown): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    const literal = open === -1 ? template.slice(i) : template.slice(i, open);
    out += unescapeText(literal);
    if (open === -1) break;
    const close = template.indexOf('}', open);
    if (close === -1) throw new JsonPathError(`unclosed "{" in JSONPath template "${template}"`);
    const expr = template.slice(open + 1, close);
    if (/^\s*(range|end)\b/.test(expr))
      throw new JsonPathError(`JSONPath {range}/{end} is not supported: use {.items[*].metadata.name}`);
    const quoted = /^\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(expr); // {"\n"}: a literal, as in kubectl
    out += quoted ? unescapeText(quoted[1]!) : evaluate(value, parsePath(expr)).map(show).join(' ');
    i = close + 1;
  }
  return out;
}
