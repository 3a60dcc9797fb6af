/**
 * What a registry's sources read, from its spec (pure): the ConfigMaps and Secrets it names (a change
 * to one of them re-syncs a failed registry at once) and the hosts it fetches from (at most one fetch
 * per host at a time, so a slow host holds at most one worker).
 */
import type { MCPRegistryV1beta1 } from '../../api/types.ts';

type Spec = Pick<MCPRegistryV1beta1['spec'], 'sources'>;

export function sourceConfigMaps(spec: Spec): string[] {
  return spec.sources.flatMap((s) => (s.type === 'configmap' && s.configMapRef ? [s.configMapRef.name] : []));
}

/**
 * Every Secret a source names: any `*SecretRef` or `caBundleRef` of its type's block, so a reference
 * added to the schema later is covered without a change here.
 */
export function sourceSecrets(spec: Spec): string[] {
  const names = new Set<string>();
  for (const s of spec.sources) {
    const block = (s as unknown as Record<string, unknown>)[s.type];
    if (typeof block !== 'object' || block === null) continue;
    for (const [k, v] of Object.entries(block))
      if ((k.endsWith('SecretRef') || k === 'caBundleRef') && typeof v === 'object' && v !== null) {
        const name = (v as { name?: unknown }).name;
        if (typeof name === 'string' && name) names.add(name);
      }
  }
  return [...names].sort();
}

/** The host of a URL or an scp-style git address (`git@host:org/repo`); undefined for file:// or junk. */
export function hostOf(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const scp = /^[^@/:]+@([^:/]+):/.exec(address);
  if (scp && !address.includes('://')) return scp[1]?.toLowerCase();
  try {
    const host = new URL(address).hostname.toLowerCase();
    return host || undefined;
  } catch {
    return undefined;
  }
}

/** The distinct hosts the registry's url, git and registry sources fetch from. */
export function sourceHosts(spec: Spec): string[] {
  const hosts = new Set<string>();
  for (const s of spec.sources) {
    const h =
      s.type === 'url'
        ? hostOf(s.url?.href)
        : s.type === 'git'
          ? hostOf(s.git?.repository)
          : s.type === 'registry'
            ? hostOf(s.registry?.baseURL)
            : undefined;
    if (h) hosts.add(h);
  }
  return [...hosts].sort();
}
