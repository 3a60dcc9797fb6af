/**
 * Fetch-time destination checks (SPEC §8 "Network destinations", §18 "One policy, everywhere it
 * matters"). Admission judged the spec's URL under the policy of that day; the policy may have changed
 * since, a DNS name can resolve anywhere and a redirect can point anywhere. So the fetchers ask
 * destination-policy.ts, the decision admission uses, with the policy in force now: about the URL
 * before each request (`destinationRefusal`), about every address a name resolves to before the socket
 * connects (`guardedLookup`), and about every redirect.
 *
 * The controller has no policy store of its own, so the process keeps the current policy here: the
 * built-in one until `setSourcePolicy` is called by whoever loads the policy file
 * (src/sources/destinations/policy-file.ts, started by the operator).
 */
import {
  lookup as dnsLookup,
  promises as dnsPromises,
  type LookupAddress,
  type LookupAllOptions,
} from 'node:dns';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { judgeDestination, type DestinationQuery } from '../../admission/source-rules/destination-policy.ts';
import type { NetworkRules } from '../../admission/policy/destinations.ts';
import { DEFAULT_POLICY, type Policy } from '../../admission/policy/policy.ts';
import { SourceError } from '../types.ts';
import { apiByAddress, type RegistryApiAt } from './api-address.ts';

export const DESTINATION_REFUSED = 'DestinationRefused';

let current: Policy = DEFAULT_POLICY;

export function setSourcePolicy(policy: Policy): void {
  current = policy;
}

export function sourcePolicy(): Policy {
  return current;
}

/** Only the CIDR rules (tests that serve sources from loopback); the rest of the policy is kept. */
export function setDestinationRules(rules: NetworkRules): void {
  current = { ...current, network: rules };
}

export function destinationRules(): NetworkRules {
  return current.network;
}

/** What a fetch asks about: the query of destination-policy.ts without the resolved addresses. */
export type FetchDestination = Omit<DestinationQuery, 'addresses'>;

/** Why the current policy refuses this destination (with these resolved addresses), or undefined. */
export function destinationRefusal(
  d: FetchDestination,
  addresses?: readonly string[],
  policy: Policy = current,
): string | undefined {
  const decision = judgeDestination({ ...d, ...(addresses ? { addresses } : {}) }, policy);
  if (!decision.allowed) return decision.refusals.map((r) => r.detail).join('; ');
  return apiByAddress(d.url, addresses ?? [], policy.clusterDomain, registryApiAt);
}

let registryApiAt: RegistryApiAt = () => undefined;

/**
 * Set by the controller from its informers on the registry API Services and their EndpointSlices
 * (SPEC §18; src/controller/workload/api-addresses.ts).
 */
export function setRegistryApiAddresses(lookup: RegistryApiAt): void {
  registryApiAt = lookup;
}

/**
 * Test hook: resolve source host names through this DNS server (`host:port`) instead of the
 * system's resolver, so a test can answer a name with addresses it controls (rebinding included).
 * git's own connections are pinned to what was judged (git.ts) and never resolve by themselves.
 */
const testDnsServer = process.env.MCPR_TEST_DNS_SERVER;

async function testResolve(host: string): Promise<LookupAddress[]> {
  const r = new dnsPromises.Resolver({ timeout: 2000, tries: 1 });
  r.setServers([testDnsServer!]);
  const [v4, v6] = await Promise.allSettled([r.resolve4(host), r.resolve6(host)]);
  const out = [
    ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 })) : []),
    ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 })) : []),
  ];
  if (out.length === 0)
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return out;
}

/** Every address of a name, as getaddrinfo gives a connecting client (literal IPs as they are). */
export function lookupAll(host: string): Promise<LookupAddress[]> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (testDnsServer && isIP(bare) === 0) return testResolve(bare);
  return new Promise((resolve, reject) =>
    dnsLookup(bare, { all: true, verbatim: true }, (err, addrs) => (err ? reject(err) : resolve(addrs))),
  );
}

export async function resolveAll(host: string): Promise<string[]> {
  return (await lookupAll(host)).map((a) => a.address);
}

/**
 * A `lookup` for http(s).request that refuses, by failing the lookup with a SourceError, a destination
 * any of whose addresses the policy refuses: the socket never connects. Both calling conventions are
 * served: `all: true` (happy eyeballs) and the single-address one.
 */
export function guardedLookup(d: FetchDestination): LookupFunction {
  return ((hostname: string, options: LookupAllOptions | { all?: boolean }, callback: unknown) => {
    const cb = callback as (err: Error | null, address?: string | LookupAddress[], family?: number) => void;
    const opts = typeof options === 'object' && options !== null ? options : {};
    lookupAll(hostname).then(
      (addrs) => {
        const refused = destinationRefusal(
          d,
          addrs.map((a) => a.address),
        );
        if (refused) return cb(new SourceError(DESTINATION_REFUSED, refused));
        if (opts.all) return cb(null, addrs);
        const first = addrs[0];
        if (!first)
          return cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
        cb(null, first.address, first.family);
      },
      (err: Error) => cb(err),
    );
  }) as LookupFunction;
}
