/**
 * The webhook's question about a policies ConfigMap under a slow apiserver
 * (src/webhook/policy-configmap-review.ts): the real Kubernetes client against a loopback server that
 * accepts connections and never answers. The registry is admitted with a warning saying the policies
 * were not checked and why (the API still checks them and fails closed); a spec naming no policies asks
 * nothing.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PolicyConfigMapReviewer, kubePolicyApi } from '../../../src/webhook/policy-configmap-review.ts';
import { CedarChecker } from '../../../src/webhook/cedar-check.ts';

const sockets: Socket[] = [];
const silent = createServer((s) => sockets.push(s));
await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
const port = (silent.address() as { port: number }).port;
const checker = new CedarChecker();
after(() => {
  for (const s of sockets) s.destroy();
  silent.close();
  checker.close();
});
const dir = mkdtempSync(join(tmpdir(), 'policy-review-'));
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(
  kubeconfig,
  `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n`,
);
const api = await kubePolicyApi(kubeconfig);
const reviewer = new PolicyConfigMapReviewer({ api: async () => api, checker, timeoutMs: 300 });

const reg = (api?: unknown) => ({
  apiVersion: 'toolhive.stacklok.io/v1beta1',
  kind: 'MCPRegistry',
  metadata: { name: 'r', namespace: 'team-a' },
  spec: { sources: [], ...(api ? { api } : {}) },
});

test('an apiserver that does not answer: admitted with a warning naming why', async () => {
  const r = await reviewer.review(
    reg({ authorization: { policiesConfigMapRef: { name: 'rules' } } }),
    undefined,
    { username: 'alice' },
  );
  assert.deepEqual(r, {
    errors: [],
    warnings: [
      'spec.api.authorization.policiesConfigMapRef: the policies in ConfigMap "rules" were not checked (the Kubernetes API did not answer within 0.3 s); the registry API checks them when it loads them and refuses every read while none are valid',
    ],
  });
});

test('no policies named, or the same reference on update: nothing is asked', async () => {
  const named = reg({ authorization: { policiesConfigMapRef: { name: 'rules' } } });
  assert.deepEqual(await reviewer.review(reg(), undefined, {}), { errors: [], warnings: [] });
  assert.deepEqual(await reviewer.review(named, named, {}), { errors: [], warnings: [] });
});
