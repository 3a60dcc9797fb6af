/**
 * SPEC §11 to a running server (called from e2e.test.ts, on its node, while our operator runs): ToolHive's
 * own operator and proxy runner (v0.47.0, built from its Go module by test/toolhive-operator/build.sh)
 * deployed from its own Helm chart with its own CRDs, unchanged; a registry whose entry names a locally
 * built MCP server image (@modelcontextprotocol/server-everything from npm); an MCPServer carrying only
 * our annotations, resolved by our webhook through its Service; ToolHive's operator turns it into Pods
 * (proxy runner Deployment, MCP server StatefulSet attached over stdio), and an MCP client lists the
 * server's tools through the proxy's Service: exactly the tools the registry entry says it has.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { pollUntil } from '../../src/local/poll.ts';
import type { RealNode } from '../node/node.ts';
import { toolBin } from '../support/tool-bin.ts';
import { toolhiveImages, toolhiveModuleDir, toolhiveOperatorBinDir } from '../support/toolhive-operator.ts';
import { GROUP, json, k, kOk } from './cluster.ts';

const THV_NS = 'toolhive-operator-system';
const NS = 'e2e-thv';
const THV = 'toolhive.stacklok.dev';
/** What server-everything 2026.8.31 lists to a client without capabilities (checked with its image over stdio). */
const TOOLS = [
  'echo',
  'get-annotated-message',
  'get-env',
  'get-resource-links',
  'get-resource-reference',
  'get-structured-content',
  'get-sum',
  'get-tiny-image',
  'gzip-file-as-resource',
  'simulate-research-query',
  'toggle-simulated-logging',
  'toggle-subscriber-updates',
  'trigger-long-running-operation',
];

/** Progress on stderr, as the node logs its own: where a slow run spent its time. */
let t0 = 0;
const log = (m: string) =>
  process.stderr.write(`[toolhive-operator] +${((Date.now() - t0) / 1000).toFixed(1)} s: ${m}\n`);

export async function toolhiveOperatorRunsTheServer(node: RealNode): Promise<void> {
  t0 = Date.now();
  const images = toolhiveImages(toolhiveOperatorBinDir());
  for (const ref of Object.values(images)) node.importImage(ref);
  const mod = toolhiveModuleDir();
  const crdDir = join(mod.dir, 'deploy/charts/operator-crds/files/crds');
  const crds = readdirSync(crdDir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `crd/${f.replace(/^toolhive\.stacklok\.dev_(.*)\.yaml$/, `$1.${THV}`)}`);
  const rendered = renderChart(join(mod.dir, 'deploy/charts/operator'), images);
  log('images built and imported');
  try {
    await runningServer(images.mcpServer, crdDir, crds, rendered);
  } finally {
    // The workloads carry ToolHive's finalizers and the registry ours: both operators must still run
    // while the namespace goes. Then ToolHive's operator, its cluster-wide RBAC and its CRDs, so the
    // suite's last test finds the node as it left it.
    k(['delete', 'namespace', NS, '--ignore-not-found', '--wait=true', '--timeout=180s']);
    k(['delete', '-f', '-', '--ignore-not-found', '--wait=true', '--timeout=120s'], rendered);
    k(['delete', 'namespace', THV_NS, '--ignore-not-found', '--wait=true', '--timeout=120s']);
    k(['delete', ...crds, '--ignore-not-found', '--wait=true', '--timeout=120s']);
    log('cleaned up');
  }
}

/** ToolHive's own chart, rendered by the real helm with only the images pointed at the local ones. */
function renderChart(chart: string, images: { operator: string; proxyRunner: string }): string {
  const helm = toolBin('MCPR_HELM_BIN', 'test/helm/build.sh');
  return execFileSync(
    helm,
    [
      'template',
      'toolhive-operator',
      chart,
      '--namespace',
      THV_NS,
      '--set',
      `operator.image=${images.operator}`,
      '--set',
      `operator.toolhiveRunnerImage=${images.proxyRunner}`,
      '--set',
      'operator.imagePullPolicy=Never',
    ],
    { encoding: 'utf8' },
  );
}

function registryJson(image: string): string {
  return JSON.stringify({
    version: '1.0.0',
    last_updated: '2026-12-01T00:00:00Z',
    servers: {
      everything: {
        description: 'MCP server that exercises all the features of the MCP protocol',
        tier: 'Community',
        status: 'Active',
        transport: 'stdio',
        tools: TOOLS,
        image,
      },
    },
  });
}

