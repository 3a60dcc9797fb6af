/**
 * What thv prints for a kubeconfig it cannot use (src/cli/cluster.ts over src/kube/credentials.ts):
 * the exact message for each broken kubeconfig, read from real files. Loading needs no cluster.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, NO_CLUSTER_HINT } from '../../../src/cli/cluster.ts';
import { CliError } from '../../../src/cli/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'thv-kubeconfig-'));
const good = 'clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]\n';

test('a kubeconfig thv cannot use: the exact message', () => {
  const cases: [string, string, string | undefined, string, string][] = [
    [
      'yaml',
      'clusters: [a',
      undefined,
      'cannot load the kubeconfig {F}: the kubeconfig {F} is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 1, column 13',
      NO_CLUSTER_HINT,
    ],
    [
      'no-current',
      `${good}contexts: [{name: x, context: {cluster: c}}]\n`,
      undefined,
      'cannot load the kubeconfig {F}: the kubeconfig has no current context; set current-context or use --context',
      NO_CLUSTER_HINT,
    ],
    [
      'gone-current',
      `${good}current-context: gone\n`,
      undefined,
      'cannot load the kubeconfig {F}: the current context "gone" is not in the kubeconfig',
      NO_CLUSTER_HINT,
    ],
    [
      'unknown-context',
      `${good}contexts: [{name: x, context: {cluster: c}}]\ncurrent-context: x\n`,
      'nope',
      'context "nope" is not in the kubeconfig {F}.',
      'List the contexts with `kubectl config get-contexts --kubeconfig {F}`.',
    ],
    [
      'missing-ca',
      'clusters: [{name: c, cluster: {server: "https://h", certificate-authority: ca.crt}}]\ncontexts: [{name: x, context: {cluster: c}}]\ncurrent-context: x\n',
      undefined,
      `cannot load the kubeconfig {F}: cluster "c" in {F}: the certificate-authority ${dir}/ca.crt does not exist`,
      NO_CLUSTER_HINT,
    ],
  ];
  for (const [name, text, context, message, hint] of cases) {
    const file = join(dir, name);
    writeFileSync(file, text);
    assert.throws(
      () => Cluster.connect({ kubeconfig: file, context }, {}),
      (e: unknown) => {
        assert.ok(e instanceof CliError, name);
        assert.equal(e.message, message.replaceAll('{F}', file), name);
        assert.equal(e.hint, hint.replaceAll('{F}', file), name);
        return true;
      },
    );
  }
});
