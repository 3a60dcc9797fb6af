/** TypeScript types of the MCPRegistry API, derived from the schema source in ./schema. */
import type { API_VERSION_V1ALPHA1, API_VERSION_V1BETA1 } from './constants.ts';
import type { SpecV1alpha1, StatusV1alpha1, SourceV1alpha1 } from './schema/v1alpha1.ts';
import type { SpecV1beta1, StatusV1beta1, SourceV1beta1, ConditionV1, FilterSpec } from './schema/v1beta1.ts';

export type { SpecV1alpha1, StatusV1alpha1, SourceV1alpha1, SpecV1beta1, StatusV1beta1, SourceV1beta1 };
export type { ConditionV1 as Condition, FilterSpec };

/** The parts of ObjectMeta this project reads or writes, as the apiserver sends them (JSON). */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  [other: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface MCPRegistryV1alpha1 {
  apiVersion: typeof API_VERSION_V1ALPHA1;
  kind: 'MCPRegistry';
  metadata: ObjectMeta;
  spec: SpecV1alpha1;
  status?: StatusV1alpha1;
}

export interface MCPRegistryV1beta1 {
  apiVersion: typeof API_VERSION_V1BETA1;
  kind: 'MCPRegistry';
  metadata: ObjectMeta;
  spec: SpecV1beta1;
  status?: StatusV1beta1;
}

export type MCPRegistry = MCPRegistryV1alpha1 | MCPRegistryV1beta1;
