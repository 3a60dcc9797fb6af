/**
 * A test operator's webhook registrations (the same as webhooks/, by URL), renamed `<name>-<ns>` and
 * narrowed to one namespace: for the suites that run their own operator because a policy is
 * cluster-wide and the shared stack's webhooks watch every namespace.
 */
import type { KubeClient } from '../../src/kube/client.ts';
import { applyObject, webhookConfigsForUrl } from '../../src/local/stack.ts';

/** Registers them and returns a function that deletes them again. */
export async function registerWebhooksForNamespace(
  kube: KubeClient,
  op: { webhookUrl: string; caBundle: string },
  ns: string,
): Promise<() => Promise<void>> {
  const created: [plural: string, name: string][] = [];
  for (const cfg of webhookConfigsForUrl(op.webhookUrl, op.caBundle)) {
    const plural =
      cfg.kind === 'MutatingWebhookConfiguration'
        ? 'mutatingwebhookconfigurations'
        : 'validatingwebhookconfigurations';
    cfg.metadata.name = `${cfg.metadata.name}-${ns}`;
    for (const w of cfg.webhooks as Record<string, unknown>[])
      w.namespaceSelector = { matchLabels: { 'kubernetes.io/metadata.name': ns } };
    await applyObject(kube, 'admissionregistration.k8s.io', 'v1', plural, cfg);
    created.push([plural, cfg.metadata.name]);
  }
  return async () => {
    for (const [plural, name] of created)
      await kube.delete({ group: 'admissionregistration.k8s.io', version: 'v1', plural, name });
  };
}
