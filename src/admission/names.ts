/**
 * Registry names that cannot be used (SPEC §8 "Names"). The controller derives objects from a
 * registry's name: ConfigMaps `<name>-registry-storage[-n]`, the Deployment, Role and Service
 * `<name>-api`, and label values carrying `<name>` or `<name>-api`. A Service name is a DNS-1035 label
 * (a letter first, at most 63 characters) and a label value is at most 63 characters, so a registry
 * name must be a DNS-1035 label of at most 59 characters. The apiserver itself only demands a DNS-1123
 * subdomain, which admits `a.b`, `1abc` and 253 characters: such a registry would be stored and then
 * never work, so it is refused when created. Existing objects are left alone on UPDATE (names are
 * immutable; refusing would only block the finalizer's removal).
 */
import type { FieldError } from '../api/field-error.ts';
import { isObj } from './shape.ts';

export const API_SUFFIX = '-api';
/** 63 (Service name, label value) minus `-api`. */
export const MAX_REGISTRY_NAME = 63 - API_SUFFIX.length;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Errors for the name of an object being created; none for an object without a name yet. */
export function checkRegistryName(obj: unknown): FieldError[] {
  const meta = isObj(obj) && isObj(obj.metadata) ? obj.metadata : undefined;
  const name = meta?.name;
  if (typeof name !== 'string' || name === '') return [];
  const errors: FieldError[] = [];
  if (!DNS_1035_LABEL.test(name))
    errors.push({
      type: 'Invalid',
      field: 'metadata.name',
      value: name,
      detail: `must be a DNS-1035 label (lowercase letters, digits and '-', starting with a letter and ending with a letter or digit) because it names the registry's Service "${name}${API_SUFFIX}"`,
    });
  if (name.length > MAX_REGISTRY_NAME)
    errors.push({
      type: 'TooLong',
      field: 'metadata.name',
      detail: `may not be more than ${MAX_REGISTRY_NAME} characters: the registry's Service "<name>${API_SUFFIX}" and the label values derived from the name must fit in 63`,
    });
  return errors;
}
