/**
 * `thv registry add` meets admission: the apiserver's schema and CEL errors, our webhooks' denials
 * and warnings, name conflicts and server-side dry runs, each shown exactly as the apiserver said it.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { client, createNamespace, kubectl } from '../../support/cluster.ts';
import { KubeApiError } from '../../../src/kube/client.ts';
import { thv } from './thv.ts';

let ns: string;
before(async () => {
  ns = await createNamespace('cli-admission');
});

interface Obj {
  metadata: { name: string };
  spec: { sources: Record<string, unknown>[] };
}

test('the apiserver’s rejection is printed exactly, with the flag it came from; exit 1', async () => {
  const r = await thv(['registry', 'add', 'bad-name', '-n', ns, '--configmap', 'Not_A_Name']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(
    r.stderr,
    `Error from server (Invalid): MCPRegistry.toolhive.stacklok.io "bad-name" is invalid: spec.sources[0].configMapRef.name: Invalid value: "Not_A_Name": spec.sources[0].configMapRef.name in body should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'\n` +
      'Fix the flag and run the command again (spec.sources[0].configMapRef.name is --configmap NAME).\n',
  );
  const first = await thv(['registry', 'add', 'from-url', '-n', ns, '--url', 'https://example.com/x.json']);
  assert.equal(first.code, 0, first.stderr);
  const dup = await thv(['registry', 'add', 'from-url', '-n', ns, '--url', 'https://example.com/x.json']);
  assert.equal(dup.code, 1);
  assert.equal(
    dup.stderr,
    `Error from server (AlreadyExists): mcpregistries.toolhive.stacklok.io "from-url" already exists\n` +
      `Pick another name, or remove it first with \`thv registry remove from-url -n ${ns}\`.\n`,
  );
});

test('admission webhook denials are printed exactly as the apiserver gave them', async () => {
  const r = await thv(['registry', 'add', 'plain-http', '-n', ns, '--url', 'http://example.com/r.json']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  const message =
    'admission webhook "vmcpregistry.toolhive.stacklok.io" denied the request: MCPRegistry.toolhive.stacklok.io "plain-http" is invalid: spec.sources[0].url.href: Invalid value: "http://example.com/r.json": must use https';
  assert.equal(
    r.stderr,
    `Error from server (Invalid): ${message}\nFix the flag and run the command again (spec.sources[0].url.href is --url).\n`,
  );
  // The same request through our client: the Status message is exactly what thv printed.
  const denied = await client()
    .create(
      { group: 'toolhive.stacklok.io', version: 'v1beta1', plural: 'mcpregistries', namespace: ns },
      {
        apiVersion: 'toolhive.stacklok.io/v1beta1',
        kind: 'MCPRegistry',
        metadata: { name: 'plain-http', namespace: ns },
        spec: { sources: [{ name: 'url', type: 'url', url: { href: 'http://example.com/r.json' } }] },
      },
    )
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  assert.ok(denied instanceof KubeApiError);
  assert.equal(denied.reason, 'Invalid');
  assert.equal(denied.message, message);

  const many = await thv([
    'registry',
    'add',
    'many',
    '-n',
    ns,
    '--git',
    'https://user:pw@git.example.com/r.git',
    '--path',
    '../x.txt',
    '--interval',
    '1s',
    '--include',
    '[ab',
  ]);
  assert.equal(many.code, 1);
  assert.equal(
    many.stderr,
    'Error from server (Invalid): admission webhook "vmcpregistry.toolhive.stacklok.io" denied the request: MCPRegistry.toolhive.stacklok.io "many" is invalid: [' +
      'spec.sources[0].git.repository: Invalid value: "https://user:pw@git.example.com/r.git": must not contain user information: put credentials in a Secret, ' +
      'spec.sources[0].git.path: Invalid value: "../x.txt": must not contain \'..\', ' +
      'spec.sources[0].git.path: Invalid value: "../x.txt": must end in .json, ' +
      'spec.syncPolicy.interval: Invalid value: "1s": must be at least 30s (the platform policy\'s minSyncInterval), ' +
      'spec.filter.names.include[0]: Invalid value: "[ab": invalid glob: unclosed [ at position 1]\n' +
      'Fix the flag and run the command again (spec.sources[0].git.repository is --git; spec.sources[0].git.path is --path; spec.syncPolicy.interval is --interval; spec.filter.names.include[0] is --include).\n',
  );
});

test('admission warnings are printed like kubectl prints them, and the registry is created', async () => {
  const r = await thv([
    'registry',
    'add',
    'eager',
    '-n',
    ns,
    '--url',
    'https://example.com/r.json',
    '--interval',
    '1m',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'mcpregistry.toolhive.stacklok.io/eager created\n');
  assert.equal(
    r.stderr,
    'Warning: spec.syncPolicy.interval: 1m polls a remote source more often than every 5m; consider 5m or more\n',
  );
  const k = kubectl(['create', '--dry-run=server', '-f', '-'], {
    apiVersion: 'toolhive.stacklok.io/v1beta1',
    kind: 'MCPRegistry',
    metadata: { name: 'eager-2', namespace: ns },
    spec: {
      sources: [{ name: 'url', type: 'url', url: { href: 'https://example.com/r.json' } }],
      syncPolicy: { interval: '1m' },
    },
  });
  assert.equal(k.stderr, r.stderr.trimEnd());
  const removed = await thv(['registry', 'remove', 'eager', '-n', ns]);
  assert.equal(removed.code, 0, removed.stderr);
});

test('add --dry-run sends a server-side dry run: the defaulted object comes back, nothing is stored', async () => {
  const r = await thv([
    'registry',
    'add',
    'dry',
    '-n',
    ns,
    '--configmap',
    'catalog',
    '--dry-run',
    '-o',
    'yaml',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const obj = parse(r.stdout) as Obj;
  assert.equal(obj.metadata.name, 'dry');
  assert.deepEqual(obj.spec.sources[0]?.configMapRef, {
    ...(obj.spec.sources[0]?.configMapRef as object),
    name: 'catalog',
  });
  const plain = await thv(['registry', 'add', 'dry', '-n', ns, '--configmap', 'catalog', '--dry-run']);
  assert.equal(plain.stdout, 'mcpregistry.toolhive.stacklok.io/dry created (server dry run)\n');
  const list = await thv(['registry', 'list', '-n', ns, '-o', 'name']);
  assert.doesNotMatch(list.stdout, /\/dry$/m);
});
