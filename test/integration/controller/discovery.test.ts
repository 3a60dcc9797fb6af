/**
 * The kubernetes discovery source (SPEC §12, #31) on the real apiserver with ToolHive's real CRDs,
 * the real controller and the real registry API process: a registry created before any ToolHive CRD
 * exists is Ready with its ConfigMap source alone; installing a CRD starts discovery; each kind of
 * both generations is exported as a remote server with `_meta` naming the workload; missing
 * annotations are skipped, counted and named; versions derive from the annotation, the image tag or
 * default; workloads created, changed, un-annotated and deleted reach `/v0.1` within the bound
 * (SPEC §12: "within seconds"; #31: 5 s) without the URL source being read again; merge and filters
 * as for any source; other namespaces only on consent.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { client, createNamespace, eventually, kubeconfigPath } from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { LOOPBACK_POLICY_YAML } from '../../support/destinations.ts';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { installToolhiveCrds, removeToolhiveCrds } from '../../support/toolhive-crds.ts';
import { startLocalRegistryApi } from '../../../src/registry-api/local.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';
import { getReg, putConfigMap, registry, startHttpsSource, waitPhase } from './helpers.ts';
import {
  allowCrossNamespaceAtAdmission,
  annotate,
  BOUND_MS,
  createWorkload,
  DESC,
  EXPORT,
  exported,
  k8s,
  MERGE,
  PP,
  READERS,
  ref,
  URL_A,
  VERSION,
} from './discovery-helpers.ts';

const CRDS = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' };
const VMCP_CRD = resolve(
  import.meta.dirname,
  '../../fixtures/toolhive-crds-virtualmcp/toolhive.stacklok.dev_virtualmcpservers.yaml',
);

let ns: string;
let consenting: string;
let silent: string;
let ctrl: ControllerProcess;
let api: { url: string; stop: () => Promise<void> } | undefined;
let urlSource: { base: string; close: () => void };
let urlReads = 0;
let restorePolicy: (() => void) | undefined;

interface Served {
  server: {
    name: string;
    version: string;
    description: string;
    remotes?: { type: string; url: string }[];
    _meta?: Record<string, Record<string, Record<string, unknown>>>;
  };
}

async function servers(): Promise<Served[]> {
  const res = await fetch(`${api!.url}/v0.1/servers?limit=100`);
  if (res.status !== 200) return [];
  return ((await res.json()) as { servers: Served[] }).servers;
}

const names = async () => (await servers()).map((s) => s.server.name).sort();

/** Polls /v0.1 until `pred` holds for the names served; fails after BOUND_MS. */
async function servedWithin(what: string, pred: (n: string[]) => boolean): Promise<string[]> {
  return eventually(
    what,
    async () => {
      const n = await names();
      return pred(n) ? n : undefined;
    },
    BOUND_MS,
  );
}

before(async () => {
  await removeToolhiveCrds();
  ns = await createNamespace('disc');
  consenting = await createNamespace('disc-yes');
  silent = await createNamespace('disc-no');
  urlSource = await startHttpsSource(ns, (_req, res) => {
    urlReads++;
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify([
        {
          name: 'io.example/remote-one',
          description: 'From a URL source',
          version: '1.0.0',
          remotes: [{ type: 'streamable-http', url: 'https://remote-one.example.com/mcp' }],
        },
      ]),
    );
  });
  restorePolicy = await allowCrossNamespaceAtAdmission(ns, consenting);
  ctrl = startController({
    kubeconfig: kubeconfigPath(),
    namespaces: [ns, consenting, silent],
    policy: `${LOOPBACK_POLICY_YAML}allowCrossNamespaceDiscovery: true\n`,
  });
});
after(async () => {
  restorePolicy?.();
  await client().deleteIfExists({ ...CRDS, name: 'virtualmcpservers.toolhive.stacklok.dev' });
  await api?.stop();
  await ctrl?.stop();
  urlSource?.close();
});

