#!/usr/bin/env bash
# The whole test command: lint, typecheck, generated-file drift, unit tests, integration tests
# against a real kube-apiserver + etcd built from Go modules (test/k8s/build.sh), then the end-to-end
# suite on a real node (test/e2e).
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"
unset KUBEBUILDER_ASSETS TEST_ASSET_KUBE_APISERVER TEST_ASSET_ETCD
echo "== node $(node --version)"
bash scripts/prereqs.sh
echo "== lint"
npx eslint .
npx prettier --check . >/dev/null
echo "== typecheck"
npx tsc -p tsconfig.json
npx tsc -p src/ui/client/tsconfig.json # the catalog page's browser code (DOM types)
echo "== build control-plane binaries"; export MCPR_K8S_BIN_DIR; MCPR_K8S_BIN_DIR=$(bash test/k8s/build.sh)
echo "== build the official MCP registry server"; export MCPR_UPSTREAM_REGISTRY_BIN; MCPR_UPSTREAM_REGISTRY_BIN=$(bash test/upstream-registry/build.sh)
echo "== build helm"; export MCPR_HELM_BIN; MCPR_HELM_BIN=$(bash test/helm/build.sh)
echo "== build promtool (alert rules and dashboard tests)"; export MCPR_PROMTOOL_BIN; MCPR_PROMTOOL_BIN=$(bash test/promtool/build.sh)
echo "== install schemathesis (registry API conformance)"; export MCPR_SCHEMATHESIS_BIN; MCPR_SCHEMATHESIS_BIN=$(bash test/schemathesis/install.sh)
echo "== install the MCP Inspector (npm; /mcp tests)"; export MCPR_MCP_INSPECTOR_BIN; MCPR_MCP_INSPECTOR_BIN=$(bash test/mcp-inspector/install.sh)
echo "== build kubeconform and the kstatus probe (GitOps tests)"; bash test/kubeconform/build.sh >/dev/null; bash test/kstatus/build.sh >/dev/null
echo "== build the image (npm run image; skipped when its inputs are unchanged)"; export MCPR_IMAGE; MCPR_IMAGE=$(bash scripts/image.sh)
echo "== build the OCI registry (CNCF Distribution, for the release tests)"; export MCPR_OCI_REGISTRY_BIN; MCPR_OCI_REGISTRY_BIN=$(bash test/oci-registry/build.sh)
echo "== npm run release (the image above, saved as an OCI archive)"; export MCPR_RELEASE_DIR; MCPR_RELEASE_DIR=$(node scripts/release.ts | tail -n1)
echo "== tests"
node --test --test-concurrency="${TEST_CONCURRENCY:-2}" --test-global-setup=test/support/global-setup.ts \
  --test-timeout=600000 'test/unit/**/*.test.ts' 'test/integration/**/*.test.ts' ${TEST_FILTER:+"$TEST_FILTER"}
# The shipped image and manifests as real Pods on a real node: the last part of "all tests"
# (also `npm run test:e2e` on its own). MCPR_SKIP_E2E=1 leaves it out while iterating.
if [[ -z ${MCPR_SKIP_E2E:-} ]]; then
  echo "== end to end on a real node"
  bash test/e2e/run.sh
fi
