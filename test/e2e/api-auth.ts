/**
 * SPEC §13 on the real node (called from e2e.test.ts, reusing its node and operator Pods): a registry
 * with `spec.api.auth.mode: kubernetes` gets its API Deployment, and two Pods of the operator's image
 * (its entrypoint is node) read the catalog through the Service with a projected ServiceAccount token.
 * The kubelet mints the tokens, the API asks the apiserver (TokenReview, SubjectAccessReview through
 * the ClusterRoleBinding the operator made for it): the ServiceAccount bound to the catalog reader
 * ClusterRole by a RoleBinding gets 200 and the catalog, one without any RBAC gets 403 naming itself.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pollUntil } from '../../src/local/poll.ts';
import { GROUP, json, k, kOk } from './cluster.ts';

const AUTH_NS = 'e2e-api-auth';
const REG = 'guarded';

/**
 * Runs in the client Pods: one GET with the projected token; the status and body become the container's
 * termination message, read from the Pod's status (`kubectl logs` would need the apiserver to reach the
 * kubelet by the node's name, which this host's DNS does not always resolve).
 */
const CLIENT = `
const fs = require('node:fs');
const token = fs.readFileSync('/var/run/secrets/e2e/token', 'utf8');
fetch(process.env.API_URL, { headers: { authorization: 'Bearer ' + token } })
  .then(async (r) => {
    const body = await r.json();
    // A termination message holds at most 4 KiB: the count of a list, a refusal whole.
    return JSON.stringify({ status: r.status, ...(Array.isArray(body.servers) ? { servers: body.servers.length } : { body }) });
  })
  .catch((e) => { process.exitCode = 1; return JSON.stringify({ error: String(e) }); })
  .then((line) => fs.writeFileSync('/dev/termination-log', line));
`;

function clientPod(name: string, serviceAccount: string, image: string, url: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: AUTH_NS },
    spec: {
      serviceAccountName: serviceAccount,
      // Only the token below: not the default kube-api-access volume.
      automountServiceAccountToken: false,
      restartPolicy: 'Never',
      containers: [
        {
          name: 'client',
          image,
          imagePullPolicy: 'Never',
          args: ['-e', CLIENT],
          terminationMessagePath: '/dev/termination-log',
          env: [{ name: 'API_URL', value: url }],
          volumeMounts: [{ name: 'token', mountPath: '/var/run/secrets/e2e', readOnly: true }],
        },
      ],
      volumes: [
        {
          name: 'token',
          projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 600 } }] },
        },
      ],
    },
  });
}

interface ClientResult {
  status?: number;
  servers?: number;
  body?: { error?: string };
  error?: string;
}

interface PodStatus {
  phase?: string;
  containerStatuses?: { state?: { terminated?: { exitCode: number; message?: string } } }[];
}

/** The client's answer (its termination message), once the Pod has run to completion. */
async function resultOf(pod: string): Promise<ClientResult> {
  const status = await pollUntil(
    `Pod ${pod} to finish`,
    () => {
      const s = json<{ status: PodStatus }>(['get', 'pod', pod, '-n', AUTH_NS]).status;
      return s.phase === 'Succeeded' || s.phase === 'Failed' ? s : undefined;
    },
    180_000,
    1000,
  );
  const terminated = status.containerStatuses?.[0]?.state?.terminated;
  assert.equal(status.phase, 'Succeeded', `${pod}: ${JSON.stringify(terminated)}`);
  return JSON.parse(terminated?.message ?? '') as ClientResult;
}

export async function kubernetesAuthFromPods(root: string, image: string): Promise<void> {
  try {
    await readersThroughTheService(root, image);
  } finally {
    // The registry's finalizer needs the operator, which `kubectl delete -k` removes next.
    k(['delete', 'namespace', AUTH_NS, '--ignore-not-found', '--wait=true', '--timeout=180s']);
  }
}

async function readersThroughTheService(root: string, image: string): Promise<void> {
  const doc = JSON.parse(readFileSync(join(root, 'samples/registry.json'), 'utf8')) as {
    servers: Record<string, unknown>;
    remote_servers?: Record<string, unknown>;
  };
  const total = Object.keys(doc.servers).length + Object.keys(doc.remote_servers ?? {}).length;
  kOk(['create', 'namespace', AUTH_NS]);
  kOk([
    'create',
    'configmap',
    'toolhive-catalog',
    '-n',
    AUTH_NS,
    `--from-file=${join(root, 'samples/registry.json')}`,
  ]);
  kOk(['create', 'serviceaccount', 'reader', '-n', AUTH_NS]);
  kOk(['create', 'serviceaccount', 'stranger', '-n', AUTH_NS]);
  kOk([
    'create',
    'rolebinding',
    'catalog-readers',
    '-n',
    AUTH_NS,
    '--clusterrole=mcp-registry-operator-catalog-reader',
    `--serviceaccount=${AUTH_NS}:reader`,
  ]);
  kOk(
    ['create', '-f', '-'],
    JSON.stringify({
      apiVersion: `${GROUP}/v1beta1`,
      kind: 'MCPRegistry',
      metadata: { name: REG, namespace: AUTH_NS },
      spec: {
        sources: [{ name: 'c', type: 'configmap', configMapRef: { name: 'toolhive-catalog' } }],
        api: { auth: { mode: 'kubernetes' } },
      },
    }),
  );
  await pollUntil(
    `${REG} Ready with its API ready`,
    () => {
      const s = json<{ status?: { phase?: string; conditions?: { type: string; status: string }[] } }>([
        'get',
        `mcpregistries.v1beta1.${GROUP}/${REG}`,
        '-n',
        AUTH_NS,
      ]).status;
      return s?.phase === 'Ready' && s.conditions?.some((c) => c.type === 'APIReady' && c.status === 'True');
    },
    300_000,
    2000,
  ).catch((e: unknown) => {
    throw new Error(`${(e as Error).message}\n${k(['describe', 'pods', '-n', AUTH_NS]).stdout.slice(-3000)}`);
  });
  const svc = json<{ spec: { clusterIP: string; ports: { port: number }[] } }>([
    'get',
    'svc',
    `${REG}-api`,
    '-n',
    AUTH_NS,
  ]);
  // The node runs no cluster DNS: the Pods reach the Service by its ClusterIP (kube-proxy's rules).
  const url = `http://${svc.spec.clusterIP}:${svc.spec.ports[0]!.port}/v0.1/servers?limit=100`;
  kOk(['create', '-f', '-'], clientPod('reader', 'reader', image, url));
  kOk(['create', '-f', '-'], clientPod('stranger', 'stranger', image, url));

  assert.deepEqual(await resultOf('reader'), { status: 200, servers: total });

  const denied = await resultOf('stranger');
  assert.deepEqual(denied, {
    status: 403,
    body: {
      error: `Forbidden: system:serviceaccount:${AUTH_NS}:stranger may not get mcpregistries/catalog "${REG}" in namespace "${AUTH_NS}"`,
    },
  });
}
