/**
 * How `spec.api.authorization` and `spec.api.audit` reach the API's Pod (SPEC §13): the policies
 * ConfigMap mounted as a volume (the kubelet reads it in the Pod's own namespace, so it can only ever be
 * the registry's namespace, and the API's ServiceAccount needs no access to it), and the flags
 * thv-registry-api has. A volume rather than a read through the apiserver because the kubelet rewrites
 * the files when the ConfigMap is edited and the API reloads the file. `optional`: a missing ConfigMap
 * or key must not hold the Pod in ContainerCreating; the API then refuses every read with a message
 * naming the file (fail closed) until the policies appear. Pure.
 */
import type { ApiSpec } from '../../api/schema/api.ts';

export const AUTHORIZATION_DIR = '/etc/thv-registry-api/authorization';
const AUTHORIZATION_VOLUME = 'authorization-policies';
/** The ConfigMap key read when policiesConfigMapRef names none. */
export const DEFAULT_POLICIES_KEY = 'policies.cedar';

export function authorizationArgs(api: ApiSpec): string[] {
  return [
    ...(api.authorization
      ? ['--authorization-policies', `${AUTHORIZATION_DIR}/${DEFAULT_POLICIES_KEY}`]
      : []),
    ...(api.audit?.enabled ? ['--audit'] : []),
  ];
}

/** `mounts` with the policies' volume added, when the spec names policies. */
export function withAuthorization(
  api: ApiSpec,
  v: { volumes: Record<string, unknown>[]; mounts: Record<string, unknown>[] },
): { volumes: Record<string, unknown>[]; mounts: Record<string, unknown>[] } {
  const ref = api.authorization?.policiesConfigMapRef;
  if (!ref) return v;
  return {
    volumes: [
      ...v.volumes,
      {
        name: AUTHORIZATION_VOLUME,
        configMap: {
          name: ref.name,
          // Whatever the key is called, the API reads one path.
          items: [{ key: ref.key ?? DEFAULT_POLICIES_KEY, path: DEFAULT_POLICIES_KEY }],
          optional: true,
          defaultMode: 0o444,
        },
      },
    ],
    mounts: [...v.mounts, { name: AUTHORIZATION_VOLUME, mountPath: AUTHORIZATION_DIR, readOnly: true }],
  };
}
