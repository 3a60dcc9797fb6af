/**
 * An MCPRegistry with a catalog in its storage ConfigMaps, without a controller: for the registry API
 * tests, which serve what storage holds. The registry's own source (a ConfigMap named x) is never read.
 */
import { client } from './cluster.ts';
import { writeStorage } from '../../src/storage/configmaps.ts';
import { REGISTRIES } from '../../src/kube/mcpregistries.ts';
import { parseRegistryDocument, serializeForStorage, type Catalog } from '../../src/registry/index.ts';
import type { MCPRegistryV1beta1 } from '../../src/api/types.ts';
import { FIXTURE } from '../integration/controller/helpers.ts';

/** The ToolHive fixture (test/fixtures/toolhive-registry) as a catalog. */
export const fixtureCatalog = (): Catalog => parseRegistryDocument(FIXTURE, 'toolhive').catalog;

/** Creates the MCPRegistry `ns/name` (the storage's owner). */
export async function createRegistry(ns: string, name: string): Promise<MCPRegistryV1beta1> {
  const created = await client().create<MCPRegistryV1beta1>(
    { ...REGISTRIES, namespace: ns },
    {
      apiVersion: 'toolhive.stacklok.io/v1beta1',
      kind: 'MCPRegistry',
      metadata: { name, namespace: ns },
      spec: { sources: [{ name: 'main', type: 'configmap', configMapRef: { name: 'x' } }] },
    },
  );
  return created.body;
}

/** Writes `catalog` into the registry's storage as the controller does (`beforeWrite` as writeStorage's). */
export function storeCatalog(
  reg: MCPRegistryV1beta1,
  catalog: Catalog = fixtureCatalog(),
  beforeWrite?: (names: string[]) => Promise<void>,
) {
  const { namespace = '', name = '', uid = '' } = reg.metadata;
  return writeStorage(
    client(),
    { namespace, name, uid },
    serializeForStorage(catalog),
    undefined,
    undefined,
    beforeWrite,
  );
}
