#!/usr/bin/env bash
# Builds ToolHive's own operator and proxy runner (github.com/stacklok/toolhive cmd/thv-operator and
# cmd/thv-proxyrunner, pinned in go.mod) with scripts/go-tool.sh, for the end-to-end suite's
# test/e2e/toolhive-operator.ts. Prints the directory holding both binaries.
# Why v0.47.0: every later release the module proxy serves (v0.55.1 to v0.66.0) either asks for Go 1.27
# or needs dependency versions the proxy refuses (403), e.g. toolhive-core v0.0.60 and ngrok v2.5.0;
# v0.47.0's CRDs are the fixtures' 2026-08-21 generation plus optional fields.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/go-tool.sh"
recipe() {
  # The version variable ToolHive's Taskfile sets, so the operator reports what it is.
  local v
  v=$(go list -m -f '{{.Version}}' github.com/stacklok/toolhive)
  for cmd in thv-operator thv-proxyrunner; do
    go build -trimpath -buildvcs=false -pgo=off \
      -ldflags="-s -w -X github.com/stacklok/toolhive/pkg/versions.Version=$v" \
      -o "$1/$cmd" "github.com/stacklok/toolhive/cmd/$cmd"
  done
}
GO_TOOL_NOTE="cold: ~800 s on 2 busy cores" go_tool_build mcpregistry-toolhive-operator "$here" "thv-operator thv-proxyrunner" recipe
