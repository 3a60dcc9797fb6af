#!/usr/bin/env bash
# Builds CNCF Distribution's `registry` (github.com/distribution/distribution/v3, pinned in go.mod)
# from the Go module proxy into a cache outside the repository, keyed by a stamp of everything that
# feeds the build, so a warm machine skips it (the same shape as test/helm/build.sh). Prints the
# path of the binary. The release tests push the image and the chart to it (test/support/oci-registry.ts).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-modcacherw
stamp=$(cat "$here/go.mod" "$here/go.sum" "$0" <(go version) | sha256sum | cut -c1-16)
out="${XDG_CACHE_HOME:-$HOME/.cache}/mcpregistry-oci-registry/$stamp"
if [[ ! -x $out/registry ]]; then
  echo "building the OCI registry (distribution) into $out" >&2
  start=$(date +%s)
  rm -rf "$out.tmp" && mkdir -p "$out.tmp"
  (
    cd "$here"
    version=$(go list -m -f '{{.Version}}' github.com/distribution/distribution/v3)
    go build -trimpath -buildvcs=false -pgo=off \
      -ldflags="-s -w -X github.com/distribution/distribution/v3/version.version=$version" \
      -o "$out.tmp/registry" github.com/distribution/distribution/v3/cmd/registry
  ) >&2
  echo "built in $(($(date +%s) - start))s" >&2
  rm -rf "$out" && mv "$out.tmp" "$out"
fi
echo "$out/registry"
