/**
 * Helpers for tests against the real control plane started by global-setup.ts: the machine's
 * kubectl, our client, unique namespaces, and CRD installation with readiness checks.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { KubeClient } from '../../src/kube/client.ts';
import { buildCrd, type ConversionTarget } from '../../src/api/crd.ts';
import { CRD_NAME, GROUP, PLURAL, VERSIONS } from '../../src/api/constants.ts';

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

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the machine's kubectl against the test cluster. Never throws; assert on the result. */
export function kubectl(args: string[], input?: string | object): KubectlResult {
  const stdin = input === undefined ? undefined : typeof input === 'string' ? input : stringify(input);
  const r = spawnSync('kubectl', ['--kubeconfig', kubeconfigPath(), ...args], {
    input: stdin,
    encoding: 'utf8',
    timeout: 60_000,
  });
  // kubectl 1.32 warns about the version skew with the 1.35 apiserver on every call; drop that line.
  const stderr = (r.stderr ?? '')
    .split('\n')
    .filter((l) => !l.includes('exceeds the supported minor version skew'))
    .join('\n')
    .trim();
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr };
}

export function kubectlOk(args: string[], input?: string | object): string {
  const r = kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

export async function createNamespace(prefix = 'test'): Promise<string> {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  await client().create({ group: '', version: 'v1', plural: 'namespaces' }, { metadata: { name } });
  return name;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function eventually<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

interface CrdStatus {
  status?: { conditions?: { type: string; status: string }[] };
}

/** Installs (or updates) our CRD and waits until it is Established and every served version is discoverable. */
export async function installCrd(
  conversion: ConversionTarget,
  servedVersions?: readonly string[],
): Promise<void> {
  const crd = buildCrd({ conversion, servedVersions });
  kubectlOk(['apply', '--server-side', '--force-conflicts', '-f', '-'], JSON.stringify(crd));
  await eventually('CRD Established and NamesAccepted', async () => {
    const c = await client().get<CrdStatus>({
      group: 'apiextensions.k8s.io',
      version: 'v1',
      plural: 'customresourcedefinitions',
      name: CRD_NAME,
    });
    const ok = (t: string) => c.status?.conditions?.some((x) => x.type === t && x.status === 'True');
    return ok('Established') && ok('NamesAccepted') ? true : undefined;
  });
  for (const v of servedVersions ?? VERSIONS) {
    await eventually(`discovery of ${GROUP}/${v}`, async () => {
      const r = await client().request<{ resources: { name: string }[] }>(`/apis/${GROUP}/${v}`);
      return r.body.resources.some((x) => x.name === PLURAL) ? true : undefined;
    });
  }
}
