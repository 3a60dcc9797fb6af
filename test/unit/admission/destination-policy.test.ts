/**
 * The one destination decision (SPEC §18, issue #26 items 3 and 6), as a table: each row a policy, a
 * question (source type, URL, its role, resolved addresses) and the exact refusals a user reads, or
 * none. Admission, every fetch, every redirect and the controller's check of registries admitted
 * under an older policy all ask this function, so these rows hold for all of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  judgeDestination,
  type DestinationQuery,
} from '../../../src/admission/source-rules/destination-policy.ts';
import { parsePolicy } from '../../../src/admission/policy/policy.ts';

interface Row {
  name: string;
  policy: string;
  q: DestinationQuery;
  /** Every refusal's detail, in order; [] = allowed. */
  want: string[];
  warnings?: string[];
  /** host:port as it will be dialled, when allowed. */
  dialled?: string;
}

const LOOPBACK = "allowedCIDRs: ['127.0.0.1/32']\n";
const HOSTS = "allowedHosts: ['*.corp.example']\n";
const doc = (url: string, extra: Partial<DestinationQuery> = {}): DestinationQuery => ({
  type: 'url',
  url,
  role: 'document',
  ...extra,
});
const repo = (url: string, extra: Partial<DestinationQuery> = {}): DestinationQuery => ({
  type: 'git',
  url,
  role: 'repository',
  ...extra,
});
const BACKSLASH = 'must not contain a backslash: URL parsers disagree on what it means';
const USERINFO = 'must not contain user information: put credentials in a Secret';
const NOT_CORP = (h: string) =>
  `host "${h}" is not allowed by the platform policy (allowedHosts: *.corp.example)`;

