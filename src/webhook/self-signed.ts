/**
 * Self-signed mode (no cert-manager): the operator keeps a CA and a serving certificate in a Secret in
 * its namespace, writes the pair to the cert dir the server reloads from, and injects the CA into both
 * webhook configurations and the CRD's conversion webhook. Every replica runs this; the Secret is the
 * single source of truth, so replicas agree (a replica that loses a create/update race adopts the
 * winner's certificates). Certificates are renewed well before they expire.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { CRD_NAME } from '../api/constants.ts';
import type { OperatorConfig } from '../config/operator-config.ts';
import { isStatus, KubeClient } from '../kube/client.ts';
import { createCA, inspectCert, issueCert, type KeyPairPem } from '../pki/pki.ts';

const DAY = 24 * 60 * 60 * 1000;

export interface SelfSignedOptions {
  namespace: string;
  secretName: string;
  serviceName: string;
  certDir: string;
  mutatingWebhookConfiguration?: string;
  validatingWebhookConfiguration?: string;
  /** CRD whose conversion webhook gets the caBundle; undefined = none. */
  crdName?: string;
  caValidDays?: number;
  certValidDays?: number;
  /** Renew the serving certificate when less than this is left (and the CA at twice this). */
  renewBeforeDays?: number;
}

export const SELF_SIGNED_DEFAULTS = {
  secretName: 'mcp-registry-operator-webhook-tls',
  mutatingWebhookConfiguration: 'mcp-registry-operator-mutating',
  validatingWebhookConfiguration: 'mcp-registry-operator-validating',
  caValidDays: 365,
  certValidDays: 90,
  renewBeforeDays: 30,
};

interface Secret {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  type?: string;
  data?: Record<string, string>;
}

export interface Material {
  ca: KeyPairPem;
  serving: KeyPairPem;
  /** The previous CA, still trusted while replicas switch over after a CA rotation. */
  previousCaPem?: string;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string | undefined) => (s ? Buffer.from(s, 'base64').toString('utf8') : '');

export function dnsNames(service: string, namespace: string): string[] {
  return [
    service,
    `${service}.${namespace}`,
    `${service}.${namespace}.svc`,
    `${service}.${namespace}.svc.cluster.local`,
  ];
}

/** Why the stored material must be replaced, or undefined when it is good for now. */
export function needsRenewal(
  m: Material | undefined,
  opts: SelfSignedOptions,
  now = Date.now(),
): string | undefined {
  if (!m || !m.ca.certPem || !m.ca.keyPem || !m.serving.certPem || !m.serving.keyPem)
    return 'no certificates yet';
  const renewBefore = (opts.renewBeforeDays ?? SELF_SIGNED_DEFAULTS.renewBeforeDays) * DAY;
  try {
    const ca = inspectCert(m.ca.certPem);
    const leaf = inspectCert(m.serving.certPem);
    if (ca.notAfter.getTime() - now < 2 * renewBefore) return `the CA expires ${ca.notAfter.toISOString()}`;
    if (leaf.notAfter.getTime() - now < renewBefore)
      return `the serving certificate expires ${leaf.notAfter.toISOString()}`;
    const want = dnsNames(opts.serviceName, opts.namespace);
    if (want.some((n) => !leaf.dnsNames.includes(n)))
      return 'the serving certificate does not name the Service';
  } catch (e) {
    return `unreadable certificates: ${(e as Error).message}`;
  }
  return undefined;
}

