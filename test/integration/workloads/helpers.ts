/**
 * Workload test setup on the real apiserver: a namespace with MCPRegistries whose catalogs are stored
 * by the product's own storage writer (what the controller writes after a sync; the test stack runs
 * without the controller), and kubectl to apply workloads as a user would.
 */
import { client, createNamespace, kubectl, kubectlOk } from '../../support/cluster.ts';
import { parseRegistryDocument, serializeForStorage } from '../../../src/registry/index.ts';
import { writeStorage } from '../../../src/storage/configmaps.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { applyObject, webhookConfigsForUrl } from '../../../src/local/stack.ts';
import { TOOLHIVE_DOC, UPSTREAM_DOC } from '../../unit/admission/workloads/catalogs.ts';

export { TOOLHIVE_DOC, UPSTREAM_DOC };

/** An MCPRegistry (v1alpha1, ConfigMap source) and, unless `stored` is false, its stored catalog. */
export async function registryWith(
  namespace: string,
  name: string,
  doc: unknown,
  opts: { stored?: boolean; enforceServers?: boolean } = {},
): Promise<void> {
  kubectlOk(['apply', '-n', namespace, '-f', '-'], {
    apiVersion: 'toolhive.stacklok.io/v1alpha1',
    kind: 'MCPRegistry',
    metadata: { name },
    spec: {
      source: { type: 'configmap', configmap: { name: `${name}-src` } },
      ...(opts.enforceServers !== undefined && { enforceServers: opts.enforceServers }),
    },
  });
  if (opts.stored === false) return;
  const reg = await client().get<{ metadata: { uid: string } }>({ ...REGISTRIES, namespace, name });
  const catalog = parseRegistryDocument(JSON.stringify(doc), 'auto').catalog;
  await writeStorage(client(), { namespace, name, uid: reg.metadata.uid }, serializeForStorage(catalog));
}

export async function workloadNamespace(labels: Record<string, string> = {}): Promise<string> {
  const ns = await createNamespace('wl');
  if (Object.keys(labels).length > 0)
    kubectlOk(['label', 'namespace', ns, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)]);
  return ns;
}

export function annotations(registry: string, server: string, version?: string): Record<string, string> {
  return {
    'toolhive.stacklok.io/registry': registry,
    'toolhive.stacklok.io/server': server,
    ...(version && { 'toolhive.stacklok.io/server-version': version }),
  };
}

export function apply(namespace: string, obj: object) {
  return kubectl(['apply', '-n', namespace, '-f', '-'], obj);
}

export function getSpec(namespace: string, plural: string, name: string) {
  return JSON.parse(
    kubectlOk(['get', plural + '.toolhive.stacklok.dev', name, '-n', namespace, '-o', 'json']),
  ) as {
    spec: Record<string, unknown>;
    metadata: { annotations: Record<string, string> };
  };
}

/**
 * The workload webhook registrations of webhooks/, renamed and pointed at a test's own operator, only
 * for namespaces labelled `workload-test=<id>` (the shared stack's own registrations still apply).
 * Returns a function that deletes them.
 */
export async function registerOwnWorkloadWebhooks(
  op: { webhookUrl: string; caBundle: string },
  id: string,
): Promise<() => Promise<void>> {
  const created: { plural: string; name: string }[] = [];
  for (const cfg of webhookConfigsForUrl(op.webhookUrl, op.caBundle)) {
    const c = cfg as unknown as {
      kind: string;
      metadata: { name: string };
      webhooks: { name: string; namespaceSelector: { matchExpressions: object[] } }[];
    };
    c.webhooks = c.webhooks.filter((w) => w.name.includes('workload'));
    for (const w of c.webhooks)
      w.namespaceSelector.matchExpressions.push({ key: 'workload-test', operator: 'In', values: [id] });
    const mutating = c.kind === 'MutatingWebhookConfiguration';
    c.metadata.name = `workload-test-${id}-${mutating ? 'm' : 'v'}`;
    const plural = mutating ? 'mutatingwebhookconfigurations' : 'validatingwebhookconfigurations';
    created.push({ plural, name: c.metadata.name });
    await applyObject(
      client(),
      'admissionregistration.k8s.io',
      'v1',
      plural,
      c as unknown as { metadata: { name: string } },
    );
  }
  return async () => {
    for (const n of created)
      await client().deleteIfExists({
        group: 'admissionregistration.k8s.io',
        version: 'v1',
        plural: n.plural,
        name: n.name,
      });
  };
}
