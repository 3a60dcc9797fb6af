/**
 * `helm upgrade` from the previous release with registries live (SPEC §17), on a control plane of its
 * own. What is real: the previous release's chart (git tag mcp-registry-operator-0.1.0, extracted with
 * `git archive`) installed with the real helm and upgraded to the current chart, every object applied
 * by helm to the real apiserver; the operator of each release run from that release's own source tree
 * (the previous one from the same `git archive`) as a process on loopback, with leader election, the
 * two overlapping during the upgrade as a rolling update's old and new Pods do; registries of four
 * source types (configmap, url over HTTPS, git, an MCP registry API) synced by them.
 * What is not: there is no node, so the chart's Deployment never runs Pods; a Helm post-renderer
 * (url-webhooks.ts) points the chart's webhook registrations and CRD conversion at the operator
 * process of the release being installed instead of at the Service (docs/operations.md says so).
 * While a client applies MCPRegistries in a loop (v1beta1 and v1alpha1, so conversion is in the
 * path) and reads them as v1alpha1: no request fails, no registry leaves Ready, no storage ConfigMap
 * is written (each one's resourceVersion is the same before and after; a watch sees no write).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, freePort, type ControlPlane } from '../../../src/local/control-plane.ts';
import { KubeClient } from '../../../src/kube/client.ts';
import { createCA, issueCert } from '../../../src/pki/pki.ts';
import { pollUntil } from '../../../src/local/poll.ts';
import { LOOPBACK_POLICY_YAML } from '../../support/destinations.ts';
import { CHART, NAMESPACE, RELEASE, ROOT, helm } from '../helm/chart.ts';
import { FIXTURE } from '../controller/helpers.ts';

export const PREVIOUS_RELEASE = 'mcp-registry-operator-0.1.0';
/** The commit the tag names, for a clone without tags. */
const PREVIOUS_COMMIT = 'fb827dfa62b1453afdae26701c49958fbef38d81';

