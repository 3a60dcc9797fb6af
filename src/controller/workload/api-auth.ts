/**
 * How `spec.api.auth` reaches the API's Pod (SPEC §13): flags thv-registry-api already has, and for
 * `api-keys` the Secret mounted as a volume. A volume (never an env var, never a subPath) because the
 * kubelet rewrites a mounted Secret's files when the Secret is edited, and the API re-reads the file:
 * keys rotate without a restart. For `oidc`, the platform policy's destination rules travel along
 * (`--destination-policy`) so the API fetches the tenant's issuer under the rules the operator's own
 * fetches obey; a policy change changes the Pod template, and the Pods roll. Pure.
 */
import type { ApiSpec } from '../../api/schema/api.ts';
import type { Policy } from '../../admission/policy/policy.ts';

export const API_KEYS_DIR = '/etc/thv-registry-api/api-keys';
const API_KEYS_VOLUME = 'api-keys';
/** The Secret key read when apiKeysSecretRef names none. */
export const DEFAULT_API_KEYS_KEY = 'keys';

/** The destination rules of the policy, as policy-file keys (parsePolicy reads them back), in a fixed order. */
export function destinationPolicyJson(p: Policy): string {
  return JSON.stringify({
    allowedHosts: p.allowedHosts,
    allowHTTP: p.allowHTTP,
    allowClusterLocalHTTP: p.allowClusterLocalHTTP,
    clusterDomain: p.clusterDomain,
    allowedCIDRs: p.allowedCIDRs,
    deniedCIDRs: p.deniedCIDRs,
    allowPrivateNetworks: p.allowPrivateNetworks,
  });
}

/** The thv-registry-api flags of the auth mode (none for anonymous). */
export function authArgs(api: ApiSpec, destinationPolicy: string | undefined): string[] {
  const auth = api.auth;
  switch (auth?.mode) {
    case 'kubernetes':
      return ['--auth', 'kubernetes'];
    case 'oidc': {
      const o = auth.oidc;
      if (!o) return ['--auth', 'oidc']; // admission requires the block; the API then refuses to start
      return [
        '--auth',
        'oidc',
        '--oidc-issuer',
        o.issuer,
        ...o.audiences.flatMap((a) => ['--oidc-audience', a]),
        ...(o.clockSkewSeconds !== undefined
          ? ['--oidc-clock-skew-seconds', String(o.clockSkewSeconds)]
          : []),
        ...(o.groupsClaim ? ['--oidc-groups-claim', o.groupsClaim] : []),
        ...(destinationPolicy ? ['--destination-policy', destinationPolicy] : []),
      ];
    }
    case 'api-keys':
      return ['--auth', 'api-keys', '--api-keys-file', `${API_KEYS_DIR}/${DEFAULT_API_KEYS_KEY}`];
    default:
      return [];
  }
}

/** The Pod's volumes and the container's mounts for the auth mode (the API-key Secret only). */
export function authVolumes(api: ApiSpec): {
  volumes: Record<string, unknown>[];
  mounts: Record<string, unknown>[];
} {
  const ref = api.auth?.mode === 'api-keys' ? api.auth.apiKeysSecretRef : undefined;
  if (!ref) return { volumes: [], mounts: [] };
  return {
    volumes: [
      {
        name: API_KEYS_VOLUME,
        secret: {
          secretName: ref.name,
          // Whatever the Secret's key is called, the API reads one path.
          items: [{ key: ref.key ?? DEFAULT_API_KEYS_KEY, path: DEFAULT_API_KEYS_KEY }],
          defaultMode: 0o440,
        },
      },
    ],
    mounts: [{ name: API_KEYS_VOLUME, mountPath: API_KEYS_DIR, readOnly: true }],
  };
}
