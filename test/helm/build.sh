#!/usr/bin/env bash
# Builds the real helm CLI (helm.sh/helm/v3, pinned in go.mod) from the Go module proxy into the
# control plane's cache directory, keyed by a stamp of everything that feeds the build, so a warm
# machine skips the build entirely. Prints the path of the helm binary.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-modcacherw
stamp=$(cat "$here/go.mod" "$here/go.sum" "$0" <(go version) | sha256sum | cut -c1-16)
out="${XDG_CACHE_HOME:-$HOME/.cache}/mcpregistry-k8s/helm-$stamp"
if [[ ! -x $out/helm ]]; then
  echo "building helm into $out (cold: ~250 s of CPU, a few minutes on 2 idle cores)" >&2
  rm -rf "$out.tmp"; mkdir -p "$out.tmp"
  start=$(date +%s)
  (
    cd "$here"
    go mod download
    # The same version variables helm's own Makefile sets: its release version, and the Kubernetes
    # version `helm template`/`lint` assume without a cluster (from the client-go it is built with).
    helm_version=$(go list -m -f '{{.Version}}' helm.sh/helm/v3)
    k8s_minor=$(go list -m -f '{{.Version}}' k8s.io/client-go | cut -d. -f2)
    go build -trimpath -buildvcs=false -pgo=off \
      -ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$helm_version -X helm.sh/helm/v3/internal/version.gitTreeState=clean \
        -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$k8s_minor \
        -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$k8s_minor" \
      -o "$out.tmp/helm" helm.sh/helm/v3/cmd/helm
  ) >&2
  echo "built in $(( $(date +%s) - start ))s" >&2
  rm -rf "$out" && mv "$out.tmp" "$out"
fi
echo "$out/helm"
