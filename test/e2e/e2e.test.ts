/**
 * End to end on a real node (test/node): what users install, running as real Pods. `kubectl apply -k`
 * of manifests/overlays/e2e (the self-signed install with the locally built image) brings the
 * operator's two replicas up from the image; the apiserver calls the webhooks through their Service
 * (a denial, a default, a conversion); one replica holds the Lease; the sample registry syncs and its
 * API Deployment serves the catalog through its Service; deleting the leader Pod moves the Lease
 * while a client applying specs in a loop sees no failure; ToolHive's workload CRDs installed while it
 * runs, an annotation-only MCPServer is resolved and enforcement refuses an unlisted image (workloads.ts);
 * a registry with `spec.api.auth.mode: kubernetes` answers a Pod whose projected ServiceAccount token is
 * bound to the catalog reader ClusterRole with the catalog and a Pod without RBAC with 403 (api-auth.ts);
 * ToolHive's own operator turns an annotation-only MCPServer into Pods whose tools an MCP client lists
 * through the Service (toolhive-operator.ts);
 * `kubectl delete -k` removes everything;
 * and stopping the node leaves nothing behind on the host.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pollUntil } from '../../src/local/poll.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { startNode, NODE_NAME, type RealNode } from '../node/node.ts';
import { image } from '../integration/image/podman.ts';
import {
  GROUP,
  NS,
  SAMPLES,
  json,
  k,
  kOk,
  leaseHolder,
  operatorPods,
  ready,
  registry,
  useKubeconfig,
  webhookCalls,
} from './cluster.ts';
import { kubernetesAuthFromPods } from './api-auth.ts';
import { workloadsThroughTheWebhookService } from './workloads.ts';
import { toolhiveOperatorRunsTheServer } from './toolhive-operator.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const LOCAL_IMAGE = 'localhost/mcp-registry-operator:dev';

let node: RealNode;

before(async () => {
  // The image this run built (or found up to date), known on the node by the name the e2e overlay uses.
  node = await startNode({
    images: [{ ref: image(), as: LOCAL_IMAGE }],
    log: (m) => process.stderr.write(`[node] ${m}\n`),
  });
  useKubeconfig(node.kubeconfigPath);
});
after(async () => {
  await node?.stop();
});

test('kubectl apply -k of the e2e overlay: the operator Deployment’s 2 replicas are Ready, from the local image', async () => {
  const r = k(['apply', '-k', join(ROOT, 'manifests/overlays/e2e')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /deployment\.apps\/mcp-registry-operator created/);
  const pods = await pollUntil(
    'two Ready operator pods',
    () => {
      const p = operatorPods().filter(ready);
      return p.length === 2 ? p : undefined;
    },
    300_000,
    2000,
  ).catch((e: unknown) => {
    throw new Error(`${(e as Error).message}\n${k(['describe', 'pods', '-n', NS]).stdout.slice(-3000)}`);
  });
  for (const p of pods) {
    assert.equal(p.spec.nodeName, NODE_NAME);
    assert.equal(p.spec.containers[0]!.image, LOCAL_IMAGE);
  }
  const dep = json<{ status: { readyReplicas: number } }>([
    'get',
    'deploy',
    'mcp-registry-operator',
    '-n',
    NS,
  ]);
  assert.equal(dep.status.readyReplicas, 2);
});

test('one replica holds the Lease', async () => {
  const holder = await pollUntil('a Lease holder', () => leaseHolder() || undefined, 120_000, 1000);
  const names = operatorPods().map((p) => p.metadata.name);
  assert.ok(
    names.some((n) => holder.startsWith(n)),
    `holder ${holder} is one of ${names.join(', ')}`,
  );
});

test('the apiserver calls the webhooks through their Service: an invalid spec is refused, a valid one defaulted, v1alpha1 ⇄ v1beta1 converts', async () => {
  kOk(['create', 'namespace', SAMPLES]);
  for (const kind of ['validatingwebhookconfiguration', 'mutatingwebhookconfiguration']) {
    const cfg = json<{ webhooks: { clientConfig: { service?: { name: string }; url?: string } }[] }>([
      'get',
      kind,
      kind.startsWith('validating') ? 'mcp-registry-operator-validating' : 'mcp-registry-operator-mutating',
    ]);
    assert.equal(cfg.webhooks[0]!.clientConfig.service?.name, 'mcp-registry-operator-webhook');
    assert.equal(cfg.webhooks[0]!.clientConfig.url, undefined);
  }
  const tooOften = registry('too-often', `${GROUP}/v1beta1`, {
    sources: [{ name: 'a', type: 'configmap', configMapRef: { name: 'c' } }],
    syncPolicy: { interval: '5s' },
  });
  // The self-signed bootstrap injects the caBundle; until then the apiserver cannot call the Service.
  let last = '';
  await pollUntil(
    'the webhooks to answer through their Service',
    () => {
      const r = k(['create', '--dry-run=server', '-f', '-'], tooOften);
      last = r.stderr || r.stdout;
      return /failed calling webhook/.test(r.stderr) ? undefined : true;
    },
    120_000,
    1000,
  ).catch((e: unknown) => {
    throw new Error(`${(e as Error).message}; last answer: ${last}`);
  });
  const before = await webhookCalls();
  // Only the webhook knows the platform policy (minSyncInterval 30s by default).
  const denied = k(['create', '-f', '-'], tooOften);
  assert.equal(denied.code, 1);
  assert.equal(
    denied.stderr,
    'The MCPRegistry "too-often" is invalid: spec.syncPolicy.interval: Invalid value: "5s": must be at least 30s (the platform policy\'s minSyncInterval)',
  );
  kOk(
    ['create', '-f', '-'],
    registry('min-url', `${GROUP}/v1alpha1`, { source: { type: 'url', url: 'https://a.example/r.json' } }),
  );
  const alpha = json<{ spec: { format: string; syncPolicy: { interval: string } } }>([
    'get',
    `mcpregistries.v1alpha1.${GROUP}/min-url`,
    '-n',
    SAMPLES,
  ]);
  assert.equal(alpha.spec.format, 'toolhive');
  assert.equal(alpha.spec.syncPolicy.interval, '1h');
  const beta = json<{ apiVersion: string; spec: { sources: { type: string; url: { href: string } }[] } }>([
    'get',
    `mcpregistries.v1beta1.${GROUP}/min-url`,
    '-n',
    SAMPLES,
  ]);
  assert.equal(beta.apiVersion, `${GROUP}/v1beta1`);
  assert.equal(beta.spec.sources[0]!.type, 'url');
  assert.equal(beta.spec.sources[0]!.url.href, 'https://a.example/r.json');
  const afterCalls = await webhookCalls();
  for (const path of [
    '/validate-toolhive-stacklok-io-mcpregistry',
    '/mutate-toolhive-stacklok-io-mcpregistry',
    '/convert',
  ])
    assert.ok(
      (afterCalls[path] ?? 0) > (before[path] ?? 0),
      `${path} was called by the apiserver: ${JSON.stringify({ before, afterCalls })}`,
    );
  kOk(['delete', `mcpregistries.${GROUP}/min-url`, '-n', SAMPLES, '--wait=true', '--timeout=120s']);
});

test('the sample registry syncs, and its API Deployment serves the catalog through its Service', async () => {
  kOk(['apply', '-k', join(ROOT, 'samples'), '-n', SAMPLES]);
  const doc = JSON.parse(readFileSync(join(ROOT, 'samples/registry.json'), 'utf8')) as {
    servers: Record<string, unknown>;
    remote_servers?: Record<string, unknown>;
  };
  const total = Object.keys(doc.servers).length + Object.keys(doc.remote_servers ?? {}).length;
  const status = await pollUntil(
    'toolhive-all Ready',
    () => {
      const s = json<{ status?: { phase?: string; sync?: { serverCount?: number } } }>([
        'get',
        `mcpregistries.v1beta1.${GROUP}/toolhive-all`,
        '-n',
        SAMPLES,
      ]).status;
      return s?.phase === 'Ready' ? s : undefined;
    },
    300_000,
    2000,
  );
  assert.equal(status.sync?.serverCount, total);
  const svc = json<{ spec: { clusterIP: string; ports: { port: number }[] } }>([
    'get',
    'svc',
    'toolhive-all-api',
    '-n',
    SAMPLES,
  ]);
  // From the host through kube-proxy's rules for the ClusterIP, to the API Pod on the node.
  const info = await pollUntil(
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
  assert.equal(info.name, 'toolhive-all');
  assert.equal(info.serverCount, total);
});

test('spec.api.auth.mode kubernetes: a Pod with a projected ServiceAccount token bound to the catalog reader reads the catalog through the Service, one without RBAC gets 403', () =>
  kubernetesAuthFromPods(ROOT, LOCAL_IMAGE));

test('deleting the leader Pod moves leadership, and a client applying specs in a loop sees no failure', async () => {
  const client = KubeClient.load({ kubeconfig: node.kubeconfigPath });
  const failures: string[] = [];
  let applied = 0;
  let running = true;
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const name = `loop-${i % 4}`;
      try {
        await client.patch(
          { group: GROUP, version: 'v1beta1', plural: 'mcpregistries', namespace: SAMPLES, name },
          'apply',
          JSON.parse(
            registry(name, `${GROUP}/v1beta1`, {
              displayName: `iteration ${i}`,
              sources: [{ name: 'c', type: 'configmap', configMapRef: { name: 'toolhive-catalog' } }],
            }),
          ),
          { fieldManager: 'e2e-loop', force: true },
        );
        applied++;
      } catch (e) {
        failures.push(`${name} #${i}: ${(e as Error).message}`);
      }
    }
  })();
  try {
    const before = leaseHolder();
    const leader = operatorPods().find((p) => before.startsWith(p.metadata.name));
    assert.ok(leader, `the Lease holder ${before} is a running operator pod`);
    await pollUntil('some applies before the deletion', () => applied >= 5, 60_000);
    kOk(['delete', 'pod', leader.metadata.name, '-n', NS, '--wait=false']);
    const after = await pollUntil(
      'another replica to take the Lease',
      () => {
        const h = leaseHolder();
        return h && !h.startsWith(leader.metadata.name) ? h : undefined;
      },
      180_000,
      1000,
    );
    assert.ok(!after.startsWith(leader.metadata.name));
    await pollUntil(
      'two Ready replicas again',
      () => operatorPods().filter(ready).length === 2,
      300_000,
      2000,
    );
    const more = applied;
    await pollUntil('applies after the new pod is Ready', () => applied >= more + 5, 60_000);
  } finally {
    running = false;
    await loop;
    client.close();
  }
  assert.deepEqual(failures, []);
  assert.ok(applied >= 10, `${applied} applies`);
});

test('ToolHive workloads (SPEC §11): an annotation-only MCPServer is resolved, an unlisted image refused under enforcement', () =>
  workloadsThroughTheWebhookService(ROOT));

test('ToolHive’s own operator runs an annotation-only MCPServer, and an MCP client lists its tools through the Service', () =>
  toolhiveOperatorRunsTheServer(node));

test('kubectl delete -k removes everything', async () => {
  kOk(['delete', `mcpregistries.${GROUP}`, '--all', '-n', SAMPLES, '--wait=true', '--timeout=180s']);
  kOk([
    'delete',
    '-k',
    join(ROOT, 'samples'),
    '-n',
    SAMPLES,
    '--ignore-not-found',
    '--wait=true',
    '--timeout=180s',
  ]);
  kOk(['delete', '-k', join(ROOT, 'manifests/overlays/e2e'), '--wait=true', '--timeout=300s']);
  kOk(['delete', 'namespace', SAMPLES, '--wait=true', '--timeout=300s']);
  assert.equal(k(['get', 'namespace', NS]).code, 1);
  assert.equal(k(['get', 'crd', `mcpregistries.${GROUP}`]).code, 1);
  for (const kind of [
    'validatingwebhookconfigurations',
    'mutatingwebhookconfigurations',
    'clusterroles',
    'clusterrolebindings',
  ])
    assert.doesNotMatch(kOk(['get', kind, '-o', 'name']), /mcp-registry-operator/);
  await pollUntil(
    'no Pods left on the node',
    () => kOk(['get', 'pods', '-A', '-o', 'name']).trim() === '',
    180_000,
    2000,
  );
});
