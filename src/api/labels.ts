/**
 * Kubernetes label syntax (apimachinery's IsQualifiedName and IsValidLabelValue), in one place: the
 * admission of `spec.api` keys, the operator's label-selector flags and the storage ConfigMap
 * selector all ask the same question. Pure.
 */
const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A label or annotation key: an optional DNS subdomain prefix (≤ 253) and '/', then a name (≤ 63). */
export function isQualifiedName(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1]!;
  if (name.length > 63 || !NAME_PART.test(name)) return false;
  if (parts.length === 2) return parts[0]!.length <= 253 && DNS_SUBDOMAIN.test(parts[0]!);
  return true;
}

/** A label value: empty, or at most 63 characters, alphanumeric at both ends, `-_.` inside. */
export function isLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && NAME_PART.test(value));
}

/** apimachinery's IsValidLabelValue messages, as the apiserver words them; none for a label value. */
export function labelValueProblems(value: string): string[] {
  const out: string[] = [];
  if (Buffer.byteLength(value) > 63) out.push('must be no more than 63 bytes');
  if (value !== '' && !NAME_PART.test(value))
    out.push(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    );
  return out;
}
