#!/usr/bin/env bash
# Builds the real kube-apiserver and etcd (pinned in bin-src/go.mod) with scripts/go-tool.sh, into a
# cache outside the repository. Prints the directory. Cold: ~15 min on 2 cores.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/go-tool.sh"
unset KUBEBUILDER_ASSETS TEST_ASSET_KUBE_APISERVER TEST_ASSET_ETCD
K8S_VERSION=v1.35.4
# test/node/build.sh builds the node's binaries with these same flags and tags, so Go's build cache
# shares every package they have in common.
K8S_LDFLAGS="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=35 -X k8s.io/component-base/version.gitTreeState=clean"
recipe() {
  go build -trimpath -buildvcs=false -pgo=off -tags=selinux,notest,grpcnotrace -ldflags="$K8S_LDFLAGS" \
    -o "$1/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
  go build -trimpath -buildvcs=false -pgo=off -ldflags="-s -w" -o "$1/etcd" go.etcd.io/etcd/server/v3
}
GO_TOOL_NOTE="cold: ~15 min on 2 cores" go_tool_build mcpregistry-k8s "$here/bin-src" "kube-apiserver etcd" recipe \
  <(echo "$K8S_LDFLAGS")
