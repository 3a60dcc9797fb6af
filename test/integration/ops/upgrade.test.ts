/**
 * `helm upgrade` from the previous release with registries live (SPEC §17), then `helm rollback` to
 * it, on a control plane of its own. What is real: the previous release's chart (git tag
 * mcp-registry-operator-0.1.0, extracted with `git archive`) installed with the real helm and upgraded to the current chart, every object applied
 * by helm to the real apiserver; the operator of each release run from that release's own source tree
 * (the previous one from the same `git archive`) as a process on loopback, with leader election, the
 * two overlapping during the upgrade as a rolling update's old and new Pods do; registries of four
 * source types (configmap, url over HTTPS, git, an MCP registry API) synced by them.
 * What is not: there is no node, so the chart's Deployment never runs Pods; a Helm post-renderer
 * (url-webhooks.ts) points the chart's webhook registrations and CRD conversion at the operator
 * process of the release being installed instead of at the Service (docs/operations.md says so);
 * test/e2e/helm-upgrade.test.ts upgrades with Pods on a real node.
 * While a client applies MCPRegistries in a loop (v1beta1 and v1alpha1, so conversion is in the
 * path) and reads them as v1alpha1: no request fails, no registry leaves Ready, no storage ConfigMap
 * is written (each one's resourceVersion is the same before and after; a watch sees no write).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import type { Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, freePort, type ControlPlane } from '../../../src/local/control-plane.ts';
import { KubeClient } from '../../../src/kube/client.ts';
import { createCA, issueCert } from '../../../src/pki/pki.ts';
import { pollUntil } from '../../../src/local/poll.ts';
import { LOOPBACK_POLICY_YAML } from '../../support/destinations.ts';
import { CHART, NAMESPACE, RELEASE, ROOT, helm } from '../helm/chart.ts';
import { TEAM, startSources, type Sources } from './upgrade-sources.ts';
import { extractPreviousRelease } from '../../support/previous-release.ts';

const REGS = { group: 'toolhive.stacklok.io', plural: 'mcpregistries', namespace: TEAM };
const CMS = { group: '', version: 'v1', plural: 'configmaps', namespace: TEAM };

let cp: ControlPlane;
let client: KubeClient;
let work: string;
let previous: string;
let certDir: string;
let policyFile: string;
const children: ChildProcess[] = [];
let source: Server | undefined;

interface Op {
  url: string;
  health: string;
  child: ChildProcess;
  log: string;
}

/** The operator of the release in `tree`, serving webhooks and running for the lease. */
async function startOperator(tree: string, name: string, port?: number): Promise<Op> {
  port ??= await freePort();
  const health = await freePort();
  const log = join(work, `${name}.log`);
  const child = spawn(
    process.execPath,
    [
      join(tree, 'src/bin/operator.ts'),
      `--kubeconfig=${cp.kubeconfigPath}`,
      `--cert-dir=${certDir}`,
      '--webhook-host=127.0.0.1',
      `--webhook-port=${port}`,
      `--health-address=127.0.0.1:${health}`,
      `--policy=${policyFile}`,
      '--enable-controller=true',
      '--leader-elect=true',
      `--namespace=${NAMESPACE}`,
      '--deploy-registry-api=false',
      '--drain-seconds=3',
    ],
    {
      cwd: tree,
      stdio: ['ignore', openSync(log, 'a'), openSync(log, 'a')],
      env: { ...process.env, HOSTNAME: name },
    },
  );
  children.push(child);
  const op = { url: `https://127.0.0.1:${port}`, health: `http://127.0.0.1:${health}`, child, log };
  await pollUntil(
    `${name} to be ready`,
    async () => {
      if (child.exitCode !== null)
        throw new Error(`${name} exited: ${readFileSync(log, 'utf8').slice(-2000)}`);
      return (await fetch(`${op.health}/readyz`).catch(() => undefined))?.ok || undefined;
    },
    60_000,
  );
  return op;
}

