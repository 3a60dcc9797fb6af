/**
 * A real single-node cluster for the end-to-end suite: the local control plane (src/local/
 * control-plane.ts, in node mode) plus kube-controller-manager, kube-scheduler, kube-proxy and a
 * kubelet built from the same Kubernetes module (test/node/build.sh), containerd and runc from
 * Debian, the CNI bridge plugin, and a locally built pause image. Images reach containerd from
 * podman's storage (`podman save` | `ctr images import`), or are pulled from registries the tests
 * run on loopback (NodeOptions.registries: containerd trusts each one's CA through a hosts.toml).
 *
 * Every process runs in its own process group and is stopped by stop() (and by a process-exit
 * hook); stop() then removes what the node changed on the host (host-cleanup.ts) and checks that
 * nothing is left.
 */
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import { startControlPlane, freePort, type ControlPlane } from '../../src/local/control-plane.ts';
import { pollUntil } from '../../src/local/poll.ts';
import {
  containerdToml,
  cniConflist,
  kubeletConfig,
  registryHostsToml,
  CNI_NETWORK,
  POD_CIDR,
} from './configs.ts';
import * as host from './host-cleanup.ts';
import * as images from './images.ts';

const ROOT = resolve(import.meta.dirname, '../..');
export const NODE_NAME = 'mcpr-e2e-node';

export interface RealNode {
  cp: ControlPlane;
  kubeconfigPath: string;
  base: string;
  startupMs: { controlPlane: number; node: number };
  /** Imports an image from podman's storage into the node's containerd. */
  importImage(ref: string): void;
  /** The image references containerd holds (the CRI's namespace), pulled or imported. */
  imageRefs(): string[];
  stop(): Promise<void>;
}

export interface NodeOptions {
  log?: (m: string) => void;
  /**
   * Images to import before the node registers: a podman reference, and optionally the name the
   * node knows it by (so a run imports exactly the image it built, whatever a shared tag points at).
   */
  images?: { ref: string; as?: string }[];
  /** Registries containerd pulls from over TLS with a private CA: host (host:port) and the CA's PEM file. */
  registries?: { host: string; caFile: string }[];
}

