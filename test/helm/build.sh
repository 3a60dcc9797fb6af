#!/usr/bin/env bash
# Builds the real helm CLI (helm.sh/helm/v3, pinned in go.mod) with scripts/go-tool.sh. Prints the
# path of the helm binary. Cold: ~250 s of CPU.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/go-tool.sh"
recipe() {
  # The same version variables helm's own Makefile sets: its release version, and the Kubernetes
  # version `helm template`/`lint` assume without a cluster (from the client-go it is built with).
  local helm_version k8s_minor
  helm_version=$(go list -m -f '{{.Version}}' helm.sh/helm/v3)
  k8s_minor=$(go list -m -f '{{.Version}}' k8s.io/client-go | cut -d. -f2)
  go build -trimpath -buildvcs=false -pgo=off \
    -ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$helm_version -X helm.sh/helm/v3/internal/version.gitTreeState=clean \
      -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$k8s_minor \
      -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$k8s_minor" \
    -o "$1/helm" helm.sh/helm/v3/cmd/helm
}
echo "$(GO_TOOL_NOTE="cold: ~250 s of CPU" go_tool_build mcpregistry-helm "$here" helm recipe)/helm"
