/**
 * A real control plane for benchmarks: kube-apiserver + etcd started fresh for the benchmark, pinned
 * to the server core, with our CRD installed. Never shared with the test suites.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { ConversionTarget } from '../../src/api/crd.ts';
import { installCrd as installCrdWith } from '../../src/local/crd-install.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { startControlPlane, type ControlPlane } from '../../src/local/control-plane.ts';
import { SERVER_CORE, pinPid } from './procs.ts';

export interface BenchCluster {
  cp: ControlPlane;
  client: KubeClient;
  /** The admin identity as PEM, for the load generator. */
  tls: { ca: string; cert: string; key: string };
  stop(): Promise<void>;
}

export async function startBenchCluster(dir: string, log: (m: string) => void): Promise<BenchCluster> {
  const cp = await startControlPlane({ dir, log });
  pinPid(cp.pids.apiserver, SERVER_CORE);
  pinPid(cp.pids.etcd, SERVER_CORE);
  const client = KubeClient.load({ kubeconfig: cp.kubeconfigPath });
  const pki = join(cp.dir, 'pki');
  const tls = {
    ca: readFileSync(join(pki, 'server-ca.crt'), 'utf8'),
    cert: readFileSync(join(pki, 'admin.crt'), 'utf8'),
    key: readFileSync(join(pki, 'admin.key'), 'utf8'),
  };
  return {
    cp,
    client,
    tls,
    async stop() {
      client.close();
      await cp.stop();
    },
  };
}

export async function applyObject(client: KubeClient, obj: Record<string, unknown>): Promise<void> {
  const [group, version] = String(obj.apiVersion).includes('/')
    ? String(obj.apiVersion).split('/')
    : ['', String(obj.apiVersion)];
  const meta = obj.metadata as { name: string; namespace?: string };
  const kind = String(obj.kind).toLowerCase();
  const plural = kind.endsWith('y') ? `${kind.slice(0, -1)}ies` : `${kind}s`;
  await client.patch(
    {
      group: group as string,
      version: version as string,
      plural,
      namespace: meta.namespace,
      name: meta.name,
    },
    'apply',
    JSON.stringify(obj),
    { fieldManager: 'mcpr-bench', force: true },
  );
}

export function loadYamlObjects(file: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJSON() as Record<string, unknown>);
}

export async function installCrd(client: KubeClient, conversion: ConversionTarget): Promise<void> {
  await installCrdWith(client, conversion, { fieldManager: 'mcpr-bench' });
}

export async function createNamespace(
  client: KubeClient,
  name: string,
  labels: Record<string, string> = {},
): Promise<void> {
  await client.create({ group: '', version: 'v1', plural: 'namespaces' }, { metadata: { name, labels } });
}
