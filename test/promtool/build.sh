#!/usr/bin/env bash
# Builds the real promtool (github.com/prometheus/prometheus/cmd/promtool, pinned in go.mod) with
# scripts/go-tool.sh. Prints the binary's path. Used by test/integration/ops (check rules, test rules,
# query parsing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/go-tool.sh"
recipe() {
  # The version variable Prometheus's own build sets, so `promtool --version` names the release:
  # module v0.316.0 is Prometheus 3.16.0.
  local version
  version=$(go list -m -f '{{.Version}}' github.com/prometheus/prometheus | sed -E 's/^v0\.([0-9])([0-9]+)\./\1.\2./')
  go build -trimpath -buildvcs=false -pgo=off \
    -ldflags="-s -w -X github.com/prometheus/common/version.Version=$version -X github.com/prometheus/common/version.Branch=release" \
    -o "$1/promtool" github.com/prometheus/prometheus/cmd/promtool
}
echo "$(GO_TOOL_NOTE="cold: several minutes of CPU" go_tool_build mcpregistry-promtool "$here" promtool recipe)/promtool"
