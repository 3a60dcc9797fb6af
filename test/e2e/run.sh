#!/usr/bin/env bash
# `npm run test:e2e`: the shipped image and manifests as real Pods on a real node (test/node).
# Builds (or finds cached) the control plane, the node's binaries, the image and the release, then runs
# test/e2e/*.test.ts. Needs root (containerd, the kubelet, iptables) like the rest of the suite here.
set -euo pipefail
cd "$(dirname "$0")/../.."
export NO_PROXY="127.0.0.1,localhost,10.0.0.0/16,10.244.0.0/24${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost,10.0.0.0/16,10.244.0.0/24${no_proxy:+,$no_proxy}"
unset KUBEBUILDER_ASSETS TEST_ASSET_KUBE_APISERVER TEST_ASSET_ETCD
bash scripts/prereqs.sh
echo "== build control-plane binaries"; export MCPR_K8S_BIN_DIR; MCPR_K8S_BIN_DIR=$(bash test/k8s/build.sh)
echo "== build node binaries"; export MCPR_NODE_BIN_DIR; MCPR_NODE_BIN_DIR=$(bash test/node/build.sh)
echo "== build the image"; export MCPR_IMAGE; MCPR_IMAGE=$(bash scripts/image.sh)
# ToolHive's own operator and proxy runner (test/e2e/toolhive-operator.ts); its images are built by the
# test from these binaries (test/toolhive-operator/images.sh).
echo "== build ToolHive's operator"; export MCPR_TOOLHIVE_OPERATOR_BIN_DIR
MCPR_TOOLHIVE_OPERATOR_BIN_DIR=$(bash test/toolhive-operator/build.sh)
# test/e2e/release.test.ts installs from a release pushed to a real OCI registry (scripts/test.sh
# has made the release already when it runs this script).
echo "== build helm and the OCI registry"; export MCPR_HELM_BIN MCPR_OCI_REGISTRY_BIN
MCPR_HELM_BIN=$(bash test/helm/build.sh); MCPR_OCI_REGISTRY_BIN=$(bash test/oci-registry/build.sh)
if [[ -z ${MCPR_RELEASE_DIR:-} ]]; then
  echo "== npm run release"; export MCPR_RELEASE_DIR; MCPR_RELEASE_DIR=$(node scripts/release.ts | tail -n1)
fi
echo "== e2e"
# One node per machine at a time: it owns host-wide things (the mcpr0 bridge, kube-proxy's iptables
# chains, the kubepods cgroups). A second run waits; a run that died is cleaned up by the next one.
exec flock --wait 3600 /tmp/mcpr-e2e-node.lock node --test --test-concurrency=1 --test-timeout=1800000 --test-reporter=spec 'test/e2e/**/*.test.ts'
