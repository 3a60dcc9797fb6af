/**
 * Issue #26 items 3, 6 and 10 as a hostile tenant plays them (SPEC §18 "One policy, everywhere it
 * matters", "One URL parser per URL"), on the real apiserver: this file's own operator process (its
 * webhooks narrowed to this namespace, its controller watching only it) with its own policy file, a
 * hostile HTTP server on loopback and a DNS server whose answers the test decides
 * (MCPR_TEST_DNS_SERVER: the operator resolves source names through it; git never resolves by itself).
 *
 *   `\@`, user-info and a leading `-` refused at admission with the exact message;
 *   a git repository pinned to the address judged (the DNS answers only our resolver), and the same
 *   name rebound to a refused address refused, last good data kept;
 *   a redirect out of allowedHosts, and from cluster-local http to public http, refused at fetch;
 *   a registry admitted before the policy tightened stops fetching and says why (data kept);
 *   on UPDATE an unchanged forbidden source ratchets, a changed one is judged anew;
 *   git failures read alike whatever the port or the server says.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOperator, type OperatorProcess } from '../../../src/local/stack.ts';
import { registerWebhooksForNamespace } from '../../support/namespace-webhooks.ts';
import { ANNOTATION_SYNC_TRIGGER } from '../../../src/api/constants.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { writeAtomically } from '../../support/atomic-writer.ts';
import { client, createNamespace, eventually, kubectl } from '../../support/cluster.ts';
import { FIXTURE, getReg, registry, storageConfigMaps, waitPhase } from '../controller/helpers.ts';
import {
  closedPort,
  startDns,
  startHostileHttp,
  type DnsServer,
  type HostileHttp,
} from '../../support/hostile-servers.ts';

let ns: string;
let op: OperatorProcess;
let policyDir: string;
let dns: DnsServer;
let web: HostileHttp;
let closed = 0;
let unregister: (() => Promise<void>) | undefined;

const POLICY = 'allowedCIDRs: ["127.0.0.1/32"]\nallowedHosts: ["*.tenant.svc", "*.good.test"]\n';
const HOSTS = '*.tenant.svc, *.good.test';
const setPolicy = (yaml: string) => writeAtomically(policyDir, { 'policy.yaml': yaml });

before(async () => {
  ns = await createNamespace('hostile-dest');
  dns = await startDns((name, n) => {
    // Rebinding: the first answer is an allowed address, every later one a refused one.
    if (name === 'rebind.tenant.svc') return [n === 1 ? '127.0.0.1' : '127.0.0.2'];
    return /\.(svc|test)$/.test(name) ? ['127.0.0.1'] : [];
  });
  closed = await closedPort();
  web = await startHostileHttp(FIXTURE, (port) => ({
    '/redirect-out': `http://other.elsewhere.svc:${port}/registry.json`,
    '/redirect-public': `http://public.good.test:${port}/registry.json`,
  }));
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-hostile-dest-'));
  policyDir = join(dir, 'policy');
  setPolicy(POLICY);
  process.env.MCPR_TEST_DNS_SERVER = dns.address;
  op = await startOperator({
    kubeconfigPath: process.env.MCPR_TEST_KUBECONFIG ?? '',
    dir,
    policyFile: join(policyDir, 'policy.yaml'),
    enableController: true,
    extraArgs: [`--watch-namespaces=${ns}`, '--deploy-registry-api=false'],
  });
  unregister = await registerWebhooksForNamespace(client(), op, ns);
  await eventually('this namespace’s webhook to be live', () => {
    const r = kubectl(
      ['apply', '--dry-run=server', '-f', '-'],
      reg('probe', url('https://evil.example/r.json')),
    );
    return r.code === 1 && r.stderr.includes('allowedHosts') ? true : undefined;
  });
});

after(async () => {
  await unregister?.();
  await op?.stop();
  web?.close();
  dns?.close();
});

type Spec = MCPRegistryV1beta1['spec'];
const reg = (name: string, spec: Spec) => registry(ns, name, spec);
const url = (href: string): Spec => ({
  sources: [{ name: 'web', type: 'url', url: { href, timeout: '5s' } }],
});
const git = (repository: string): Spec => ({ sources: [{ name: 'repo', type: 'git', git: { repository } }] });
const invalid = (name: string, ...errors: string[]) =>
  `The MCPRegistry "${name}" is invalid: ${errors.length === 1 ? errors[0] : `\n${errors.map((e) => `* ${e}`).join('\n')}`}`;
/** The controller adds what storage holds to a failure's message. */
const NO_DATA = '; no data stored yet';
const KEPT = '; serving the last good data from <time>';
const timeless = (m: string) => m.replace(/; serving the last good data from \S+$/, KEPT);

