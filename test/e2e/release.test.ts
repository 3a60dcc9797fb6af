/**
 * End to end from a release, as a user installs it: the release (npm run release) published to a
 * real OCI registry on loopback (CNCF Distribution, TLS from a CA made for the run), and a real
 * node whose containerd trusts that CA (hosts.toml) and has no image of ours preloaded. `helm
 * install oci://…/mcp-registry-operator --version X` installs the operator; containerd pulls the
 * operator and registry API images from the registry; the sample registry syncs and serves; the
 * installed CLI (npm install -g of the release's tarball, run from a directory outside the
 * repository) lists it; `helm upgrade` to a second version pushed the same way rolls the operator
 * and the API while the registry stays Ready; `helm uninstall` removes the operator.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pollUntil } from '../../src/local/poll.ts';
import { startNode, type RealNode } from '../node/node.ts';
import { startOciRegistry, type OciRegistry } from '../support/oci-registry.ts';
import {
  NAME,
  installNpmRelease,
  packageVersion,
  publish,
  releaseDir,
  releaseFiles,
  type Published,
} from '../support/release.ts';
import { helm } from '../integration/helm/chart.ts';
import { GROUP, NS, SAMPLES, json, k, kOk, operatorPods, ready, useKubeconfig } from './cluster.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const V1 = packageVersion();
// A second version of the same release: the next patch, marked as the test's.
const V2 = V1.replace(
  /^(\d+)\.(\d+)\.(\d+).*$/,
  (_m, a: string, b: string, c: string) => `${a}.${b}.${Number(c) + 1}-e2e.1`,
);

let reg: OciRegistry;
let node: RealNode;
let first: Published;
let second: Published;
let prefix: string;
let work: string;

before(async () => {
  reg = await startOciRegistry();
  const dir = releaseDir();
  first = publish(reg, dir, V1);
  second = publish(reg, dir, V2);
  node = await startNode({
    registries: [{ host: reg.host, caFile: reg.caFile }],
    log: (m) => process.stderr.write(`[node] ${m}\n`),
  });
  useKubeconfig(node.kubeconfigPath);
  prefix = mkdtempSync(join(tmpdir(), 'mcpr-e2e-prefix-'));
  work = mkdtempSync(join(tmpdir(), 'mcpr-e2e-user-'));
  installNpmRelease(prefix, join(dir, releaseFiles(V1).npm), work);
});
after(async () => {
  await node?.stop();
  await reg?.stop();
  if (prefix) rmSync(prefix, { recursive: true, force: true });
  if (work) rmSync(work, { recursive: true, force: true });
});

const h = (args: string[]) => helm(args, node.kubeconfigPath);
const installArgs = (verb: 'install' | 'upgrade', pub: Published) => [
  verb,
  NAME,
  pub.chart,
  '--version',
  pub.tag,
  '--ca-file',
  reg.caFile,
  '--namespace',
  NS,
  ...(verb === 'install' ? ['--create-namespace'] : []),
  '--set',
  `image.repository=${reg.host}/${NAME}`,
];

async function operatorReadyOn(image: string): Promise<void> {
  await pollUntil(
    `two Ready operator pods running ${image}`,
    () => {
      const p = operatorPods();
      return p.length === 2 && p.every((x) => ready(x) && x.spec.containers[0]!.image === image);
    },
    300_000,
    2000,
  ).catch((e: unknown) => {
    throw new Error(`${(e as Error).message}\n${k(['describe', 'pods', '-n', NS]).stdout.slice(-3000)}`);
  });
}

function apiInfo(): Promise<{ name: string; serverCount: number }> {
  const svc = json<{ spec: { clusterIP: string; ports: { port: number }[] } }>([
    'get',
    'svc',
    'toolhive-all-api',
    '-n',
    SAMPLES,
  ]);
  return pollUntil(
    'the registry API through its Service',
    async () => {
      const r = await fetch(`http://${svc.spec.clusterIP}:${svc.spec.ports[0]!.port}/api/v1/registry/info`, {
        signal: AbortSignal.timeout(5000),
      });
      return r.ok ? ((await r.json()) as { name: string; serverCount: number }) : undefined;
    },
    300_000,
    2000,
  );
}

const apiImage = () =>
  json<{ spec: { template: { spec: { containers: { image: string }[] } } } }>([
    'get',
    'deploy',
    'toolhive-all-api',
    '-n',
    SAMPLES,
  ]).spec.template.spec.containers[0]!.image;

/** The image digests containerd reports for the Pods with these labels: what it pulled them from. */
function imageIds(namespace: string, selector: string): string[] {
  return json<{ items: { status: { containerStatuses?: { imageID: string }[] } }[] }>([
    'get',
    'pods',
    '-n',
    namespace,
    '-l',
    selector,
  ]).items.flatMap((p) => (p.status.containerStatuses ?? []).map((c) => c.imageID));
}

const phase = () =>
  k(['get', `mcpregistries.v1beta1.${GROUP}/toolhive-all`, '-n', SAMPLES, '-o', 'jsonpath={.status.phase}'])
    .stdout;

