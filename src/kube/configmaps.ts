/** The ConfigMap shape every reader and writer of ConfigMaps shares (sources, storage, the controller's informers). */
export const CONFIGMAPS = { group: '', version: 'v1', plural: 'configmaps' } as const;

export interface ConfigMapObject {
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: unknown[];
  };
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}
