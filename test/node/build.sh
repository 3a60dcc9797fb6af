#!/usr/bin/env bash
# Builds what a real node needs besides the control plane: kubelet, kube-scheduler,
# kube-controller-manager and kube-proxy from the same module as the apiserver
# (test/k8s/bin-src/go.mod: one k8s.io/kubernetes version, one set of staging replaces, one go.sum),
# with the same flags and tags so Go's build cache shares every package they have in common; and
# the pod sandbox binary (test/node/pause). Cached like test/k8s/build.sh: a stamp of every input,
# outside the repository. Prints the directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../k8s/bin-src"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-modcacherw
K8S_VERSION=$(cd "$src" && go list -m -f '{{.Version}}' k8s.io/kubernetes)
stamp=$(cat "$src/go.mod" "$src/go.sum" "$here/pause/go.mod" "$here/pause/main.go" "$0" <(go version) |
  sha256sum | cut -c1-16)
out="${XDG_CACHE_HOME:-$HOME/.cache}/mcpregistry-node/$stamp"
bins=(kubelet kube-scheduler kube-controller-manager kube-proxy)
ready=1
for b in "${bins[@]}" pause; do [[ -x $out/$b ]] || ready=0; done
if ((!ready)); then
  echo "building ${bins[*]} $K8S_VERSION and pause into $out (cold: ~10 min on 2 cores after the apiserver)" >&2
  # Per-process scratch directory: concurrent runs (parallel test suites) must not share one.
  tmp="$out.tmp.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  start=$(date +%s)
  (
    cd "$src"
    go mod download
    for b in "${bins[@]}"; do
      # Flags identical to test/k8s/build.sh's apiserver build, so shared packages are cache hits.
      go build -trimpath -buildvcs=false -pgo=off -tags=selinux,notest,grpcnotrace \
        -ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=35 -X k8s.io/component-base/version.gitTreeState=clean" \
        -o "$tmp/$b" "k8s.io/kubernetes/cmd/$b"
    done
    cd "$here/pause"
    go build -trimpath -buildvcs=false -ldflags="-s -w" -o "$tmp/pause" .
  ) >&2
  echo "built in $(($(date +%s) - start))s" >&2
  # Another run may have published first: keep a complete one, replace an incomplete one.
  complete=1
  for b in "${bins[@]}" pause; do [[ -x $out/$b ]] || complete=0; done
  if ((complete)); then rm -rf "$tmp"; else rm -rf "$out" && mv -T "$tmp" "$out"; fi
fi
echo "$out"
