/**
 * A small YAML writer for the workload manifest, shared by `thv registry manifest` and the catalog
 * page (which should not ship a YAML library to the browser), so both print the same bytes. Block
 * style, two-space indents; a string is written plain only when YAML reads it back as that string,
 * otherwise as a JSON string (valid YAML).
 */
type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

const PLAIN = /^(?:[A-Za-z0-9_./]|-(?=[^ ]))[A-Za-z0-9_ ./@:+-]*$/;
const SPECIAL =
  /^(?:true|false|yes|no|on|off|y|n|null|~|[-+]?(?:\d[\d_]*)?(?:\.\d*)?(?:e[-+]?\d+)?|0x[0-9a-f]+|0o[0-7]+|\.inf|\.nan)$/i;

function scalar(v: string | number | boolean | null): string {
  if (typeof v !== 'string') return String(v);
  const plain =
    PLAIN.test(v) && !SPECIAL.test(v) && !v.endsWith(' ') && !v.includes(': ') && !v.includes(' #');
  return plain ? v : JSON.stringify(v);
}

function key(k: string): string {
  return scalar(k);
}

function lines(v: Json, indent: string): string[] {
  if (Array.isArray(v)) {
    if (v.length === 0) return [`${indent}[]`];
    return v.flatMap((item) => {
      if (item !== null && typeof item === 'object' && !(Array.isArray(item) && item.length === 0)) {
        const inner = lines(item, `${indent}  `);
        const first = inner[0] ?? '';
        return [`${indent}- ${first.slice(indent.length + 2)}`, ...inner.slice(1)];
      }
      return [`${indent}- ${Array.isArray(item) ? '[]' : scalar(item as string)}`];
    });
  }
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v);
    if (entries.length === 0) return [`${indent}{}`];
    return entries.flatMap(([k, x]) => {
      if (x !== null && typeof x === 'object') {
        const empty = Array.isArray(x) ? x.length === 0 : Object.keys(x).length === 0;
        if (empty) return [`${indent}${key(k)}: ${Array.isArray(x) ? '[]' : '{}'}`];
        return [`${indent}${key(k)}:`, ...lines(x, Array.isArray(x) ? indent : `${indent}  `)];
      }
      return [`${indent}${key(k)}: ${scalar(x)}`];
    });
  }
  return [`${indent}${scalar(v)}`];
}

export function toYaml(value: unknown): string {
  return lines(value as Json, '').join('\n') + '\n';
}
