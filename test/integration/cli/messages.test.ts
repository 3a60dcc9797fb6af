/**
 * Messages of issue #32.10 against the real apiserver: "failed calling webhook" (our webhook not
 * answering, the most common install-day error) gets a hint; the hints about a missing kubeconfig and
 * an unreachable cluster name `npm start` only in a checkout of this project.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WEBHOOK_HINT, inCheckout } from '../../../src/cli/cluster.ts';
import { createNamespace, kubectl, kubectlOk } from '../../support/cluster.ts';
import { thv } from './thv.ts';

let ns: string;
const WEBHOOK = `h32-unanswered-${Math.random().toString(16).slice(2, 8)}`;
before(async () => {
  ns = await createNamespace('cli-msg');
  kubectlOk(['label', 'namespace', ns, `${WEBHOOK}=enabled`]);
  // A webhook nobody answers (a closed loopback port), only for this namespace: the apiserver then
  // fails every MCPRegistry write there with "failed calling webhook", as before the operator is ready.
  kubectlOk(['apply', '-f', '-'], {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: WEBHOOK },
    webhooks: [
      {
        name: 'vmcpregistry.h32.example.com',
        clientConfig: { url: 'https://127.0.0.1:1/validate' },
        rules: [
          {
            apiGroups: ['toolhive.stacklok.io'],
            apiVersions: ['*'],
            operations: ['CREATE'],
            resources: ['mcpregistries'],
          },
        ],
        namespaceSelector: { matchLabels: { [WEBHOOK]: 'enabled' } },
        failurePolicy: 'Fail',
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        timeoutSeconds: 2,
      },
    ],
  });
});
after(() => void kubectl(['delete', 'validatingwebhookconfiguration', WEBHOOK, '--ignore-not-found']));

test('"failed calling webhook": the apiserver message as given, then what to check', async () => {
  const r = await thv(['registry', 'add', 'demo', '-n', ns, '--configmap', 'catalog']);
  assert.equal(r.code, 1);
  const [first, hint, ...rest] = r.stderr.trimEnd().split('\n');
  assert.match(
    first!,
    /^Error from server \(InternalError\): Internal error occurred: failed calling webhook "vmcpregistry\.h32\.example\.com"/,
  );
  assert.equal(hint, WEBHOOK_HINT);
  assert.deepEqual(rest, []);
});

test('outside a checkout the no-kubeconfig and unreachable hints do not say npm start', async () => {
  const away = mkdtempSync(join(tmpdir(), 'thv-elsewhere-'));
  const env = { KUBECONFIG: '', HOME: away };
  const here = await thv(['registry', 'list'], { kubeconfig: null, env });
  const there = await thv(['registry', 'list'], { kubeconfig: null, env, cwd: away });
  assert.equal(here.code, 1);
  assert.match(
    here.stderr,
    /for a local cluster, run `npm start` and use the \.local\/kubeconfig it writes\.\n$/,
  );
  assert.equal(
    there.stderr,
    `error: no kubeconfig found: looked at --kubeconfig (not given), $KUBECONFIG (not set) and ${join(away, '.kube/config')} (no such file).\nPoint thv at a cluster with --kubeconfig FILE or KUBECONFIG=FILE (a cloud provider’s CLI writes one: e.g. \`aws eks update-kubeconfig\`, \`gcloud container clusters get-credentials\`).\n`,
  );
  // A kubeconfig at a closed port: unreachable, again without npm start outside the checkout.
  const kc = join(away, 'closed.yaml');
  writeFileSync(
    kc,
    'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\nusers: [{name: u, user: {token: t}}]\n',
  );
  const closed = await thv(['registry', 'list'], { kubeconfig: kc, cwd: away });
  assert.equal(closed.code, 1);
  assert.doesNotMatch(closed.stderr, /npm start/);
  assert.match(closed.stderr, /^error: cannot reach the Kubernetes API server at https:\/\/127\.0\.0\.1:1 /);
  const local = await thv(['registry', 'list'], { kubeconfig: kc });
  assert.match(local.stderr, /For a local cluster from this checkout, run `npm start`/);
});

test('inCheckout: only a folder with this project’s package.json and scripts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'thv-checkout-'));
  const cases: [string, boolean][] = [[dir, false]];
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'other' }));
  cases.push([dir, false]);
  const ours = mkdtempSync(join(tmpdir(), 'thv-checkout-'));
  writeFileSync(join(ours, 'package.json'), JSON.stringify({ name: 'mcp-registry-operator' }));
  mkdirSync(join(ours, 'scripts'));
  const installed = mkdtempSync(join(tmpdir(), 'thv-checkout-')); // an npm-installed package has no scripts/with-node.sh
  writeFileSync(join(installed, 'package.json'), JSON.stringify({ name: 'mcp-registry-operator' }));
  writeFileSync(join(ours, 'scripts/with-node.sh'), '');
  cases.push([ours, true], [installed, false], [process.cwd(), true]);
  for (const [d, want] of cases) assert.equal(inCheckout(d), want, d);
});
