/**
 * Random changes to the official registry server between reads (SPEC §16 incremental mirrors):
 * publish (new servers, new versions: 1.0.10 after 1.0.9, so the registry's version order is not
 * the order of publication), deprecate, delete and reactivate. Seeded, so a failure names the seed
 * that reproduces it.
 */
import { ANONYMOUS, serverJson, type UpstreamRegistry } from '../../support/upstream-registry.ts';

/** mulberry32: the same sequence for the same seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Published versions by server, and each version's status, as the changes left them. */
export type Published = Map<string, Map<string, string>>;

/** One random change (or 'nothing' when the one drawn would change nothing); says what it did. */
export async function change(
  upstream: UpstreamRegistry,
  published: Published,
  next: () => number,
  prefix = 'inc',
): Promise<string> {
  const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)] as T;
  const servers = [...published.keys()];
  const kind =
    servers.length === 0 ? 'publish' : pick(['publish', 'version', 'deprecate', 'delete', 'activate']);
  if (kind === 'publish') {
    const n = `${ANONYMOUS}/${prefix}-${String(Math.floor(next() * 100)).padStart(2, '0')}`;
    if (published.has(n)) return 'nothing';
    await upstream.publish(serverJson(n, '1.0.0'));
    published.set(n, new Map([['1.0.0', 'active']]));
    return `publish ${n}@1.0.0`;
  }
  const s = pick(servers);
  const versions = published.get(s) as Map<string, string>;
  if (kind === 'version') {
    const v = `1.0.${[...versions.keys()].length === 9 ? 10 : versions.size + 1}`;
    if (versions.has(v)) return 'nothing';
    await upstream.publish(serverJson(s, v));
    versions.set(v, 'active');
    return `publish ${s}@${v}`;
  }
  const v = pick([...versions.keys()]);
  const status = kind === 'activate' ? 'active' : `${kind}d`;
  // The registry refuses a status change that changes nothing.
  if (versions.get(v) === status) return 'nothing';
  await upstream.setStatus(s, v, status, status === 'active' ? undefined : `${kind} by the test`);
  versions.set(v, status);
  return `${status} ${s}@${v}`;
}
