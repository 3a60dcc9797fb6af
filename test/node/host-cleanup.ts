/**
 * What a node changes on the host, and how a stop puts it back: mounts under the node's directory,
 * the kubelet's cgroups, the CNI bridge, kube-proxy's and the bridge plugin's iptables rules, and
 * the kernel settings the kubelet and the bridge plugin write. Nothing here matches processes or
 * objects by a broad name: mounts by path prefix, cgroups by the kubelet's own root, shims by our
 * containerd socket.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BRIDGE } from './configs.ts';

/** Kernel settings the kubelet (protectKernelDefaults off), kube-proxy and the CNI bridge set. */
const SYSCTLS = [
  'vm/overcommit_memory',
  'vm/panic_on_oom',
  'kernel/panic',
  'kernel/panic_on_oops',
  'kernel/keys/root_maxkeys',
  'kernel/keys/root_maxbytes',
  'net/ipv4/ip_forward',
  'net/ipv4/conf/all/route_localnet',
  'net/bridge/bridge-nf-call-iptables',
];

export function saveSysctls(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of SYSCTLS) {
    const f = join('/proc/sys', k);
    if (existsSync(f)) out[k] = readFileSync(f, 'utf8').trim();
  }
  return out;
}

export function restoreSysctls(saved: Record<string, string>): void {
  for (const [k, v] of Object.entries(saved)) {
    try {
      writeFileSync(join('/proc/sys', k), v);
    } catch {
      /* best effort */
    }
  }
}

/** Unmounts everything mounted at or below `prefix`, deepest first. */
export function unmountUnder(prefix: string): void {
  for (let pass = 0; pass < 3; pass++) {
    const points = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[4] ?? '')
      .map((p) => p.replace(/\\040/g, ' '))
      .filter((p) => p === prefix || p.startsWith(prefix + '/'))
      .sort((a, b) => b.length - a.length);
    if (points.length === 0) return;
    for (const p of points) spawnSync('umount', ['-l', p], { stdio: 'ignore' });
  }
}

/** PIDs of containerd shims started by the containerd listening on `sock`. */
export function shimPids(sock: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.endsWith('containerd-shim-runc-v2') && argv.includes(sock)) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Removes the kubelet's cgroup tree (kubepods) in every v1 hierarchy, deepest first. */
export function removeCgroups(root = 'kubepods'): void {
  const base = '/sys/fs/cgroup';
  for (const sub of readdirSync(base)) {
    const top = join(base, sub, root);
    if (!existsSync(top)) continue;
    const dirs: string[] = [];
    const walk = (d: string) => {
      dirs.push(d);
      for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(join(d, e.name));
    };
    try {
      walk(top);
    } catch {
      continue;
    }
    for (const d of dirs.sort((a, b) => b.length - a.length)) {
      try {
        rmdirSync(d);
      } catch {
        /* still has a process: reported by the caller's leftover check */
      }
    }
  }
}

export function removeBridge(): void {
  spawnSync('ip', ['link', 'del', BRIDGE], { stdio: 'ignore' });
}

/** kube-proxy's own cleanup of its iptables chains. */
export function kubeProxyCleanup(kubeProxy: string): void {
  spawnSync(kubeProxy, ['--cleanup', '--proxy-mode=iptables'], { stdio: 'ignore', timeout: 60_000 });
}

/**
 * The kubelet's own iptables chains (KUBE-FIREWALL, KUBE-KUBELET-CANARY, KUBE-IPTABLES-HINT) and any
 * KUBE-* chain kube-proxy's cleanup missed, in IPv4 and IPv6; and CNI chains of our network only
 * (their comment names it). Rules jumping to them go first, then the chains.
 */
