/**
 * What the workload verbs read from the cluster: a registry's stored catalog as admission indexes it,
 * and the served schema of a ToolHive kind (its spec fields and the version to write).
 */
import type { Cluster } from '../cluster.ts';
import { CliError } from '../errors.ts';
import { readStoredCatalog } from '../../storage/configmaps.ts';
import {
  WORKLOAD_GROUP,
  closestNames,
  indexEntries,
  type EntryIndex,
  type KindInfo,
} from '../../admission/workloads/index.ts';

export async function registryIndex(cluster: Cluster, namespace: string, name: string): Promise<EntryIndex> {
  const reg = await cluster.client.find(cluster.registries(namespace, name));
  if (!reg) {
    const all = await cluster.client.list<{ metadata: { name: string } }>(cluster.registries(namespace));
    const names = closestNames(
      name,
      all.items.map((r) => r.metadata.name),
      10,
      true,
    );
    throw new CliError(
      `no MCPRegistry "${name}" in namespace "${namespace}"${names.length ? `; existing: ${names.join(', ')}` : ''}`,
      names.length ? undefined : 'Create one with `thv registry add`, or name the namespace with -n.',
    );
  }
  const stored = await readStoredCatalog(cluster.client, namespace, name);
  if (!stored)
    throw new CliError(
      `MCPRegistry "${name}" has no synced catalog yet`,
      `Wait until it is Ready: thv registry sync ${name} --wait`,
    );
  return indexEntries(stored.catalog);
}

interface Crd {
  spec: {
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      schema?: { openAPIV3Schema?: { properties?: { spec?: { properties?: Record<string, unknown> } } } };
    }[];
  };
}

/** The installed CRD's storage version and its spec fields; undefined when the CRD is not installed. */
export async function servedSchema(
  cluster: Cluster,
  kind: KindInfo,
): Promise<{ apiVersion: string; fields: Set<string> } | undefined> {
  const crd = await cluster.client.find<Crd>({
    group: 'apiextensions.k8s.io',
    version: 'v1',
    plural: 'customresourcedefinitions',
    name: `${kind.plural}.${WORKLOAD_GROUP}`,
  });
  const v = crd?.spec.versions.find((x) => x.storage) ?? crd?.spec.versions.find((x) => x.served);
  if (!v) return undefined;
  return {
    apiVersion: `${WORKLOAD_GROUP}/${v.name}`,
    fields: new Set(Object.keys(v.schema?.openAPIV3Schema?.properties?.spec?.properties ?? {})),
  };
}
