/**
 * A Helm post-renderer (`helm install --post-renderer`) for the upgrade test: the chart's webhook
 * registrations and the CRD's conversion webhook call the operator through its Service, which only
 * Pods on a node could back; this points them at an operator process on loopback instead
 * (clientConfig.url + caBundle), as the local stack registers them. Everything else the chart renders
 * passes through unchanged. Usage: node url-webhooks.ts <https://127.0.0.1:port> <ca.pem file>
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments, stringify } from 'yaml';

type ClientConfig = { service?: { path?: string }; url?: string; caBundle?: string };
type Obj = {
  kind?: string;
  webhooks?: { clientConfig: ClientConfig }[];
  spec?: { conversion?: { webhook?: { clientConfig: ClientConfig } } };
};

const [base, caFile] = process.argv.slice(2);
if (!base || !caFile) throw new Error('usage: url-webhooks.ts <base URL> <CA PEM file>');
const caBundle = Buffer.from(readFileSync(caFile)).toString('base64');
const toUrl = (c: ClientConfig): ClientConfig => ({ url: base + (c.service?.path ?? '/'), caBundle });

const input = readFileSync(0, 'utf8');
const out = parseAllDocuments(input)
  .map((d) => d.toJS() as Obj | null)
  .filter((o): o is Obj => o !== null)
  .map((o) => {
    if (o.kind === 'MutatingWebhookConfiguration' || o.kind === 'ValidatingWebhookConfiguration')
      for (const w of o.webhooks ?? []) w.clientConfig = toUrl(w.clientConfig);
    const conv = o.kind === 'CustomResourceDefinition' ? o.spec?.conversion?.webhook : undefined;
    if (conv) conv.clientConfig = toUrl({ service: { path: '/convert' } });
    return stringify(o, { lineWidth: 0 });
  });
process.stdout.write(out.join('---\n'));
