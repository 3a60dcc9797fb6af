/**
 * Field errors phrased like apimachinery's `field.Error`, so a message from our webhook reads the
 * same as one from the apiserver's own validation:
 *   spec.source.url: Invalid value: "http://x": must use https
 */
export type FieldErrorType =
  'Required' | 'Invalid' | 'Unsupported' | 'Forbidden' | 'TooLong' | 'TooMany' | 'Duplicate';

export interface FieldError {
  type: FieldErrorType;
  /** Dotted path with [index] for list items, as the user wrote the object: `spec.sources[0].url.href`. */
  field: string;
  value?: unknown;
  detail?: string;
}

const TITLES: Record<FieldErrorType, string> = {
  Required: 'Required value',
  Invalid: 'Invalid value',
  Unsupported: 'Unsupported value',
  Forbidden: 'Forbidden',
  TooLong: 'Too long',
  TooMany: 'Too many',
  Duplicate: 'Duplicate value',
};

/** Renders a value the way apimachinery does: strings quoted, numbers and booleans bare, objects as "object". */
function renderValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return '"array"';
  return '"object"';
}

export function formatFieldError(e: FieldError): string {
  const title = TITLES[e.type];
  const showsValue = e.type === 'Invalid' || e.type === 'Unsupported' || e.type === 'Duplicate';
  const value = showsValue && e.value !== undefined ? `: ${renderValue(e.value)}` : '';
  const detail = e.detail ? `: ${e.detail}` : '';
  return `${e.field}: ${title}${value}${detail}`;
}

/** Formats a list the way the apiserver joins an aggregate: `[a, b]` for several, the bare error for one. */
export function formatFieldErrors(errors: readonly FieldError[]): string {
  const parts = errors.map(formatFieldError);
  return parts.length === 1 ? (parts[0] ?? '') : `[${parts.join(', ')}]`;
}

/** `/spec/sources/0/url/href` (JSON pointer) → `spec.sources[0].url.href`. */
export function pointerToFieldPath(pointer: string): string {
  if (pointer === '' || pointer === '/') return '';
  return pointer
    .split('/')
    .slice(1)
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, seg) => (/^\d+$/.test(seg) ? `${path}[${seg}]` : path ? `${path}.${seg}` : seg), '');
}
