#!/usr/bin/env bash
# Sourced by scripts/image*.sh: podman's whole configuration (engine, storage, registries, signature
# policy) lives in a work folder outside the repository, so nothing under /etc is changed and a
# clean clone on a machine of the project's kind needs only the Debian packages from prereqs.sh.
#
# Why each setting (measured on these VMs, see docs/local-control-plane.md "Image"):
# - runtime runc, cgroupfs: podman's default crun refuses cgroup v1 hybrid ("cgroups in hybrid mode
#   not supported") and there is no systemd to manage cgroups.
# - default_ulimits: root here lacks CAP_SYS_RESOURCE and the VM caps open files at 20000; podman
#   would ask the runtime for more and fail with "setrlimit RLIMIT_NOFILE: Operation not permitted".
# - events_logger file: no journald here.
# - storage: overlay (kernel), graph root in the work folder; it survives between runs, which is the
#   layer cache that keeps warm builds fast.
# - registries: no registry is reachable, so builds run with --pull=never against local images.
mcpr_image_work="${MCPR_IMAGE_WORK:-${XDG_CACHE_HOME:-$HOME/.cache}/mcpregistry-image}"
mkdir -p "$mcpr_image_work/storage" "$mcpr_image_work/run" "$mcpr_image_work/net.d"
nofile=$(ulimit -Hn)
[[ $nofile == unlimited ]] && nofile=1048576
# nproc above kernel.pid_max (32768 here) is refused inside runc's init although the shell's own
# hard limit is higher (measured: 32768 works, 65536 fails with "error setting rlimit type 6").
nproc=$(ulimit -Hu)
pid_max=$(cat /proc/sys/kernel/pid_max)
[[ $nproc == unlimited || $nproc -gt $pid_max ]] && nproc=$pid_max
cat >"$mcpr_image_work/containers.conf.tmp" <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$mcpr_image_work/run/events.log"
tmp_dir = "$mcpr_image_work/run/libpod"
[network]
network_config_dir = "$mcpr_image_work/net.d"
EOF
cat >"$mcpr_image_work/storage.conf.tmp" <<EOF
[storage]
driver = "overlay"
graphroot = "$mcpr_image_work/storage"
runroot = "$mcpr_image_work/run/storage"
EOF
cat >"$mcpr_image_work/registries.conf.tmp" <<'EOF'
unqualified-search-registries = ["docker.io"]
short-name-mode = "permissive"
EOF
cat >"$mcpr_image_work/policy.json.tmp" <<'EOF'
{ "default": [{ "type": "insecureAcceptAnything" }] }
EOF
# Rewrite only on change, so concurrent runs never see a half-written file.
for f in containers.conf storage.conf registries.conf policy.json; do
  if cmp -s "$mcpr_image_work/$f.tmp" "$mcpr_image_work/$f"; then
    rm -f "$mcpr_image_work/$f.tmp"
  else
    mv "$mcpr_image_work/$f.tmp" "$mcpr_image_work/$f"
  fi
done
export CONTAINERS_CONF="$mcpr_image_work/containers.conf"
export CONTAINERS_STORAGE_CONF="$mcpr_image_work/storage.conf"
export CONTAINERS_REGISTRIES_CONF="$mcpr_image_work/registries.conf"
mcpr_policy="$mcpr_image_work/policy.json"
