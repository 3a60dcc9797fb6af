/**
 * Enforcement (the validating half, SPEC §11). Two independent checks, each naming what it checked:
 * - namespace: when any MCPRegistry of the namespace sets enforceServers (ToolHive's October-2025
 *   meaning), the image or remote URL must be listed by at least one registry of that namespace;
 * - policy: the platform policy's registries, which every namespace not exempted must draw from.
 * An UPDATE that keeps the image/URL it had is allowed with a warning (ratcheting), so enforcement
 * never blocks edits to workloads that predate it.
 */
import type { FieldError } from '../../api/field-error.ts';
import type { EntryIndex } from './entries.ts';
import { remoteUrlField, type KindInfo } from './kinds.ts';
import { imageMatches, normaliseUrl, parseImage } from './matching.ts';
import { msg } from './messages.ts';

export interface CheckedRegistry {
  /** How refusals name it: `corp`, or `platform/approved` for a policy registry elsewhere. */
  label: string;
  /** undefined: no synced catalog (lists nothing). */
  index?: EntryIndex;
}

export interface EnforceInput {
  kind: KindInfo;
  name: string;
  object: Record<string, unknown>;
  /** The stored object on UPDATE. */
  oldObject?: Record<string, unknown>;
  fields: ReadonlySet<string>;
  /** Empty when no registry of the namespace enforces. */
  namespace: CheckedRegistry[];
  /** Empty when the policy names none or the namespace is exempt. */
  policy: CheckedRegistry[];
}

export interface EnforceResult {
  errors: FieldError[];
  warnings: string[];
}

const rec = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** The field enforcement looks at, and its value. */
export function enforcedValue(kind: KindInfo, fields: ReadonlySet<string>, object: unknown) {
  const spec = rec(rec(object)?.spec) ?? {};
  const field = kind.runs === 'image' ? 'image' : remoteUrlField(fields);
  const v = spec[field] ?? (field === 'remoteUrl' ? spec.remoteURL : undefined);
  return {
    path: `spec.${field}`,
    what: kind.runs === 'image' ? 'image' : 'remote URL',
    value: typeof v === 'string' ? v : undefined,
  };
}

/** Whether a registry lists this image (repository and tag, or a listed digest) or URL. */
export function listedBy(index: EntryIndex | undefined, runs: KindInfo['runs'], value: string): boolean {
  if (!index) return false;
  if (runs === 'remote') {
    const n = normaliseUrl(value);
    return n !== undefined && index.urls.has(n);
  }
  const ref = parseImage(value);
  const slot = ref && index.images.get(ref.repository);
  if (!ref || !slot) return false;
  if (slot.digests.length === 0 && slot.tags.length === 0) return false;
  const candidates = [
    ...slot.tags.map((tag) => ({ repository: ref.repository, tag })),
    ...slot.digests.map((digest) => ({ repository: ref.repository, digest })),
  ];
  return candidates.some((c) => imageMatches(ref, c));
}

export function enforceWorkload(input: EnforceInput): EnforceResult {
  const errors: FieldError[] = [];
  const warnings: string[] = [];
  const { path, what, value } = enforcedValue(input.kind, input.fields, input.object);
  if (value === undefined) return { errors, warnings };
  const old = input.oldObject ? enforcedValue(input.kind, input.fields, input.oldObject).value : undefined;
  const unsynced: string[] = [];
  for (const set of [input.namespace, input.policy]) {
    if (set.length === 0) continue;
    for (const r of set) if (!r.index && !unsynced.includes(r.label)) unsynced.push(r.label);
    if (set.some((r) => listedBy(r.index, input.kind.runs, value))) continue;
    const checked = set.map((r) => r.label);
    if (old !== undefined && old === value)
      warnings.push(msg.ratcheted(input.kind.kind, input.name, what, value, checked));
    else errors.push(msg.notInRegistries(path, what, value, checked));
  }
  if (unsynced.length > 0) warnings.push(msg.enforcingNoData(unsynced));
  return { errors, warnings };
}
