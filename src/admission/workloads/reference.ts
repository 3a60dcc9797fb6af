/** Reads a workload's reference annotations: which registry, which entry, which version. */
import type { FieldError } from '../../api/field-error.ts';
import { ANNOTATION_REGISTRY, ANNOTATION_SERVER, ANNOTATION_SERVER_VERSION } from './kinds.ts';

export interface Reference {
  registry: string;
  server: string;
  /** `latest` when the annotation is absent. */
  version: string;
}

export function annotationPath(key: string): string {
  return `metadata.annotations[${key}]`;
}

export function annotationsOf(obj: unknown): Record<string, string> {
  const meta = typeof obj === 'object' && obj !== null ? (obj as { metadata?: unknown }).metadata : undefined;
  const a =
    typeof meta === 'object' && meta !== null ? (meta as { annotations?: unknown }).annotations : undefined;
  if (typeof a !== 'object' || a === null) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * The longest reference value read (an object name has at most 253 characters, an upstream server
 * name 200, its version 255): a longer one is refused before anything is looked up or echoed, so a
 * megabyte annotation costs the review thread nothing and the refusal stays small.
 */
export const MAX_REFERENCE_LENGTH = 256;

/** The reference, or the field errors that make it unusable; undefined when there is none. */
export function readReference(obj: unknown): { ref?: Reference; errors: FieldError[] } | undefined {
  const a = annotationsOf(obj);
  if (a[ANNOTATION_REGISTRY] === undefined && a[ANNOTATION_SERVER] === undefined) return undefined;
  const errors: FieldError[] = [];
  for (const key of [ANNOTATION_REGISTRY, ANNOTATION_SERVER, ANNOTATION_SERVER_VERSION])
    if ((a[key]?.length ?? 0) > MAX_REFERENCE_LENGTH)
      errors.push({
        type: 'TooLong',
        field: annotationPath(key),
        detail: `may not be more than ${MAX_REFERENCE_LENGTH} characters`,
      });
  if (errors.length > 0) return { errors };
  const registry = a[ANNOTATION_REGISTRY]?.trim();
  const server = a[ANNOTATION_SERVER]?.trim();
  if (!registry)
    errors.push({
      type: 'Required',
      field: annotationPath(ANNOTATION_REGISTRY),
      detail: `the MCPRegistry to resolve ${JSON.stringify(server ?? '')} from, in this namespace`,
    });
  if (!server)
    errors.push({
      type: 'Required',
      field: annotationPath(ANNOTATION_SERVER),
      detail: `the server entry of MCPRegistry ${JSON.stringify(registry ?? '')} (short or full name)`,
    });
  if (errors.length > 0 || !registry || !server) return { errors };
  const version = a[ANNOTATION_SERVER_VERSION]?.trim() || 'latest';
  return { ref: { registry, server, version }, errors };
}
