/**
 * Fetch-time destination checks (SPEC §8 "Network destinations"). Admission can only judge literal
 * IPs; a DNS name can resolve anywhere, and a redirect can point anywhere. So every connection a
 * source makes resolves its host through `guardedLookup`, which judges every address the name
 * resolves to and fails the lookup (the socket never connects) when any is refused, and a literal IP
 * host is judged before a request is made.
 *
 * The rules in force are the platform policy's (`allowedCIDRs`, `deniedCIDRs`,
 * `allowPrivateNetworks`). The controller has no policy store of its own, so the process keeps the
 * current rules here: the built-in ones until `setDestinationRules` is called by whoever loads the
 * policy file (src/sources/policy-file.ts, started by the operator).
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { judge, literalIp, parseIp, refusal, type NetworkRules } from '../admission/destinations.ts';
import { DEFAULT_POLICY } from '../admission/policy.ts';
import { SourceError } from './types.ts';

export const DESTINATION_REFUSED = 'DestinationRefused';

let current: NetworkRules = DEFAULT_POLICY.network;

export function setDestinationRules(rules: NetworkRules): void {
  current = rules;
}

export function destinationRules(): NetworkRules {
  return current;
}

/** The refusal for a host, or undefined when it is a DNS name or an allowed address. */
export function literalRefusal(host: string, rules: NetworkRules = current): string | undefined {
  const ip = literalIp(host);
  if (!ip) return undefined;
  const v = judge(ip, rules);
  return v.allowed ? undefined : refusal(host, ip, v);
}

/** The refusal for any of the resolved addresses of `host`. */
export function addressesRefusal(
  host: string,
  addresses: string[],
  rules: NetworkRules = current,
): string | undefined {
  for (const a of addresses) {
    const ip = parseIp(a);
    if (!ip) return `"${host}" resolved to an unreadable address ${JSON.stringify(a)}`;
    const v = judge(ip, rules);
    if (!v.allowed) return refusal(host, ip, v);
  }
  return undefined;
}

/** Resolves every address of a name (what getaddrinfo would give a connecting client). */
export function resolveAll(host: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, addrs) =>
      err ? reject(err) : resolve(addrs.map((a) => a.address)),
    ),
  );
}

/**
 * A `lookup` for http(s).request / net.connect that refuses, by failing the lookup with a
 * SourceError, a name any of whose addresses the rules refuse. Both calling conventions are served:
 * `all: true` (happy eyeballs) and the single-address one.
 */
export function guardedLookup(rules: NetworkRules = current): LookupFunction {
  return ((hostname: string, options: LookupAllOptions | { all?: boolean }, callback: unknown) => {
    const cb = callback as (err: Error | null, address?: string | LookupAddress[], family?: number) => void;
    const opts = typeof options === 'object' && options !== null ? options : {};
    dnsLookup(hostname, { ...opts, all: true }, (err, addrs) => {
      if (err) return cb(err);
      const refused = addressesRefusal(
        hostname,
        addrs.map((a) => a.address),
        rules,
      );
      if (refused) return cb(new SourceError(DESTINATION_REFUSED, refused));
      if (opts.all) return cb(null, addrs);
      const first = addrs[0];
      if (!first)
        return cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
      cb(null, first.address, first.family);
    });
  }) as LookupFunction;
}
