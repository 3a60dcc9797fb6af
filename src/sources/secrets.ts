/** Reads Secrets named by source references (same namespace as the registry). */
import { isStatus, type KubeClient } from '../kube/client.ts';
import { SourceError } from './types.ts';

interface SecretObject {
  metadata?: { labels?: Record<string, string> };
  data?: Record<string, string>;
}

export async function readSecret(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<Record<string, string>> {
  return (await readSecretObject(client, namespace, name)).data;
}

/** A Secret's decoded data and its labels (credentials.ts checks the opt-in label). */
export async function readSecretObject(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<{ labels: Record<string, string>; data: Record<string, string> }> {
  try {
    const s = await client.get<SecretObject>({
      group: '',
      version: 'v1',
      plural: 'secrets',
      namespace,
      name,
    });
    return {
      labels: s.metadata?.labels ?? {},
      data: Object.fromEntries(
        Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
      ),
    };
  } catch (e) {
    if (isStatus(e, 404)) throw new SourceError('SecretNotFound', `Secret ${namespace}/${name} not found`);
    if (isStatus(e, 403))
      throw new SourceError('SecretForbidden', `the operator may not read Secret ${namespace}/${name}`);
    throw e;
  }
}

export async function readSecretKey(
  client: KubeClient,
  namespace: string,
  ref: { name: string; key?: string },
  defaultKey: string,
): Promise<string> {
  return secretKey(await readSecret(client, namespace, ref.name), namespace, ref, defaultKey);
}

/** One key of a Secret's data (key defaults to `defaultKey`); a missing one is SecretKeyNotFound. */
export function secretKey(
  data: Record<string, string>,
  namespace: string,
  ref: { name: string; key?: string },
  defaultKey: string,
): string {
  const key = ref.key ?? defaultKey;
  const value = data[key];
  if (value === undefined)
    throw new SourceError('SecretKeyNotFound', `Secret ${namespace}/${ref.name} has no key "${key}"`);
  return value;
}
