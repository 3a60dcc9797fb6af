#!/usr/bin/env bash
# Builds the real kubeconform (github.com/yannh/kubeconform, pinned in tool/go.mod) with
# scripts/go-tool.sh. Prints the binary's path. Used by test/integration/gitops/kubeconform.test.ts.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/go-tool.sh"
recipe() { go_tool_plain "$1" kubeconform github.com/yannh/kubeconform/cmd/kubeconform; }
echo "$(go_tool_build mcpregistry-kubeconform "$here/tool" kubeconform recipe)/kubeconform"