const TEAM = 'team-a';
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
async function startOperator(tree: string, name: string): Promise<Op> {
  const port = await freePort();
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
  const script = join(work, `post-render-${op.url.split(':').pop()}.sh`);
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
  let rev = PREVIOUS_COMMIT;
  try {
    rev = execFileSync('git', ['rev-parse', '--verify', `${PREVIOUS_RELEASE}^{commit}`], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
  } catch {
    /* no tags in this clone: the commit it names */
  }
  execFileSync('sh', ['-c', `git archive ${rev} charts src package.json | tar -x -C "${previous}"`], {
    cwd: ROOT,
  });
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

/** The four sources: a ConfigMap, a URL over HTTPS, a git repository and an MCP registry API. */
async function startSources() {
  await client.create({ group: '', version: 'v1', plural: 'namespaces' }, { metadata: { name: TEAM } });
  await client.create(CMS, { metadata: { name: 'catalog' }, data: { 'registry.json': FIXTURE } });
  const ca = await createCA('upgrade-source-ca', 2);
  const cert = await issueCert(ca, {
    commonName: 'source',
    ipAddresses: ['127.0.0.1'],
    usage: 'server',
    validDays: 2,
  });
  source = createServer({ cert: cert.certPem, key: cert.keyPem }, (_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(FIXTURE),
  );
  await new Promise<void>((r) => source!.listen(0, '127.0.0.1', r));
  const addr = source.address();
  const href = `https://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/registry.json`;
  await client.create(
    { group: '', version: 'v1', plural: 'secrets', namespace: TEAM },
    { metadata: { name: 'source-ca' }, stringData: { 'ca.crt': ca.certPem } },
  );
  const repo = join(work, 'repo');
  mkdirSync(repo);
  writeFileSync(join(repo, 'registry.json'), FIXTURE);
  const git = (...a: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...a], { cwd: repo });
  git('init', '-q', '-b', 'main');
  git('add', 'registry.json');
  git('commit', '-q', '-m', 'catalog');
  // Our own registry API (thv-registry-api) serving the catalog as the upstream /v0.1/servers API.
  const fixtureFile = join(work, 'registry.json');
  writeFileSync(fixtureFile, FIXTURE);
  const api = spawn(
    process.execPath,
    [
      join(ROOT, 'src/bin/thv-registry-api.ts'),
      'serve',
      `--from-file=${fixtureFile}`,
      '--address=127.0.0.1:0',
      '--log-level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(api);
  const apiUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    api.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    api.once('exit', (code) => reject(new Error(`thv-registry-api exited ${code}`)));
  });
  return {
    configmap: [{ name: 'main', type: 'configmap', configMapRef: { name: 'catalog' } }],
    url: [{ name: 'web', type: 'url', url: { href, caBundleRef: { name: 'source-ca' } } }],
    git: [{ name: 'repo', type: 'git', git: { repository: `file://${repo}`, ref: { branch: 'main' } } }],
    registry: [{ name: 'upstream', type: 'registry', format: 'upstream', registry: { baseURL: apiUrl } }],
  };
}

type Reg = { metadata: { name: string; resourceVersion: string }; status?: { phase?: string } };
type Cm = {
  metadata: { name: string; resourceVersion: string; labels?: Record<string, string> };
  data?: Record<string, string>;
};

test('helm upgrade from the previous release with registries live: no failed request, no registry leaves Ready, no storage rewrite', async () => {
  const old = await startOperator(previous, 'previous-operator');
  helmApply('install', join(previous, 'charts/mcp-registry-operator'), old);
  await pollUntil('the previous operator to lead', () => leads(old).then((l) => l || undefined), 60_000);

  const sources = await startSources();
  const steady = Object.keys(sources);
  for (const [name, spec] of Object.entries(sources))
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
      return steady.every((n) => ready.includes(n)) || undefined;
    },
    120_000,
  );
  // The steady registries' storage (the client's registries get theirs while it runs).
  const ofSteady = (cm: string) => steady.some((r) => cm.startsWith(`${r}-registry-storage`));
  const storage = async () =>
    Object.fromEntries(
      (await client.list<Cm>(CMS, { labelSelector: 'toolhive.stacklok.io/registry' })).items
        .filter((c) => ofSteady(c.metadata.name))
        .map((c) => [c.metadata.name, c.metadata.resourceVersion]),
    );
  const storageBefore = await storage();
  assert.equal(Object.keys(storageBefore).length >= steady.length, true, JSON.stringify(storageBefore));

  // Watches from now on: every phase a steady registry shows, every write to a storage ConfigMap.
  const abort = new AbortController();
  const phases: string[] = [];
  const storageWrites: string[] = [];
  const { metadata: regList } = await client.list<Reg>({ ...REGS, version: 'v1beta1' });
  const { metadata: cmList } = await client.list<Cm>(CMS);
  const watches = [
    client.watch<Reg>(
      { ...REGS, version: 'v1beta1' },
      { resourceVersion: regList.resourceVersion },
      (e) => {
        if (steady.includes(e.object.metadata.name) && e.object.status?.phase !== 'Ready')
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

  // The client: applies MCPRegistries in a loop, in both versions, and reads one back as v1alpha1.
  const failures: string[] = [];
  let done = 0;
  let stop = false;
  const loop = (async () => {
    for (let i = 0; !stop; i++) {
      const alpha = i % 2 === 1;
      const body = alpha
        ? {
            apiVersion: 'toolhive.stacklok.io/v1alpha1',
            kind: 'MCPRegistry',
            metadata: { name: `churn-${i % 4}` },
            spec: {
              displayName: `round ${i}`,
              source: { type: 'configmap', configmap: { name: 'catalog' } },
            },
          }
        : {
            apiVersion: 'toolhive.stacklok.io/v1beta1',
            kind: 'MCPRegistry',
            metadata: { name: `churn-${i % 4}` },
            spec: { displayName: `round ${i}`, sources: sources.configmap },
          };
      try {
        await client.patch(
          { ...REGS, version: alpha ? 'v1alpha1' : 'v1beta1', name: body.metadata.name },
          'apply',
          body,
          { fieldManager: 'upgrade-client', force: true },
        );
        await client.get({ ...REGS, version: 'v1alpha1', name: steady[i % steady.length] });
        done++;
      } catch (e) {
        failures.push(`round ${i}: ${(e as Error).message}`);
      }
    }
  })();
  await pollUntil('the client to run', () => (done >= 10 ? true : undefined), 60_000);

  // The upgrade, as a rolling update does it: the new operator is up (serving, standing by for the
  // lease) before the release changes; the old one stops only once the apiserver calls the new one.
  const next = await startOperator(ROOT, 'current-operator');
  assert.equal(await leads(next), false);
  const upgraded = helmApply('upgrade', CHART, next);
  assert.match(upgraded, /REVISION: 2/);
  await pollUntil(
    'the apiserver to call the new operator for admission and conversion',
    async () =>
      (await counter(next, '/validate-toolhive-stacklok-io-mcpregistry')) > 0 &&
      (await counter(next, '/convert')) > 0
        ? true
        : undefined,
    60_000,
  );
  old.child.kill('SIGTERM');
  await new Promise((r) => old.child.once('exit', r));
  await pollUntil('the new operator to lead', () => leads(next).then((l) => l || undefined), 60_000);
  // Let the new leader reconcile everything once, with the client still applying.
  const atSwitch = done;
  await pollUntil('the client to go on', () => (done >= atSwitch + 20 ? true : undefined), 60_000);
  await new Promise((r) => setTimeout(r, 3000));
  stop = true;
  await loop;
  abort.abort();
  await Promise.allSettled(watches);

  assert.deepEqual(failures, []);
  assert.equal(old.child.exitCode, 0, readFileSync(old.log, 'utf8').slice(-2000));
  assert.deepEqual(phases, [], 'no steady registry left Ready');
  assert.deepEqual(storageWrites, [], 'no storage ConfigMap was written');
  assert.deepEqual(await storage(), storageBefore);
  assert.match(readFileSync(next.log, 'utf8'), /"msg":"controller started"/);
  // The new leader did reconcile every steady registry (their series are set on each reconcile)...
  const page = await (await fetch(`${next.health}/metrics`)).text();
  for (const name of steady)
    assert.match(
      page,
      new RegExp(`^mcpregistry_sync_consecutive_failures\\{namespace="${TEAM}",name="${name}"\\} 0$`, 'm'),
    );
  // ...and the release now sends admission and conversion to it.
  const hooks = await client.get<{ webhooks: { clientConfig: { url?: string } }[] }>({
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    plural: 'validatingwebhookconfigurations',
    name: 'mcp-registry-operator-validating',
  });
  assert.equal(hooks.webhooks[0]?.clientConfig.url, `${next.url}/validate-toolhive-stacklok-io-mcpregistry`);
  assert.ok(done > atSwitch + 20, `${done} requests`);
  assert.match(
    helm(['history', RELEASE, '-n', NAMESPACE], cp.kubeconfigPath).stdout,
    /2\s+.*deployed\s+mcp-registry-operator-/,
  );
});
