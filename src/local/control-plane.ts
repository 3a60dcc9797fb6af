/**
 * A real kube-apiserver backed by a real etcd, both built from Go modules by test/k8s/build.sh,
 * run as child processes on loopback. Used by the test suites and by `npm start`.
 *
 * The children run in their own process group; stop() sends SIGTERM to the group and waits, and
 * a process-exit hook does the same, so neither outlives its parent in normal operation. Their
 * PIDs are also written to <dir>/pids for scripts/kill-control-plane.sh after a SIGKILL.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createCA, createKeyPair, issueCert } from '../pki/pki.ts';
import { httpOk, httpsOk, killGroup, spawnLogged, waitExit, waitFor } from './processes.ts';

export interface ControlPlane {
  kubeconfigPath: string;
  server: string;
  dir: string;
  pids: { etcd: number; apiserver: number };
  /** etcd's client URL (plain HTTP on loopback), for tests that read what the apiserver stored. */
  etcdUrl: string;
  startupMs: { etcd: number; apiserver: number };
  stop(): Promise<void>;
  /** Stops the apiserver alone (etcd keeps the data), for outage tests. */
  stopApiserver(): Promise<void>;
  /** Starts it again on the same port with the same certificates; resolves when ready. */
  startApiserver(): Promise<void>;
}

export interface ControlPlaneOptions {
  /** Where to keep data, certificates, logs and the kubeconfig. Default: a new temp dir. */
  dir?: string;
  /** Extra kubeconfig path to write (e.g. .local/kubeconfig). */
  kubeconfigPath?: string;
  binDir?: string;
  log?: (msg: string) => void;
  startTimeoutMs?: number;
  /**
   * For a real node (test/node): Pods reach the apiserver through the `kubernetes` Service, so it
   * listens on all addresses and advertises this one; ServiceAccount admission is on (a
   * controller-manager creates the accounts), webhook Services are dialled at their endpoints
   * (no kube-proxy needed for admission), and kubectl logs/exec reach the kubelet as admin.
   */
  node?: { advertiseAddress: string };
}

const repoRoot = resolve(import.meta.dirname, '../..');