test('without any ToolHive CRD the registry is Ready with its other sources; a CRD installed later starts discovery', async () => {
  await putConfigMap(ns, 'curated', {
    'registry.json': JSON.stringify([
      {
        name: 'io.example/curated',
        description: 'Curated',
        version: '1.0.0',
        remotes: [{ type: 'streamable-http', url: 'https://curated.example.com/mcp' }],
      },
    ]),
  });
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'catalog', {
      sources: [
        { name: 'curated', type: 'configmap', format: 'upstream', configMapRef: { name: 'curated' } },
        {
          name: 'remote',
          type: 'url',
          format: 'upstream',
          url: { href: `${urlSource.base}/r.json`, caBundleRef: { name: 'ca' } },
        },
        { name: 'running', type: 'kubernetes', kubernetes: { namespaces: [ns, consenting, silent] } },
      ],
    }),
  );
  const ready = await waitPhase(ns, 'catalog', 'Ready');
  assert.equal(ready.status?.sync?.serverCount, 2);
  api = await startLocalRegistryApi({ kubeconfigPath: kubeconfigPath(), namespace: ns, name: 'catalog' });
  assert.deepEqual(await servedWithin('the first catalog', (n) => n.length === 2), [
    'io.example/curated',
    'io.example/remote-one',
  ]);

  await installToolhiveCrds('2025-10-31');
  await createWorkload('MCPServer', 'v1alpha1', ns, 'old-server', exported('old-server'), {
    image: 'ghcr.io/org/old-server:v0.3.1',
    transport: 'stdio',
  });
  await createWorkload('MCPRemoteProxy', 'v1alpha1', ns, 'old-proxy', exported('old-proxy'), {
    remoteURL: 'https://upstream.example.com/mcp',
    transport: 'sse',
    oidcConfig: { type: 'kubernetes' },
  });
  await servedWithin(
    'the October-2025 workloads',
    (n) => n.includes(k8s(ns, 'old-server')) && n.includes(k8s(ns, 'old-proxy')),
  );
  const byName = new Map((await servers()).map((s) => [s.server.name, s.server]));
  assert.equal(byName.get(k8s(ns, 'old-server'))?.version, '0.3.1');
  assert.deepEqual(byName.get(k8s(ns, 'old-proxy'))?.remotes, [
    { type: 'sse', url: 'https://old-proxy.example.com/mcp' },
  ]);
});

