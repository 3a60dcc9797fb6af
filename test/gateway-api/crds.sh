#!/usr/bin/env bash
# Prints the directory of the Gateway API's released standard-channel CRDs (GatewayClass, Gateway,
# HTTPRoute, ...): config/crd/standard of the Go module sigs.k8s.io/gateway-api at the version below,
# fetched through the Go module proxy into the Go module cache on first use (nothing of it is committed
# here). Used by test/integration/registry-api/api-exposure.test.ts to install HTTPRoute on the real
# apiserver (and to show the operator running before it is installed).
set -euo pipefail
version=v1.6.3
export GOTOOLCHAIN=local GOFLAGS=-modcacherw
# `go mod download` of a path@version needs no module of ours; run it where no go.mod is found.
dir=$(cd / && go mod download -json "sigs.k8s.io/gateway-api@$version" |
  sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
crds="$dir/config/crd/standard"
[[ -f $crds/gateway.networking.k8s.io_httproutes.yaml ]] || { echo "no CRDs in $crds" >&2; exit 1; }
echo "$crds"
