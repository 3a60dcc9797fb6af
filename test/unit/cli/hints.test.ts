/**
 * The install-day hints, word for word (issue #32.10): the missing-CRD hint names Helm (the chart
 * installs the CRD) as well as kustomize, and the webhook hint says what to check when the apiserver
 * reports "failed calling webhook". The integration tests (errors.test.ts, messages.test.ts) show
 * them after the real apiserver's answers; this pins what they say.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_CRD_HINT, WEBHOOK_HINT } from '../../../src/cli/cluster.ts';

test('the missing-CRD hint: Helm first, kustomize second, and how to check', () => {
  assert.equal(
    NO_CRD_HINT,
    'Install the CRD and the operator first: with Helm (`helm install mcp-registry-operator oci://REGISTRY/charts/mcp-registry-operator`, docs/helm.md, which installs the CRD too) or with kustomize (`kubectl apply -f crds/` and `kubectl apply -k manifests/overlays/self-signed`, docs/install.md); `kubectl get crd mcpregistries.toolhive.stacklok.io` shows whether it is there.',
  );
});

test('the failed-calling-webhook hint: is the operator running and ready, and its CA bundle', () => {
  assert.equal(
    WEBHOOK_HINT,
    'The operator’s admission webhook did not answer. Check that the operator runs and is ready (`kubectl get pods -n toolhive-system -l app.kubernetes.io/name=mcp-registry-operator`, or the namespace you installed it in) and that its webhook Service has endpoints; right after an install, wait for `kubectl rollout status deployment/mcp-registry-operator -n toolhive-system` and retry. A certificate error here means the webhook’s CA bundle is not injected yet (docs/troubleshooting.md).',
  );
});
