#!/usr/bin/env bash
# Builds the real kube-apiserver and etcd from the Go module proxy into a cache
# directory outside the repository, keyed by a stamp of everything that feeds
# the build, so a warm machine skips the build entirely. Prints the directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-modcacherw
unset KUBEBUILDER_ASSETS TEST_ASSET_KUBE_APISERVER TEST_ASSET_ETCD
K8S_VERSION=v1.35.4
stamp=$(cat "$here/bin-src/go.mod" "$here/bin-src/go.sum" "$0" <(go version) | sha256sum | cut -c1-16)
out="${XDG_CACHE_HOME:-$HOME/.cache}/mcpregistry-k8s/$stamp"
if [[ ! -x $out/kube-apiserver || ! -x $out/etcd ]]; then
  echo "building kube-apiserver $K8S_VERSION and etcd into $out (cold: ~15 min on 2 cores)" >&2
  # Per-process scratch directory: concurrent runs (parallel test suites) must not share one.
  tmp="$out.tmp.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  start=$(date +%s)
  (
    cd "$here/bin-src"
    go mod download
    go build -trimpath -buildvcs=false -pgo=off -tags=selinux,notest,grpcnotrace \
      -ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=35 -X k8s.io/component-base/version.gitTreeState=clean" \
      -o "$tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
    go build -trimpath -buildvcs=false -pgo=off -ldflags="-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3
  ) >&2
  echo "built in $(( $(date +%s) - start ))s" >&2
  # Another run may have published first: keep a complete one, replace an incomplete one.
  if [[ -x $out/kube-apiserver && -x $out/etcd ]]; then rm -rf "$tmp"; else rm -rf "$out" && mv -T "$tmp" "$out"; fi
fi
echo "$out"
