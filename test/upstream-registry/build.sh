#!/usr/bin/env bash
# Builds the official MCP registry server (github.com/modelcontextprotocol/registry, cmd/registry,
# pinned in go.mod) with scripts/go-tool.sh. Prints the binary's path. Cold: 2-4 min, ~310 MB of modules.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/go-tool.sh"
recipe() { go_tool_plain "$1" registry github.com/modelcontextprotocol/registry/cmd/registry; }
echo "$(GO_TOOL_NOTE="cold: 2-4 min on 2 cores" go_tool_build mcpregistry-upstream-registry "$here" registry recipe)/registry"
