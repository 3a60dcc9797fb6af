/** Shared pieces of the kubernetes discovery tests (discovery*.test.ts). */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { client, eventually, kubectl } from '../../support/cluster.ts';
import { stackInfo } from '../../support/stack.ts';
import { TOOLHIVE_GROUP } from '../../support/toolhive-crds.ts';
import { registry } from './helpers.ts';

/** #31: in or out of the catalog and the API within 5 s. A deadline to poll against, not a timing. */
export const BOUND_MS = 5000;
export const PP = 'io.modelcontextprotocol.registry/publisher-provided';
export const EXPORT = 'toolhive.stacklok.dev/registry-export';
export const URL_A = 'toolhive.stacklok.dev/registry-url';
export const DESC = 'toolhive.stacklok.dev/registry-description';
export const VERSION = 'toolhive.stacklok.dev/registry-version';
export const MERGE = 'merge' as const;
export const READERS = 'toolhive.stacklok.io/discovery-readers';

const PLURALS: Record<string, string> = {
  MCPServer: 'mcpservers',
  MCPRemoteProxy: 'mcpremoteproxies',
  MCPServerEntry: 'mcpserverentries',
  VirtualMCPServer: 'virtualmcpservers',
};

export function ref(kind: string, version: string, namespace: string, name?: string) {
  return { group: TOOLHIVE_GROUP, version, plural: PLURALS[kind]!, namespace, ...(name ? { name } : {}) };
}

export function exported(name: string, extra: Record<string, string> = {}) {
  return {
    [EXPORT]: 'true',
    [URL_A]: `https://${name}.example.com/mcp`,
    [DESC]: `The ${name} server`,
    ...extra,
  };
}

export async function createWorkload(
  kind: string,
  version: string,
  namespace: string,
  name: string,
  annotations: Record<string, string>,
  spec: Record<string, unknown>,
) {
  await client().create(ref(kind, version, namespace), {
    apiVersion: `${TOOLHIVE_GROUP}/${version}`,
    kind,
    metadata: { name, namespace, annotations },
    spec,
  });
}

export async function annotate(
  kind: string,
  version: string,
  namespace: string,
  name: string,
  a: Record<string, string | null>,
) {
  await client().patch(ref(kind, version, namespace, name), MERGE, { metadata: { annotations: a } });
}

export const k8s = (namespace: string, name: string) => `k8s.${namespace}/${name}`;

/**
 * Relaxes the shared webhook's policy for cross-namespace discovery (only kubernetes sources read the
 * setting); returns the restore. Polls until a dry run in `ns` naming `other` is admitted.
 */
export async function allowCrossNamespaceAtAdmission(ns: string, other: string): Promise<() => void> {
  const { policyFile } = stackInfo();
  const original = readFileSync(policyFile, 'utf8');
  writeFileSync(policyFile, stringify({ ...parse(original), allowCrossNamespaceDiscovery: true }));
  await eventually('the relaxed policy in force', () => {
    const r = kubectl(
      ['create', '--dry-run=server', '-f', '-'],
      registry(ns, 'probe', {
        sources: [{ name: 'k', type: 'kubernetes', kubernetes: { namespaces: [other] } }],
      }),
    );
    return r.code === 0 ? true : undefined;
  });
  return () => writeFileSync(policyFile, original);
}