/** The chart at `chart`, applied by helm with its webhooks pointed at `op`. */
function helmApply(verb: 'install' | 'upgrade', chart: string, op: Op) {
  const script = join(work, `post-render-${op.url.split(':').pop() ?? ''}.sh`);
  writeFileSync(
    script,
    `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'test/integration/ops/url-webhooks.ts')}" "${op.url}" "${join(certDir, 'ca.crt')}"\n`,
  );
  chmodSync(script, 0o755);
  const r = helm(
    [
      verb,
      RELEASE,
      chart,
      '--namespace',
      NAMESPACE,
      ...(verb === 'install' ? ['--create-namespace'] : []),
      '--post-renderer',
      script,
    ],
    cp.kubeconfigPath,
  );
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

const counter = async (op: Op, path: string) => {
  const page = await (await fetch(`${op.health}/metrics`)).text();
  const m = new RegExp(
    `^controller_runtime_webhook_requests_total\\{webhook="${path}",code="200"\\} (\\d+)`,
    'm',
  ).exec(page);
  return Number(m?.[1] ?? 0);
};
const leads = async (op: Op) =>
  /^leader_election_master_status 1$/m.test(await (await fetch(`${op.health}/metrics`)).text());

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'mcpr-upgrade-'));
  // The previous release's tree: its chart and its operator's source (the dependencies are the same).
  previous = join(work, 'previous');
  mkdirSync(previous);
  extractPreviousRelease(previous, ['charts', 'src', 'package.json']);
  symlinkSync(join(ROOT, 'node_modules'), join(previous, 'node_modules'));

  certDir = join(work, 'certs');
  mkdirSync(certDir);
  const ca = await createCA('upgrade-test-webhook-ca', 2);
  const serving = await issueCert(ca, {
    commonName: '127.0.0.1',
    ipAddresses: ['127.0.0.1'],
    usage: 'server',
    validDays: 2,
  });
  writeFileSync(join(certDir, 'ca.crt'), ca.certPem);
  writeFileSync(join(certDir, 'tls.crt'), serving.certPem);
  writeFileSync(join(certDir, 'tls.key'), serving.keyPem, { mode: 0o600 });
  policyFile = join(work, 'policy.yaml');
  writeFileSync(policyFile, LOOPBACK_POLICY_YAML);

  cp = await startControlPlane();
  client = KubeClient.load({ kubeconfig: cp.kubeconfigPath });
});
after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  source?.closeAllConnections();
  source?.close();
  client?.close();
  await cp?.stop();
});

type Reg = { metadata: { name: string; resourceVersion: string }; status?: { phase?: string } };
type Cm = {
  metadata: { name: string; resourceVersion: string; labels?: Record<string, string> };
  data?: Record<string, string>;
};

/** The state the upgrade leaves for the rollback. */
const state: {
  steady: string[];
  sources?: Sources;
  current?: Op;
  oldPort?: number;
} = {
  steady: [],
};

const ofSteady = (cm: string) => state.steady.some((r) => cm.startsWith(`${r}-registry-storage`));
/** The steady registries' storage ConfigMaps (the client's registries get theirs while it runs). */
const storage = async () =>
  Object.fromEntries(
    (await client.list<Cm>(CMS, { labelSelector: 'toolhive.stacklok.io/registry' })).items
      .filter((c) => ofSteady(c.metadata.name))
      .map((c) => [c.metadata.name, c.metadata.resourceVersion]),
  );

/**
 * Watches every phase a steady registry shows and every write to its storage, and runs the client:
 * MCPRegistries applied in a loop in both versions, a steady one read back as v1alpha1.
 */
