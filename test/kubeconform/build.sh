#!/usr/bin/env bash
# Builds the real kubeconform (github.com/yannh/kubeconform, pinned in tool/go.mod) from the Go module
# proxy into a cache outside the repository, keyed by a stamp of everything that feeds the build, so a
# warm machine skips it. Prints the path of the binary. Used by test/integration/gitops/kubeconform.test.ts.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-modcacherw
stamp=$(cat "$here/tool/go.mod" "$here/tool/go.sum" "$0" <(go version) | sha256sum | cut -c1-16)
out="${XDG_CACHE_HOME:-$HOME/.cache}/mcpregistry-kubeconform/$stamp"
if [[ ! -x $out/kubeconform ]]; then
  echo "building kubeconform into $out" >&2
  start=$(date +%s)
  rm -rf "$out.tmp" && mkdir -p "$out.tmp"
  (cd "$here/tool" && go build -trimpath -buildvcs=false -ldflags="-s -w" -o "$out.tmp/kubeconform" github.com/yannh/kubeconform/cmd/kubeconform) >&2
  echo "built in $(($(date +%s) - start))s" >&2
  rm -rf "$out" && mv "$out.tmp" "$out"
fi
echo "$out/kubeconform"
