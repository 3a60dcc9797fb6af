/**
 * The product running locally against a real apiserver, the way a cluster runs it: the operator as
 * its own process (`src/bin/operator.ts`) serving HTTPS on loopback with a generated CA, the CRD with
 * its conversion webhook pointed at it, and both admission webhooks registered by URL from webhooks/.
 * Used by the integration test setup (test/support/stack.ts) and by `npm start`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { API_VERSION_V1BETA1, GROUP, PLURAL } from '../api/constants.ts';
import { KubeApiError, KubeClient } from '../kube/client.ts';
import { createCA, issueCert } from '../pki/pki.ts';
import { freePort } from './control-plane.ts';
import { installCrd } from './crd-install.ts';
import { pollUntil } from './poll.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const FIELD_MANAGER = 'mcp-registry-local-stack';

export interface LocalStackOptions {
  kubeconfigPath: string;
  /** Working directory: certs, the default policy file and the operator's log go here. */
  dir: string;
  /** Policy file for the operator; a default one (built-in values, documented) is written when absent. */
  policyFile?: string;
  enableController?: boolean;
  log?: (message: string) => void;
  /** Extra operator flags. */
  extraArgs?: string[];
}

/** `caBundle` is the base64 PEM of the CA that signed the webhook's serving certificate. */
export type LocalStack = OperatorProcess;

export const DEFAULT_POLICY_YAML = `# Platform policy for MCPRegistry admission (docs/policy.md). The built-in values, except that
# this local dev stack allows loopback destinations, so a server on this machine can be a source.
# The built-in policy (the shipped manifests' policy) refuses them (docs/security.md).
allowedSourceTypes: [configmap, url, git, registry, kubernetes]
allowedHosts: []
allowHTTP: false
allowFileGit: false
allowedCIDRs: [127.0.0.0/8, "::1/128"]
allowCrossNamespaceDiscovery: false
minSyncInterval: 30s
defaults:
  syncInterval: 1h
  syncRemoteSources: true
enforced:
  excludeNames: []
  excludeTags: []
`;

interface WebhookConfig {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  webhooks: { clientConfig: { service?: { path?: string }; url?: string; caBundle?: string } }[];
}

/** The webhook configurations from webhooks/, with clientConfig rewritten to `url` + caBundle. */
export function webhookConfigsForUrl(baseUrl: string, caBundle: string): WebhookConfig[] {
  return ['mutating.yaml', 'validating.yaml'].map((f) => {
    const doc = parseAllDocuments(
      readFileSync(join(ROOT, 'webhooks', f), 'utf8'),
    )[0]?.toJS() as WebhookConfig;
    delete doc.metadata.annotations?.['cert-manager.io/inject-ca-from'];
    for (const w of doc.webhooks)
      w.clientConfig = { url: baseUrl + (w.clientConfig.service?.path ?? '/'), caBundle };
    return doc;
  });
}

export async function applyObject(
  client: KubeClient,
  group: string,
  version: string,
  plural: string,
  obj: { metadata: { name: string } },
) {
  await client.patch({ group, version, plural, name: obj.metadata.name }, 'apply', obj, {
    fieldManager: FIELD_MANAGER,
    force: true,
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) return done();
    const kill = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      done();
    });
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      clearTimeout(kill);
      done();
    }
  });
}

export interface OperatorOptions {
  kubeconfigPath: string;
  dir: string;
  policyFile?: string;
  enableController?: boolean;
  extraArgs?: string[];
}

export interface OperatorProcess {
  webhookUrl: string;
  healthUrl: string;
  caBundle: string;
  caPem: string;
  certDir: string;
  policyFile: string;
  logFile: string;
  pid: number;
  stop(): Promise<void>;
}