async function startTraffic() {
  const abort = new AbortController();
  const phases: string[] = [];
  const storageWrites: string[] = [];
  const failures: string[] = [];
  const { metadata: regList } = await client.list<Reg>({ ...REGS, version: 'v1beta1' });
  const { metadata: cmList } = await client.list<Cm>(CMS);
  const watches = [
    client.watch<Reg>(
      { ...REGS, version: 'v1beta1' },
      { resourceVersion: regList.resourceVersion },
      (e) => {
        if (state.steady.includes(e.object.metadata.name) && e.object.status?.phase !== 'Ready')
          phases.push(`${e.type} ${e.object.metadata.name}: ${e.object.status?.phase}`);
      },
      abort.signal,
    ),
    client.watch<Cm>(
      CMS,
      { resourceVersion: cmList.resourceVersion, labelSelector: 'toolhive.stacklok.io/registry' },
      (e) => {
        if (ofSteady(e.object.metadata.name))
          storageWrites.push(`${e.type} ${e.object.metadata.name} ${e.object.metadata.resourceVersion}`);
      },
      abort.signal,
    ),
  ];
  const t = { done: 0, stop: false, failures, phases, storageWrites };
  const loop = (async () => {
    for (let i = 0; !t.stop; i++) {
      const alpha = i % 2 === 1;
      const name = `churn-${i % 4}`;
      const body = alpha
        ? {
            apiVersion: 'toolhive.stacklok.io/v1alpha1',
            kind: 'MCPRegistry',
            metadata: { name },
            spec: {
              displayName: `round ${i}`,
              source: { type: 'configmap', configmap: { name: 'catalog' } },
            },
          }
        : {
            apiVersion: 'toolhive.stacklok.io/v1beta1',
            kind: 'MCPRegistry',
            metadata: { name },
            spec: { displayName: `round ${i}`, sources: state.sources!.configmap },
          };
      try {
        await client.patch({ ...REGS, version: alpha ? 'v1alpha1' : 'v1beta1', name }, 'apply', body, {
          fieldManager: 'upgrade-client',
          force: true,
        });
        await client.get({ ...REGS, version: 'v1alpha1', name: state.steady[i % state.steady.length] });
        t.done++;
      } catch (e) {
        failures.push(`round ${i}: ${(e as Error).message}`);
      }
    }
  })();
  await pollUntil('the client to run', () => (t.done >= 10 ? true : undefined), 60_000);
  return {
    ...t,
    get done() {
      return t.done;
    },
    async stop() {
      t.stop = true;
      await loop;
      abort.abort();
      await Promise.allSettled(watches);
    },
  };
}

/**
 * A release change as a rolling update makes it: `to` is up (serving, standing by for the lease)
 * before helm changes the release; `from` stops (SIGTERM, draining) only once the apiserver calls
 * `to` for admission and conversion; then `to` takes the lease. The client keeps going meanwhile.
 */
async function handOver(
  from: Op,
  to: Op,
  change: () => void,
  traffic: Awaited<ReturnType<typeof startTraffic>>,
) {
  assert.equal(await leads(to), false);
  change();
  await pollUntil(
    'the apiserver to call the new process for admission and conversion',
    async () =>
      (await counter(to, '/validate-toolhive-stacklok-io-mcpregistry')) > 0 &&
      (await counter(to, '/convert')) > 0
        ? true
        : undefined,
    60_000,
  );
  from.child.kill('SIGTERM');
  await new Promise((r) => (from.child.exitCode === null ? from.child.once('exit', r) : r(undefined)));
  assert.equal(from.child.exitCode, 0, readFileSync(from.log, 'utf8').slice(-2000));
  await pollUntil('the new process to lead', () => leads(to).then((l) => l || undefined), 60_000);
  // Let the new leader reconcile everything, with the client still applying.
  const atSwitch = traffic.done;
  await pollUntil('the client to go on', () => (traffic.done >= atSwitch + 20 ? true : undefined), 60_000);
  await new Promise((r) => setTimeout(r, 3000));
  await traffic.stop();
}

