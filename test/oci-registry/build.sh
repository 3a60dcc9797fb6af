#!/usr/bin/env bash
# Builds CNCF Distribution's `registry` (github.com/distribution/distribution/v3, pinned in go.mod)
# with scripts/go-tool.sh. Prints the binary's path. The release tests push the image and the chart
# to it (test/support/oci-registry.ts).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/go-tool.sh"
recipe() {
  local version
  version=$(go list -m -f '{{.Version}}' github.com/distribution/distribution/v3)
  go build -trimpath -buildvcs=false -pgo=off \
    -ldflags="-s -w -X github.com/distribution/distribution/v3/version.version=$version" \
    -o "$1/registry" github.com/distribution/distribution/v3/cmd/registry
}
echo "$(go_tool_build mcpregistry-oci-registry "$here" registry recipe)/registry"
