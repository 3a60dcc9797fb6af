/**
 * The CLI's view of the cluster: kubeconfig handling like kubectl (--kubeconfig, --context,
 * -n/--namespace, -A), the MCPRegistry resource paths, and the translation of failures into
 * messages that say what to do next.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeApiError, KubeClient, type ResourceRef } from '../kube/client.ts';
import { CRD_NAME, GROUP, PLURAL, V1BETA1 } from '../api/constants.ts';
import { withoutNodeHints } from '../api/node-hints.ts';
import { CliError, ServerError } from './errors.ts';

export interface GlobalOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
}

/** What a failed request was about, so the message can name it. */
export interface Target {
  namespace?: string;
  name?: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
]);

/**
 * `npm start` (a local cluster) exists only in a checkout of this project: a hint to run it is for
 * contributors, and confuses everyone who installed the package.
 */
export function inCheckout(dir = process.cwd()): boolean {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
    return pkg.name === 'mcp-registry-operator' && existsSync(join(dir, 'scripts/with-node.sh'));
  } catch {
    return false;
  }
}

export const NO_CLUSTER_HINT =
  'Check that the cluster is running and that thv points at it: --kubeconfig, then $KUBECONFIG, then ~/.kube/config are used, and --context picks a context (see `kubectl config get-contexts`).' +
  (inCheckout()
    ? ' For a local cluster from this checkout, run `npm start` and use the kubeconfig it prints.'
    : '');

export const NO_CRD_HINT = `Install the CRD and the operator first: with Helm (\`helm install mcp-registry-operator oci://REGISTRY/charts/mcp-registry-operator\`, docs/helm.md, which installs the CRD too) or with kustomize (\`kubectl apply -f crds/\` and \`kubectl apply -k manifests/overlays/self-signed\`, docs/install.md); \`kubectl get crd ${CRD_NAME}\` shows whether it is there.`;

/** The most common install-day error: our admission webhook did not answer (operator not running or not ready yet). */
export const WEBHOOK_HINT =
  'The operator’s admission webhook did not answer. Check that the operator runs and is ready (`kubectl get pods -n toolhive-system -l app.kubernetes.io/name=mcp-registry-operator`, or the namespace you installed it in) and that its webhook Service has endpoints; right after an install, wait for `kubectl rollout status deployment/mcp-registry-operator -n toolhive-system` and retry. A certificate error here means the webhook’s CA bundle is not injected yet (docs/troubleshooting.md).';

export class Cluster {
  readonly client: KubeClient;
  /** -n, else the namespace of the kubeconfig context, else `default`. */
  readonly namespace: string;
  readonly allNamespaces: boolean;

  private constructor(client: KubeClient, opts: GlobalOptions) {
    this.client = client;
    this.namespace = opts.namespace || client.defaultNamespace;
    this.allNamespaces = Boolean(opts.allNamespaces);
  }

  static connect(opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Cluster {
    const missing = missingKubeconfig(opts, env);
    if (missing) throw missing;
    let client: KubeClient;
    try {
      client = KubeClient.load({ kubeconfig: opts.kubeconfig, context: opts.context, userAgent: 'thv' });
    } catch (e) {
      const file = opts.kubeconfig ? ` ${opts.kubeconfig}` : '';
      const contexts = `kubectl config get-contexts${opts.kubeconfig ? ` --kubeconfig ${opts.kubeconfig}` : ''}`;
      if (opts.context && /no current cluster/.test((e as Error).message))
        throw new CliError(
          `context "${opts.context}" is not in the kubeconfig${file}.`,
          `List the contexts with \`${contexts}\`.`,
        );
      throw new CliError(`cannot load the kubeconfig${file}: ${(e as Error).message}`, NO_CLUSTER_HINT);
    }
    return new Cluster(client, opts);
  }

  get server(): string {
    return this.client.server.origin;
  }

  registries(namespace?: string, name?: string): ResourceRef {
    return { group: GROUP, version: V1BETA1, plural: PLURAL, namespace, name };
  }

  /** Runs a request and turns any failure into a CliError the user can act on. */
  async call<T>(target: Target, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw await this.explain(e, target);
    }
  }

  async explain(e: unknown, target: Target): Promise<unknown> {
    if (e instanceof CliError) return e;
    if (e instanceof KubeApiError) return this.explainApiError(e, target);
    const err = e as NodeJS.ErrnoException;
    if ((err.code && NETWORK_CODES.has(err.code)) || /timed out|socket hang up/.test(err.message ?? '')) {
      return new CliError(
        `cannot reach the Kubernetes API server at ${this.server} (${err.message}).`,
        NO_CLUSTER_HINT,
      );
    }
    if (
      err.code?.startsWith('ERR_TLS') ||
      err.code?.includes('CERT') ||
      err.code === 'DEPTH_ZERO_SELF_SIGNED_CERT'
    ) {
      return new CliError(
        `cannot verify the Kubernetes API server at ${this.server}: ${withoutNodeHints(err.message)}.`,
        'The kubeconfig’s certificate-authority does not match the server; check that the context points at the right cluster.',
      );
    }
    return e;
  }