async function runningServer(image: string, crdDir: string, crds: string[], rendered: string): Promise<void> {
  // create, not apply: ToolHive's CRDs exceed the last-applied annotation's size limit.
  kOk(['create', '-f', crdDir]);
  kOk(['wait', '--for=condition=Established', '--timeout=60s', ...crds]);
  kOk(['create', 'namespace', THV_NS]);
  kOk(['apply', '-n', THV_NS, '-f', '-'], rendered);
  kOk(['rollout', 'status', '-n', THV_NS, 'deployment/toolhive-operator', '--timeout=300s']);
  log('ToolHive operator rolled out');

  kOk(['create', 'namespace', NS]);
  kOk(['create', 'configmap', 'catalog', '-n', NS, '--from-literal', `registry.json=${registryJson(image)}`]);
  kOk(
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: `${GROUP}/v1alpha1`,
      kind: 'MCPRegistry',
      metadata: { name: 'catalog', namespace: NS },
      spec: { source: { type: 'configmap', configmap: { name: 'catalog' } } },
    }),
  );
  await pollUntil(
    'the registry "catalog" Ready',
    () =>
      json<{ status?: { phase?: string } }>(['get', `mcpregistries.${GROUP}/catalog`, '-n', NS]).status
        ?.phase === 'Ready',
    300_000,
    2000,
  );

  // Only the annotations: ToolHive's schema requires spec.image, which our mutating webhook fills.
  kOk(
    ['create', '-f', '-'],
    JSON.stringify({
      apiVersion: `${THV}/v1beta1`,
      kind: 'MCPServer',
      metadata: {
        name: 'everything',
        namespace: NS,
        annotations: {
          'toolhive.stacklok.io/registry': 'catalog',
          'toolhive.stacklok.io/server': 'everything',
        },
      },
    }),
  );
  const server = json<{
    spec: { image: string; transport: string };
    metadata: { annotations: Record<string, string> };
  }>(['get', `mcpservers.${THV}/everything`, '-n', NS]);
  assert.equal(server.spec.image, image);
  assert.equal(server.spec.transport, 'stdio');
  assert.equal(
    server.metadata.annotations['toolhive.stacklok.io/resolved'],
    'io.github.stacklok/everything@1.0.0',
  );

  await pollUntil(
    'ToolHive reports the MCPServer Ready',
    () =>
      json<{ status?: { phase?: string } }>(['get', `mcpservers.${THV}/everything`, '-n', NS]).status
        ?.phase === 'Ready',
    300_000,
    2000,
  ).catch((e: unknown) => {
    throw new Error(`${(e as Error).message}\n${diagnostics()}`);
  });
  log('MCPServer Ready');
  const pods = json<{ items: { metadata: { name: string }; spec: { containers: { image: string }[] } }[] }>([
    'get',
    'pods',
    '-n',
    NS,
  ]).items;
  assert.ok(
    pods.some((p) => p.spec.containers.some((c) => c.image === image)),
    `a Pod runs ${image}: ${pods.map((p) => p.metadata.name).join(', ')}`,
  );

  // From the host through kube-proxy's rules for the proxy's ClusterIP, to the proxy runner, which
  // speaks to the server's stdio over the apiserver's attach.
  const svc = json<{ spec: { clusterIP: string; ports: { port: number }[] } }>([
    'get',
    'svc',
    'mcp-everything-proxy',
    '-n',
    NS,
  ]);
  const url = new URL(`http://${svc.spec.clusterIP}:${svc.spec.ports[0]!.port}/mcp`);
  let last = '';
  const names = await pollUntil(
    'the MCP server’s tools through the Service',
    async () => {
      const client = new Client({ name: 'mcpr-e2e', version: '1.0.0' });
      try {
        await client.connect(new StreamableHTTPClientTransport(url));
        return (await client.listTools()).tools.map((t) => t.name).sort();
      } catch (e) {
        last = String(e);
        return undefined;
      } finally {
        await client.close();
      }
    },
    180_000,
    2000,
  ).catch((e: unknown) => {
    throw new Error(`${(e as Error).message}; last error: ${last}\n${diagnostics()}`);
  });
  assert.deepEqual(names, TOOLS);
  log('tools listed; cleaning up');
}

function diagnostics(): string {
  const out = (args: string[]) => {
    const r = k(args);
    return `$ kubectl ${args.join(' ')}\n${r.stdout.slice(-3000)}${r.stderr}`;
  };
  return [
    out(['get', 'all', '-n', NS]),
    out(['describe', 'pods', '-n', NS, '-l', 'app.kubernetes.io/instance=everything']),
    out(['logs', '-n', THV_NS, 'deployment/toolhive-operator', '--tail=30']),
    out(['logs', '-n', NS, 'deployment/everything', '--tail=60']),
    out(['logs', '-n', NS, 'deployment/everything', '--tail=60', '--previous']),
    out(['logs', '-n', NS, 'statefulset/everything', '--tail=20']),
  ].join('\n');
}
