/**
 * Network destinations (SPEC §8): which IP addresses a url, git or registry source may reach. Pure:
 * admission applies it to literal IPs in a spec (in any notation), the source fetchers to every
 * address a name resolves to and to every redirect.
 *
 * Decision, in order:
 *   1. the policy's `allowedCIDRs` and `deniedCIDRs`: the most specific listed prefix decides (a tie
 *      is a denial), so `deniedCIDRs: [10.0.0.0/8]` with `allowedCIDRs: [10.1.2.3/32]` allows one host;
 *   2. loopback, link-local (with the cloud metadata addresses), unspecified, broadcast and multicast
 *      addresses are refused: nothing a registry source should fetch from lives there;
 *   3. private ranges (RFC 1918, RFC 6598 shared space, IPv6 ULA) are refused only when
 *      `allowPrivateNetworks` is false: in-cluster Services and internal Git servers live there;
 *   4. everything else is allowed.
 * IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) addresses are
 * judged as the IPv4 address they carry, which is where a connection to them ends up.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface Ip {
  family: 4 | 6;
  value: bigint;
  /** Canonical text: dotted quad or compressed IPv6. */
  text: string;
}

export interface Cidr {
  family: 4 | 6;
  base: bigint;
  bits: number;
  text: string;
}

export interface NetworkRules {
  allowedCIDRs: Cidr[];
  deniedCIDRs: Cidr[];
  allowPrivateNetworks: boolean;
}

export type Verdict =
  | { allowed: true }
  /** `judged`: the IPv4 address an IPv6 address carried, when that is what was judged. */
  | { allowed: false; what: string; hint?: string; judged?: string };

export const OPEN_NETWORK_RULES: NetworkRules = Object.freeze({
  allowedCIDRs: [],
  deniedCIDRs: [],
  allowPrivateNetworks: true,
}) as NetworkRules;

function v4(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function v6(text: string): bigint | undefined {
  let s = text;
  // A dotted IPv4 tail (`::ffff:127.0.0.1`) is two 16-bit groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const n = v4(dotted[1]!);
    s = `${s.slice(0, -dotted[1]!.length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, rest] = s.split('::') as [string, string | undefined];
  const parse = (p: string) => (p === '' ? [] : p.split(':').map((h) => BigInt(parseInt(h, 16))));
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  const fill = 8 - left.length - right.length;
  if (fill < 0 || (rest === undefined && fill !== 0)) return undefined;
  const groups = [...left, ...Array<bigint>(fill).fill(0n), ...right];
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

const V4_MASK = 0xffffffffn;
function v4Text(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join('.');
}

/** An IP address from canonical text, or undefined. */
export function parseIp(text: string): Ip | undefined {
  const t = text.replace(/^\[|\]$/g, '');
  if (isIPv4(t)) return { family: 4, value: v4(t), text: t };
  if (!isIPv6(t) || t.includes('%')) return undefined;
  const value = v6(t.toLowerCase());
  if (value === undefined) return undefined;
  return { family: 6, value, text: t.toLowerCase() };
}

/**
 * The IP a URL host stands for, in any notation a resolver would accept: `2130706433`, `0x7f.1`,
 * `0177.0.0.1`, `[::ffff:127.0.0.1]`. The WHATWG URL parser normalises all of these (it implements the
 * same inet_aton rules getaddrinfo applies), so a host is passed through it; a DNS name gives undefined.
 */
export function literalIp(host: string): Ip | undefined {
  const h = host.trim();
  if (h === '') return undefined;
  let hostname: string;
  try {
    const bracketed = h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
    hostname = new URL(`http://${bracketed}/`).hostname;
  } catch {
    return undefined;
  }
  return parseIp(hostname);
}

/** The IPv4 address an IPv6 address carries (mapped, compatible or NAT64), if any. */
function embeddedV4(ip: Ip): Ip | undefined {
  if (ip.family !== 6) return undefined;
  const high = ip.value >> 32n;
  const low = ip.value & V4_MASK;
  const mapped = high === 0xffffn;
  const compatible = high === 0n && low > 1n;
  const nat64 = high === 0x64ff9b0000000000000000n;
  if (!mapped && !compatible && !nat64) return undefined;
  return { family: 4, value: low, text: v4Text(low) };
}

