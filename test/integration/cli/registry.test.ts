/**
 * `thv registry add | list | info | remove` end to end against the real apiserver (admission as
 * live in the shared test stack), in one namespace and across namespaces.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { createNamespace, eventually, kubectlOk } from '../../support/cluster.ts';
import { rows, start, thv } from './thv.ts';

let ns: string;
let other: string;
before(async () => {
  ns = await createNamespace('cli');
  other = await createNamespace('cli-other');
});

interface Obj {
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
  spec: {
    sources: Record<string, unknown>[];
    syncPolicy?: { interval?: string };
    filter?: unknown;
    displayName?: string;
  };
}

const get = (namespace: string, name: string) =>
  JSON.parse(
    kubectlOk(['get', 'mcpregistries.v1beta1.toolhive.stacklok.io', name, '-n', namespace, '-o', 'json']),
  ) as Obj;

test('add creates each source type with its flags, printing kubectl-style confirmations', async () => {
  const cases: [string, string[], Record<string, unknown>][] = [
    [
      'from-configmap',
      ['--configmap', 'catalog:data.json', '--display-name', 'From a ConfigMap'],
      { name: 'configmap', type: 'configmap', configMapRef: { name: 'catalog', key: 'data.json' } },
    ],
    [
      'from-url',
      [
        '--type',
        'url',
        '--url',
        'https://example.com/registry.json',
        '--format',
        'upstream',
        '--interval',
        '2h',
      ],
      {
        name: 'url',
        type: 'url',
        format: 'upstream',
        url: { href: 'https://example.com/registry.json' },
      },
    ],
    [
      'from-git',
      ['--git', 'https://github.com/org/catalog.git', '--tag', 'v1.2.0', '--path', 'data/registry.json'],
      {
        name: 'git',
        type: 'git',
        git: {
          repository: 'https://github.com/org/catalog.git',
          ref: { tag: 'v1.2.0' },
          path: 'data/registry.json',
        },
      },
    ],
    [
      'from-registry',
      [
        '--registry',
        'https://registry.example.com',
        '--include',
        'io.github.*',
        '--include',
        'fetch',
        '--exclude-tag',
        'deprecated',
      ],
      // No --format: a registry source defaults to upstream (a toolhive default failed every first sync).
      {
        name: 'registry',
        type: 'registry',
        format: 'upstream',
        registry: { baseURL: 'https://registry.example.com' },
      },
    ],
  ];
  for (const [name, flags, source] of cases) {
    const r = await thv(['registry', 'add', name, '-n', ns, ...flags]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `mcpregistry.toolhive.stacklok.io/${name} created\n`);
    const obj = get(ns, name);
    // Admission may add defaults (format, key, path, interval); what the flags said must be there.
    const [stored] = obj.spec.sources;
    for (const [k, v] of Object.entries(source)) {
      if (typeof v === 'object' && v)
        assert.deepEqual({ ...(stored?.[k] as object), ...v }, stored?.[k], `${name}.${k}`);
      else assert.equal(stored?.[k], v, `${name}.${k}`);
    }
  }
  assert.equal(get(ns, 'from-configmap').spec.displayName, 'From a ConfigMap');
  assert.equal(get(ns, 'from-url').spec.syncPolicy?.interval, '2h');
  assert.deepEqual(get(ns, 'from-registry').spec.filter, {
    names: { include: ['io.github.*', 'fetch'] },
    tags: { exclude: ['deprecated'] },
  });
});

test('--source-name names the source; a name admission refuses is its message, pointing at the flag', async () => {
  // A server dry run: admission's answer, nothing stored (the list test below counts this namespace).
  const named = await thv([
    'registry',
    'add',
    'named',
    '-n',
    ns,
    '--configmap',
    'c',
    '--source-name',
    'corp',
    '--dry-run',
    '-o',
    'json',
  ]);
  assert.equal(named.code, 0, named.stderr);
  assert.deepEqual(
    (JSON.parse(named.stdout) as Obj).spec.sources.map((s) => s.name),
    ['corp'],
  );
  const bad = await thv([
    'registry',
    'add',
    'badly-named',
    '-n',
    ns,
    '--configmap',
    'c',
    '--source-name',
    'Corp_1',
  ]);
  assert.equal(bad.code, 1);
  assert.equal(
    bad.stderr,
    `Error from server (Invalid): MCPRegistry.toolhive.stacklok.io "badly-named" is invalid: spec.sources[0].name: Invalid value: "Corp_1": spec.sources[0].name in body should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'\nFix the flag and run the command again (spec.sources[0].name is --source-name).\n`,
  );
});

test('list in every output form, in the namespace from -n', async () => {
  const table = await thv(['registry', 'list', '-n', ns]);
  assert.equal(table.code, 0, table.stderr);
  const t = rows(table.stdout);
  assert.deepEqual(t[0], ['NAME', 'PHASE', 'SERVERS', 'SOURCE', 'LAST SYNC', 'AGE']);
  assert.deepEqual(
    t.slice(1).map((r) => r.slice(0, 5)),
    [
      ['from-configmap', '<none>', '<none>', 'configmap', '<none>'],
      ['from-git', '<none>', '<none>', 'git', '<none>'],
      ['from-registry', '<none>', '<none>', 'registry', '<none>'],
      ['from-url', '<none>', '<none>', 'url', '<none>'],
    ],
  );
  for (const r of t.slice(1)) assert.match(r[5] ?? '', /^\d+(s|m\d*s?)$/);

  const wide = rows((await thv(['registry', 'list', '-n', ns, '-o', 'wide'])).stdout);
  assert.deepEqual(wide[0], [
    'NAME',
    'PHASE',
    'SERVERS',
    'SOURCE',
    'LAST SYNC',
    'AGE',
    'FORMAT',
    'INTERVAL',
    'API ENDPOINT',
  ]);
  const url = wide.find((r) => r[0] === 'from-url');
  assert.deepEqual(url?.slice(6), ['upstream', '2h', '<none>']);
  assert.equal(wide.find((r) => r[0] === 'from-registry')?.[6], 'upstream');
  assert.equal(wide.find((r) => r[0] === 'from-git')?.[6], 'toolhive');

  const json = JSON.parse((await thv(['registry', 'list', '-n', ns, '-o', 'json'])).stdout) as {
    kind: string;
    items: Obj[];
  };
  assert.equal(json.kind, 'MCPRegistryList');
  assert.deepEqual(
    json.items.map((i) => i.metadata.name),
    ['from-configmap', 'from-git', 'from-registry', 'from-url'],
  );
  const yaml = parse((await thv(['registry', 'list', '-n', ns, '-o', 'yaml'])).stdout) as { items: Obj[] };
  assert.deepEqual(yaml, json);

  const names = await thv(['registry', 'ls', '-n', ns, '-o', 'name']);
  assert.equal(
    names.stdout,
    ['from-configmap', 'from-git', 'from-registry', 'from-url']
      .map((n) => `mcpregistry.toolhive.stacklok.io/${n}\n`)
      .join(''),
  );
});

test('--context picks a kubeconfig context, whose namespace applies when -n is not given', async () => {
  const kc = parse(kubectlOk(['config', 'view', '--raw', '--minify'])) as {
    clusters: { name: string; cluster: Record<string, unknown> }[];
    contexts: { name: string; context: Record<string, unknown> }[];
    'current-context': string;
  };
  const [cluster] = kc.clusters;
  const [context] = kc.contexts;
  assert.ok(cluster && context);
  kc.clusters.push({ name: 'nowhere', cluster: { ...cluster.cluster, server: 'https://127.0.0.1:1' } });
  kc.contexts = [
    { name: 'broken', context: { ...context.context, cluster: 'nowhere' } },
    { name: 'team', context: { ...context.context, namespace: ns } },
  ];
  kc['current-context'] = 'broken';
  const file = join(mkdtempSync(join(tmpdir(), 'thv-ctx-')), 'kubeconfig');
  writeFileSync(file, stringify(kc));

  const team = await thv(['--context', 'team', 'registry', 'list', '-o', 'name'], { kubeconfig: file });
  assert.equal(team.code, 0, team.stderr);
  assert.match(team.stdout, /^mcpregistry\.toolhive\.stacklok\.io\/from-url$/m);
  const current = await thv(['registry', 'list'], { kubeconfig: file });
  assert.equal(current.code, 1);
  assert.match(current.stderr, /^error: cannot reach the Kubernetes API server at https:\/\/127\.0\.0\.1:1 /);
  const missing = await thv(['registry', 'list', '--context', 'nope'], { kubeconfig: file });
  assert.equal(missing.code, 1);
  assert.equal(
    missing.stderr,
    `error: context "nope" is not in the kubeconfig ${file}.\nList the contexts with \`kubectl config get-contexts --kubeconfig ${file}\`.\n`,
  );
});

test('-A lists across namespaces with NAMESPACE first; an empty namespace says how to add one', async () => {
  const add = await thv(['registry', 'add', 'elsewhere', '-n', other, '--url', 'https://example.com/r.json']);
  assert.equal(add.code, 0, add.stderr);
  const all = rows((await thv(['registry', 'list', '-A'])).stdout);
  assert.deepEqual(all[0], ['NAMESPACE', 'NAME', 'PHASE', 'SERVERS', 'SOURCE', 'LAST SYNC', 'AGE']);
  const mine = all.filter((r) => r[0] === ns || r[0] === other).map((r) => `${r[0]}/${r[1]}`);
  assert.deepEqual(mine, [
    `${ns}/from-configmap`,
    `${ns}/from-git`,
    `${ns}/from-registry`,
    `${ns}/from-url`,
    `${other}/elsewhere`,
  ]);
  const wide = rows((await thv(['registry', 'list', '--all-namespaces', '-o', 'wide'])).stdout);
  assert.deepEqual(wide[0]?.slice(0, 2), ['NAMESPACE', 'NAME']);
  assert.deepEqual(wide[0]?.slice(-3), ['FORMAT', 'INTERVAL', 'API ENDPOINT']);

  const emptyNs = await createNamespace('cli-empty');
  const empty = await thv(['registry', 'list', '-n', emptyNs]);
  assert.equal(empty.code, 0);
  assert.equal(empty.stdout, '');
  assert.equal(
    empty.stderr,
    `No MCPRegistries found in namespace "${emptyNs}". Add one with \`thv registry add NAME -n ${emptyNs} --configmap CONFIGMAP\`.\n`,
  );
});

test('info shows the spec summary and status; -o json gives the object, with --events also its events', async () => {
  const r = await thv(['registry', 'info', 'from-git', '-n', ns]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Name: +from-git$/m);
  assert.match(r.stdout, new RegExp(`^Namespace: +${ns}$`, 'm'));
  assert.match(
    r.stdout,
    /^ {2}git +git +toolhive +https:\/\/github\.com\/org\/catalog\.git tag v1\.2\.0, path data\/registry\.json +<none>$/m,
  );
  assert.match(r.stdout, /^Events: +<none>$/m);
  // -o json is the object alone (as kubectl get -o json); --events wraps it with its events.
  const alone = JSON.parse(
    (await thv(['registry', 'describe', 'from-git', '-n', ns, '-o', 'json'])).stdout,
  ) as Obj & { kind: string };
  assert.equal(alone.kind, 'MCPRegistry');
  assert.equal(alone.metadata.name, 'from-git');
  const json = JSON.parse(
    (await thv(['registry', 'describe', 'from-git', '-n', ns, '-o', 'json', '--events'])).stdout,
  ) as {
    registry: Obj;
    events: unknown[];
  };
  assert.equal(json.registry.metadata.name, 'from-git');
  assert.deepEqual(json.events, []);
});

test('a registry that does not exist: the message says how to find the right one; exit 1', async () => {
  for (const verb of [['info'], ['sync'], ['remove']]) {
    const r = await thv(['registry', ...verb, 'nope', '-n', ns]);
    assert.equal(r.code, 1, verb.join());
    assert.equal(
      r.stderr,
      `error: MCPRegistry "nope" not found in namespace "${ns}".\nList the registries with \`thv registry list -n ${ns}\`, or in every namespace with \`thv registry list -A\`.\n`,
    );
  }
});

test('sync sets the trigger annotation to a new value each time', async () => {
  const r = await thv(['registry', 'sync', 'from-url', '-n', ns]);
  assert.equal(r.code, 0, r.stderr);
  const m =
    /^mcpregistry\.toolhive\.stacklok\.io\/from-url sync requested \(toolhive\.stacklok\.io\/sync-trigger=(\S+)\)\n$/.exec(
      r.stdout,
    );
  assert.ok(m, r.stdout);
  assert.equal(get(ns, 'from-url').metadata.annotations?.['toolhive.stacklok.io/sync-trigger'], m[1]);
  const again = await thv(['registry', 'sync', 'from-url', '-n', ns]);
  const second = get(ns, 'from-url').metadata.annotations?.['toolhive.stacklok.io/sync-trigger'];
  assert.equal(again.code, 0);
  assert.notEqual(second, m[1]);
});

test('remove deletes one or several registries', async () => {
  const r = await thv(['registry', 'remove', 'from-configmap', 'from-registry', '-n', ns, '--wait']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    'mcpregistry.toolhive.stacklok.io "from-configmap" deleted\nmcpregistry.toolhive.stacklok.io "from-registry" deleted\n',
  );
  const left = await thv(['registry', 'list', '-n', ns, '-o', 'name']);
  assert.equal(
    left.stdout,
    'mcpregistry.toolhive.stacklok.io/from-git\nmcpregistry.toolhive.stacklok.io/from-url\n',
  );
});

test('remove with a finalizer pending says the operator cleans up; --wait waits for it to finish', async () => {
  const add = await thv(['registry', 'add', 'held', '-n', ns, '--configmap', 'catalog']);
  assert.equal(add.code, 0, add.stderr);
  kubectlOk([
    'patch',
    'mcpregistries.v1beta1.toolhive.stacklok.io',
    'held',
    '-n',
    ns,
    '--type=merge',
    '-p',
    '{"metadata":{"finalizers":["toolhive.stacklok.io/registry-cleanup"]}}',
  ]);
  const r = await thv(['registry', 'remove', 'held', '-n', ns]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'mcpregistry.toolhive.stacklok.io "held" deleted\n');
  assert.equal(
    r.stderr,
    '  the operator is cleaning up what "held" owns (finalizer toolhive.stacklok.io/registry-cleanup); --wait waits for it\n',
  );
  const stuck = await thv(['registry', 'rm', 'held', '-n', ns, '--wait', '--timeout', '1s']);
  assert.equal(stuck.code, 1);
  assert.equal(
    stuck.stderr,
    'error: timed out after 1s waiting for MCPRegistry "held" to be deleted; it is held by the finalizer toolhive.stacklok.io/registry-cleanup.\n' +
      `toolhive.stacklok.io/registry-cleanup is removed by the operator once it has deleted what the registry owns; check that the operator runs (kubectl get pods -n toolhive-system) and its events (\`thv registry info held -n ${ns}\`).\n`,
  );
  const waiting = start(['registry', 'delete', 'held', '-n', ns, '--wait']);
  await eventually('the delete to be sent', () => (waiting.stdout().includes('deleted') ? true : undefined));
  kubectlOk([
    'patch',
    'mcpregistries.v1beta1.toolhive.stacklok.io',
    'held',
    '-n',
    ns,
    '--type=merge',
    '-p',
    '{"metadata":{"finalizers":null}}',
  ]);
  const done = await waiting.done;
  assert.equal(done.code, 0, done.stderr);
  assert.equal(done.stdout, 'mcpregistry.toolhive.stacklok.io "held" deleted\n');
});
