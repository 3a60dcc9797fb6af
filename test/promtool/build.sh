#!/usr/bin/env bash
# Builds the real promtool (github.com/prometheus/prometheus/cmd/promtool, pinned in go.mod) from the
# Go module proxy into the control plane's cache directory, keyed by a stamp of everything that feeds
# the build, so a warm machine skips the build entirely. Prints the path of the promtool binary.
# Same shape as test/helm/build.sh. Used by test/integration/ops (check rules, test rules, query parsing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-modcacherw
stamp=$(cat "$here/go.mod" "$here/go.sum" "$0" <(go version) | sha256sum | cut -c1-16)
out="${XDG_CACHE_HOME:-$HOME/.cache}/mcpregistry-k8s/promtool-$stamp"
if [[ ! -x $out/promtool ]]; then
  echo "building promtool into $out (cold: several minutes of CPU)" >&2
  rm -rf "$out.tmp"; mkdir -p "$out.tmp"
  start=$(date +%s)
  (
    cd "$here"
    go mod download
    # The version variable Prometheus's own build sets, so `promtool --version` names the release:
    # module v0.316.0 is Prometheus 3.16.0.
    version=$(go list -m -f '{{.Version}}' github.com/prometheus/prometheus | sed -E 's/^v0\.([0-9])([0-9]+)\./\1.\2./')
    go build -trimpath -buildvcs=false -pgo=off \
      -ldflags="-s -w -X github.com/prometheus/common/version.Version=$version -X github.com/prometheus/common/version.Branch=release" \
      -o "$out.tmp/promtool" github.com/prometheus/prometheus/cmd/promtool
  ) >&2
  echo "built in $(( $(date +%s) - start ))s" >&2
  rm -rf "$out" && mv "$out.tmp" "$out"
fi
echo "$out/promtool"