/** Builds (or finds in the cache) kube-apiserver and etcd; returns their directory. */
export function ensureBinaries(log: (m: string) => void = () => {}): string {
  if (process.env.MCPR_K8S_BIN_DIR) return process.env.MCPR_K8S_BIN_DIR;
  log('locating kube-apiserver and etcd (building them from Go modules if needed)…');
  const out = execFileSync('bash', [join(repoRoot, 'test/k8s/build.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return out.trim().split('\n').pop() ?? '';
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

export function kubeconfigYaml(
  server: string,
  caPem: string,
  certPem: string,
  keyPem: string,
  user = 'admin',
) {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: local',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${b64(caPem)}`,
    'users:',
    `- name: ${user}`,
    '  user:',
    `    client-certificate-data: ${b64(certPem)}`,
    `    client-key-data: ${b64(keyPem)}`,
    'contexts:',
    '- name: local',
    '  context:',
    '    cluster: local',
    `    user: ${user}`,
    '    namespace: default',
    'current-context: local',
    '',
  ].join('\n');
}

export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const log = opts.log ?? (() => {});
  const binDir = opts.binDir ?? ensureBinaries(log);
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'mcpr-k8s-'));
  mkdirSync(dir, { recursive: true });
  const pki = join(dir, 'pki');
  mkdirSync(pki, { recursive: true });
  const timeout = opts.startTimeoutMs ?? 120_000;

  const serverCA = await createCA('mcpr-local-apiserver-ca');
  const serving = await issueCert(serverCA, {
    commonName: 'kube-apiserver',
    dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'],
    ipAddresses: ['127.0.0.1', '10.0.0.1', ...(opts.node ? [opts.node.advertiseAddress] : [])],
    usage: 'server',
  });
  const clientCA = await createCA('mcpr-local-client-ca');
  const admin = await issueCert(clientCA, {
    commonName: 'admin',
    organization: 'system:masters',
    usage: 'client',
  });
  const sa = await createKeyPair();
  const files: Record<string, string> = {
    'apiserver.crt': serving.certPem,
    'apiserver.key': serving.keyPem,
    'server-ca.crt': serverCA.certPem,
    'client-ca.crt': clientCA.certPem,
    'client-ca.key': clientCA.keyPem,
    'admin.crt': admin.certPem,
    'admin.key': admin.keyPem,
    'sa.key': sa.privatePem,
    'sa.pub': sa.publicPem,
  };
  for (const [f, content] of Object.entries(files)) writeFileSync(join(pki, f), content, { mode: 0o600 });

  const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
  const etcdStart = Date.now();
  const etcd = spawnLogged(
    join(binDir, 'etcd'),
    [
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
      '--unsafe-no-fsync=true',
      '--log-level=warn',
      '--quota-backend-bytes=4294967296',
    ],
    join(dir, 'etcd.log'),
  );
  const stopHook = () => {
    killGroup(etcd, 'SIGTERM');
  };
  process.once('exit', stopHook);
  await waitFor('etcd', timeout, () => httpOk(`http://127.0.0.1:${etcdClient}/health`), etcd);
  const etcdMs = Date.now() - etcdStart;
  log(`etcd ready in ${etcdMs} ms`);

  const apiStart = Date.now();
  const server = `https://127.0.0.1:${apiPort}`;
  const apiserverArgs = [
    `--etcd-servers=http://127.0.0.1:${etcdClient}`,
    `--cert-dir=${pki}`,
    `--tls-cert-file=${join(pki, 'apiserver.crt')}`,
    `--tls-private-key-file=${join(pki, 'apiserver.key')}`,
    `--client-ca-file=${join(pki, 'client-ca.crt')}`,
    `--secure-port=${apiPort}`,
    `--bind-address=${opts.node ? '0.0.0.0' : '127.0.0.1'}`,
    `--advertise-address=${opts.node?.advertiseAddress ?? '127.0.0.1'}`,
    '--service-cluster-ip-range=10.0.0.0/16',
    '--allow-privileged=true',
    '--authorization-mode=RBAC',
    ...(opts.node
      ? [
          '--enable-aggregator-routing=true',
          `--kubelet-client-certificate=${join(pki, 'admin.crt')}`,
          `--kubelet-client-key=${join(pki, 'admin.key')}`,
          // No DNS knows the node's name: logs, exec and attach (ToolHive's proxy runner attaches to
          // its MCP server's stdio) dial the kubelet at the node's address instead.
          '--kubelet-preferred-address-types=InternalIP',
        ]
      : ['--disable-admission-plugins=ServiceAccount']),
    `--service-account-issuer=${server}/`,
    `--service-account-key-file=${join(pki, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(pki, 'sa.key')}`,
    '--enable-priority-and-fairness=false',
    '--v=1',
  ];
  let apiserver = spawnLogged(join(binDir, 'kube-apiserver'), apiserverArgs, join(dir, 'apiserver.log'));
  const hook = () => {
    killGroup(apiserver, 'SIGTERM');
    killGroup(etcd, 'SIGTERM');
  };
  process.removeListener('exit', stopHook);
  process.once('exit', hook);
  writeFileSync(join(dir, 'pids'), `${apiserver.pid}\n${etcd.pid}\n`);
  const tls = { ca: serverCA.certPem, cert: admin.certPem, key: admin.keyPem };
  try {
    await waitFor('kube-apiserver', timeout, () => httpsOk(`${server}/readyz`, tls), apiserver);
  } catch (e) {
    hook();
    const tail = readFileSync(join(dir, 'apiserver.log'), 'utf8').split('\n').slice(-20).join('\n');
    throw new Error(`${(e as Error).message}\n--- apiserver.log (tail) ---\n${tail}`);
  }
  const apiMs = Date.now() - apiStart;
  log(`kube-apiserver ready in ${apiMs} ms at ${server}`);

  const kubeconfig = kubeconfigYaml(server, serverCA.certPem, admin.certPem, admin.keyPem);
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });
  if (opts.kubeconfigPath) writeFileSync(opts.kubeconfigPath, kubeconfig, { mode: 0o600 });

  let stopped = false;
  return {
    kubeconfigPath,
    server,
    dir,
    pids: { etcd: etcd.pid ?? 0, apiserver: apiserver.pid ?? 0 },
    etcdUrl: `http://127.0.0.1:${etcdClient}`,
    startupMs: { etcd: etcdMs, apiserver: apiMs },
    async stopApiserver() {
      killGroup(apiserver, 'SIGTERM');
      await waitExit(apiserver, 15_000);
    },
    async startApiserver() {
      apiserver = spawnLogged(join(binDir, 'kube-apiserver'), apiserverArgs, join(dir, 'apiserver.log'));
      writeFileSync(join(dir, 'pids'), `${apiserver.pid}\n${etcd.pid}\n`);
      await waitFor('kube-apiserver', timeout, () => httpsOk(`${server}/readyz`, tls), apiserver);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      killGroup(apiserver, 'SIGTERM');
      await waitExit(apiserver, 15_000);
      killGroup(etcd, 'SIGTERM');
      await waitExit(etcd, 10_000);
      process.removeListener('exit', hook);
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Issues a kubeconfig for another identity, signed by the local client CA (for RBAC tests). */
export async function kubeconfigFor(cp: ControlPlane, user: string, groups: string[] = []): Promise<string> {
  const pki = join(cp.dir, 'pki');
  const clientCA = {
    certPem: readFileSync(join(pki, 'client-ca.crt'), 'utf8'),
    keyPem: readFileSync(join(pki, 'client-ca.key'), 'utf8'),
  };
  const cert = await issueCert(clientCA, {
    commonName: user,
    organization: groups.join(',') || undefined,
    usage: 'client',
  });
  return kubeconfigYaml(
    cp.server,
    readFileSync(join(pki, 'server-ca.crt'), 'utf8'),
    cert.certPem,
    cert.keyPem,
    user,
  );
}