async function failedWith(name: string, reason: string): Promise<string> {
  const r = await waitPhase(ns, name, 'Failed', (x) =>
    (x.status?.conditions ?? []).some((c) => c.reason === reason),
  );
  return r.status?.message ?? '';
}

async function trigger(name: string): Promise<void> {
  await client().patch({ ...REGISTRIES, namespace: ns, name }, 'merge', {
    metadata: { annotations: { [ANNOTATION_SYNC_TRIGGER]: String(Date.now()) } },
  });
}

/**
 * Asks for syncs until one fails with `reason` (the controller re-reads the policy file on its own
 * poll, so the first ones may still run under the old policy), then asks for one more and checks
 * that it fetched nothing: the message of that refusal.
 */
async function refusedAtSync(name: string, reason: string): Promise<string> {
  await eventually(
    `${name} refused at sync (${reason})`,
    async () => {
      await trigger(name);
      const r = await getReg(ns, name);
      return r.status?.phase === 'Failed' && (r.status.conditions ?? []).some((c) => c.reason === reason)
        ? true
        : undefined;
    },
    60_000,
  );
  const before = (await getReg(ns, name)).status?.sync?.attempts ?? 0;
  const served = web.requests.length;
  await trigger(name);
  const after = await waitPhase(ns, name, 'Failed', (r) => (r.status?.sync?.attempts ?? 0) > before);
  assert.deepEqual(web.requests.slice(served), [], 'a refused source is not fetched');
  return after.status?.message ?? '';
}

test('admission: `\\@`, user-info and a leading "-" are refused with the exact message', () => {
  // Both hosts are allowed by this file's policy and the shared stack's (whose webhooks also review
  // this namespace, and either answer may be the one kubectl shows): the refusal is the URL's own.
  const bsGit = 'https://git.good.test\\@attacker.good.test:18999/r.git';
  const at = 'spec.sources[0].git.repository';
  let r = kubectl(['apply', '-f', '-'], reg('bs-git', git(bsGit)));
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr.trim(),
    invalid(
      'bs-git',
      `${at}: Invalid value: ${JSON.stringify(bsGit)}: must not contain a backslash: URL parsers disagree on what it means`,
      `${at}: Invalid value: ${JSON.stringify(bsGit)}: must not contain user information: put credentials in a Secret`,
    ),
  );
  // Cluster-local plain http by the WHATWG reading, public plain http by curl's.
  const bsHttp = 'http://evil.attacker.svc\\@public.good.test:18480/r.json';
  const href = 'spec.sources[0].url.href';
  r = kubectl(['apply', '-f', '-'], reg('bs-http', url(bsHttp)));
  assert.equal(
    r.stderr.trim(),
    invalid(
      'bs-http',
      `${href}: Invalid value: ${JSON.stringify(bsHttp)}: must use https`,
      `${href}: Invalid value: ${JSON.stringify(bsHttp)}: must not contain a backslash: URL parsers disagree on what it means`,
      `${href}: Invalid value: ${JSON.stringify(bsHttp)}: must not contain user information: put credentials in a Secret`,
    ),
  );
  r = kubectl(['apply', '-f', '-'], reg('dash', git('-uecho@host.good.test:path')));
  assert.equal(
    r.stderr.trim(),
    invalid('dash', `${at}: Invalid value: "-uecho@host.good.test:path": must not start with "-"`),
  );
  r = kubectl(['apply', '-f', '-'], reg('zero-port', git(`http://api.tenant.svc:0${web.port}/good.git`)));
  assert.equal(
    r.stderr.trim(),
    invalid(
      'zero-port',
      `${at}: Invalid value: "http://api.tenant.svc:0${web.port}/good.git": must name its port as a number from 1 to 65535`,
    ),
  );
});

test('git: the connection is pinned to the address judged; the name rebound to a refused address is refused', async () => {
  const repository = `http://rebind.tenant.svc:${web.port}/good.git`;
  await client().create({ ...REGISTRIES, namespace: ns }, reg('rebind', git(repository)));
  // Only this test's resolver knows the name: git reached the server through the pin alone.
  await waitPhase(ns, 'rebind', 'Ready');
  assert.equal(dns.queries.get('rebind.tenant.svc'), 1);
  assert.ok(web.requests.some((q) => q.startsWith(`rebind.tenant.svc:${web.port}/good.git/`)));
  const stored = await storageConfigMaps(ns, 'rebind');
  await trigger('rebind');
  const message = await failedWith('rebind', 'DestinationRefused');
  assert.equal(
    timeless(message),
    `git: ${repository}: refused by the platform policy: "rebind.tenant.svc" (127.0.0.2) is a loopback address, not an allowed destination (the platform policy's allowedCIDRs can allow it)${KEPT}`,
  );
  assert.deepEqual(await storageConfigMaps(ns, 'rebind'), stored);
});

