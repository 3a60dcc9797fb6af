#!/usr/bin/env bash
# Installs the Debian packages the test suite drives for real (each feature appends its packages
# below, with the reason). Idempotent and quick when everything is present; apt's caches stay
# outside the repository. Run by scripts/test.sh, so `npm test` and `.ci/run` need nothing by hand.
set -euo pipefail
packages=(
  # name:command-that-proves-it-is-installed
  # `npm run image` (scripts/image.sh): podman builds the Dockerfile without a Docker engine; runc
  # because podman's default crun cannot run on cgroup v1 hybrid here; debootstrap makes the Debian
  # root file system of the locally built stand-ins for base images that cannot be pulled.
  podman:podman
  runc:runc
  debootstrap:debootstrap
  # `npm run test:e2e` (test/node): the real node's container runtime, its pod network (bridge,
  # host-local, portmap) and kube-proxy's iptables rules. kubelet and friends are built from Go modules.
  containerd:containerd
  containernetworking-plugins:/usr/lib/cni/bridge
  iptables:iptables
  # The catalog page's browser tests (test/integration/ui) and `npm run bench -- ui` drive a real
  # headless Chromium through playwright-core (which downloads no browser of its own).
  chromium:chromium
  # GitOps (docs/gitops.md): the pre-commit hook runs through the real pre-commit, and the Argo CD
  # health check runs on Lua 5.1, the language version of Argo CD's gopher-lua.
  pre-commit:pre-commit
  lua5.1:lua5.1
  # The official MCP registry server in test/integration/upstream-registry runs on PostgreSQL 15
  # (test/support/upstream-registry.ts starts a private cluster with its initdb and postgres).
  postgresql-15:/usr/lib/postgresql/15/bin/initdb
  # Releases (test/integration/release, test/e2e/release.test.ts): skopeo copies the release's OCI
  # image archive to the test suite's OCI registry (test/oci-registry), as a user mirrors it.
  skopeo:skopeo
  # `thv completion fish` is tested in fish's own completion engine (test/integration/cli/completion.test.ts).
  fish:fish
)
missing=()
for p in "${packages[@]}"; do
  command -v "${p#*:}" >/dev/null 2>&1 || missing+=("${p%%:*}")
done
((${#missing[@]} == 0)) && exit 0
sudo=(); [[ $(id -u) == 0 ]] || sudo=(sudo)
echo "installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >&2 || true
# Several runs may install at once (parallel test runs, other features' packages): wait for the lock.
"${sudo[@]}" apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}" >&2
