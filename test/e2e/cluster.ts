/**
 * kubectl and small readers for the end-to-end suite, against the node's control plane.
 */
import assert from 'node:assert/strict';
import { kubectlAt } from '../support/kubectl.ts';

export const NS = 'toolhive-system';
export const SAMPLES = 'e2e-samples';
export const GROUP = 'toolhive.stacklok.io';

let kubeconfig = '';
export function useKubeconfig(path: string): void {
  kubeconfig = path;
}

export function k(args: string[], input?: string) {
  return kubectlAt(kubeconfig, args, { input, timeoutMs: 120_000 });
}

export function kOk(args: string[], input?: string): string {
  const r = k(args, input);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

export function json<T>(args: string[]): T {
  return JSON.parse(kOk([...args, '-o', 'json'])) as T;
}

export interface Pod {
  metadata: { name: string; deletionTimestamp?: string };
  spec: { nodeName?: string; containers: { image: string }[] };
  status: { phase: string; conditions?: { type: string; status: string }[] };
}

export function operatorPods(): Pod[] {
  return json<{ items: Pod[] }>([
    'get',
    'pods',
    '-n',
    NS,
    '-l',
    'app.kubernetes.io/name=mcp-registry-operator',
  ]).items;
}

export const ready = (p: Pod) =>
  !p.metadata.deletionTimestamp &&
  p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

export function leaseHolder(): string {
  return k([
    'get',
    'lease',
    'mcp-registry-operator-leader',
    '-n',
    NS,
    '-o',
    'jsonpath={.spec.holderIdentity}',
  ]).stdout.trim();
}

export function registry(name: string, apiVersion: string, spec: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion, kind: 'MCPRegistry', metadata: { name, namespace: SAMPLES }, spec });
}

/** controller_runtime_webhook_requests_total per webhook path, summed over the operator's Pods. */
export async function webhookCalls(): Promise<Record<string, number>> {
  const ips = json<{ items: { status: { podIP?: string } }[] }>([
    'get',
    'pods',
    '-n',
    NS,
    '-l',
    'app.kubernetes.io/name=mcp-registry-operator',
  ]).items.flatMap((p) => (p.status.podIP ? [p.status.podIP] : []));
  const sums: Record<string, number> = {};
  for (const ip of ips) {
    const text = await (
      await fetch(`http://${ip}:8080/metrics`, { signal: AbortSignal.timeout(5000) })
    ).text();
    for (const m of text.matchAll(
      /^controller_runtime_webhook_requests_total\{webhook="([^"]+)"[^}]*\} (\d+)/gm,
    ))
      sums[m[1]!] = (sums[m[1]!] ?? 0) + Number(m[2]);
  }
  return sums;
}