async function renew(old: Material | undefined, opts: SelfSignedOptions, now: number): Promise<Material> {
  const renewBefore = (opts.renewBeforeDays ?? SELF_SIGNED_DEFAULTS.renewBeforeDays) * DAY;
  let ca = old?.ca;
  let previousCaPem = old?.previousCaPem;
  let caUsable = false;
  try {
    caUsable = !!ca && inspectCert(ca.certPem).notAfter.getTime() - now >= 2 * renewBefore;
  } catch {
    caUsable = false;
  }
  if (!caUsable || !ca) {
    previousCaPem = old?.ca.certPem || undefined;
    ca = await createCA(`${opts.serviceName}-ca`, opts.caValidDays ?? SELF_SIGNED_DEFAULTS.caValidDays);
  }
  const serving = await issueCert(ca, {
    commonName: `${opts.serviceName}.${opts.namespace}.svc`,
    dnsNames: dnsNames(opts.serviceName, opts.namespace),
    usage: 'server',
    validDays: opts.certValidDays ?? SELF_SIGNED_DEFAULTS.certValidDays,
  });
  return { ca, serving, ...(previousCaPem ? { previousCaPem } : {}) };
}

function fromSecret(s: Secret | undefined): Material | undefined {
  if (!s?.data) return undefined;
  const prev = unb64(s.data['ca.previous.crt']);
  return {
    ca: { certPem: unb64(s.data['ca.crt']), keyPem: unb64(s.data['ca.key']) },
    serving: { certPem: unb64(s.data['tls.crt']), keyPem: unb64(s.data['tls.key']) },
    ...(prev ? { previousCaPem: prev } : {}),
  };
}

function toSecretData(m: Material): Record<string, string> {
  return {
    'ca.crt': b64(m.ca.certPem),
    'ca.key': b64(m.ca.keyPem),
    'tls.crt': b64(m.serving.certPem),
    'tls.key': b64(m.serving.keyPem),
    ...(m.previousCaPem ? { 'ca.previous.crt': b64(m.previousCaPem) } : {}),
  };
}

/** The caBundle to inject: the current CA, plus the previous one right after a CA rotation. */
export function caBundleOf(m: Material): string {
  return b64(m.ca.certPem + (m.previousCaPem ? m.previousCaPem : ''));
}

/** Reads the Secret, renews what must be renewed (create/update guarded by resourceVersion), returns the winner. */
export async function ensureMaterial(
  client: KubeClient,
  opts: SelfSignedOptions,
  log: Logger,
  now = Date.now(),
): Promise<Material> {
  const ref = {
    group: '',
    version: 'v1',
    plural: 'secrets',
    namespace: opts.namespace,
    name: opts.secretName,
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    const secret = await client.find<Secret>(ref);
    const current = fromSecret(secret);
    const why = needsRenewal(current, opts, now);
    if (!why) return current!;
    log.info({ reason: why, secret: `${opts.namespace}/${opts.secretName}` }, 'issuing webhook certificates');
    const next = await renew(current, opts, now);
    const body: Secret = {
      metadata: {
        name: opts.secretName,
        namespace: opts.namespace,
        ...(secret?.metadata.resourceVersion ? { resourceVersion: secret.metadata.resourceVersion } : {}),
      },
      type: 'kubernetes.io/tls',
      data: toSecretData(next),
    };
    try {
      if (secret) await client.replace(ref, { apiVersion: 'v1', kind: 'Secret', ...body });
      else await client.create(ref, { apiVersion: 'v1', kind: 'Secret', ...body });
      return next;
    } catch (e) {
      // Another replica wrote first: read again and use (or renew) what it wrote.
      if (!isStatus(e, 409)) throw e;
    }
  }
  throw new Error(`could not settle the webhook certificates in Secret ${opts.namespace}/${opts.secretName}`);
}

/** Writes the serving pair like a mounted Secret changes: each file replaced atomically. */
export function writeCertDir(dir: string, m: Material): void {
  mkdirSync(dir, { recursive: true });
  const put = (name: string, content: string) => {
    const tmp = join(dir, `.${name}.tmp`);
    writeFileSync(tmp, content, { mode: 0o600 });
    renameSync(tmp, join(dir, name));
  };
  put('ca.crt', m.ca.certPem);
  put('tls.key', m.serving.keyPem);
  put('tls.crt', m.serving.certPem);
}

