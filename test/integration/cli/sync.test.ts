/**
 * The CLI with the real controller running (a child operator process scoped to this file's
 * namespaces): add --wait to Ready, list and info with the stored servers, sync --wait succeeding
 * and failing, -A across namespaces, and remove letting the finalizer clean up.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { client, createNamespace, eventually, kubeconfigPath, kubectlOk } from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { isStatus } from '../../../src/kube/client.ts';
import { rows, thv } from './thv.ts';

const CATALOG = resolve(import.meta.dirname, '../../fixtures/toolhive-registry/registry-2025-10-22.json');
const fixture = JSON.parse(readFileSync(CATALOG, 'utf8')) as Record<
  'servers' | 'remote_servers',
  Record<string, { status: string }>
>;
let a: string;
let b: string;
let controller: ControllerProcess;

before(async () => {
  a = await createNamespace('cli-sync-a');
  b = await createNamespace('cli-sync-b');
  for (const ns of [a, b])
    kubectlOk(['create', 'configmap', 'catalog', '-n', ns, `--from-file=registry.json=${CATALOG}`]);
  controller = startController({ kubeconfig: kubeconfigPath(), namespaces: [a, b] });
});
after(async () => {
  await controller?.stop();
});

test('add --wait follows the first sync to Ready and prints the stored count', async () => {
  const r = await thv([
    'registry',
    'add',
    'db',
    '-n',
    a,
    '--configmap',
    'catalog',
    '--include-tag',
    'database',
    '--wait',
  ]);
  assert.equal(r.code, 0, `${r.stderr}\n--- controller log ---\n${controller.log().slice(-3000)}`);
  assert.equal(
    r.stdout,
    'mcpregistry.toolhive.stacklok.io/db created\nmcpregistry.toolhive.stacklok.io/db synced: 17 servers, Ready\n',
  );
  assert.match(
    r.stderr,
    new RegExp(`^Waiting for MCPRegistry "db" in namespace "${a}" to sync \\(timeout 2m\\)…\n`),
  );

  const list = rows((await thv(['registry', 'list', '-n', a])).stdout);
  assert.deepEqual(list[1]?.slice(0, 4), ['db', 'Ready', '17', 'configmap']);
  assert.match(list[1]?.[4] ?? '', /^\d+(s|m\d*s?)$/);
});

test('info --servers reads the stored catalog: NAME VERSION TYPE TRANSPORT STATUS TAGS, every server tagged database', async () => {
  const r = await thv(['registry', 'info', 'db', '-n', a, '--servers']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Phase: +Ready$/m);
  assert.match(r.stdout, /^Storage: +ConfigMap db-registry-storage, \d+ bytes/m);
  assert.match(r.stdout, /^ {2}Ready +True +Synced +\d+\S* +17 servers from source configmap$/m);
  // After a successful sync the status counts 0 attempts since: info says nothing about them.
  assert.doesNotMatch(r.stdout, /Attempts/);
  const servers = r.stdout.slice(r.stdout.indexOf('Servers:\n') + 'Servers:\n'.length);
  const table = rows(servers.replace(/^ {2}/gm, ''));
  assert.deepEqual(table[0], ['NAME', 'VERSION', 'TYPE', 'TRANSPORT', 'STATUS', 'TAGS']);
  assert.equal(table.length - 1, 17);
  for (const row of table.slice(1)) {
    assert.equal(row[1], '1.0.0', row.join(' ')); // ToolHive data has no version: ToolHive's converter writes 1.0.0
    assert.match(row[2] ?? '', /^(container|remote)$/, row.join(' '));
    // STATUS is the fixture entry's ToolHive status in upstream spelling (Active -> active).
    const entry = fixture.servers[row[0] ?? ''] ?? fixture.remote_servers[row[0] ?? ''];
    assert.equal(row[4], entry?.status.toLowerCase(), row.join(' '));
    assert.ok((row[5] ?? '').split(',').includes('database'), row.join(' '));
  }
  const json = JSON.parse(
    (await thv(['registry', 'info', 'db', '-n', a, '--servers', '-o', 'json'])).stdout,
  ) as {
    servers: { name: string; tags: string[] }[];
  };
  assert.equal(json.servers.length, 17);
});

test('sync --wait records the trigger and reports success', async () => {
  const r = await thv(['registry', 'sync', 'db', '-n', a, '--wait']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(
    lines[0] ?? '',
    /^mcpregistry\.toolhive\.stacklok\.io\/db sync requested \(toolhive\.stacklok\.io\/sync-trigger=\S+\)$/,
  );
  assert.equal(lines[1], 'mcpregistry.toolhive.stacklok.io/db synced: 17 servers, Ready');
  const trigger = /sync-trigger=(\S+)\)/.exec(lines[0] ?? '')?.[1];
  const info = await thv(['registry', 'info', 'db', '-n', a]);
  assert.match(info.stdout, new RegExp(`^ {2}Last Manual Trigger: ${trigger?.replace(/\./g, '\\.')}$`, 'm'));
});

test('sync --wait exits 1 with the reason when the source broke', async () => {
  const add = await thv(['registry', 'add', 'fragile', '-n', b, '--configmap', 'catalog', '--wait']);
  assert.equal(add.code, 0, add.stderr);
  assert.match(add.stdout, /synced: 88 servers, Ready\n$/);
  kubectlOk([
    'patch',
    'configmap',
    'catalog',
    '-n',
    b,
    '--type=json',
    '-p',
    '[{"op":"remove","path":"/data/registry.json"}]',
  ]);
  // The controller watches the ConfigMap and fails the registry on its own; wait for that, so the
  // manual sync below cannot race the informer and read the old data.
  await eventually('the registry to fail after its source broke', async () => {
    const list = rows((await thv(['registry', 'list', '-n', b])).stdout);
    return list[1]?.[1] === 'Failed' ? true : undefined;
  });
  const r = await thv(['registry', 'sync', 'fragile', '-n', b, '--wait']);
  assert.equal(r.code, 1, r.stdout);
  const last = r.stderr.trimEnd().split('\n').slice(-2);
  assert.match(
    last[0] ?? '',
    /^error: sync of MCPRegistry "fragile" failed: .*registry\.json.*; serving the last good data from \S+$/,
  );
  assert.equal(
    last[1],
    `See \`thv registry info fragile -n ${b}\` for conditions and events. Fix the source, then retry with \`thv registry sync fragile -n ${b} --wait\`.`,
  );
  const list = rows((await thv(['registry', 'list', '-n', b])).stdout);
  assert.deepEqual(list[1]?.slice(0, 4), ['fragile', 'Failed', '88', 'configmap']);
});

test('add --wait exits 1 when the first sync fails', async () => {
  const r = await thv(['registry', 'add', 'nowhere', '-n', b, '--configmap', 'does-not-exist', '--wait']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout.split('\n')[0], 'mcpregistry.toolhive.stacklok.io/nowhere created');
  assert.match(
    r.stderr,
    /\nerror: sync of MCPRegistry "nowhere" failed: .*does-not-exist.*; no data stored yet\n/,
  );
});

test('list -A shows both namespaces with their phases', async () => {
  const all = rows((await thv(['registry', 'list', '-A'])).stdout);
  const mine = all.filter((r) => r[0] === a || r[0] === b).map((r) => r.slice(0, 4));
  assert.deepEqual(mine, [
    [a, 'db', 'Ready', '17'],
    [b, 'fragile', 'Failed', '88'],
    [b, 'nowhere', 'Failed', '<none>'],
  ]);
});

test('remove --wait returns once the finalizer has deleted the storage', async () => {
  const r = await thv(['registry', 'remove', 'db', '-n', a, '--wait']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'mcpregistry.toolhive.stacklok.io "db" deleted\n');
  await eventually('the storage ConfigMap to be gone', async () => {
    try {
      await client().get({
        group: '',
        version: 'v1',
        plural: 'configmaps',
        namespace: a,
        name: 'db-registry-storage',
      });
      return undefined;
    } catch (e) {
      return isStatus(e, 404) ? true : undefined;
    }
  });
});

test('add --wait with a filter that matches nothing exits 0 and says so', async () => {
  const r = await thv([
    'registry',
    'add',
    'none',
    '-n',
    a,
    '--configmap',
    'catalog',
    '--include',
    'zzz-*',
    '--wait',
  ]);
  assert.equal(r.code, 0, `${r.stderr}\n--- controller log ---\n${controller.log().slice(-3000)}`);
  assert.equal(
    r.stdout,
    `mcpregistry.toolhive.stacklok.io/none created\nmcpregistry.toolhive.stacklok.io/none synced: 0 servers, Ready; the filter matched no server (check its include/exclude patterns and tags: \`thv registry info none -n ${a}\` shows them)\n`,
  );
});
