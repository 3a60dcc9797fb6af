/** `thv registry remove`: delete registries; the operator's finalizer cleans up what they own. */
import { FINALIZER, GROUP } from '../../api/constants.ts';
import type { MCPRegistryV1beta1 } from '../../api/types.ts';
import { KubeApiError } from '../../kube/client.ts';
import { renderWarnings, type Cluster } from '../cluster.ts';
import { parseTimeout } from '../duration.ts';
import { CliError } from '../errors.ts';
import type { CliIO } from '../io.ts';
import { QUALIFIED, single, type WaitFlags } from './shared.ts';

export async function runRemove(cluster: Cluster, io: CliIO, names: string[], o: WaitFlags): Promise<void> {
  const ns = single(cluster, 'remove');
  const timeoutMs = o.wait ? parseTimeout('--timeout', o.timeout) : 0;
  for (const name of names) {
    const target = { namespace: ns, name };
    const body = await cluster.call(target, async () => {
      const r = await cluster.client.request<MCPRegistryV1beta1 | { kind: 'Status' }>(
        `/apis/${GROUP}/v1beta1/namespaces/${encodeURIComponent(ns)}/mcpregistries/${encodeURIComponent(name)}`,
        { method: 'DELETE' },
      );
      io.err(renderWarnings(r.warnings));
      return r.body;
    });
    io.out(`${QUALIFIED} "${name}" deleted\n`);
    const pending = 'metadata' in body && body.metadata.finalizers?.length;
    if (pending && !o.wait)
      io.err(
        `  the operator is cleaning up what "${name}" owns (finalizer ${body.metadata.finalizers?.join(', ')}); --wait waits for it\n`,
      );
    if (o.wait) await waitGone(cluster, io, ns, name, timeoutMs, o.timeout);
  }
}

async function waitGone(
  cluster: Cluster,
  io: CliIO,
  ns: string,
  name: string,
  timeoutMs: number,
  text: string,
) {
  const deadline = Date.now() + timeoutMs;
  let finalizers: string[] = [];
  while (Date.now() < deadline) {
    try {
      const cur = await cluster.client.get<MCPRegistryV1beta1>(cluster.registries(ns, name));
      finalizers = cur.metadata.finalizers ?? [];
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return;
      throw await cluster.explain(e, { namespace: ns, name });
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const held = finalizers.length
    ? `; it is held by the finalizer${finalizers.length > 1 ? 's' : ''} ${finalizers.join(', ')}`
    : '';
  throw new CliError(
    `timed out after ${text} waiting for MCPRegistry "${name}" to be deleted${held}.`,
    finalizers.includes(FINALIZER)
      ? `${FINALIZER} is removed by the operator once it has deleted what the registry owns; check that the operator runs (kubectl get pods -n toolhive-system) and its events (\`thv registry info ${name} -n ${ns}\`).`
      : `Check \`kubectl get mcpregistry ${name} -n ${ns} -o yaml\` for what holds it.`,
  );
}
