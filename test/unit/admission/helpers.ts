import { formatFieldError } from '../../../src/api/field-error.ts';
import { DEFAULT_POLICY, parsePolicy, validate, type Policy } from '../../../src/admission/index.ts';

export function alpha(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) {
  return {
    apiVersion: 'toolhive.stacklok.io/v1alpha1',
    kind: 'MCPRegistry',
    metadata: { name: 'r', ...metadata },
    spec,
  };
}

export function beta(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) {
  return {
    apiVersion: 'toolhive.stacklok.io/v1beta1',
    kind: 'MCPRegistry',
    metadata: { name: 'r', ...metadata },
    spec,
  };
}

export function policy(yaml: string): Policy {
  return parsePolicy(yaml);
}

/** The messages a user reads, one per error. */
export function messages(obj: unknown, p: Policy = DEFAULT_POLICY, old?: unknown): string[] {
  return validate(obj, old, p).errors.map(formatFieldError);
}

export function warnings(obj: unknown, p: Policy = DEFAULT_POLICY, old?: unknown): string[] {
  return validate(obj, old, p).warnings;
}
