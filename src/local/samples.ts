/**
 * Applies samples/ (the ToolHive catalog ConfigMap and two registries reading it) with the
 * machine's kubectl, as a user would, and waits until the registries are Ready.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { KubeClient } from '../kube/client.ts';
import { REGISTRIES } from '../kube/mcpregistries.ts';
import type { MCPRegistryV1beta1 } from '../api/types.ts';

const SAMPLES = resolve(import.meta.dirname, '../../samples');
export const SAMPLE_REGISTRIES = ['toolhive-databases', 'toolhive-all'] as const;

export async function applySamples(
  kubeconfigPath: string,
  namespace = 'default',
  timeoutMs = 120_000,
): Promise<MCPRegistryV1beta1[]> {
  execFileSync('kubectl', ['--kubeconfig', kubeconfigPath, 'apply', '-k', SAMPLES, '-n', namespace], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const client = KubeClient.load({ kubeconfig: kubeconfigPath });
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const regs = await Promise.all(
        SAMPLE_REGISTRIES.map((name) => client.get<MCPRegistryV1beta1>({ ...REGISTRIES, namespace, name })),
      );
      if (regs.every((r) => r.status?.phase === 'Ready')) return regs;
      const failed = regs.find((r) => r.status?.phase === 'Failed');
      if (failed) throw new Error(`sample ${failed.metadata.name} failed: ${failed.status?.message ?? ''}`);
      if (Date.now() > deadline)
        throw new Error(
          `samples not Ready after ${timeoutMs} ms: ${regs.map((r) => `${r.metadata.name}=${r.status?.phase ?? 'Pending'}`).join(', ')}`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    client.close();
  }
}
