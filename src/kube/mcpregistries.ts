/** Typed access to MCPRegistry v1beta1 objects through the one client wrapper. */
import { isStatus, type KubeClient } from './client.ts';
import { GROUP, PLURAL, V1BETA1 } from '../api/constants.ts';
import type { MCPRegistryV1beta1, StatusV1beta1 } from '../api/types.ts';

export const REGISTRIES = { group: GROUP, version: V1BETA1, plural: PLURAL } as const;

export async function getRegistry(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<MCPRegistryV1beta1 | undefined> {
  return client.find<MCPRegistryV1beta1>({ ...REGISTRIES, namespace, name });
}

/**
 * Writes status through the /status subresource with the object's resourceVersion as precondition.
 * On 409 it re-reads the object and recomputes the status from the fresh one, so a competing
 * writer's change is never overwritten blindly.
 */
export async function updateStatus(
  client: KubeClient,
  reg: MCPRegistryV1beta1,
  compute: (fresh: MCPRegistryV1beta1) => StatusV1beta1 | undefined,
  guard: () => void,
): Promise<MCPRegistryV1beta1 | undefined> {
  let current = reg;
  for (let attempt = 0; attempt < 8; attempt++) {
    const status = compute(current);
    if (!status) return current;
    guard();
    try {
      const res = await client.replace<MCPRegistryV1beta1>(
        {
          ...REGISTRIES,
          namespace: current.metadata.namespace,
          name: current.metadata.name,
          subresource: 'status',
        },
        { ...current, status },
      );
      return res.body;
    } catch (e) {
      if (!isStatus(e, 409)) throw e;
      const fresh = await getRegistry(client, current.metadata.namespace ?? '', current.metadata.name ?? '');
      if (!fresh) return undefined;
      current = fresh;
    }
  }
  throw new Error('status update: conflicting writers, gave up after 8 attempts');
}

/** Adds or removes our finalizer with a resourceVersion precondition (409 → caller requeues). */
export async function setFinalizers(
  client: KubeClient,
  reg: MCPRegistryV1beta1,
  finalizers: string[],
): Promise<MCPRegistryV1beta1> {
  const res = await client.patch<MCPRegistryV1beta1>(
    { ...REGISTRIES, namespace: reg.metadata.namespace, name: reg.metadata.name },
    'merge',
    { metadata: { finalizers, resourceVersion: reg.metadata.resourceVersion } },
  );
  return res.body;
}