test('fetch: a redirect out of allowedHosts is refused', async () => {
  await client().create(
    { ...REGISTRIES, namespace: ns },
    reg('redirect-out', url(`http://api.tenant.svc:${web.port}/redirect-out`)),
  );
  assert.equal(
    await failedWith('redirect-out', 'DestinationRefused'),
    `http://other.elsewhere.svc:${web.port}/registry.json: refused by the platform policy: host "other.elsewhere.svc" is not allowed by the platform policy (allowedHosts: ${HOSTS})${NO_DATA}`,
  );
  assert.ok(!web.requests.some((q) => q.startsWith('other.elsewhere.svc')));
});

test('fetch: cluster-local http redirecting to public plain http is refused (allowHTTP: false)', async () => {
  await client().create(
    { ...REGISTRIES, namespace: ns },
    reg('redirect-public', url(`http://api.tenant.svc:${web.port}/redirect-public`)),
  );
  assert.equal(
    await failedWith('redirect-public', 'DestinationRefused'),
    `http://public.good.test:${web.port}/registry.json: refused by the platform policy: must use https (plain http is allowed only to cluster-local Service names)${NO_DATA}`,
  );
  assert.ok(!web.requests.some((q) => q.startsWith('public.good.test')));
});

test('git: failures read alike, whatever the port state or the server says', async () => {
  const cases = {
    closed: `http://closed.tenant.svc:${closed}/r.git`,
    hostile: `http://api.tenant.svc:${web.port}/hostile.git`,
    missing: `http://api.tenant.svc:${web.port}/missing.git`,
  };
  for (const [name, repository] of Object.entries(cases))
    await client().create({ ...REGISTRIES, namespace: ns }, reg(`git-${name}`, git(repository)));
  for (const [name, repository] of Object.entries(cases))
    assert.equal(
      await failedWith(`git-${name}`, 'GitFetchFailed'),
      `git: cannot get the default branch of ${repository}: the repository could not be read (no connection, not a Git repository, access denied, or the server failed)${NO_DATA}`,
    );
});

test('policy tightened: an admitted registry stops fetching and says why; only an unchanged source ratchets', async () => {
  const href = `http://api.tenant.svc:${web.port}/registry.json`;
  await client().create({ ...REGISTRIES, namespace: ns }, reg('admitted', url(href)));
  await waitPhase(ns, 'admitted', 'Ready');
  const stored = await storageConfigMaps(ns, 'admitted');
  try {
    setPolicy(POLICY.replace('"*.tenant.svc", ', ''));
    await eventually('the tightened policy in the webhook', () => {
      const r = kubectl(['apply', '--dry-run=server', '-f', '-'], reg('probe', url(href)));
      return r.code === 1 ? true : undefined;
    });
    const why = await refusedAtSync('admitted', 'DestinationRefused');
    assert.equal(
      timeless(why),
      `${href}: refused by the platform policy: host "api.tenant.svc" is not allowed by the platform policy (allowedHosts: *.good.test)${KEPT}`,
    );
    assert.deepEqual(await storageConfigMaps(ns, 'admitted'), stored);

    // The finding sits on .type: only the same source ratchets, a changed one behind it is judged anew.
    setPolicy(`${POLICY}allowedSourceTypes: [configmap]\n`);
    const typeError = `spec.sources[0].type: Forbidden: source type "url" is not allowed by the platform policy (allowedSourceTypes: configmap)`;
    await eventually('the types policy in the webhook', () => {
      const r = kubectl(['apply', '--dry-run=server', '-f', '-'], reg('probe', url(href)));
      return r.stderr.includes('allowedSourceTypes') ? true : undefined;
    });
    // Patches, not replaces: the controller writes status meanwhile, and no resourceVersion races it.
    const patch = (type: string, body: unknown) =>
      kubectl([
        'patch',
        '-n',
        ns,
        'mcpregistries.toolhive.stacklok.io',
        'admitted',
        `--type=${type}`,
        '-p',
        JSON.stringify(body),
      ]);
    const r = patch('json', [
      {
        op: 'replace',
        path: '/spec/sources/0/url/href',
        value: `http://api.tenant.svc:${web.port}/other.json`,
      },
    ]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), invalid('admitted', typeError));
    const ok = patch('merge', { metadata: { labels: { team: 'a' } } });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stderr.trim(), `Warning: ${typeError} (kept because this update does not change it)`);
    // The source type is judged at sync too: nothing is fetched, the data is kept.
    const typeWhy = await refusedAtSync('admitted', 'ForbiddenByPolicy');
    assert.equal(
      timeless(typeWhy),
      `source web: not fetched: the platform policy in force does not allow it: source type "url" is not allowed by the platform policy (allowedSourceTypes: configmap)${KEPT}`,
    );
    assert.deepEqual(await storageConfigMaps(ns, 'admitted'), stored);
  } finally {
    setPolicy(POLICY);
  }
});