export function removeIptablesChains(network: string): void {
  for (const [save, cmd] of [
    ['iptables-save', 'iptables'],
    ['ip6tables-save', 'ip6tables'],
  ] as const) {
    const dump = spawnSync(save, [], { encoding: 'utf8' }).stdout ?? '';
    let table = '';
    const ours = new Map<string, Set<string>>();
    const jumps: [string, string][] = [];
    for (const line of dump.split('\n')) {
      if (line.startsWith('*')) table = line.slice(1);
      const chain = /^:(\S+)/.exec(line)?.[1];
      if (chain && /^KUBE-/.test(chain)) ours.set(table, (ours.get(table) ?? new Set()).add(chain));
      if (/^-A /.test(line) && (/ -j (KUBE-\S+)/.test(line) || line.includes(`name: \\"${network}\\"`)))
        jumps.push([table, line]);
    }
    for (const [t, line] of jumps) {
      const cni = /^-A (CNI-\S+)/.exec(line)?.[1];
      if (cni) ours.set(t, (ours.get(t) ?? new Set()).add(cni));
    }
    for (const [t, line] of jumps) {
      // iptables-save prints rules in the syntax -D accepts, quotes included.
      const args = (line.slice(3).match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? []).map((a) =>
        a.startsWith('"') ? a.slice(1, -1).replace(/\\"/g, '"') : a,
      );
      spawnSync(cmd, ['-t', t, '-D', ...args], { stdio: 'ignore' });
    }
    for (const [t, chains] of ours)
      for (const c of chains) spawnSync(cmd, ['-t', t, '-F', c], { stdio: 'ignore' });
    for (const [t, chains] of ours)
      for (const c of chains) spawnSync(cmd, ['-t', t, '-X', c], { stdio: 'ignore' });
  }
}

/** What is left: a list of human-readable findings (empty when the host is clean). */
export function leftovers(base: string, sock: string): string[] {
  const found: string[] = [];
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => (l.split(' ')[4] ?? '').startsWith(base));
  if (mounts.length) found.push(`${mounts.length} mounts under ${base}`);
  const shims = shimPids(sock);
  if (shims.length) found.push(`containerd shims ${shims.join(', ')}`);
  if (spawnSync('ip', ['link', 'show', BRIDGE], { stdio: 'ignore' }).status === 0)
    found.push(`bridge ${BRIDGE}`);
  for (const sub of readdirSync('/sys/fs/cgroup'))
    if (existsSync(join('/sys/fs/cgroup', sub, 'kubepods'))) found.push(`cgroup ${sub}/kubepods`);
  for (const save of ['iptables-save', 'ip6tables-save']) {
    const chains = execFileSync(save, [], { encoding: 'utf8' }).match(/^:KUBE-\S+/gm);
    if (chains) found.push(`${save}: ${[...new Set(chains)].join(' ')}`);
  }
  return found;
}

/** SIGKILLs every process still in the kubelet's cgroups (Pods whose shim is gone). */
export function killPodProcesses(root = 'kubepods'): void {
  const top = join('/sys/fs/cgroup/pids', root);
  if (!existsSync(top)) return;
  const walk = (d: string): number[] => [
    ...readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number),
    ...readdirSync(d, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .flatMap((e) => walk(join(d, e.name))),
  ];
  for (const pid of walk(top)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Nodes whose test process died without stopping them (SIGKILL, a crash, Ctrl-C through npm): kills
 * their recorded process groups and shims, restores the kernel settings they saved, unmounts and
 * removes their directory, then the host-wide leftovers. test/e2e/run.sh holds a lock for the whole
 * run, so no live node is ever touched.
 */
export function cleanStaleNodes(kubeProxy: string, network: string): string[] {
  const cleaned: string[] = [];
  for (const d of readdirSync('/tmp').filter((n) => n.startsWith('mcpr-node-'))) {
    const base = join('/tmp', d);
    const owner = Number(existsSync(join(base, 'owner')) ? readFileSync(join(base, 'owner'), 'utf8') : 0);
    if (owner && alive(owner)) continue;
    for (const f of ['pids', 'cp/pids']) {
      if (!existsSync(join(base, f))) continue;
      for (const line of readFileSync(join(base, f), 'utf8').split('\n')) {
        const pid = Number(line.split(' ')[0]);
        if (!pid) continue;
        for (const target of [-pid, pid]) {
          try {
            process.kill(target, 'SIGKILL');
          } catch {
            /* gone */
          }
        }
      }
    }
    for (const pid of shimPids(join(base, 'containerd.sock'))) process.kill(pid, 'SIGKILL');
    if (existsSync(join(base, 'sysctls.json')))
      restoreSysctls(JSON.parse(readFileSync(join(base, 'sysctls.json'), 'utf8')) as Record<string, string>);
    unmountUnder(base);
    spawnSync('rm', ['-rf', base]);
    cleaned.push(base);
  }
  if (cleaned.length) {
    killPodProcesses();
    kubeProxyCleanup(kubeProxy);
    removeIptablesChains(network);
    removeCgroups();
    removeBridge();
  }
  return cleaned;
}
