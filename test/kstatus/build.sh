#!/usr/bin/env bash
# Builds the real kstatus program (tool/main.go, on sigs.k8s.io/cli-utils pinned in tool/go.mod) with
# scripts/go-tool.sh. Prints the binary's path. Used by test/integration/gitops/kstatus.test.ts.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/go-tool.sh"
recipe() { go_tool_plain "$1" kstatus .; }
echo "$(go_tool_build mcpregistry-kstatus "$here/tool" kstatus recipe "$here/tool/main.go")/kstatus"
