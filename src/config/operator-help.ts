/** `mcp-registry-operator --help`: every flag with its environment variable and default (docs/configuration.md has the long form). */
import { CONFIG_ENV_VARS, TUNING_ENV_VARS } from './operator-config.ts';

const FLAGS: [flag: string, value: string, meaning: string][] = [
  ['kubeconfig', 'path', 'kubeconfig to use (default: in-cluster)'],
  ['watch-namespaces', 'ns,ns', 'namespaces whose MCPRegistries are reconciled (default: all)'],
  ['namespace', 'ns', "the operator's own namespace: Lease, self-signed Secret (default: toolhive-system)"],
  ['enable-webhooks', 'bool', 'serve the admission and conversion webhooks (default: true)'],
  ['enable-controller', 'bool', 'run the controller (default: true)'],
  ['webhook-host', 'host', 'address the HTTPS webhook server binds (default: 0.0.0.0)'],
  ['webhook-port', 'port', 'port of the HTTPS webhook server (default: 9443)'],
  ['cert-dir', 'dir', 'directory with tls.crt and tls.key (default: /tmp/k8s-webhook-server/serving-certs)'],
  ['self-signed', 'bool', 'create and rotate our own CA and serving certificate (default: false)'],
  ['webhook-service-name', 'name', 'webhook Service named in self-signed certificates'],
  ['policy', 'file', 'platform policy YAML, reloaded on change (default: built-in)'],
  ['health-address', '[host]:port', '/healthz, /readyz and /metrics over plain HTTP (default: :8080)'],
  ['leader-elect', 'bool', 'elect one controller through a Lease (default: true)'],
  ['lease-name', 'name', 'name of that Lease (default: mcp-registry-operator-leader)'],
  ['shards', 'n', 'split registries over n shard Leases, <lease-name minus -leader>-shard-<i> (default: 1)'],
  ['log-level', 'level', 'fatal, error, warn, info, debug, trace or silent (default: info)'],
  ['registry-api-image', 'image', "image of each registry's API Deployment"],
  ['deploy-registry-api', 'bool', 'create the per-registry API workload (default: true)'],
  [
    'registry-ref-endpoints',
    'ns/name=url,…',
    'fixed API addresses of registries read by registryRef (tests, local stack; default: their Services)',
  ],
  [
    'registry-api-ingress-namespace-selector',
    'label=value,…',
    "namespaces also let into every registry API's NetworkPolicy, e.g. Prometheus's (default: none)",
  ],
  [
    'registry-api-ingress-class',
    'name',
    "IngressClass of a registry's spec.api.ingress that names none (default: the cluster's default class)",
  ],
  [
    'registry-api-replicas',
    'n',
    'replicas of a registry API whose spec.api.replicas is unset, 1-50 (default: 1; from 2 with a PodDisruptionBudget)',
  ],
  [
    'registry-api-resources',
    'requests.cpu=Q,…',
    'resources of a registry API whose spec.api.resources is unset: requests.cpu, requests.memory, limits.cpu, limits.memory (default: requests.cpu=50m,requests.memory=64Mi,limits.memory=256Mi)',
  ],
  ['drain-seconds', 'n', 'after SIGTERM, keep serving webhooks this long (default: 5)'],
  [
    'sync-workers',
    'n',
    'threads for the sync CPU work, 0 = on the event loop (default: cores - 1, at least 1)',
  ],
  [
    'sync-worker-memory',
    'MiB',
    'heap limit of each sync worker; a sync over it fails, the worker is replaced (default: 384)',
  ],
  [
    'controller-thread',
    'bool',
    "run the controller on its own thread, apart from the webhooks' event loop (default: true)",
  ],
];

export function operatorHelp(): string {
  const rows = FLAGS.map(([flag, value, meaning]) => {
    const left = `  --${flag}=<${value}>`;
    return `${left.padEnd(36)} ${meaning} [$${CONFIG_ENV_VARS[flag] ?? ''}]`;
  });
  return [
    'Usage: mcp-registry-operator [flags]',
    '',
    'The MCPRegistry operator: admission and conversion webhooks (every replica) and the controller',
    '(the leader). Every flag can also be set by the environment variable in brackets; a flag wins.',
    '',
    'Flags:',
    ...rows,
    '  -h, --help                           show this help',
    '  --version                            print the version',
    '',
    `Tuning (environment only): ${Object.values(TUNING_ENV_VARS).join(', ')}.`,
    'See docs/configuration.md.',
    '',
  ].join('\n');
}
