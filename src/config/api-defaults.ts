/**
 * Cluster-wide defaults of the per-registry API (SPEC §13, "Helm values set cluster defaults"): what a
 * registry gets when its `spec.api` leaves replicas or resources out. `--registry-api-replicas N` and
 * `--registry-api-resources requests.cpu=100m,requests.memory=128Mi,limits.memory=512Mi` (the whole
 * resources block: keys left out are not set).
 */
import { quantityValue } from '../api/quantity.ts';

export interface ApiResources {
  requests?: { cpu?: string; memory?: string };
  limits?: { cpu?: string; memory?: string };
}

const KEYS = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'];

export function parseApiResources(flag: string, v: string | undefined): ApiResources | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const out: ApiResources = {};
  for (const entry of v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [key = '', value = '', ...rest] = entry.split('=');
    const bad = (why: string) =>
      new Error(`--${flag}: invalid entry "${entry}": ${why}; use ${KEYS.map((k) => `${k}=Q`).join(',')}`);
    if (!KEYS.includes(key) || rest.length > 0) throw bad(`unknown key "${key}"`);
    if (!((quantityValue(value) ?? 0) > 0)) throw bad('not a Kubernetes quantity greater than 0');
    const [part, res] = key.split('.') as ['requests' | 'limits', 'cpu' | 'memory'];
    if (out[part]?.[res] !== undefined) throw bad(`${key} given twice`);
    out[part] = { ...out[part], [res]: value };
  }
  for (const r of ['cpu', 'memory'] as const) {
    const req = out.requests?.[r];
    const lim = out.limits?.[r];
    if (req && lim && (quantityValue(req) ?? 0) > (quantityValue(lim) ?? 0))
      throw new Error(`--${flag}: requests.${r}=${req} is more than limits.${r}=${lim}`);
  }
  return out;
}
