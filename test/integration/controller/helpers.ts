/** Shared pieces of the controller integration tests. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { client, eventually } from '../../support/cluster.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';

export const FIXTURE = readFileSync(
  resolve(import.meta.dirname, '../../fixtures/toolhive-registry/registry-2025-10-22.json'),
  'utf8',
);
export const FIXTURE_DOC = JSON.parse(FIXTURE) as {
  servers: Record<string, { tags?: string[] }>;
  remote_servers?: Record<string, { tags?: string[] }>;
};

export function registry(
  namespace: string,
  name: string,
  spec: MCPRegistryV1beta1['spec'],
  annotations?: Record<string, string>,
) {
  return {
    apiVersion: 'toolhive.stacklok.io/v1beta1',
    kind: 'MCPRegistry',
    metadata: { name, namespace, annotations },
    spec,
  };
}

export async function getReg(namespace: string, name: string): Promise<MCPRegistryV1beta1> {
  return client().get<MCPRegistryV1beta1>({ ...REGISTRIES, namespace, name });
}

export async function waitPhase(
  namespace: string,
  name: string,
  phase: string,
  pred: (r: MCPRegistryV1beta1) => boolean = () => true,
  timeoutMs = 60_000,
) {
  return eventually(
    `${namespace}/${name} phase ${phase}`,
    async () => {
      const r = await getReg(namespace, name);
      return r.status?.phase === phase && pred(r) ? r : undefined;
    },
    timeoutMs,
  );
}

export async function putConfigMap(namespace: string, name: string, data: Record<string, string>) {
  const ref = { group: '', version: 'v1', plural: 'configmaps', namespace };
  try {
    const cur = await client().get<{ metadata: { resourceVersion: string } }>({ ...ref, name });
    await client().replace(
      { ...ref, name },
      { metadata: { name, namespace, resourceVersion: cur.metadata.resourceVersion }, data },
    );
  } catch {
    await client().create(ref, { metadata: { name, namespace }, data });
  }
}

export async function storageConfigMaps(namespace: string, name: string) {
  const list = await client().list<{
    metadata: { name: string; resourceVersion: string };
    data?: Record<string, string>;
    binaryData?: Record<string, string>;
  }>(
    { group: '', version: 'v1', plural: 'configmaps', namespace },
    { labelSelector: `toolhive.stacklok.io/registry=${name}` },
  );
  return list.items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

/** The names of fixture servers with a tag, across servers and remote_servers. */
export function fixtureNamesWithTag(tag: string): string[] {
  const all = { ...FIXTURE_DOC.servers, ...(FIXTURE_DOC.remote_servers ?? {}) };
  return Object.entries(all)
    .filter(([, s]) => (s.tags ?? []).includes(tag))
    .map(([n]) => n)
    .sort();
}

/**
 * An HTTPS source server on 127.0.0.1 with a certificate from a fresh CA, and that CA in a Secret
 * (key `ca.crt`) for the registry's `url.caBundleRef`.
 */
export async function startHttpsSource(
  namespace: string,
  handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void,
  secretName = 'ca',
): Promise<{ server: import('node:https').Server; base: string; caPem: string; close: () => void }> {
  const { createServer } = await import('node:https');
  const { createCA, issueCert } = await import('../../../src/pki/pki.ts');
  const ca = await createCA('test-source-ca');
  const cert = await issueCert(ca, { commonName: 'source', ipAddresses: ['127.0.0.1'], usage: 'server' });
  const server = createServer({ cert: cert.certPem, key: cert.keyPem }, handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  await client().create(
    { group: '', version: 'v1', plural: 'secrets', namespace },
    { metadata: { name: secretName }, stringData: { 'ca.crt': ca.certPem } },
  );
  return {
    server,
    base: `https://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`,
    caPem: ca.certPem,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
