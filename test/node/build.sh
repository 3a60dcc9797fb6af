#!/usr/bin/env bash
# Builds what a real node needs besides the control plane: kubelet, kube-scheduler,
# kube-controller-manager and kube-proxy from the same module as the apiserver
# (test/k8s/bin-src/go.mod: one k8s.io/kubernetes version, one set of staging replaces, one go.sum),
# with the same flags and tags so Go's build cache shares every package they have in common; and
# the pod sandbox binary (test/node/pause). Built with scripts/go-tool.sh. Prints the directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/go-tool.sh"
src="$here/../k8s/bin-src"
K8S_VERSION=$(cd "$src" && go list -m -f '{{.Version}}' k8s.io/kubernetes)
K8S_LDFLAGS="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=35 -X k8s.io/component-base/version.gitTreeState=clean"
recipe() {
  local b
  for b in kubelet kube-scheduler kube-controller-manager kube-proxy; do
    go build -trimpath -buildvcs=false -pgo=off -tags=selinux,notest,grpcnotrace -ldflags="$K8S_LDFLAGS" \
      -o "$1/$b" "k8s.io/kubernetes/cmd/$b"
  done
  (cd "$here/pause" && go build -trimpath -buildvcs=false -ldflags="-s -w" -o "$1/pause" .)
}
GO_TOOL_NOTE="cold: ~10 min on 2 cores after the apiserver" go_tool_build mcpregistry-node "$src" \
  "kubelet kube-scheduler kube-controller-manager kube-proxy pause" recipe \
  "$here/pause/go.mod" "$here/pause/main.go" <(echo "$K8S_LDFLAGS")
