/** Types and manifest builders of the admission corpus (test/support/admission-corpus.ts). */
export const ALPHA = 'toolhive.stacklok.io/v1alpha1';
export const BETA = 'toolhive.stacklok.io/v1beta1';

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown>;
  spec: unknown;
};

export function alpha(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): Manifest {
  return { apiVersion: ALPHA, kind: 'MCPRegistry', metadata: { name: 'r', ...metadata }, spec };
}

export function beta(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): Manifest {
  return { apiVersion: BETA, kind: 'MCPRegistry', metadata: { name: 'r', ...metadata }, spec };
}

export interface CoreCase {
  name: string;
  obj: Manifest;
  /** Policy YAML; absent = the built-in policy. */
  policy?: string;
  want: string[];
}

export interface KubectlCase {
  name: string;
  version?: string;
  spec: unknown;
  stderr: string;
}
