/**
 * The admission corpus's manifests for the SPEC §8 rules (stash annotation, names, network
 * destinations, url.timeout, cluster-local http): their expected core messages are checked in
 * test/unit/admission/hardening.test.ts; here they feed the differential test, which compares the
 * cluster's verdict with `thv registry validate`'s (see test/support/admission-corpus.ts).
 */
import { alpha, beta, type Manifest } from './admission-corpus-shape.ts';

const STASH = 'toolhive.stacklok.io/v1beta1-spec';
const URL_SRC = { type: 'url', url: 'https://example.com/r.json' };
const FIRST = {
  name: 'default',
  type: 'url',
  format: 'toolhive',
  url: { href: 'https://example.com/r.json' },
};
const stashed = (...sources: unknown[]) =>
  alpha({ format: 'toolhive', source: URL_SRC }, { annotations: { [STASH]: JSON.stringify({ sources }) } });
const url = (u: string) => alpha({ source: { type: 'url', url: u } });
const reg = (u: string) => alpha({ source: { type: 'registry', registry: { url: u } } });

export const HARDENING_CASES: { name: string; obj: Manifest; policy?: string }[] = [
  {
    name: 'stash: an http:// source smuggled in the annotation',
    obj: stashed(FIRST, { name: 'evil', type: 'url', url: { href: 'http://evil.example/r.json' } }),
  },
  { name: 'stash: a source of type bogus', obj: stashed(FIRST, { name: 'evil', type: 'bogus' }) },
  {
    name: 'stash: not JSON',
    obj: alpha({ source: URL_SRC }, { annotations: { [STASH]: '{x' } }),
  },
  { name: 'stash: what conversion writes passes', obj: stashed(FIRST) },
  { name: 'names: a dot cannot name the Service', obj: alpha({ source: URL_SRC }, { name: 'a.b' }) },
  { name: 'names: a leading digit', obj: alpha({ source: URL_SRC }, { name: '1abc' }) },
  { name: 'names: 60 characters', obj: alpha({ source: URL_SRC }, { name: 'a'.repeat(60) }) },
  { name: 'names: 59 characters', obj: alpha({ source: URL_SRC }, { name: 'a'.repeat(59) }) },
  { name: 'destinations: loopback in decimal', obj: url('https://2130706433/r.json') },
  { name: 'destinations: loopback in hex', obj: url('https://0x7f.1/r.json') },
  { name: 'destinations: the cloud metadata address', obj: url('https://169.254.169.254/r.json') },
  { name: 'destinations: IPv4-mapped IPv6 loopback', obj: url('https://[::ffff:127.0.0.1]/r.json') },
  { name: 'destinations: a private address is allowed by default', obj: url('https://10.0.0.1/r.json') },
  {
    name: 'destinations: loopback allowed by allowedCIDRs',
    obj: url('https://0x7f.1/r.json'),
    policy: 'allowedCIDRs: [127.0.0.0/8, "::1"]\n',
  },
  {
    name: 'destinations: allowPrivateNetworks false and deniedCIDRs',
    obj: beta({
      sources: [
        { name: 'a', type: 'url', url: { href: 'https://10.0.0.1/r.json' } },
        { name: 'b', type: 'url', url: { href: 'https://203.0.113.9/r.json' } },
        { name: 'c', type: 'url', url: { href: 'https://10.1.2.3/r.json' } },
      ],
    }),
    policy: 'allowPrivateNetworks: false\ndeniedCIDRs: [203.0.113.0/24]\nallowedCIDRs: [10.1.2.3]\n',
  },
  {
    name: 'url.timeout over the 10m cap',
    obj: beta({
      sources: [{ name: 's', type: 'url', url: { href: 'https://example.com/r.json', timeout: '600h' } }],
    }),
  },
  // A Service that is not another namespace's registry API: `<name>-api.<ns>` needs that registry's
  // consent, which only the live webhook can ask the cluster about (test/integration/isolation/).
  { name: 'cluster-local http is allowed', obj: reg('http://my-registry.default.svc.cluster.local') },
  { name: 'http to a non-cluster-local name', obj: reg('http://evil.svc') },
  {
    name: 'cluster-local http under another cluster domain',
    obj: reg('http://r.tools.svc.corp.internal'),
    policy: 'clusterDomain: corp.internal\n',
  },
  {
    name: 'cluster-local http switched off',
    obj: reg('http://my-registry-api.default.svc'),
    policy: 'allowClusterLocalHTTP: false\n',
  },
];