/** What both directions must show: no failure, Ready throughout, storage untouched, `to` in charge. */
async function assertNoBlip(
  traffic: Awaited<ReturnType<typeof startTraffic>>,
  storageBefore: Record<string, string>,
  to: Op,
  current: boolean,
) {
  assert.deepEqual(traffic.failures, []);
  assert.deepEqual(traffic.phases, [], 'no steady registry left Ready');
  assert.deepEqual(traffic.storageWrites, [], 'no storage ConfigMap was written');
  assert.deepEqual(await storage(), storageBefore);
  assert.ok(traffic.done >= 30, `${traffic.done} rounds`);
  assert.match(readFileSync(to.log, 'utf8'), /"msg":"controller started"/);
  // The new leader reconciled every steady registry: the current release sets their series on each
  // reconcile; the previous one has no per-registry series, only the reconcile count.
  const page = await (await fetch(`${to.health}/metrics`)).text();
  assert.match(
    page,
    /^controller_runtime_reconcile_total\{controller="mcpregistry",result="success"\} [1-9]/m,
  );
  if (current)
    for (const name of state.steady)
      assert.match(
        page,
        new RegExp(`^mcpregistry_sync_consecutive_failures\\{namespace="${TEAM}",name="${name}"\\} 0$`, 'm'),
      );
  // ...and the release sends admission to it.
  const hooks = await client.get<{ webhooks: { clientConfig: { url?: string } }[] }>({
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    plural: 'validatingwebhookconfigurations',
    name: 'mcp-registry-operator-validating',
  });
  assert.equal(hooks.webhooks[0]?.clientConfig.url, `${to.url}/validate-toolhive-stacklok-io-mcpregistry`);
}

test('helm upgrade from the previous release with registries live: no failed request, no registry leaves Ready, no storage rewrite', async () => {
  const old = await startOperator(previous, 'previous-operator');
  state.oldPort = Number(old.url.split(':').pop());
  helmApply('install', join(previous, 'charts/mcp-registry-operator'), old);
  await pollUntil('the previous operator to lead', () => leads(old).then((l) => l || undefined), 60_000);

  state.sources = await startSources(
    client,
    work,
    (c) => children.push(c),
    (s) => (source = s),
  );
  state.steady = Object.keys(state.sources);
  for (const [name, spec] of Object.entries(state.sources))
    await client.create(
      { ...REGS, version: 'v1beta1' },
      {
        apiVersion: 'toolhive.stacklok.io/v1beta1',
        kind: 'MCPRegistry',
        metadata: { name },
        spec: { sources: spec },
      },
    );
  await pollUntil(
    'every registry to be Ready',
    async () => {
      const { items } = await client.list<Reg>({ ...REGS, version: 'v1beta1' });
      const ready = items.filter((r) => r.status?.phase === 'Ready').map((r) => r.metadata.name);
      return state.steady.every((n) => ready.includes(n)) || undefined;
    },
    120_000,
  );
  const storageBefore = await storage();
  assert.deepEqual(
    Object.keys(storageBefore).sort(),
    state.steady.map((r) => `${r}-registry-storage`).sort(),
  );

  const traffic = await startTraffic();
  const next = await startOperator(ROOT, 'current-operator');
  await handOver(old, next, () => assert.match(helmApply('upgrade', CHART, next), /REVISION: 2/), traffic);
  await assertNoBlip(traffic, storageBefore, next, true);
  assert.match(
    helm(['history', RELEASE, '-n', NAMESPACE], cp.kubeconfigPath).stdout,
    /2\s+.*deployed\s+mcp-registry-operator-/,
  );
  state.current = next;
});

test('helm rollback to the previous release, the same way: no failed request, no registry leaves Ready, no storage rewrite', async () => {
  assert.ok(state.current && state.oldPort, 'the upgrade ran');
  const storageBefore = await storage();
  const traffic = await startTraffic();
  // Revision 1's stored manifest names the previous operator's address: its process comes back there.
  const back = await startOperator(previous, 'previous-operator-again', state.oldPort);
  await handOver(
    state.current,
    back,
    () => {
      const r = helm(['rollback', RELEASE, '1', '--namespace', NAMESPACE], cp.kubeconfigPath);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'Rollback was a success! Happy Helming!\n');
    },
    traffic,
  );
  await assertNoBlip(traffic, storageBefore, back, false);
  assert.match(
    helm(['history', RELEASE, '-n', NAMESPACE], cp.kubeconfigPath).stdout,
    /3\s+.*deployed\s+mcp-registry-operator-0\.1\.0\s+0\.1\.0\s+Rollback to 1/,
  );
});
