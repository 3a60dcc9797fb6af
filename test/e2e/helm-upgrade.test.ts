/**
 * `helm upgrade` from the previous release on a real node (SPEC §17), as Pods: the previous release's
 * chart and image (git tag mcp-registry-operator-0.1.0: its tree extracted with `git archive`, its
 * image built from that tree by scripts/image.sh) installed with the real helm, then upgraded to the
 * current chart and image. The Deployment rolls its two replicas; the apiserver calls the webhooks
 * through their Service throughout. While a client applies MCPRegistries in a loop (v1beta1 and
 * v1alpha1) and reads one back as v1alpha1: no request fails, the registry stays Ready, its storage
 * ConfigMap is never written, and the Lease moves to a Pod of the new release.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pollUntil } from '../../src/local/poll.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { startNode, type RealNode } from '../node/node.ts';
import { helm } from '../integration/helm/chart.ts';
import { extractPreviousRelease } from '../support/previous-release.ts';
import { GROUP, NS, json, k, kOk, leaseHolder, operatorPods, ready, useKubeconfig } from './cluster.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const REPO = 'localhost/mcp-registry-operator';
const TEAM = 'upgrade-e2e';
const REGS = { group: GROUP, plural: 'mcpregistries', namespace: TEAM };
const CMS = { group: '', version: 'v1', plural: 'configmaps', namespace: TEAM };

let node: RealNode;
let previousTree: string;

/** scripts/image.sh of a tree (the working tree when undefined); prints the image's stamped reference. */
function buildImage(context?: string): string {
  return execFileSync('bash', [join(ROOT, 'scripts/image.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...(context ? { MCPR_IMAGE_CONTEXT: context } : {}) },
  }).trim();
}

before(async () => {
  previousTree = mkdtempSync(join(tmpdir(), 'mcpr-previous-'));
  extractPreviousRelease(previousTree);
  const previous = buildImage(previousTree);
  // image.sh tags :dev on what it built: build (or find) the current one last, so :dev is current.
  const current = buildImage();
  node = await startNode({
    images: [
      { ref: previous, as: `${REPO}:previous` },
      { ref: current, as: `${REPO}:current` },
    ],
    log: (m) => process.stderr.write(`[node] ${m}\n`),
  });
  useKubeconfig(node.kubeconfigPath);
});
after(async () => {
  await node?.stop();
});

const values = (tag: string) => [
  '--set',
  `image.repository=${REPO}`,
  '--set',
  `image.tag=${tag}`,
  '--set',
  'image.pullPolicy=Never',
  '--set',
  `operator.registryApiImage=${REPO}:${tag}`,
];

async function rolledOut(tag: string) {
  return pollUntil(
    `two Ready operator pods of ${tag}`,
    () => {
      const p = operatorPods().filter((x) => ready(x) && x.spec.containers[0]!.image === `${REPO}:${tag}`);
      return p.length === 2 && operatorPods().length === 2 ? p : undefined;
    },
    300_000,
    2000,
  ).catch((e: unknown) => {
    throw new Error(`${(e as Error).message}\n${k(['describe', 'pods', '-n', NS]).stdout.slice(-3000)}`);
  });
}

type Reg = { metadata: { name: string }; status?: { phase?: string } };
type Cm = { metadata: { name: string; resourceVersion: string } };

test('helm upgrade from the previous release as rolling Pods: no failed request, the registry stays Ready, no storage write', async () => {
  const install = helm(
    [
      'install',
      'mcp-registry-operator',
      join(previousTree, 'charts/mcp-registry-operator'),
      '--namespace',
      NS,
      '--create-namespace',
      ...values('previous'),
    ],
    node.kubeconfigPath,
  );
  assert.equal(install.code, 0, install.stderr);
  await rolledOut('previous');
  kOk(['create', 'namespace', TEAM]);
  const catalog = execFileSync(
    'cat',
    [join(ROOT, 'test/fixtures/toolhive-registry/registry-2025-10-22.json')],
    {
      encoding: 'utf8',
    },
  );
  const client = KubeClient.load({ kubeconfig: node.kubeconfigPath });
  try {
    await client.create(CMS, { metadata: { name: 'catalog' }, data: { 'registry.json': catalog } });
    const spec = { sources: [{ name: 'main', type: 'configmap', configMapRef: { name: 'catalog' } }] };
    // The self-signed bootstrap injects the caBundle; until then the apiserver cannot call the Service.
    await pollUntil(
      'the webhooks to admit through their Service',
      async () => {
        try {
          await client.create(
            { ...REGS, version: 'v1beta1' },
            { apiVersion: `${GROUP}/v1beta1`, kind: 'MCPRegistry', metadata: { name: 'steady' }, spec },
          );
          return true;
        } catch (e) {
          return /failed calling webhook/.test((e as Error).message) ? undefined : Promise.reject(e);
        }
      },
      180_000,
      2000,
    );
    await pollUntil(
      'the registry to be Ready',
      async () =>
        (await client.get<Reg>({ ...REGS, version: 'v1beta1', name: 'steady' })).status?.phase === 'Ready' ||
        undefined,
      180_000,
      1000,
    );
    const storage = async () =>
      Object.fromEntries(
        (await client.list<Cm>(CMS, { labelSelector: `${GROUP}/registry=steady` })).items.map((c) => [
          c.metadata.name,
          c.metadata.resourceVersion,
        ]),
      );
    const storageBefore = await storage();
    assert.ok(Object.keys(storageBefore).length > 0);
    const holderBefore = leaseHolder();

    const abort = new AbortController();
    const phases: string[] = [];
    const writes: string[] = [];
    const rv = (await client.list<Reg>({ ...REGS, version: 'v1beta1' })).metadata.resourceVersion;
    const cmRv = (await client.list<Cm>(CMS)).metadata.resourceVersion;
    const watches = [
      client.watch<Reg>(
        { ...REGS, version: 'v1beta1' },
        { resourceVersion: rv, fieldSelector: 'metadata.name=steady' },
        (e) => {
          if (e.object.status?.phase !== 'Ready') phases.push(`${e.type}: ${e.object.status?.phase}`);
        },
        abort.signal,
      ),
      client.watch<Cm>(
        CMS,
        { resourceVersion: cmRv, labelSelector: `${GROUP}/registry=steady` },
        (e) => writes.push(`${e.type} ${e.object.metadata.name} ${e.object.metadata.resourceVersion}`),
        abort.signal,
      ),
    ];
    const failures: string[] = [];
    let done = 0;
    let running = true;
    const loop = (async () => {
      for (let i = 0; running; i++) {
        const alpha = i % 2 === 1;
        const name = `churn-${i % 4}`;
        const body = alpha
          ? {
              apiVersion: `${GROUP}/v1alpha1`,
              kind: 'MCPRegistry',
              metadata: { name },
              spec: {
                displayName: `round ${i}`,
                source: { type: 'configmap', configmap: { name: 'catalog' } },
              },
            }
          : {
              apiVersion: `${GROUP}/v1beta1`,
              kind: 'MCPRegistry',
              metadata: { name },
              spec: { displayName: `round ${i}`, ...spec },
            };
        try {
          await client.patch({ ...REGS, version: alpha ? 'v1alpha1' : 'v1beta1', name }, 'apply', body, {
            fieldManager: 'upgrade-client',
            force: true,
          });
          await client.get({ ...REGS, version: 'v1alpha1', name: 'steady' });
          done++;
        } catch (e) {
          failures.push(`round ${i}: ${(e as Error).message}`);
        }
      }
    })();
    try {
      await pollUntil('the client to run', () => (done >= 10 ? true : undefined), 60_000);
      const upgrade = helm(
        [
          'upgrade',
          'mcp-registry-operator',
          join(ROOT, 'charts/mcp-registry-operator'),
          '--namespace',
          NS,
          ...values('current'),
        ],
        node.kubeconfigPath,
      );
      assert.equal(upgrade.code, 0, upgrade.stderr);
      assert.match(upgrade.stdout, /REVISION: 2/);
      const pods = await rolledOut('current');
      const holder = await pollUntil(
        'a Pod of the new release to hold the Lease',
        () => {
          const h = leaseHolder();
          return pods.some((p) => h.startsWith(p.metadata.name)) ? h : undefined;
        },
        180_000,
        1000,
      );
      assert.notEqual(holder, holderBefore);
      const atRollout = done;
      await pollUntil('the client to go on', () => (done >= atRollout + 20 ? true : undefined), 60_000);
    } finally {
      running = false;
      await loop;
      abort.abort();
      await Promise.allSettled(watches);
    }
    assert.deepEqual(failures, []);
    assert.deepEqual(phases, [], 'the registry never left Ready');
    assert.deepEqual(writes, [], 'its storage was never written');
    assert.deepEqual(await storage(), storageBefore);
    assert.ok(done >= 30, `${done} rounds`);
    const dep = json<{ spec: { template: { spec: { containers: { image: string }[] } } } }>([
      'get',
      'deploy',
      'mcp-registry-operator',
      '-n',
      NS,
    ]);
    assert.equal(dep.spec.template.spec.containers[0]!.image, `${REPO}:current`);
  } finally {
    client.close();
  }
});
