/**
 * Reads the fields of a policy document, collecting every problem as a field error instead of
 * stopping at the first (a platform team fixes a rejected file in one go).
 */
import type { FieldError } from '../../api/field-error.ts';
import { parseGlob } from '../../registry/filter/glob.ts';
import { parseCidr, type Cidr } from './destinations.ts';
import { parseGoDuration } from '../../api/duration.ts';

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export class Reader {
  errors: FieldError[] = [];

  object(v: unknown, field: string, keys: string[]): Obj {
    if (v === undefined || v === null) return {};
    if (!isObj(v)) {
      this.errors.push({ type: 'Invalid', field, value: v, detail: 'must be a mapping' });
      return {};
    }
    for (const k of Object.keys(v)) {
      if (!keys.includes(k))
        this.errors.push({
          type: 'Forbidden',
          field: field ? `${field}.${k}` : k,
          detail: `unknown field; known fields: ${keys.join(', ')}`,
        });
    }
    return v;
  }

  bool(v: unknown, field: string, def: boolean): boolean {
    if (v === undefined || v === null) return def;
    if (typeof v !== 'boolean') {
      this.errors.push({ type: 'Invalid', field, value: v, detail: 'must be true or false' });
      return def;
    }
    return v;
  }

  strings(v: unknown, field: string): string[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.errors.push({ type: 'Invalid', field, value: v, detail: 'must be a list of strings' });
      return [];
    }
    const out: string[] = [];
    v.forEach((item, i) => {
      if (typeof item !== 'string' || item.trim() === '')
        this.errors.push({
          type: 'Invalid',
          field: `${field}[${i}]`,
          value: item,
          detail: 'must be a non-empty string',
        });
      else out.push(item.trim());
    });
    return out;
  }

  globs(v: unknown, field: string): string[] {
    const list = this.strings(v, field);
    list.forEach((g, i) => {
      const r = parseGlob(g);
      if (!r.ok)
        this.errors.push({
          type: 'Invalid',
          field: `${field}[${i}]`,
          value: g,
          detail: `invalid glob: ${r.error}`,
        });
    });
    return list;
  }

  cidrs(v: unknown, field: string): { texts: string[]; cidrs: Cidr[] } {
    const texts = this.strings(v, field);
    const cidrs: Cidr[] = [];
    texts.forEach((t, i) => {
      const c = parseCidr(t);
      if (c) cidrs.push(c);
      else
        this.errors.push({
          type: 'Invalid',
          field: `${field}[${i}]`,
          value: t,
          detail: 'must be an IP address or a CIDR such as 10.0.0.0/8 or fd00::/8',
        });
    });
    return { texts, cidrs };
  }

  domain(v: unknown, field: string, def: string): string {
    if (v === undefined || v === null) return def;
    const d = typeof v === 'string' ? v.trim().toLowerCase().replace(/\.$/, '') : undefined;
    if (d === undefined || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(d)) {
      this.errors.push({
        type: 'Invalid',
        field,
        value: v,
        detail: 'must be a DNS domain such as cluster.local',
      });
      return def;
    }
    return d;
  }

  duration(v: unknown, field: string, def: string): { text: string; ms: number } {
    if (v === undefined || v === null) return { text: def, ms: mustMs(def) };
    if (typeof v !== 'string') {
      this.errors.push({
        type: 'Invalid',
        field,
        value: v,
        detail: 'must be a Go duration string such as "30s"',
      });
      return { text: def, ms: mustMs(def) };
    }
    const r = parseGoDuration(v);
    if (!r.ok || r.ms <= 0) {
      this.errors.push({
        type: 'Invalid',
        field,
        value: v,
        detail: r.ok ? 'must be greater than 0' : r.error,
      });
      return { text: def, ms: mustMs(def) };
    }
    return { text: v, ms: r.ms };
  }
}

function mustMs(text: string): number {
  const r = parseGoDuration(text);
  if (!r.ok) throw new Error(r.error);
  return r.ms;
}
