/**
 * What a catalog entry says about trusting and confining a server, for the detail view: the Sigstore
 * provenance of its image (ToolHive's `provenance`, also carried in the upstream publisher extension)
 * and the permissions it asks for (`permissions.network.outbound`, `read`/`write` mounts). Shown as the
 * data gives them: the page verifies nothing, it only says what the catalog claims.
 */
import { isObj, str } from './summary.ts';

export interface SigstoreProvenance {
  /** [label, value] in a fixed order; only the fields the entry has. */
  fields: [string, string][];
}

const PROVENANCE_FIELDS: [string, string][] = [
  ['repository_uri', 'Source repository'],
  ['repository_ref', 'Source ref'],
  ['signer_identity', 'Signer identity'],
  ['runner_environment', 'Runner'],
  ['cert_issuer', 'Certificate issuer'],
  ['sigstore_url', 'Sigstore'],
];

export function provenanceOf(v: unknown): SigstoreProvenance | undefined {
  if (!isObj(v)) return undefined;
  const fields: [string, string][] = [];
  for (const [key, label] of PROVENANCE_FIELDS) {
    const value = str(v[key]);
    if (value) fields.push([label, value]);
  }
  return fields.length ? { fields } : undefined;
}

export interface Permissions {
  /** Outbound network: any host (insecure_allow_all), the listed hosts and ports, or none declared. */
  network?: { anyHost: boolean; hosts: string[]; ports: number[] };
  read: string[];
  write: string[];
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : [];
const ports = (v: unknown): number[] =>
  Array.isArray(v) ? v.filter((x): x is number => Number.isInteger(x)) : [];

export function permissionsOf(v: unknown): Permissions | undefined {
  if (!isObj(v)) return undefined;
  const p: Permissions = { read: strings(v.read), write: strings(v.write) };
  const out = isObj(v.network) && isObj(v.network.outbound) ? v.network.outbound : undefined;
  if (out)
    p.network = {
      anyHost: out.insecure_allow_all === true,
      hosts: strings(out.allow_host),
      ports: ports(out.allow_port),
    };
  return p.network || p.read.length || p.write.length ? p : undefined;
}

/** One sentence for the outbound network permission, as the data states it. */
export function networkSentence(n: NonNullable<Permissions['network']>): string {
  if (n.anyHost) return 'Any host (insecure_allow_all)';
  const hosts = n.hosts.length ? n.hosts.join(', ') : 'No hosts listed';
  return n.ports.length ? `${hosts} on port${n.ports.length > 1 ? 's' : ''} ${n.ports.join(', ')}` : hosts;
}
