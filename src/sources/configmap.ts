/** ConfigMap source: a key of a ConfigMap in the registry's namespace. */
import { isStatus, type KubeClient } from '../kube/client.ts';
import { DEFAULT_CONFIGMAP_KEY } from '../api/constants.ts';
import { SourceError } from './types.ts';
import type { ConfigMapObject } from '../kube/configmaps.ts';

export async function fetchConfigMap(
  client: KubeClient,
  namespace: string,
  ref: { name: string; key?: string },
): Promise<string> {
  const key = ref.key ?? DEFAULT_CONFIGMAP_KEY;
  let cm: ConfigMapObject;
  try {
    cm = await client.get<ConfigMapObject>({
      group: '',
      version: 'v1',
      plural: 'configmaps',
      namespace,
      name: ref.name,
    });
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