test('every kind of the newer generation is exported, named in _meta; missing annotations are skipped and counted', async () => {
  // Switching generations deletes the CRDs and so every workload: their entries leave the catalog.
  await installToolhiveCrds('2026-08-21');
  await servedWithin('the old workloads gone with their CRDs', (n) => !n.some((x) => x.startsWith('k8s.')));
  await createWorkload('MCPServer', 'v1beta1', ns, 'weather', exported('weather'), {
    image: 'ghcr.io/org/weather:v1.4.2',
  });
  await createWorkload('MCPRemoteProxy', 'v1beta1', ns, 'proxy', exported('proxy', { [VERSION]: '3.0.0' }), {
    remoteUrl: 'https://upstream.example.com/mcp',
  });
  await createWorkload('MCPServerEntry', 'v1beta1', ns, 'entry', exported('entry'), {
    remoteUrl: 'https://entry.example.com/mcp',
    transport: 'streamable-http',
    groupRef: { name: 'default' },
  });
  await createWorkload(
    'MCPServer',
    'v1beta1',
    ns,
    'no-url',
    { [EXPORT]: 'true', [DESC]: 'x' },
    {
      image: 'ghcr.io/org/no-url:latest',
    },
  );
  await createWorkload(
    'MCPServer',
    'v1beta1',
    ns,
    'not-exported',
    { [URL_A]: 'https://x.example.com', [DESC]: 'x' },
    {
      image: 'ghcr.io/org/x:1.0.0',
    },
  );
  // VirtualMCPServer's CRD is not part of the generation's folder (test/fixtures/PROVENANCE.md).
  await client().create(CRDS, parse(readFileSync(VMCP_CRD, 'utf8')));
  await eventually('a VirtualMCPServer created once its CRD is served', async () => {
    try {
      await createWorkload('VirtualMCPServer', 'v1beta1', ns, 'virtual', exported('virtual'), {
        groupRef: { name: 'default' },
        incomingAuth: { type: 'anonymous' },
      });
      return true;
    } catch {
      return undefined;
    }
  });
  await servedWithin('each kind', (n) =>
    ['weather', 'proxy', 'entry', 'virtual'].every((w) => n.includes(k8s(ns, w))),
  );
  const all = await servers();
  const got = Object.fromEntries(all.map((s) => [s.server.name, s.server]));
  assert.ok(!got[k8s(ns, 'no-url')] && !got[k8s(ns, 'not-exported')]);
  // Version: the annotation, else the image's semver tag, else 1.0.0.
  assert.equal(got[k8s(ns, 'weather')]?.version, '1.4.2');
  assert.equal(got[k8s(ns, 'proxy')]?.version, '3.0.0');
  assert.equal(got[k8s(ns, 'entry')]?.version, '1.0.0');
  const weather = await client().get<{ metadata: { uid: string } }>(
    ref('MCPServer', 'v1beta1', ns, 'weather'),
  );
  assert.deepEqual(got[k8s(ns, 'weather')]?._meta?.[PP]?.['toolhive.stacklok.io/kubernetes'], {
    kind: 'MCPServer',
    namespace: ns,
    name: 'weather',
    uid: weather.metadata.uid,
    image: 'ghcr.io/org/weather:v1.4.2',
    transport: 'streamable-http',
  });
  assert.equal(
    got[k8s(ns, 'virtual')]?._meta?.[PP]?.['toolhive.stacklok.io/kubernetes']?.kind,
    'VirtualMCPServer',
  );
  assert.deepEqual(got[k8s(ns, 'entry')]?.remotes, [
    { type: 'streamable-http', url: 'https://entry.example.com/mcp' },
  ]);
  const reg = await waitPhase(ns, 'catalog', 'Ready', (r) => (r.status?.sync?.invalidServerCount ?? 0) === 1);
  assert.match(reg.status?.message ?? '', /1 invalid entry skipped/);
  const events = await client().list<{ reason: string; message: string }>(
    { group: '', version: 'v1', plural: 'events', namespace: ns },
    { fieldSelector: 'involvedObject.name=catalog' },
  );
  assert.ok(
    events.items.some((e) =>
      e.message.includes(
        'MCPServer ' +
          ns +
          '/no-url: exported but toolhive.stacklok.dev/registry-url is missing (both are required)',
      ),
    ),
    'the Event names the skipped workload and why',
  );
});

test('a workload changed, un-annotated and deleted is out of /v0.1 within the bound; the URL source is not read again', async () => {
  const reads = urlReads;
  await annotate('MCPServer', 'v1beta1', ns, 'weather', { [DESC]: 'Forecasts, changed' });
  await eventually(
    'the changed description',
    async () => {
      const s = (await servers()).find((x) => x.server.name === k8s(ns, 'weather'));
      return s?.server.description === 'Forecasts, changed' ? true : undefined;
    },
    BOUND_MS,
  );
  await annotate('MCPServerEntry', 'v1beta1', ns, 'entry', { [EXPORT]: null });
  await servedWithin('the un-annotated entry gone', (n) => !n.includes(k8s(ns, 'entry')));
  await client().delete(ref('MCPRemoteProxy', 'v1beta1', ns, 'proxy'));
  await servedWithin('the deleted proxy gone', (n) => !n.includes(k8s(ns, 'proxy')));
  await createWorkload('MCPServer', 'v1beta1', ns, 'late', exported('late'), {
    image: 'ghcr.io/org/late:2.0.0',
  });
  await servedWithin('a workload created now', (n) => n.includes(k8s(ns, 'late')));
  assert.equal(urlReads, reads, 'workload changes re-sync without fetching the URL source again');
  assert.ok((await names()).includes('io.example/remote-one'), 'and its entries are still there');
});

