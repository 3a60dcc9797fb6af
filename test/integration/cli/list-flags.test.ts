/**
 * kubectl conventions on `thv registry list` (issue #32.8) against the real apiserver: -l/--selector,
 * --no-headers, -o name, -o jsonpath=… (and the message for a template it cannot run), -w/--watch
 * printing a line per change; `info -o yaml` is the object alone (kubectl apply takes it back), events
 * only with --events; `thv version`.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createNamespace, eventually, kubeconfigPath, kubectlOk } from '../../support/cluster.ts';
import { Cluster } from '../../../src/cli/cluster.ts';
import { CliError } from '../../../src/cli/errors.ts';
import { memoryIO } from '../../../src/cli/io.ts';
import { runList } from '../../../src/cli/verbs/list.ts';
import type { KubeClient } from '../../../src/kube/client.ts';
import { parse } from 'yaml';
import { start, thv } from './thv.ts';

let ns: string;
const registry = (name: string, team: string) => ({
  apiVersion: 'toolhive.stacklok.io/v1beta1',
  kind: 'MCPRegistry',
  metadata: { name, namespace: ns, labels: { team } },
  spec: { sources: [{ name: 'catalog', type: 'configmap', configMapRef: { name: 'catalog' } }] },
});

before(async () => {
  ns = await createNamespace('cli-list');
  kubectlOk(['apply', '-f', '-'], {
    apiVersion: 'v1',
    kind: 'List',
    items: [registry('r1', 'a'), registry('r2', 'b')],
  });
});

test('-l/--selector narrows the list; -o name prints kind/name lines', async () => {
  const cases: [string, string][] = [
    ['team=a', 'mcpregistry.toolhive.stacklok.io/r1\n'],
    ['team in (a,b)', 'mcpregistry.toolhive.stacklok.io/r1\nmcpregistry.toolhive.stacklok.io/r2\n'],
    ['team!=a', 'mcpregistry.toolhive.stacklok.io/r2\n'],
  ];
  for (const [selector, want] of cases) {
    const r = await thv(['registry', 'list', '-n', ns, '-l', selector, '-o', 'name']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, want, selector);
  }
  const none = await thv(['registry', 'list', '-n', ns, '--selector', 'team=zzz']);
  assert.equal(none.code, 0);
  assert.equal(none.stdout, '');
  assert.equal(none.stderr, `No MCPRegistries matching "team=zzz" found in namespace "${ns}".\n`);
});

test('--no-headers drops the header line only', async () => {
  const full = await thv(['registry', 'list', '-n', ns]);
  const bare = await thv(['registry', 'list', '-n', ns, '--no-headers']);
  assert.equal(bare.code, 0, bare.stderr);
  const lines = full.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^NAME\s+PHASE/);
  assert.deepEqual(
    bare.stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.split(/\s+/)[0]),
    ['r1', 'r2'],
  );
  // The same rows (AGE, the last column, may have ticked between the two runs).
  const noAge = (l: string) => l.replace(/\S+$/, '');
  assert.deepEqual(bare.stdout.trimEnd().split('\n').map(noAge), lines.slice(1).map(noAge));
});

test('-o jsonpath=… over the list, and the exact message for a template outside the subset', async () => {
  const cases: [string, string][] = [
    ['{.items[*].metadata.name}', 'r1 r2'],
    ['{.items[0].metadata.labels.team}{"\\n"}', 'a\n'],
    ["{.items[-1].metadata['name']}", 'r2'],
    ['{.kind}', 'MCPRegistryList'],
    ['{.items[*].spec.sources[0].type}', 'configmap configmap'],
  ];
  for (const [template, want] of cases) {
    const r = await thv(['registry', 'list', '-n', ns, '-o', `jsonpath=${template}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, want, template);
  }
  const bad = await thv(['registry', 'list', '-n', ns, '-o', 'jsonpath={.items[?(@.x)]}']);
  assert.equal(bad.code, 2);
  assert.equal(
    bad.stderr,
    `error: option '-o, --output <format>' argument 'jsonpath={.items[?(@.x)]}' is invalid. unsupported JSONPath ".items[?(@.x)]" at "[?(@.x)]" (no filters or slices)\n`,
  );
  const unknown = await thv(['registry', 'list', '-o', 'table2']);
  assert.equal(unknown.code, 2);
  assert.equal(
    unknown.stderr,
    "error: option '-o, --output <format>' argument 'table2' is invalid. Allowed choices are table, wide, json, yaml, name, or jsonpath=TEMPLATE (e.g. jsonpath='{.items[*].metadata.name}').\n",
  );
});

test('-w prints the list, then a line per change, until interrupted', async () => {
  const w = start(['registry', 'list', '-n', ns, '-l', 'team=w', '-w', '--no-headers']);
  await eventually(
    'the empty-list note',
    () => w.stderr().includes(`No MCPRegistries matching "team=w" found in namespace "${ns}".`) || undefined,
  );
  kubectlOk(['apply', '-f', '-'], registry('r3', 'w'));
  await eventually('a row for the new registry', () => /^r3\s+/m.test(w.stdout()) || undefined);
  const named = start(['registry', 'list', '-n', ns, '-l', 'team=w', '-w', '-o', 'name']);
  await eventually(
    '-o name lists it',
    () => named.stdout().includes('mcpregistry.toolhive.stacklok.io/r3\n') || undefined,
  );
  kubectlOk(['delete', 'mcpregistries.toolhive.stacklok.io', 'r3', '-n', ns, '--wait=false']);
  await eventually(
    'its deletion printed too',
    () => named.stdout().split('mcpregistry.toolhive.stacklok.io/r3\n').length > 2 || undefined,
  );
  w.kill();
  named.kill();
  await Promise.all([w.done, named.done]);
  // r2 (team=b) is not selected: it never appears.
  assert.ok(!w.stdout().includes('r2') && !named.stdout().includes('/r2'));
});

test('-w whose resume version the apiserver no longer holds: one watch, then a readable error', async () => {
  // The real apiserver's answer to a watch from a compacted version (a 200 stream of one ERROR event,
  // 410 Expired, then the end): the list's version is made that old, as a long watch's can become.
  const cluster = Cluster.connect({ kubeconfig: kubeconfigPath(), namespace: ns });
  const real = cluster.client;
  let watches = 0;
  const client = Object.create(real) as KubeClient;
  Object.assign(client, {
    list: async (...args: Parameters<KubeClient['list']>) => {
      const l = await real.list(...args);
      return { ...l, metadata: { ...l.metadata, resourceVersion: '1' } };
    },
    watch: (...args: Parameters<KubeClient['watch']>) => {
      // Before the fix the loop watched again from the same version, at once, forever.
      if (++watches > 3) throw new Error('watched again and again from the same version');
      return real.watch(...args);
    },
  });
  Object.defineProperty(cluster, 'client', { value: client });
  const io = memoryIO();
  try {
    await assert.rejects(
      runList(cluster, io, { output: 'name', selector: 'team=a', watch: true }),
      (e: unknown) => {
        assert.ok(e instanceof CliError, String(e));
        assert.match(e.message, /^the watch ended: too old resource version: 1 \(\d+\) \(410\)\.$/);
        assert.equal(
          e.hint,
          'The apiserver no longer holds the changes since the last one shown; run the command again to list and watch from now.',
        );
        return true;
      },
    );
  } finally {
    real.close();
  }
  assert.equal(watches, 1);
  assert.equal(io.stdout, 'mcpregistry.toolhive.stacklok.io/r1\n');
});

test('thv version prints what --version prints', async () => {
  const [a, b] = await Promise.all([
    thv(['version'], { kubeconfig: null }),
    thv(['--version'], { kubeconfig: null }),
  ]);
  assert.equal(a.code, 0);
  assert.equal(a.stdout, b.stdout);
  assert.match(a.stdout, /^thv \d+\.\d+\.\d+/);
});

test('info -o yaml prints the object alone, which kubectl applies back; --events wraps it with its events', async () => {
  const yaml = await thv(['registry', 'info', 'r1', '-n', ns, '-o', 'yaml']);
  assert.equal(yaml.code, 0, yaml.stderr);
  const obj = parse(yaml.stdout) as { kind: string; metadata: { name: string; managedFields?: unknown } };
  assert.equal(obj.kind, 'MCPRegistry');
  assert.equal(obj.metadata.name, 'r1');
  assert.equal(obj.metadata.managedFields, undefined);
  assert.deepEqual(
    Object.keys(obj).filter((k) => k === 'events' || k === 'registry'),
    [],
  );
  assert.match(
    kubectlOk(['apply', '-f', '-'], yaml.stdout),
    /mcpregistry\.toolhive\.stacklok\.io\/r1 (unchanged|configured)/,
  );
  const wrapped = await thv(['registry', 'info', 'r1', '-n', ns, '-o', 'json', '--events']);
  assert.equal(wrapped.code, 0, wrapped.stderr);
  const w = JSON.parse(wrapped.stdout) as { registry: { metadata: { name: string } }; events: unknown[] };
  assert.equal(w.registry.metadata.name, 'r1');
  assert.ok(Array.isArray(w.events));
});

test('add --dry-run=client -o yaml needs no cluster and prints a clean manifest that the apiserver accepts', async () => {
  const noCluster = {
    kubeconfig: null,
    env: { KUBECONFIG: '/nonexistent/kubeconfig', HOME: '/nonexistent' },
  };
  const r = await thv(
    [
      'registry',
      'add',
      'gitops',
      '--configmap',
      'catalog',
      '--interval',
      '1h',
      '--dry-run=client',
      '-o',
      'yaml',
    ],
    noCluster,
  );
  assert.equal(r.code, 0, r.stderr);
  const obj = parse(r.stdout) as { metadata: Record<string, unknown>; status?: unknown };
  assert.deepEqual(obj.metadata, { name: 'gitops' }); // no uid, creationTimestamp or namespace without -n
  assert.equal(obj.status, undefined);
  kubectlOk(['apply', '-n', ns, '-f', '-'], r.stdout);
  assert.match(
    kubectlOk(['get', 'mcpregistries.toolhive.stacklok.io', 'gitops', '-n', ns, '-o', 'name']),
    /gitops/,
  );
  const withNs = await thv(
    ['registry', 'add', 'x', '-n', 'team-a', '--configmap', 'c', '--dry-run=client'],
    noCluster,
  );
  assert.equal(withNs.stdout, 'mcpregistry.toolhive.stacklok.io/x created (client dry run)\n');
  const all = await thv(['registry', 'add', 'x', '-A', '--configmap', 'c', '--dry-run=client'], noCluster);
  assert.equal(all.code, 2);
  assert.equal(
    all.stderr,
    'error: -A/--all-namespaces cannot be used with add\nName the namespace with -n NAMESPACE (only list works across namespaces).\n',
  );
});
