/**
 * Configuration files of the real node's parts. Each choice is explained where it is made; the
 * common reason is this VM: cgroup v1 (hybrid), no systemd, root without CAP_SYS_RESOURCE, a
 * private root mount, and no registry to pull from.
 */

export interface NodePaths {
  base: string;
  containerdSock: string;
  cniConfDir: string;
  /** containerd's per-registry hosts directory (registryHostsToml). */
  registryConfigDir: string;
}

export const POD_CIDR = '10.244.0.0/24';
export const BRIDGE = 'mcpr0';
export const CNI_NETWORK = 'mcpr-e2e';
export const PAUSE_IMAGE = 'localhost/mcpr/pause:1';

export function containerdToml(p: NodePaths): string {
  return `version = 2
root = "${p.base}/containerd/root"
state = "${p.base}/containerd/state"
[grpc]
  address = "${p.containerdSock}"
[ttrpc]
  address = "${p.containerdSock}.ttrpc"
# Nothing to serve metrics or streams on beyond loopback.
[metrics]
  address = ""
[plugins."io.containerd.grpc.v1.cri"]
  # Built locally (test/node/pause) and imported: nothing can be pulled here.
  sandbox_image = "${PAUSE_IMAGE}"
  # Root here lacks CAP_SYS_RESOURCE, so lowering a process's OOM score (the kubelet asks -998
  # for sandboxes) fails; clamp to containerd's own score instead, as rootless setups do.
  restrict_oom_score_adj = true
  disable_apparmor = true
  # Keep pod network namespaces under our state directory, not /run/netns, so a stop removes them.
  netns_mounts_under_state_dir = true
  enable_unprivileged_ports = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        # No systemd: cgroupfs, matching the kubelet's cgroupDriver.
        SystemdCgroup = false
        BinaryName = "/usr/sbin/runc"
  # Registries the tests run (test/support/oci-registry.ts): one <host:port>/hosts.toml each.
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "${p.registryConfigDir}"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${p.cniConfDir}"
`;
}

/**
 * containerd's hosts.toml for a registry with a private CA: how a cluster admin trusts a mirror's
 * CA on each node (docs/install.md). containerd itself pulls, in the host's network namespace, so a
 * registry on the host's loopback is reachable.
 */
export function registryHostsToml(host: string, caFile: string): string {
  return `server = "https://${host}"
[host."https://${host}"]
  capabilities = ["pull", "resolve"]
  ca = "${caFile}"
`;
}

/** A bridge with host-local addresses; containerd adds the loopback interface itself. */
export function cniConflist(base: string): string {
  return JSON.stringify(
    {
      cniVersion: '1.0.0',
      name: CNI_NETWORK,
      plugins: [
        {
          type: 'bridge',
          bridge: BRIDGE,
          isGateway: true,
          ipMasq: true,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            ranges: [[{ subnet: POD_CIDR }]],
            routes: [{ dst: '0.0.0.0/0' }],
            dataDir: `${base}/cni-ipam`,
          },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  );
}

export interface KubeletPaths {
  base: string;
  containerdSock: string;
  clientCaFile: string;
  healthzPort: number;
  port: number;
}

export function kubeletConfig(p: KubeletPaths): string {
  return JSON.stringify(
    {
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      // Kubernetes 1.35 refuses cgroup v1 unless told otherwise; this VM has only v1 (hybrid).
      failCgroupV1: false,
      cgroupDriver: 'cgroupfs',
      containerRuntimeEndpoint: `unix://${p.containerdSock}`,
      // The apiserver (as admin, by client certificate) is the only caller of the kubelet API.
      authentication: {
        anonymous: { enabled: false },
        webhook: { enabled: false },
        x509: { clientCAFile: p.clientCaFile },
      },
      authorization: { mode: 'AlwaysAllow' },
      port: p.port,
      readOnlyPort: 0,
      healthzBindAddress: '127.0.0.1',
      healthzPort: p.healthzPort,
      // The shared CI machine must never make the node evict our Pods.
      evictionHard: { 'memory.available': '50Mi', 'nodefs.available': '1%', 'imagefs.available': '1%' },
      imageGCHighThresholdPercent: 100,
      failSwapOn: false,
      // Lowering its own OOM score needs CAP_SYS_RESOURCE, which root lacks on this VM.
      oomScoreAdj: 0,
      resolvConf: '/etc/resolv.conf',
      podCIDR: POD_CIDR,
      maxPods: 40,
      serializeImagePulls: false,
      // Short sync loops: a loaded 2-core machine, and tests wait on status.
      nodeStatusUpdateFrequency: '4s',
      syncFrequency: '10s',
      fileCheckFrequency: '20s',
      staticPodPath: '',
      volumePluginDir: `${p.base}/kubelet-plugins`,
      shutdownGracePeriod: '0s',
      localStorageCapacityIsolation: true,
    },
    null,
    2,
  );
}