const ROWS: Row[] = [
  // One parser: what is checked is what is dialled.
  {
    name: 'backslash-at: WHATWG reads git.corp.example, curl dials attacker.example',
    policy: HOSTS,
    q: repo('https://git.corp.example\\@attacker.example:18999/r.git'),
    want: [BACKSLASH, USERINFO, NOT_CORP('attacker.example')],
  },
  {
    name: 'backslash-at on a cluster-local name is not cluster-local http',
    policy: '',
    q: doc('http://evil.attacker.svc\\@public.example:18480/r.json'),
    want: ['must use https', BACKSLASH, USERINFO],
  },
  {
    name: 'user-info in an https URL',
    policy: '',
    q: doc('https://a.corp.example@b.example/r.json'),
    want: [USERINFO],
  },
  {
    name: 'a leading "-" is never a repository (git would read an option)',
    policy: '',
    q: repo('-uecho@host:path'),
    want: ['must not start with "-"'],
  },
  {
    name: 'scp-like with a path starting "-"',
    policy: '',
    q: repo('git@host.example:-oProxyCommand=x'),
    want: ['must not have a path that starts with "-"'],
  },
  {
    name: 'ssh user-info may name a plain user, not an option',
    policy: '',
    q: repo('ssh://-oProxyCommand=x@host.example/r.git'),
    want: ['must name a plain user name before "@" (letters, digits, ".", "_", "~", "-")'],
  },
  {
    name: 'percent-escaped host',
    policy: '',
    q: doc('https://evil%2eexample/r.json'),
    want: ['must name its host as a DNS name or an IP address (no %-escapes, spaces or symbols)'],
  },
  {
    name: 'a port with a leading zero is refused (parsers differ on it)',
    policy: '',
    q: repo('https://git.example:01/r.git'),
    want: ['must name its port as a number from 1 to 65535'],
  },
  {
    name: 'explicit port is the port dialled',
    policy: '',
    q: repo('https://git.example:18999/r.git'),
    want: [],
    dialled: 'git.example:18999',
  },
  {
    name: 'default https port',
    policy: '',
    q: repo('https://Git.Example/r.git'),
    want: [],
    dialled: 'git.example:443',
  },
  {
    name: 'scp-like: ssh port 22',
    policy: '',
    q: repo('git@git.example:org/r.git'),
    want: [],
    dialled: 'git.example:22',
  },
  // Types and schemes.
  {
    name: 'a source type the policy no longer allows',
    policy: 'allowedSourceTypes: [configmap]\n',
    q: doc('https://a.example/r.json'),
    want: ['source type "url" is not allowed by the platform policy (allowedSourceTypes: configmap)'],
  },
  {
    name: 'plain http to a public name',
    policy: '',
    q: doc('http://public.example/r.json'),
    want: ['must use https'],
  },
  {
    name: 'plain http allowed by allowHTTP, with a warning',
    policy: 'allowHTTP: true\n',
    q: doc('http://public.example/r.json'),
    want: [],
    warnings: ['plain http is allowed by the platform policy, but the data is not protected in transit'],
  },
  {
    name: 'cluster-local http is allowed without a warning',
    policy: '',
    q: doc('http://api.tenant.svc:8080/r.json'),
    want: [],
    dialled: 'api.tenant.svc:8080',
  },
  {
    name: 'redirect from cluster-local http to public http',
    policy: '',
    q: doc('http://public.example/r.json', { role: 'redirect' }),
    want: ['must use https (plain http is allowed only to cluster-local Service names)'],
  },
  {
    name: 'redirect out of allowedHosts',
    policy: HOSTS,
    q: doc('https://elsewhere.example/r.json', { role: 'redirect' }),
    want: [NOT_CORP('elsewhere.example')],
  },
  {
    name: 'redirect within allowedHosts',
    policy: HOSTS,
    q: doc('https://cdn.corp.example/r.json', { role: 'redirect' }),
    want: [],
  },
  {
    name: 'file:// repositories need allowFileGit',
    policy: '',
    q: repo('file:///srv/r.git'),
    want: ['file:// repositories are not allowed by the platform policy (allowFileGit)'],
  },
  // CIDRs: literal, resolved, rebinding.
  {
    name: 'literal loopback in hex',
    policy: '',
    q: repo('https://0x7f.1/r.git'),
    want: [
      `"0x7f.1" (127.0.0.1) is a loopback address, not an allowed destination (the platform policy's allowedCIDRs can allow it)`,
    ],
  },
  {
    name: 'a name resolving to an allowed address',
    policy: LOOPBACK,
    q: repo('http://rebind.tenant.svc:18480/r.git', { addresses: ['127.0.0.1'] }),
    want: [],
  },
  {
    name: 'the same name rebound to a refused address',
    policy: LOOPBACK,
    q: repo('http://rebind.tenant.svc:18480/r.git', { addresses: ['127.0.0.2'] }),
    want: [
      `"rebind.tenant.svc" (127.0.0.2) is a loopback address, not an allowed destination (the platform policy's allowedCIDRs can allow it)`,
    ],
  },
  {
    name: 'any refused address among several refuses the name',
    policy: '',
    q: doc('https://two.example/r.json', { addresses: ['93.184.216.34', '169.254.169.254'] }),
    want: [
      `"two.example" (169.254.169.254) is the cloud metadata address, not an allowed destination (the platform policy's allowedCIDRs can allow it)`,
    ],
  },
  // The operator's own endpoint for a registryRef: no host or scheme rules, type and CIDRs still.
  {
    name: 'registryRef endpoint over http under allowClusterLocalHTTP: false',
    policy: 'allowClusterLocalHTTP: false\n' + HOSTS,
    q: { type: 'registry', url: 'http://r-api.ns.svc:8080', role: 'base', operatorEndpoint: true },
    want: [],
  },
  {
    name: 'registryRef endpoint when registry sources are no longer allowed',
    policy: 'allowedSourceTypes: [url]\n',
    q: { type: 'registry', url: 'http://r-api.ns.svc:8080', role: 'base', operatorEndpoint: true },
    want: ['source type "registry" is not allowed by the platform policy (allowedSourceTypes: url)'],
  },
  {
    name: 'a base URL with a query',
    policy: '',
    q: { type: 'registry', url: 'https://r.example/?x=1', role: 'base' },
    want: ['must not contain a query: a registry URL is a base URL'],
  },
];

for (const row of ROWS) {
  test(`destination decision: ${row.name}`, () => {
    const d = judgeDestination(row.q, parsePolicy(row.policy));
    assert.deepEqual(
      d.refusals.map((r) => r.detail),
      row.want,
    );
    assert.equal(d.allowed, row.want.length === 0);
    assert.deepEqual(d.warnings, row.warnings ?? []);
    if (row.dialled) assert.equal(`${d.target?.host}:${d.target?.port}`, row.dialled);
  });
}