/** One start of the operator process on fresh ports, until /readyz answers 200 or it exits. */
async function launch(opts: OperatorOptions, certDir: string, policyFile: string, logFile: string) {
  const port = await freePort();
  const healthPort = await freePort();
  const out = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'src/bin/operator.ts'),
      `--kubeconfig=${opts.kubeconfigPath}`,
      `--cert-dir=${certDir}`,
      '--webhook-host=127.0.0.1',
      `--webhook-port=${port}`,
      `--health-address=127.0.0.1:${healthPort}`,
      `--policy=${policyFile}`,
      `--enable-controller=${opts.enableController ? 'true' : 'false'}`,
      '--leader-elect=false',
      '--namespace=toolhive-system',
      '--drain-seconds=0',
      ...(opts.extraArgs ?? []),
    ],
    { detached: true, stdio: ['ignore', out, out], cwd: ROOT },
  );
  const healthUrl = `http://127.0.0.1:${healthPort}`;
  const exited = () =>
    new Error(`operator exited ${child.exitCode}:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
  try {
    await pollUntil(
      'the operator to become ready',
      async () => {
        if (child.exitCode !== null) throw exited();
        const r = await fetch(`${healthUrl}/readyz`);
        return r.ok ? true : undefined;
      },
      60_000,
    );
  } catch (e) {
    await stopChild(child);
    throw child.exitCode !== null ? exited() : e;
  }
  return { child, port, healthUrl };
}

/**
 * Starts `src/bin/operator.ts` as a child process in its own process group, serving HTTPS on a free
 * loopback port with a freshly generated CA, and waits until /readyz answers 200.
 */
export async function startOperator(opts: OperatorOptions): Promise<OperatorProcess> {
  const certDir = join(opts.dir, 'webhook-certs');
  mkdirSync(certDir, { recursive: true });
  const ca = await createCA('mcp-registry-local-webhook-ca', 30);
  const serving = await issueCert(ca, {
    commonName: '127.0.0.1',
    ipAddresses: ['127.0.0.1'],
    dnsNames: ['localhost'],
    usage: 'server',
    validDays: 30,
  });
  writeFileSync(join(certDir, 'ca.crt'), ca.certPem);
  writeFileSync(join(certDir, 'tls.crt'), serving.certPem);
  writeFileSync(join(certDir, 'tls.key'), serving.keyPem, { mode: 0o600 });
  const caBundle = Buffer.from(ca.certPem).toString('base64');

  const policyFile = opts.policyFile ?? join(opts.dir, 'policy', 'policy.yaml');
  if (!existsSync(policyFile)) {
    mkdirSync(resolve(policyFile, '..'), { recursive: true });
    writeFileSync(policyFile, DEFAULT_POLICY_YAML);
  }

  const logFile = join(opts.dir, 'operator.log');
  // freePort() only proposes a port: another process may bind it before the operator does (tests
  // start several operators at once). An operator that lost that race is started again on new ports.
  let started: Awaited<ReturnType<typeof launch>> | undefined;
  for (let attempt = 1; !started; attempt++) {
    const logStart = existsSync(logFile) ? statSync(logFile).size : 0;
    try {
      started = await launch(opts, certDir, policyFile, logFile);
    } catch (e) {
      const lost = readFileSync(logFile, 'utf8').slice(logStart).includes('EADDRINUSE');
      if (!lost || attempt >= 3) throw e;
    }
  }
  const { child, port, healthUrl } = started;
  return {
    webhookUrl: `https://127.0.0.1:${port}`,
    healthUrl,
    caBundle,
    caPem: ca.certPem,
    certDir,
    policyFile,
    logFile,
    pid: child.pid ?? -1,
    stop: () => stopChild(child),
  };
}

export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const log = opts.log ?? (() => {});
  const op = await startOperator(opts);
  log(`operator ready: webhooks at ${op.webhookUrl}, health at ${op.healthUrl}, log ${op.logFile}`);
  try {
    const client = KubeClient.load({ kubeconfig: opts.kubeconfigPath });
    try {
      await installCrd(client, { kind: 'url', url: `${op.webhookUrl}/convert`, caBundle: op.caBundle });
      for (const cfg of webhookConfigsForUrl(op.webhookUrl, op.caBundle)) {
        const plural =
          cfg.kind === 'MutatingWebhookConfiguration'
            ? 'mutatingwebhookconfigurations'
            : 'validatingwebhookconfigurations';
        await applyObject(client, 'admissionregistration.k8s.io', 'v1', plural, cfg);
      }
      await waitForAdmission(client);
    } finally {
      client.close();
    }
    log('CRD and webhooks registered; admission is live');
  } catch (e) {
    await op.stop();
    throw e;
  }
  return op;
}

/**
 * Webhook registration takes effect asynchronously in the apiserver. Poll with server-side dry runs
 * until a valid object comes back defaulted and an invalid one is refused by our validator.
 */
export async function waitForAdmission(client: KubeClient): Promise<void> {
  // v1beta1 is the storage version: the probe must not depend on the conversion webhook.
  const ref = { group: GROUP, version: 'v1beta1', plural: PLURAL, namespace: 'default' };
  const marker = (href: string) => ({
    apiVersion: API_VERSION_V1BETA1,
    kind: 'MCPRegistry',
    metadata: { name: 'admission-liveness-marker' },
    spec: { sources: [{ name: 'probe', type: 'url', url: { href } }] },
  });
  await pollUntil(
    'the admission webhooks to be live',
    async () => {
      const ok = await client.create<{ spec: { sources: { format?: string }[] } }>(
        ref,
        marker('https://example.com/r.json'),
        {
          dryRun: 'All',
        },
      );
      if (ok.body.spec.sources[0]?.format !== 'toolhive') return undefined;
      try {
        await client.create(ref, marker('http://example.com/r.json'), { dryRun: 'All' });
        return undefined;
      } catch (e) {
        return e instanceof KubeApiError && /denied the request/.test(e.message) ? true : undefined;
      }
    },
    60_000,
  );
}
