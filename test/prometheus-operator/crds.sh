#!/usr/bin/env bash
# Prints the directory of prometheus-operator's released CRDs (ServiceMonitor, PodMonitor,
# PrometheusRule, ...): example/prometheus-operator-crd/ of the Go module
# github.com/prometheus-operator/prometheus-operator at the version below, fetched through the Go
# module proxy into the Go module cache on first use (nothing of it is committed here). Used by
# test/integration/ops to validate the chart's monitoring objects against the real CRDs.
set -euo pipefail
version=v0.85.0
export GOTOOLCHAIN=local GOFLAGS=-modcacherw
# `go mod download` of a path@version needs no module of ours; run it where no go.mod is found.
dir=$(cd / && go mod download -json "github.com/prometheus-operator/prometheus-operator@$version" |
  sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
crds="$dir/example/prometheus-operator-crd"
[[ -f $crds/monitoring.coreos.com_servicemonitors.yaml ]] || { echo "no CRDs in $crds" >&2; exit 1; }
echo "$crds"