test('helm install oci://…/mcp-registry-operator --version X: containerd pulls the operator image from the registry', async () => {
  assert.deepEqual(
    node.imageRefs().filter((r) => r.includes(NAME)),
    [],
    'no image of ours is preloaded',
  );
  const r = h(installArgs('install', first));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`STATUS: deployed`));
  await operatorReadyOn(first.image);
  assert.ok(
    node.imageRefs().includes(first.image),
    `containerd pulled ${first.image}: ${node.imageRefs().join(', ')}`,
  );
  const ids = imageIds(NS, 'app.kubernetes.io/name=mcp-registry-operator');
  assert.equal(ids.length, 2);
  for (const id of ids) assert.match(id, new RegExp(`^${reg.host}/${NAME}@sha256:[0-9a-f]{64}$`));
});

test('the sample registry syncs, and its API Deployment (the same image, pulled) serves the catalog', async () => {
  kOk(['create', 'namespace', SAMPLES]);
  // The webhooks answer once the operator has injected its self-signed CA.
  await pollUntil(
    'the sample to be admitted',
    () => k(['apply', '-k', join(ROOT, 'samples'), '-n', SAMPLES]).code === 0,
    120_000,
    1000,
  );
  const doc = JSON.parse(readFileSync(join(ROOT, 'samples/registry.json'), 'utf8')) as {
    servers: Record<string, unknown>;
    remote_servers?: Record<string, unknown>;
  };
  const total = Object.keys(doc.servers).length + Object.keys(doc.remote_servers ?? {}).length;
  await pollUntil('toolhive-all Ready', () => phase() === 'Ready', 300_000, 2000);
  assert.equal(apiImage(), first.image);
  const ids = await pollUntil(
    'the API Pod’s image digest',
    () => {
      const i = imageIds(SAMPLES, 'app.kubernetes.io/instance=toolhive-all-api');
      return i.length > 0 && i.every(Boolean) ? i : undefined;
    },
    120_000,
    1000,
  );
  for (const id of ids) assert.match(id, new RegExp(`^${reg.host}/${NAME}@sha256:[0-9a-f]{64}$`));
  const info = await apiInfo();
  assert.deepEqual([info.name, info.serverCount], ['toolhive-all', total]);
});

test('the installed CLI, from a directory outside the repository: thv registry list and kubectl mcpregistry list', () => {
  const path = [dirname(process.execPath), join(prefix, 'bin'), '/usr/local/bin', '/usr/bin', '/bin'].join(
    ':',
  );
  const env = { HOME: work, PATH: path, KUBECONFIG: node.kubeconfigPath };
  const thv = spawnSync('thv', ['registry', 'list', '-n', SAMPLES, '-o', 'name'], {
    cwd: work,
    env,
    encoding: 'utf8',
  });
  assert.equal(thv.status, 0, thv.stderr);
  assert.match(thv.stdout, /toolhive-all/);
  const plugin = spawnSync('kubectl', ['mcpregistry', 'list', '-n', SAMPLES, '-o', 'name'], {
    cwd: work,
    env,
    encoding: 'utf8',
  });
  assert.equal(plugin.status, 0, plugin.stderr);
  assert.equal(plugin.stdout, thv.stdout);
});

test('helm upgrade to a second version from the registry rolls the operator and the API; the registry stays Ready', async () => {
  const phases = new Set<string>();
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      phases.add(phase());
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  try {
    const r = h(installArgs('upgrade', second));
    assert.equal(r.code, 0, r.stderr);
    await operatorReadyOn(second.image);
    await pollUntil(
      `the API Deployment on ${second.image}`,
      () => apiImage() === second.image,
      180_000,
      2000,
    );
    await pollUntil(
      'the API Deployment rolled out',
      () => {
        const s = json<{ status: { updatedReplicas?: number; readyReplicas?: number; replicas?: number } }>([
          'get',
          'deploy',
          'toolhive-all-api',
          '-n',
          SAMPLES,
        ]).status;
        return s.updatedReplicas === s.replicas && s.readyReplicas === s.replicas;
      },
      300_000,
      2000,
    );
    assert.equal((await apiInfo()).name, 'toolhive-all');
  } finally {
    watching = false;
    await watcher;
  }
  assert.deepEqual([...phases], ['Ready']);
  const history = h(['history', NAME, '--namespace', NS, '-o', 'json']);
  assert.deepEqual(
    (JSON.parse(history.stdout) as { chart: string; app_version: string }[]).map((x) => [
      x.chart,
      x.app_version,
    ]),
    [
      [`${NAME}-${V1}`, V1],
      [`${NAME}-${V2}`, V2],
    ],
  );
});

test('helm uninstall removes the operator; the registries are deleted first', async () => {
  kOk(['delete', `mcpregistries.${GROUP}`, '--all', '-n', SAMPLES, '--wait=true', '--timeout=180s']);
  const r = h(['uninstall', NAME, '--namespace', NS, '--wait', '--timeout', '180s']);
  assert.equal(r.code, 0, r.stderr);
  await pollUntil('no operator Pods', () => operatorPods().length === 0, 180_000, 2000);
});