test('merged like any source: a conflicting name is counted (later source wins), filters apply', async () => {
  await putConfigMap(ns, 'curated', {
    'registry.json': JSON.stringify([
      {
        name: k8s(ns, 'weather'),
        description: 'Curated copy',
        version: '9.9.9',
        remotes: [{ type: 'streamable-http', url: 'https://curated.example.com/mcp' }],
      },
    ]),
  });
  await waitPhase(ns, 'catalog', 'Ready', (x) => x.status?.sync?.conflictCount === 1);
  const weather = (await servers()).find((s) => s.server.name === k8s(ns, 'weather'));
  assert.equal(weather?.server.description, 'Forecasts, changed', 'the kubernetes source is later: it wins');
  await client().patch({ ...REGISTRIES, namespace: ns, name: 'catalog' }, MERGE, {
    spec: { filter: { names: { exclude: [`k8s.${ns}/late`] } } },
  });
  await servedWithin('the filtered-out workload gone', (n) => !n.includes(k8s(ns, 'late')));
});

test('another namespace is read only when it consents; one that does not reads as empty, not forbidden', async () => {
  await createWorkload('MCPServer', 'v1beta1', consenting, 'shared', exported('shared'), {
    image: 'ghcr.io/org/s:1.0.0',
  });
  await createWorkload('MCPServer', 'v1beta1', silent, 'hidden', exported('hidden'), {
    image: 'ghcr.io/org/h:1.0.0',
  });
  await client().patch({ group: '', version: 'v1', plural: 'namespaces', name: consenting }, MERGE, {
    metadata: { annotations: { [READERS]: `${ns}/catalog` } },
  });
  await servedWithin('the consenting namespace read', (n) => n.includes(k8s(consenting, 'shared')));
  assert.ok(!(await names()).includes(k8s(silent, 'hidden')));
  const reg = await getReg(ns, 'catalog');
  const text = JSON.stringify(reg.status);
  assert.ok(!text.includes(silent), 'status says nothing about the namespace that did not consent');
  assert.equal(reg.status?.phase, 'Ready');
  // A namespace that does not exist reads exactly like one that does not consent (no probing).
  const status = (r: MCPRegistryV1beta1) =>
    JSON.stringify({
      phase: r.status?.phase,
      message: r.status?.message,
      conditions: r.status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message]),
    });
  for (const [name, other] of [
    ['probe-silent', silent],
    ['probe-absent', 'disc-no-such-namespace'],
  ] as const)
    await client().create(
      { ...REGISTRIES, namespace: ns },
      registry(ns, name, {
        sources: [{ name: 'running', type: 'kubernetes', kubernetes: { namespaces: [other] } }],
      }),
    );
  const a = await waitPhase(ns, 'probe-silent', 'Ready');
  const b = await waitPhase(ns, 'probe-absent', 'Ready');
  assert.equal(status(a), status(b));
  assert.equal(a.status?.sync?.serverCount, 0);
  // Consent given later is acted on without any change to the registry.
  await client().patch({ group: '', version: 'v1', plural: 'namespaces', name: silent }, MERGE, {
    metadata: { annotations: { [READERS]: ns } },
  });
  await servedWithin('consent given later', (n) => n.includes(k8s(silent, 'hidden')));
  // Taken back: out again.
  await client().patch({ group: '', version: 'v1', plural: 'namespaces', name: silent }, MERGE, {
    metadata: { annotations: { [READERS]: null } },
  });
  await servedWithin('consent taken back', (n) => !n.includes(k8s(silent, 'hidden')));
});
