/**
 * Self-signed mode against the real apiserver. The injection targets are this file's own webhook
 * configurations and CRD (a throwaway group), never the shared stack's.
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOperatorConfig } from '../../../src/config/operator-config.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createCA, inspectCert, issueCert } from '../../../src/pki/pki.ts';
import { caBundleOf, startSelfSigned, type SelfSignedOptions } from '../../../src/webhook/self-signed.ts';
import { client, createNamespace, kubeconfigPath } from '../../support/cluster.ts';

let ns: string;
let opts: SelfSignedOptions;
const log = createLogger('silent');
const DAY = 86_400_000;
const ADM = 'admissionregistration.k8s.io';
const stops: (() => void)[] = [];

function webhookConfig(kind: string, name: string) {
  return {
    apiVersion: `${ADM}/v1`,
    kind,
    metadata: { name },
    webhooks: ['a', 'b'].map((w) => ({
      name: `${w}.${name}.example.com`,
      admissionReviewVersions: ['v1'],
      sideEffects: 'None',
      failurePolicy: 'Ignore',
      clientConfig: { service: { name: 'svc', namespace: ns, path: '/x', port: 443 } },
      rules: [
        {
          apiGroups: [`${ns}.example.com`],
          apiVersions: ['*'],
          operations: ['CREATE'],
          resources: ['widgets'],
        },
      ],
      // Matches no namespace: these registrations exist only to receive a caBundle.
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': `none-${ns}` } },
    })),
  };
}

const group = () => `${ns}.example.com`;
const version = (name: string, storage: boolean) => ({
  name,
  served: true,
  storage,
  schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
});

before(async () => {
  ns = await createNamespace('selfsigned');
  const c = client();
  await c.create(
    { group: ADM, version: 'v1', plural: 'mutatingwebhookconfigurations' },
    webhookConfig('MutatingWebhookConfiguration', `m-${ns}`),
  );
  await c.create(
    { group: ADM, version: 'v1', plural: 'validatingwebhookconfigurations' },
    webhookConfig('ValidatingWebhookConfiguration', `v-${ns}`),
  );
  await c.create(
    { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' },
    {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `widgets.${group()}` },
      spec: {
        group: group(),
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [version('v1', true), version('v2', false)],
        conversion: {
          strategy: 'Webhook',
          webhook: {
            conversionReviewVersions: ['v1'],
            clientConfig: { service: { name: 'svc', namespace: ns, path: '/convert', port: 443 } },
          },
        },
      },
    },
  );
  opts = {
    namespace: ns,
    secretName: 'mcp-registry-operator-webhook-tls',
    serviceName: 'mcp-registry-operator-webhook',
    certDir: mkdtempSync(join(tmpdir(), 'mcpr-selfsigned-')),
    mutatingWebhookConfiguration: `m-${ns}`,
    validatingWebhookConfiguration: `v-${ns}`,
    crdName: `widgets.${group()}`,
  };
});

after(async () => {
  for (const s of stops) s();
  const c = client();
  await c.delete({ group: ADM, version: 'v1', plural: 'mutatingwebhookconfigurations', name: `m-${ns}` });
  await c.delete({ group: ADM, version: 'v1', plural: 'validatingwebhookconfigurations', name: `v-${ns}` });
  await c.delete({
    group: 'apiextensions.k8s.io',
    version: 'v1',
    plural: 'customresourcedefinitions',
    name: `widgets.${group()}`,
  });
});

async function start(o: SelfSignedOptions = opts) {
  const config = parseOperatorConfig([`--kubeconfig=${kubeconfigPath()}`], {});
  const s = await startSelfSigned(config, log, o, 3_600_000);
  stops.push(() => s.stop());
  return s;
}

interface Secret {
  metadata: { resourceVersion: string };
  data: Record<string, string>;
}
const secret = () =>
  client().get<Secret>({ group: '', version: 'v1', plural: 'secrets', namespace: ns, name: opts.secretName });
const pem = (s: Secret, k: string) => Buffer.from(s.data[k] ?? '', 'base64').toString();

async function bundles(): Promise<string[]> {
  const c = client();
  const out: string[] = [];
  for (const [plural, name] of [
    ['mutatingwebhookconfigurations', `m-${ns}`],
    ['validatingwebhookconfigurations', `v-${ns}`],
  ] as const) {
    const cfg = await c.get<{ webhooks: { clientConfig: { caBundle?: string } }[] }>({
      group: ADM,
      version: 'v1',
      plural,
      name,
    });
    out.push(...cfg.webhooks.map((w) => w.clientConfig.caBundle ?? ''));
  }
  const crd = await c.get<{ spec: { conversion: { webhook: { clientConfig: { caBundle?: string } } } } }>({
    group: 'apiextensions.k8s.io',
    version: 'v1',
    plural: 'customresourcedefinitions',
    name: `widgets.${group()}`,
  });
  out.push(crd.spec.conversion.webhook.clientConfig.caBundle ?? '');
  return out;
}

test('first start: a CA and serving cert in the Secret, written to the cert dir, caBundle injected everywhere', async () => {
  const s = await start();
  const sec = await secret();
  const ca = new X509Certificate(pem(sec, 'ca.crt'));
  const leaf = new X509Certificate(pem(sec, 'tls.crt'));
  assert.ok(leaf.checkIssued(ca) && leaf.verify(ca.publicKey), 'the leaf is signed by the CA');
  assert.deepEqual(inspectCert(pem(sec, 'tls.crt')).dnsNames, [
    'mcp-registry-operator-webhook',
    `mcp-registry-operator-webhook.${ns}`,
    `mcp-registry-operator-webhook.${ns}.svc`,
    `mcp-registry-operator-webhook.${ns}.svc.cluster.local`,
  ]);
  assert.equal(readFileSync(join(opts.certDir, 'tls.crt'), 'utf8'), pem(sec, 'tls.crt'));
  assert.equal(readFileSync(join(opts.certDir, 'tls.key'), 'utf8'), pem(sec, 'tls.key'));
  const want = Buffer.from(pem(sec, 'ca.crt')).toString('base64');
  assert.deepEqual(await bundles(), [want, want, want, want, want]);
  // A second round with nothing to do changes nothing.
  const rv = sec.metadata.resourceVersion;
  await s.round();
  assert.equal((await secret()).metadata.resourceVersion, rv);
});

test('a second replica adopts the stored certificates instead of minting its own', async () => {
  const other = { ...opts, certDir: mkdtempSync(join(tmpdir(), 'mcpr-selfsigned-b-')) };
  await start(other);
  assert.equal(
    readFileSync(join(other.certDir, 'tls.crt'), 'utf8'),
    readFileSync(join(opts.certDir, 'tls.crt'), 'utf8'),
  );
});

test('a serving certificate close to expiry is renewed under the same CA', async () => {
  const sec = await secret();
  const ca = { certPem: pem(sec, 'ca.crt'), keyPem: pem(sec, 'ca.key') };
  const short = await issueCert(ca, {
    commonName: 'x',
    dnsNames: ['mcp-registry-operator-webhook'],
    usage: 'server',
    validDays: 1,
  });
  await client().replace(
    { group: '', version: 'v1', plural: 'secrets', namespace: ns, name: opts.secretName },
    {
      ...sec,
      data: {
        ...sec.data,
        'tls.crt': Buffer.from(short.certPem).toString('base64'),
        'tls.key': Buffer.from(short.keyPem).toString('base64'),
      },
    },
  );
  const s = await start();
  const m = await s.round();
  assert.equal(m.ca.certPem, ca.certPem, 'same CA');
  assert.ok(inspectCert(m.serving.certPem).notAfter.getTime() - Date.now() > 80 * DAY);
  assert.equal(pem(await secret(), 'tls.crt'), m.serving.certPem);
  assert.equal(readFileSync(join(opts.certDir, 'tls.crt'), 'utf8'), m.serving.certPem);
});

test('a CA close to expiry is replaced; the old CA stays in the caBundle during the switch; a reset caBundle is re-injected', async () => {
  const sec = await secret();
  const oldCa = await createCA('old', 10);
  const leaf = await issueCert(oldCa, {
    commonName: 'x',
    dnsNames: ['mcp-registry-operator-webhook'],
    usage: 'server',
    validDays: 9,
  });
  await client().replace(
    { group: '', version: 'v1', plural: 'secrets', namespace: ns, name: opts.secretName },
    {
      ...sec,
      data: {
        'ca.crt': Buffer.from(oldCa.certPem).toString('base64'),
        'ca.key': Buffer.from(oldCa.keyPem).toString('base64'),
        'tls.crt': Buffer.from(leaf.certPem).toString('base64'),
        'tls.key': Buffer.from(leaf.keyPem).toString('base64'),
      },
    },
  );
  const s = await start();
  const m = await s.round();
  assert.notEqual(m.ca.certPem, oldCa.certPem);
  assert.equal(m.previousCaPem, oldCa.certPem);
  const want = caBundleOf(m);
  assert.equal(Buffer.from(want, 'base64').toString(), m.ca.certPem + oldCa.certPem);
  assert.deepEqual(await bundles(), [want, want, want, want, want]);

  await client().patch(
    { group: ADM, version: 'v1', plural: 'validatingwebhookconfigurations', name: `v-${ns}` },
    'json',
    [{ op: 'remove', path: '/webhooks/0/clientConfig/caBundle' }],
  );
  await s.round();
  assert.deepEqual(await bundles(), [want, want, want, want, want]);
});