  private async explainApiError(e: KubeApiError, target: Target): Promise<CliError> {
    if (e.status === 401)
      return new CliError(
        `the Kubernetes API server at ${this.server} rejected your credentials (Unauthorized).`,
        'Refresh your credentials, or choose another context with --context (see `kubectl config get-contexts`).',
      );
    if (e.status === 403) {
      const rbac =
        /cannot (\S+) resource "([^"]+)"(?: in API group "([^"]*)")?(?: in the namespace "([^"]+)")?/.exec(
          e.message,
        );
      if (rbac) {
        const [, verb, resource, group, ns] = rbac;
        const qualified = group ? `${resource}.${group}` : resource;
        const where = ns ? ` in namespace "${ns}"` : ' in all namespaces';
        return new CliError(
          `permission denied: ${e.message}`,
          `Ask a cluster administrator for a ${ns ? 'Role' : 'ClusterRole'} that allows "${verb}" on ${qualified}${where}; check your access with \`kubectl auth can-i ${verb} ${qualified}${ns ? ` -n ${ns}` : ' --all-namespaces'}\`.`,
        );
      }
    }
    if (e.status === 404) {
      if (!(await this.apiInstalled()))
        return new CliError(
          `the MCPRegistry API (${GROUP}/${V1BETA1}, resource ${PLURAL}) is not installed in the cluster at ${this.server}.`,
          NO_CRD_HINT,
        );
      if (target.name && e.body.details?.name)
        return notFound(target.name, target.namespace ?? this.namespace);
    }
    if (/failed calling webhook/.test(e.message)) return new ServerError(e.reason, e.message, WEBHOOK_HINT);
    return new ServerError(e.reason, e.message);
  }

  /** Whether discovery lists mcpregistries in our group version. */
  async apiInstalled(): Promise<boolean> {
    try {
      const r = await this.client.request<{ resources?: { name: string }[] }>(`/apis/${GROUP}/${V1BETA1}`);
      return Boolean(r.body.resources?.some((x) => x.name === PLURAL));
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return false;
      throw e;
    }
  }
}

/**
 * With no kubeconfig anywhere the client library silently falls back to http://localhost:8080 and
 * then fails with a message about TLS settings; say instead what was looked for and where.
 */
export function missingKubeconfig(opts: GlobalOptions, env: NodeJS.ProcessEnv): CliError | undefined {
  if (opts.kubeconfig) {
    if (existsSync(opts.kubeconfig)) return undefined;
    return new CliError(
      `the kubeconfig ${opts.kubeconfig} given with --kubeconfig does not exist.`,
      'Check the path, or leave --kubeconfig out to use $KUBECONFIG or ~/.kube/config.',
    );
  }
  const fromEnv = (env.KUBECONFIG ?? '').split(':').filter(Boolean);
  if (fromEnv.some((f) => existsSync(f))) return undefined;
  const home = join(env.HOME || homedir(), '.kube', 'config');
  if (!fromEnv.length && existsSync(home)) return undefined;
  if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT) return undefined; // in a Pod
  const looked = fromEnv.length
    ? `$KUBECONFIG (${fromEnv.join(':')}: no such file${fromEnv.length > 1 ? 's' : ''})`
    : `$KUBECONFIG (not set) and ${home} (no such file)`;
  return new CliError(
    `no kubeconfig found: looked at --kubeconfig (not given), ${looked}.`,
    'Point thv at a cluster with --kubeconfig FILE or KUBECONFIG=FILE' +
      (inCheckout()
        ? '; for a local cluster, run `npm start` and use the .local/kubeconfig it writes.'
        : ' (a cloud provider’s CLI writes one: e.g. `aws eks update-kubeconfig`, `gcloud container clusters get-credentials`).'),
  );
}

export function notFound(name: string, namespace: string): CliError {
  return new CliError(
    `MCPRegistry "${name}" not found in namespace "${namespace}".`,
    `List the registries with \`thv registry list -n ${namespace}\`, or in every namespace with \`thv registry list -A\`.`,
  );
}

/** kubectl prints each apiserver warning as `Warning: <text>` on stderr. */
export function renderWarnings(warnings: readonly string[]): string {
  return warnings.map((w) => `Warning: ${w}\n`).join('');
}
