/** ConfigMap source: a key of a ConfigMap in the registry's namespace. */
import { isStatus, type KubeClient } from '../kube/client.ts';
import { DEFAULT_CONFIGMAP_KEY } from '../api/constants.ts';
import { SourceError } from './types.ts';
import type { ConfigMapObject } from '../kube/configmaps.ts';

/** The controller's informer cache of ConfigMaps; undefined when it does not hold the object (yet). */
export type ConfigMapLookup = (namespace: string, name: string) => ConfigMapObject | undefined;

/**
 * Reads the key from the informer's copy when there is one: it is the very version the reconcile's
 * fingerprint was taken from, and a thousand registries sharing one catalog ConfigMap then cost no
 * GET of its (up to 1 MiB) body each. A cache miss (not delivered yet, or no cache) falls back to GET,
 * which also says when the ConfigMap does not exist.
 */
export async function fetchConfigMap(
  client: KubeClient,
  namespace: string,
  ref: { name: string; key?: string },
  cached?: ConfigMapLookup,
): Promise<string> {
  const key = ref.key ?? DEFAULT_CONFIGMAP_KEY;
  let cm: ConfigMapObject;
  try {
    cm =
      cached?.(namespace, ref.name) ??
      (await client.get<ConfigMapObject>({
        group: '',
        version: 'v1',
        plural: 'configmaps',
        namespace,
        name: ref.name,
      }));
  } catch (e) {
    if (isStatus(e, 404))
      throw new SourceError('ConfigMapNotFound', `ConfigMap ${namespace}/${ref.name} not found`);
    throw e;
  }
  const text =
    cm.data?.[key] ??
    (cm.binaryData?.[key] !== undefined
      ? Buffer.from(cm.binaryData[key] ?? '', 'base64').toString('utf8')
      : undefined);
  if (text === undefined) {
    const keys = Object.keys({ ...cm.data, ...cm.binaryData });
    throw new SourceError(
      'ConfigMapKeyNotFound',
      `ConfigMap ${namespace}/${ref.name} has no key "${key}"${keys.length ? ` (keys: ${keys.join(', ')})` : ' (it is empty)'}`,
    );
  }
  return text;
}