export function parseCidr(text: string): Cidr | undefined {
  const [addr, bitsText, extra] = text.trim().split('/');
  if (addr === undefined || extra !== undefined) return undefined;
  const ip = parseIp(addr);
  if (!ip) return undefined;
  const max = ip.family === 4 ? 32 : 128;
  if (bitsText !== undefined && !/^\d{1,3}$/.test(bitsText)) return undefined;
  const bits = bitsText === undefined ? max : Number(bitsText);
  if (bits > max) return undefined;
  const base = (ip.value >> BigInt(max - bits)) << BigInt(max - bits);
  return { family: ip.family, base, bits, text: `${ip.text}/${bits}` };
}

function contains(c: Cidr, ip: Ip): boolean {
  if (c.family !== ip.family) return false;
  const shift = BigInt((c.family === 4 ? 32 : 128) - c.bits);
  return ip.value >> shift === c.base >> shift;
}

const cidrs = (list: [string, string][]) => list.map(([text, what]) => ({ cidr: parseCidr(text)!, what }));

/** Never a source's destination unless listed in allowedCIDRs. Most specific first. */
const SPECIAL = cidrs([
  ['169.254.169.254/32', 'the cloud metadata address'],
  ['fd00:ec2::254/128', 'the cloud metadata address'],
  ['0.0.0.0/8', 'an unspecified address'],
  ['::/128', 'an unspecified address'],
  ['127.0.0.0/8', 'a loopback address'],
  ['::1/128', 'a loopback address'],
  ['169.254.0.0/16', 'a link-local address'],
  ['fe80::/10', 'a link-local address'],
  ['255.255.255.255/32', 'the broadcast address'],
  ['224.0.0.0/4', 'a multicast address'],
  ['ff00::/8', 'a multicast address'],
]);

const PRIVATE = cidrs([
  ['10.0.0.0/8', 'a private address'],
  ['172.16.0.0/12', 'a private address'],
  ['192.168.0.0/16', 'a private address'],
  ['100.64.0.0/10', 'a private (shared address space) address'],
  ['fc00::/7', 'a private (unique local) address'],
]);

function mostSpecific(list: Cidr[], ip: Ip): Cidr | undefined {
  let best: Cidr | undefined;
  for (const c of list) if (contains(c, ip) && (!best || c.bits > best.bits)) best = c;
  return best;
}

const ALLOW_HINT = "the platform policy's allowedCIDRs can allow it";

/** Judges one address against the rules. */
export function judge(address: Ip, rules: NetworkRules): Verdict {
  const v = judgeAs(embeddedV4(address) ?? address, address, rules);
  return !v.allowed && address.family === 6 && embeddedV4(address)
    ? { ...v, judged: embeddedV4(address)!.text }
    : v;
}

function judgeAs(ip: Ip, address: Ip, rules: NetworkRules): Verdict {
  const allow = mostSpecific(rules.allowedCIDRs, ip) ?? mostSpecific(rules.allowedCIDRs, address);
  const deny = mostSpecific(rules.deniedCIDRs, ip) ?? mostSpecific(rules.deniedCIDRs, address);
  if (deny && (!allow || deny.bits >= allow.bits))
    return {
      allowed: false,
      what: `in the platform policy's deniedCIDRs (${deny.text})`,
    };
  if (allow) return { allowed: true };
  const special = SPECIAL.find((s) => contains(s.cidr, ip));
  if (special) return { allowed: false, what: special.what, hint: ALLOW_HINT };
  const priv = PRIVATE.find((s) => contains(s.cidr, ip));
  if (priv && !rules.allowPrivateNetworks)
    return {
      allowed: false,
      what: priv.what,
      hint: 'the platform policy sets allowPrivateNetworks: false; its allowedCIDRs can allow it',
    };
  return { allowed: true };
}

/**
 * The sentence a user reads for a refused destination: `"0x7f.1" (127.0.0.1) is a loopback address,
 * not an allowed destination (the platform policy's allowedCIDRs can allow it)`.
 */
export function refusal(host: string, ip: Ip, verdict: Exclude<Verdict, { allowed: true }>): string {
  const text = verdict.judged ?? ip.text;
  const subject = host.replace(/^\[|\]$/g, '').toLowerCase() === text ? text : `"${host}" (${text})`;
  return `${subject} is ${verdict.what}, not an allowed destination${verdict.hint ? ` (${verdict.hint})` : ''}`;
}