function buildBinaries(): string {
  if (process.env.MCPR_NODE_BIN_DIR) return process.env.MCPR_NODE_BIN_DIR;
  return execFileSync('bash', [join(ROOT, 'test/node/build.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n')
    .pop()!;
}

/** The first non-loopback IPv4 address: what Pods reach the apiserver at (through kube-proxy). */
function hostAddress(): string {
  for (const addrs of Object.values(networkInterfaces()))
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  throw new Error('the node needs a non-loopback IPv4 address for Pods to reach the apiserver');
}

export async function startNode(opts: NodeOptions = {}): Promise<RealNode> {
  const log = opts.log ?? (() => {});
  const t0 = Date.now();
  const nodeBin = buildBinaries();
  // Short: containerd and shim socket paths must fit in 108 bytes.
  const stale = host.cleanStaleNodes(join(nodeBin, 'kube-proxy'), CNI_NETWORK);
  if (stale.length) log(`cleaned up after dead runs: ${stale.join(', ')}`);
  const base = mkdtempSync('/tmp/mcpr-node-');
  writeFileSync(join(base, 'owner'), String(process.pid));
  const address = hostAddress();
  const sysctls = host.saveSysctls();
  writeFileSync(join(base, 'sysctls.json'), JSON.stringify(sysctls));
  const cp = await startControlPlane({
    dir: join(base, 'cp'),
    node: { advertiseAddress: address },
    log,
  }).catch((e: unknown) => {
    rmSync(base, { recursive: true, force: true });
    throw e;
  });
  const controlPlaneMs = Date.now() - t0;
  const t1 = Date.now();
  const kubeconfig = cp.kubeconfigPath;
  const pki = join(cp.dir, 'pki');
  const sock = join(base, 'containerd.sock');
  const cniConfDir = join(base, 'cni');
  mkdirSync(cniConfDir, { recursive: true });
  writeFileSync(join(cniConfDir, '10-mcpr.conflist'), cniConflist(base));
  const registryConfigDir = join(base, 'certs.d');
  mkdirSync(registryConfigDir, { recursive: true });
  for (const { host, caFile } of opts.registries ?? []) {
    mkdirSync(join(registryConfigDir, host), { recursive: true });
    writeFileSync(join(registryConfigDir, host, 'hosts.toml'), registryHostsToml(host, caFile));
  }
  writeFileSync(
    join(base, 'containerd.toml'),
    containerdToml({ base, containerdSock: sock, cniConfDir, registryConfigDir }),
  );
  const children: { name: string; child: ChildProcess }[] = [];
  const spawnPart = (name: string, bin: string, args: string[]) => {
    const fd = openSync(join(base, `${name}.log`), 'a');
    const child = spawn(bin, args, { stdio: ['ignore', fd, fd], detached: true });
    children.push({ name, child });
    writeFileSync(join(base, 'pids'), children.map((c) => `${c.child.pid} ${c.name}`).join('\n') + '\n');
    return child;
  };
  const killAll = (signal: NodeJS.Signals) => {
    for (const { child } of [...children].reverse())
      if (child.exitCode === null && child.pid) {
        try {
          process.kill(-child.pid, signal);
        } catch {
          /* gone */
        }
      }
  };
  const exitHook = () => killAll('SIGKILL');
  process.once('exit', exitHook);

  const ctr = (args: string[]) => images.ctr(sock, args);
  const importImage = (ref: string) => images.importImage(sock, base, ref);

  const stop = async () => {
    log('stopping the node');
    // Let the kubelet stop every Pod (CNI teardown, volumes), then stop the processes.
    spawnSync('kubectl', ['--kubeconfig', kubeconfig, 'delete', 'pods', '--all', '-A', '--wait=false'], {
      stdio: 'ignore',
      timeout: 60_000,
    });
    await pollUntil(
      'containerd to have no running task',
      () => (ctr(['tasks', 'ls', '-q']).stdout ?? '').trim() === '',
      60_000,
      500,
    ).catch(() => {
      for (const id of (ctr(['tasks', 'ls', '-q']).stdout ?? '').split('\n').filter(Boolean)) {
        ctr(['tasks', 'kill', '--signal', 'SIGKILL', id]);
        ctr(['tasks', 'delete', '--force', id]);
      }
    });
    killAll('SIGTERM');
    await Promise.all(
      children.map(
        ({ child }) =>
          new Promise<void>((res) => {
            if (child.exitCode !== null || child.signalCode !== null) return res();
            const t = setTimeout(() => {
              if (child.pid) process.kill(-child.pid, 'SIGKILL');
              res();
            }, 20_000);
            child.once('exit', () => (clearTimeout(t), res()));
          }),
      ),
    );
    for (const pid of host.shimPids(sock)) process.kill(pid, 'SIGKILL');
    host.killPodProcesses();
    process.removeListener('exit', exitHook);
    host.kubeProxyCleanup(join(nodeBin, 'kube-proxy'));
    host.removeIptablesChains(CNI_NETWORK);
    host.unmountUnder(base);
    host.removeCgroups();
    host.removeBridge();
    host.restoreSysctls(sysctls);
    await cp.stop();
    const left = host.leftovers(base, sock);
    rmSync(base, { recursive: true, force: true });
    if (left.length) throw new Error(`the node left behind: ${left.join('; ')}`);
  };

  try {
    const containerd = spawnPart('containerd', 'containerd', ['--config', join(base, 'containerd.toml')]);
    await pollUntil(
      'containerd',
      () => {
        if (containerd.exitCode !== null) throw new Error('containerd exited; see containerd.log');
        return ctr(['version']).status === 0;
      },
      60_000,
      200,
    );
    images.importPauseImage(sock, base, nodeBin);
    for (const { ref, as } of opts.images ?? []) {
      importImage(ref);
      if (as && ctr(['images', 'tag', '--force', ref, as]).status !== 0)
        throw new Error(`ctr images tag ${as}`);
    }

    const common = [`--kubeconfig=${kubeconfig}`, '--v=1'];
    spawnPart('kube-controller-manager', join(nodeBin, 'kube-controller-manager'), [
      ...common,
      '--leader-elect=false',
      '--secure-port=0',
      `--service-account-private-key-file=${join(pki, 'sa.key')}`,
      `--root-ca-file=${join(pki, 'server-ca.crt')}`,
      '--use-service-account-credentials=false',
      `--cluster-cidr=${POD_CIDR}`,
      '--allocate-node-cidrs=false',
      // The namespace controller, GC, Deployments/ReplicaSets, ServiceAccounts, EndpointSlices...
      '--controllers=*',
    ]);
    spawnPart('kube-scheduler', join(nodeBin, 'kube-scheduler'), [
      ...common,
      '--leader-elect=false',
      '--secure-port=0',
    ]);
    spawnPart('kube-proxy', join(nodeBin, 'kube-proxy'), [
      ...common,
      '--proxy-mode=iptables',
      `--hostname-override=${NODE_NAME}`,
      `--cluster-cidr=${POD_CIDR}`,
      // Leave the host's conntrack settings alone.
      '--conntrack-max-per-core=0',
      '--conntrack-tcp-timeout-established=0',
      '--conntrack-tcp-timeout-close-wait=0',
      `--healthz-bind-address=127.0.0.1:${await freePort()}`,
      `--metrics-bind-address=127.0.0.1:${await freePort()}`,
    ]);
    const kubeletHealth = await freePort();
    writeFileSync(
      join(base, 'kubelet.json'),
      kubeletConfig({
        base,
        containerdSock: sock,
        clientCaFile: join(pki, 'client-ca.crt'),
        healthzPort: kubeletHealth,
        port: await freePort(),
      }),
    );
    spawnPart('kubelet', join(nodeBin, 'kubelet'), [
      ...common,
      `--config=${join(base, 'kubelet.json')}`,
      `--root-dir=${join(base, 'kubelet')}`,
      `--hostname-override=${NODE_NAME}`,
      `--node-ip=${address}`,
      `--cert-dir=${join(base, 'kubelet-pki')}`,
    ]);
    await pollUntil(
      `node ${NODE_NAME} Ready`,
      () => {
        for (const { name, child } of children)
          if (child.exitCode !== null)
            throw new Error(`${name} exited with ${child.exitCode}; see ${base}/${name}.log`);
        const r = spawnSync(
          'kubectl',
          [
            '--kubeconfig',
            kubeconfig,
            'get',
            'node',
            NODE_NAME,
            '-o',
            'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
          ],
          { encoding: 'utf8' },
        );
        return r.stdout === 'True';
      },
      180_000,
      1000,
    );
  } catch (e) {
    const tails = children
      .map(({ name }) => {
        const text = readFileSync(join(base, `${name}.log`), 'utf8').split('\n');
        return `--- ${name}.log ---\n${text
          .filter((l) => /^E\d{4}|level=error|fatal/i.test(l))
          .slice(-8)
          .join('\n')}`;
      })
      .join('\n');
    await stop().catch(() => {});
    throw new Error(`${(e as Error).message}\n${tails}`);
  }
  const nodeMs = Date.now() - t1;
  log(`node ${NODE_NAME} Ready in ${nodeMs} ms (control plane ${controlPlaneMs} ms)`);
  return {
    cp,
    kubeconfigPath: kubeconfig,
    base,
    startupMs: { controlPlane: controlPlaneMs, node: nodeMs },
    importImage,
    imageRefs: () => (ctr(['images', 'ls', '-q']).stdout ?? '').split('\n').filter(Boolean),
    stop,
  };
}
