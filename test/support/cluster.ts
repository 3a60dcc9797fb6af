/**
 * Helpers for tests against the real control plane started by global-setup.ts: the machine's
 * kubectl, our client, unique namespaces, and CRD installation with readiness checks.
 */
import { randomBytes } from 'node:crypto';
import { KubeClient } from '../../src/kube/client.ts';
import type { ConversionTarget } from '../../src/api/crd.ts';
import { installCrd as installCrdWith } from '../../src/local/crd-install.ts';
import { pollUntil } from '../../src/local/poll.ts';
import { kubectlAt, type KubectlResult } from './kubectl.ts';

export function kubeconfigPath(): string {
  const p = process.env.MCPR_TEST_KUBECONFIG;
  if (!p)
    throw new Error(
      'MCPR_TEST_KUBECONFIG is not set: run integration tests through `npm test` (global setup)',
    );
  return p;
}

let shared: KubeClient | undefined;
export function client(): KubeClient {
  shared ??= KubeClient.load({ kubeconfig: kubeconfigPath() });
  return shared;
}

export type { KubectlResult } from './kubectl.ts';

/** Runs the machine's kubectl against the test cluster. Never throws; assert on the result. */
export function kubectl(args: string[], input?: string | object): KubectlResult {
  return kubectlAt(kubeconfigPath(), args, { input });
}

export function kubectlOk(args: string[], input?: string | object): string {
  const r = kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** The Events of a namespace that match a field selector, printed with a kubectl jsonpath template. */
/** An RBAC rule, as a Role lists it. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/**
 * What the controller needs in a namespace to sync ConfigMap registries (the operator's Role, less
 * its API workload): registries and their status/finalizers, ConfigMaps, Events, and the registry
 * APIs' addresses its workers wait for (SPEC §18). Tests that withhold one more permission add to it.
 */
export const CONFIGMAP_REGISTRY_RULES: PolicyRule[] = [
  {
    apiGroups: ['toolhive.stacklok.io'],
    resources: ['mcpregistries'],
    verbs: ['get', 'list', 'watch', 'update', 'patch'],
  },
  {
    apiGroups: ['toolhive.stacklok.io'],
    resources: ['mcpregistries/status'],
    verbs: ['get', 'update', 'patch'],
  },
  { apiGroups: ['toolhive.stacklok.io'], resources: ['mcpregistries/finalizers'], verbs: ['update'] },
  {
    apiGroups: [''],
    resources: ['configmaps'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
  { apiGroups: [''], resources: ['events'], verbs: ['get', 'create', 'update', 'patch'] },
  { apiGroups: [''], resources: ['services'], verbs: ['list', 'watch'] },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
];

/**
 * A Role named after `user` in `namespace` with exactly `rules`, bound to that user (for requests made
 * with `--as`): the tenants of the hostile-tenant tests.
 */
export function grantUser(namespace: string, user: string, rules: PolicyRule[]): void {
  kubectlOk(['apply', '-f', '-'], {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: user, namespace },
        rules,
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: user, namespace },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: user },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
      },
    ],
  });
}

export function eventsText(namespace: string, fieldSelector: string, jsonpath: string): string {
  return kubectlOk([
    'get',
    'events',
    '-n',
    namespace,
    '--field-selector',
    fieldSelector,
    '-o',
    `jsonpath=${jsonpath}`,
  ]);
}

/** Replaces a storage ConfigMap's catalog by hand, as someone editing it outside the controller would. */
export function tamperStorage(namespace: string, configMap: string): void {
  kubectlOk([
    'patch',
    'configmap',
    configMap,
    '-n',
    namespace,
    '--type',
    'merge',
    '-p',
    JSON.stringify({ data: { 'registry.json': '{"version":"1.0.0","servers":{"evil":{"image":"x"}}}' } }),
  ]);
}

export async function createNamespace(prefix = 'test'): Promise<string> {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  await client().create({ group: '', version: 'v1', plural: 'namespaces' }, { metadata: { name } });
  return name;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function eventually<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  return pollUntil(what, fn, timeoutMs);
}

/** Installs (or updates) our CRD in the test cluster and waits until both versions are served. */
export async function installCrd(
  conversion: ConversionTarget,
  servedVersions?: readonly string[],
): Promise<void> {
  await installCrdWith(client(), conversion, { servedVersions });
}
