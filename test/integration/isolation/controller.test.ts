/**
 * Hostile tenant at fetch time (SPEC §18, issue #26 items 4, 5, 9, 13), with the real controller on
 * the real apiserver and hostile HTTPS servers on loopback that record what they receive:
 *   - a credential Secret without the opt-in label is never read for a fetch (status says so);
 *   - credentials go only to the origin they were configured for: a redirect to another origin
 *     arrives without them;
 *   - a newline in a headersSecretRef value is a status message naming the Secret and key;
 *   - ~217,000 invalid entries are skipped and counted, not a RangeError;
 *   - a ring of 18 registryRefs is reported as a cycle;
 *   - registryRef to a missing and to a refusing registry of another namespace read alike, and cycle
 *     messages do not name other namespaces' registries;
 *   - a baseURL naming another namespace's registry API is refused at fetch once consent is withdrawn,
 *     and its ClusterIP is no way around the name.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { client, createNamespace, eventually, kubeconfigPath, kubectlOk } from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { createCA, issueCert } from '../../../src/pki/pki.ts';
import { reconcileApiWorkload } from '../../../src/controller/workload/api-workload.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';
import { FIXTURE, FIXTURE_DOC, getReg, registry, waitPhase } from '../controller/helpers.ts';

const READERS = 'toolhive.stacklok.io/allowed-reader-namespaces';
const OPT_IN = { 'toolhive.stacklok.io/registry-credential': 'true' };
let ns: string;
let victim: string;
let ctrl: ControllerProcess;
const servers: Server[] = [];
let origin: string;
let other: string;
const seen: { server: string; path: string; headers: IncomingHttpHeaders }[] = [];
const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {};

async function listen(name: string, cert: { certPem: string; keyPem: string }): Promise<string> {
  const server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    seen.push({ server: name, path: req.url ?? '', headers: req.headers });
    const route = routes[`${name}${req.url ?? ''}`];
    if (route) route(req, res);
    else res.writeHead(404).end();
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return `https://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}

const secret = (name: string, data: Record<string, string>, labels?: Record<string, string>) =>
  client().create(
    { group: '', version: 'v1', plural: 'secrets', namespace: ns },
    { metadata: { name, labels }, stringData: data },
  );
const create = (
  namespace: string,
  name: string,
  spec: MCPRegistryV1beta1['spec'],
  annotations?: Record<string, string>,
) => client().create({ ...REGISTRIES, namespace }, registry(namespace, name, spec, annotations));
const urlSource = (href: string, headers: string) => ({
  name: 'web',
  type: 'url' as const,
  url: { href, caBundleRef: { name: 'ca' }, headersSecretRef: { name: headers }, timeout: '5s' },
});
const condition = (r: MCPRegistryV1beta1, type: string) => r.status?.conditions?.find((c) => c.type === type);

before(async () => {
  ns = await createNamespace('iso-fetch');
  victim = await createNamespace('iso-fetch-victim');
  const ca = await createCA('iso-ca');
  const cert = await issueCert(ca, { commonName: 'src', ipAddresses: ['127.0.0.1'], usage: 'server' });
  origin = await listen('origin', cert);
  other = await listen('other', cert);
  await secret('ca', { 'ca.crt': ca.certPem });
  ctrl = startController({ kubeconfig: kubeconfigPath(), namespaces: [ns, victim] });
});
after(async () => {
  await ctrl?.stop();
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

test('a credential Secret that does not opt in is never read for a fetch; the status says why', async () => {
  await secret('plain-headers', { Authorization: 'Bearer do-not-send' });
  routes['origin/plain.json'] = (_q, res) => res.end(FIXTURE);
  await create(ns, 'plain', { sources: [urlSource(`${origin}/plain.json`, 'plain-headers')] });
  const r = await waitPhase(ns, 'plain', 'Failed', () => true, 60_000);
  assert.equal(condition(r, 'SyncSuccessful')?.reason, 'SecretNotOptedIn');
  assert.equal(
    r.status?.message,
    `Secret ${ns}/plain-headers is not labelled toolhive.stacklok.io/registry-credential=true; a Secret is sent to a source only when it opts in (kubectl label secret plain-headers toolhive.stacklok.io/registry-credential=true); no data stored yet`,
  );
  assert.equal(seen.filter((s) => s.path === '/plain.json').length, 0, 'nothing was fetched');
  kubectlOk(['label', 'secret', 'plain-headers', '-n', ns, 'toolhive.stacklok.io/registry-credential=true']);
  await waitPhase(ns, 'plain', 'Ready', () => true, 60_000);
  assert.equal(seen.find((s) => s.path === '/plain.json')?.headers.authorization, 'Bearer do-not-send');
});

test('credentials go only to their origin: a redirect to another origin arrives without them', async () => {
  await secret('redir-headers', { 'X-Token': 'origin-only', Authorization: 'Bearer origin-only' }, OPT_IN);
  routes['origin/hop.json'] = (_q, res) => res.writeHead(302, { location: `${other}/landing.json` }).end();
  routes['other/landing.json'] = (_q, res) => res.end(FIXTURE);
  await create(ns, 'redir', { sources: [urlSource(`${origin}/hop.json`, 'redir-headers')] });
  await waitPhase(ns, 'redir', 'Ready', () => true, 60_000);
  const hop = seen.find((s) => s.server === 'origin' && s.path === '/hop.json');
  const landing = seen.find((s) => s.server === 'other' && s.path === '/landing.json');
  assert.equal(hop?.headers['x-token'], 'origin-only');
  assert.ok(landing, 'the redirect was followed');
  assert.equal(landing.headers['x-token'], undefined);
  assert.equal(landing.headers.authorization, undefined);
});

test('a newline in a headersSecretRef value is a status message naming the Secret and key', async () => {
  await secret('nl-headers', { 'X-Evil': 'a\nInjected: 1' }, OPT_IN);
  await create(ns, 'newline', { sources: [urlSource(`${origin}/plain.json`, 'nl-headers')] });
  const r = await waitPhase(ns, 'newline', 'Failed', () => true, 60_000);
  assert.equal(condition(r, 'SyncSuccessful')?.reason, 'InvalidSecret');
  assert.equal(
    r.status?.message,
    `Secret ${ns}/nl-headers: the value of "X-Evil" contains a line break or control character; HTTP header values cannot; no data stored yet`,
  );
  assert.ok(!r.status?.message?.includes('Injected'), 'the value is never shown');
});

test('~217,000 invalid entries are skipped and counted, not a RangeError', async () => {
  const servers: Record<string, unknown> = { ...FIXTURE_DOC.servers };
  for (let i = 0; i < 217_000; i++) servers[`bad-${i}`] = {};
  const text = JSON.stringify({ ...FIXTURE_DOC, servers });
  routes['origin/invalid.json'] = (_q, res) => res.end(text);
  await secret('none', { 'X-Ok': '1' }, OPT_IN);
  await create(ns, 'many-invalid', { sources: [urlSource(`${origin}/invalid.json`, 'none')] });
  const r = await waitPhase(ns, 'many-invalid', 'Ready', () => true, 180_000);
  const all = Object.keys({ ...FIXTURE_DOC.servers, ...FIXTURE_DOC.remote_servers }).length;
  assert.equal(r.status?.sync?.serverCount, all);
  assert.equal(condition(r, 'DataValid')?.reason, 'SomeEntriesInvalid');
  assert.match(condition(r, 'DataValid')?.message ?? '', /217000 invalid entries skipped/);
  assert.ok(!ctrl.log().includes('RangeError'), 'no RangeError in the controller log');
});

test('a ring of 18 registryRefs is a cycle, named on each registry', async () => {
  const n = 18;
  for (let i = 0; i < n; i++)
    await create(ns, `ring${i}`, {
      sources: [{ name: 'up', type: 'registry', registry: { registryRef: { name: `ring${(i + 1) % n}` } } }],
    });
  const ring = Array.from({ length: n + 1 }, (_, i) => `${ns}/ring${i % n}`).join(' → ');
  const r = await eventually(
    'ring0 reports the cycle',
    async () => {
      const reg = await getReg(ns, 'ring0');
      return condition(reg, 'SyncSuccessful')?.reason === 'RegistryRefCycle' ? reg : undefined;
    },
    120_000,
  );
  assert.equal(
    r.status?.message,
    `source up: registry reference cycle ${ring}: a registry cannot read itself, directly or through others; remove one of these references; no data stored yet`,
  );
});

test("registryRef to another namespace: a missing registry and a refusing one read alike; cycles do not name other namespaces' registries", async () => {
  await create(victim, 'private', {
    sources: [{ name: 'c', type: 'configmap', configMapRef: { name: 'c' } }],
  });
  const ref = (name: string) => ({
    sources: [
      { name: 'up', type: 'registry' as const, registry: { registryRef: { name, namespace: victim } } },
    ],
  });
  await create(ns, 'ref-ghost', ref('ghost'));
  await create(ns, 'ref-private', ref('private'));
  const failed = async (name: string) =>
    eventually(
      `${name} refused`,
      async () => {
        const reg = await getReg(ns, name);
        return condition(reg, 'SyncSuccessful')?.status === 'False' ? reg : undefined;
      },
      60_000,
    );
  const [ghost, priv] = [await failed('ref-ghost'), await failed('ref-private')];
  const view = (r: MCPRegistryV1beta1, target: string) =>
    JSON.stringify({
      phase: r.status?.phase,
      reason: condition(r, 'SyncSuccessful')?.reason,
      message: r.status?.message?.replaceAll(target, 'TARGET'),
    });
  assert.equal(view(ghost, 'ghost'), view(priv, 'private'));
  assert.equal(
    priv.status?.message,
    `source up: MCPRegistry ${victim}/private does not exist or does not allow registries in namespace ${ns} to read it; its owners can add "${ns}" to its ${READERS} annotation; no data stored yet`,
  );

  // A ring through another namespace (which consents) names only this namespace's registries.
  await create(
    victim,
    'mirror',
    {
      sources: [
        { name: 'back', type: 'registry', registry: { registryRef: { name: 'loop', namespace: ns } } },
      ],
    },
    { [READERS]: ns },
  );
  await create(ns, 'loop', {
    sources: [
      { name: 'up', type: 'registry', registry: { registryRef: { name: 'mirror', namespace: victim } } },
    ],
  });
  const loop = await eventually(
    'loop reports the cycle',
    async () => {
      const reg = await getReg(ns, 'loop');
      return condition(reg, 'SyncSuccessful')?.reason === 'RegistryRefCycle' ? reg : undefined;
    },
    60_000,
  );
  assert.equal(
    loop.status?.message,
    `source up: registry reference cycle ${ns}/loop → a registry in another namespace → ${ns}/loop: a registry cannot read itself, directly or through others; remove one of these references; no data stored yet`,
  );
});

test("a baseURL at another namespace's registry API is refused at fetch once its consent is withdrawn", async () => {
  await create(
    victim,
    'shared',
    { sources: [{ name: 'c', type: 'configmap', configMapRef: { name: 'c' } }] },
    { [READERS]: ns },
  );
  await create(ns, 'side', {
    sources: [
      { name: 'main', type: 'registry', registry: { baseURL: `http://shared-api.${victim}.svc:8080` } },
    ],
  });
  const first = await waitPhase(ns, 'side', 'Failed', () => true, 60_000);
  assert.doesNotMatch(first.status?.message ?? '', /does not allow/, 'with consent, the fetch is attempted');
  kubectlOk(['annotate', 'mcpregistry', 'shared', '-n', victim, `${READERS}-`]);
  const refused = await eventually(
    'the consent refusal',
    async () => {
      const reg = await getReg(ns, 'side');
      return condition(reg, 'SyncSuccessful')?.reason === 'RegistryRefForbidden' ? reg : undefined;
    },
    60_000,
  );
  assert.equal(
    refused.status?.message,
    `source main: reaches the API of MCPRegistry ${victim}/shared, which does not exist or does not allow registries in namespace ${ns} to read it; its owners can add "${ns}" to its ${READERS} annotation; no data stored yet`,
  );
});

test("another namespace's registry API is not reachable by its ClusterIP instead of its name", async () => {
  const exposed = (
    await create(victim, 'exposed', {
      sources: [{ name: 'c', type: 'configmap', configMapRef: { name: 'c' } }],
    })
  ).body as MCPRegistryV1beta1;
  // The API workload as the controller applies it (its Service gets a real ClusterIP).
  await reconcileApiWorkload(client(), exposed, { image: 'example.invalid/thv:test', enabled: true });
  const svc = await client().get<{ spec: { clusterIP: string } }>({
    group: '',
    version: 'v1',
    plural: 'services',
    namespace: victim,
    name: 'exposed-api',
  });
  const ip = svc.spec.clusterIP;
  const href = `https://${ip}:8080/v0.1/servers`;
  await create(ns, 'by-address', { sources: [{ name: 'main', type: 'url', url: { href, timeout: '2s' } }] });
  const r = await eventually(
    'the address refusal',
    async () => {
      const reg = await getReg(ns, 'by-address');
      return reg.status?.message?.includes('by its address') ? reg : undefined;
    },
    60_000,
  );
  assert.equal(condition(r, 'SyncSuccessful')?.reason, 'DestinationRefused');
  assert.equal(
    r.status?.message,
    `https://${ip}:8080/v0.1/servers: refused by the platform policy: "${ip}" reaches a registry's API by its address; name a registry by its Service (<name>-api.<namespace>.svc) or with registryRef, so that its owners' consent is checked; no data stored yet`,
  );
});