interface WebhookConfig {
  webhooks?: { clientConfig?: { caBundle?: string } }[];
}
interface Crd {
  spec?: { conversion?: { strategy?: string; webhook?: { clientConfig?: { caBundle?: string } } } };
}

/** Sets caBundle on every webhook of both configurations and on the CRD's conversion webhook. Missing targets are reported, not fatal. */
export async function injectCaBundle(
  client: KubeClient,
  opts: SelfSignedOptions,
  caBundle: string,
  log: Logger,
): Promise<string[]> {
  const missing: string[] = [];
  const configs: [string, string | undefined][] = [
    ['mutatingwebhookconfigurations', opts.mutatingWebhookConfiguration],
    ['validatingwebhookconfigurations', opts.validatingWebhookConfiguration],
  ];
  for (const [plural, name] of configs) {
    if (!name) continue;
    const ref = { group: 'admissionregistration.k8s.io', version: 'v1', plural, name };
    try {
      const cfg = await client.get<WebhookConfig>(ref);
      const ops = (cfg.webhooks ?? []).flatMap((w, i) =>
        w.clientConfig?.caBundle === caBundle
          ? []
          : [{ op: 'add', path: `/webhooks/${i}/clientConfig/caBundle`, value: caBundle }],
      );
      if (ops.length) await client.patch(ref, 'json', ops);
    } catch (e) {
      if (!isStatus(e, 404)) throw e;
      missing.push(`${plural}/${name}`);
    }
  }
  if (opts.crdName) {
    const ref = {
      group: 'apiextensions.k8s.io',
      version: 'v1',
      plural: 'customresourcedefinitions',
      name: opts.crdName,
    };
    try {
      const crd = await client.get<Crd>(ref);
      const conv = crd.spec?.conversion;
      if (conv?.strategy === 'Webhook' && conv.webhook?.clientConfig?.caBundle !== caBundle)
        await client.patch(ref, 'json', [
          { op: 'add', path: '/spec/conversion/webhook/clientConfig/caBundle', value: caBundle },
        ]);
    } catch (e) {
      if (!isStatus(e, 404)) throw e;
      missing.push(`customresourcedefinitions/${opts.crdName}`);
    }
  }
  if (missing.length) log.warn({ missing }, 'caBundle not injected: objects not found (will retry)');
  return missing;
}

export function selfSignedOptions(config: OperatorConfig): SelfSignedOptions {
  return {
    namespace: config.namespace,
    serviceName: config.webhookServiceName,
    certDir: config.certDir,
    secretName: SELF_SIGNED_DEFAULTS.secretName,
    mutatingWebhookConfiguration: SELF_SIGNED_DEFAULTS.mutatingWebhookConfiguration,
    validatingWebhookConfiguration: SELF_SIGNED_DEFAULTS.validatingWebhookConfiguration,
    crdName: CRD_NAME,
  };
}

/**
 * Runs one round (Secret → cert dir → caBundle) before the server starts, then again every
 * `intervalMs`, which also picks up another replica's renewal and re-injects a caBundle that someone
 * (a `kubectl apply` of the manifests) reset.
 */
export async function startSelfSigned(
  config: OperatorConfig,
  log: Logger,
  opts: SelfSignedOptions = selfSignedOptions(config),
  intervalMs = 60_000,
): Promise<{ stop(): void; round(): Promise<Material> }> {
  const client = KubeClient.load({ kubeconfig: config.kubeconfig });
  const round = async (): Promise<Material> => {
    const m = await ensureMaterial(client, opts, log);
    writeCertDir(opts.certDir, m);
    await injectCaBundle(client, opts, caBundleOf(m), log);
    return m;
  };
  await round();
  const timer = setInterval(() => {
    round().catch((e: Error) => log.error({ err: e.message }, 'self-signed certificate round failed'));
  }, intervalMs);
  timer.unref();
  return {
    round,
    stop() {
      clearInterval(timer);
      client.close();
    },
  };
}
