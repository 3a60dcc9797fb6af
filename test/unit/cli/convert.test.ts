/** `thv registry convert` in-process on the real fixtures: both directions, byte-stable, exact errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run } from '../../../src/cli/main.ts';
import { memoryIO } from '../../../src/cli/io.ts';

/** Public fixtures copied into test/fixtures (see PROVENANCE.md there). */
function fixture(rel: string): string {
  return resolve(import.meta.dirname, '../../fixtures', rel);
}

async function thv(args: string[], stdin = '') {
  const io = memoryIO(stdin);
  const code = await run(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const catalog = fixture('toolhive-registry/registry-2025-10-22.json');
const dir = mkdtempSync(join(tmpdir(), 'thv-convert-'));

test('ToolHive → upstream → ToolHive: same bytes every time, and converting the output again changes nothing', async () => {
  const up = await thv(['registry', 'convert', '--to', 'upstream', catalog]);
  assert.equal(up.code, 0, up.stderr);
  assert.equal(up.stderr, '');
  const again = await thv(['registry', 'convert', '--to', 'upstream', catalog]);
  assert.equal(again.stdout, up.stdout);
  const doc = JSON.parse(up.stdout) as { data: { servers: unknown[] } };
  assert.equal(doc.data.servers.length, 88);

  const back = await thv(['registry', 'convert', '--to', 'toolhive', '-'], up.stdout);
  assert.equal(back.code, 0, back.stderr);
  const original = JSON.parse(readFileSync(catalog, 'utf8')) as { servers: object; remote_servers: object };
  const roundTrip = JSON.parse(back.stdout) as { servers: object; remote_servers: object };
  assert.deepEqual(Object.keys(roundTrip.servers).sort(), Object.keys(original.servers).sort());
  assert.deepEqual(Object.keys(roundTrip.remote_servers).sort(), Object.keys(original.remote_servers).sort());

  const stable = await thv(['registry', 'convert', '--to', 'toolhive', '-'], back.stdout);
  assert.equal(stable.stdout, back.stdout);
  const upAgain = await thv(['registry', 'convert', '--to', 'upstream', '-'], back.stdout);
  assert.equal(upAgain.stdout, up.stdout);
});

test('upstream → ToolHive → upstream: stable bytes; what ToolHive cannot express is reported, not hidden', async () => {
  const input = fixture('converters/server_to_image/input_github.json');
  const th = await thv(['registry', 'convert', '--to', 'toolhive', input]);
  assert.equal(th.code, 0, th.stderr);
  assert.equal(th.stderr, '');
  // The field-by-field golden is the registry format tests' business; here: the entry is there.
  const servers = (JSON.parse(th.stdout) as { servers: Record<string, { image?: string }> }).servers;
  assert.deepEqual(Object.keys(servers), ['github']);
  assert.equal(servers.github?.image, 'ghcr.io/github/github-mcp-server:v0.19.1');
  const up = await thv(['registry', 'convert', '--to', 'upstream', input]);
  const upFromTh = await thv(['registry', 'convert', '--to', 'upstream', '-'], th.stdout);
  assert.equal(
    (await thv(['registry', 'convert', '--to', 'upstream', '-'], upFromTh.stdout)).stdout,
    upFromTh.stdout,
  );
  assert.equal((await thv(['registry', 'convert', '--to', 'upstream', '-'], up.stdout)).stdout, up.stdout);

  const npm = await thv([
    'registry',
    'convert',
    '--to',
    'toolhive',
    fixture('upstream-server-json/examples/valid/with-package.json'),
  ]);
  assert.equal(npm.code, 0);
  assert.equal(
    npm.stderr,
    'Warning: not representable in the toolhive format: io.github.user/local-weather: npm package(s) only; ToolHive can express OCI images and remotes\n',
  );
  assert.deepEqual(JSON.parse(npm.stdout), {
    $schema: 'https://raw.githubusercontent.com/stacklok/toolhive/main/pkg/registry/data/schema.json',
    version: '1.0.0',
    servers: {},
    remote_servers: {},
  });
  const kept = await thv([
    'registry',
    'convert',
    '--to',
    'upstream',
    fixture('upstream-server-json/examples/valid/with-package.json'),
  ]);
  assert.equal(kept.stderr, '');
  assert.deepEqual(
    (JSON.parse(kept.stdout) as { data: { servers: { name: string }[] } }).data.servers.map((s) => s.name),
    ['io.github.user/local-weather'],
  );
});

test('--out writes the file (same bytes as stdout) and prints nothing', async () => {
  const out = join(dir, 'upstream.json');
  const r = await thv(['registry', 'convert', '--to', 'upstream', catalog, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  const stdout = await thv(['registry', 'convert', '--to', 'upstream', catalog]);
  assert.equal(readFileSync(out, 'utf8'), stdout.stdout);
});

test('invalid entries are reported with entry and field, and nothing is written (exit 1)', async () => {
  const cases: [string, string][] = [
    [
      'bad-name-pattern.json',
      'invalid entry "no-namespace-separator", field name: must match ^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$\n',
    ],
    [
      'description-too-long.json',
      'invalid entry "io.github.user/verbose", field description: must be at most 100 characters\n',
    ],
    [
      'package-version-latest.json',
      'invalid entry "io.github.user/bad-version", field packages[0].version: must not be "latest"\n',
    ],
    [
      'positional-argument-missing-value.json',
      'invalid entry "io.github.user/bad-argument", field packages[0].packageArguments[0]: must have one of: valueHint, value\n',
    ],
  ];
  for (const [file, line] of cases) {
    const path = fixture(`upstream-server-json/examples/invalid/${file}`);
    const r = await thv(['registry', 'convert', '--to', 'toolhive', path]);
    assert.equal(r.code, 1, file);
    assert.equal(r.stdout, '', file);
    assert.equal(
      r.stderr,
      `${line}error: 1 invalid entry in ${path}; nothing was written.\nFix the entries above, or pass --skip-invalid to convert only the valid ones.\n`,
      file,
    );
  }
});

test('--skip-invalid converts the valid entries and warns about the others', async () => {
  const good = JSON.parse(
    readFileSync(fixture('upstream-server-json/examples/valid/with-package.json'), 'utf8'),
  ) as object;
  const bad = JSON.parse(
    readFileSync(fixture('upstream-server-json/examples/invalid/package-version-latest.json'), 'utf8'),
  ) as object;
  const input = JSON.stringify([good, bad]);
  const r = await thv(['registry', 'convert', '--to', 'upstream', '--skip-invalid', '-'], input);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stderr,
    'Warning: skipped invalid entry "io.github.user/bad-version", field packages[0].version: must not be "latest"\n',
  );
  assert.equal((JSON.parse(r.stdout) as { data: { servers: unknown[] } }).data.servers.length, 1);
});

test('an unreadable document names the position; a missing file says what to give', async () => {
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{\n  "servers": {\n    "x": [1,\n  }\n}\n');
  const r = await thv(['registry', 'convert', '--to', 'upstream', broken]);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    new RegExp(`^error: cannot read the registry document in ${broken}: .*\\(line 4, column 3\\)\n`),
  );
  assert.match(
    r.stderr,
    /\nExpected a ToolHive registry\.json or an upstream server list \(see docs\/formats\.md\)\.\n$/,
  );

  const missing = await thv(['registry', 'convert', '--to', 'upstream', join(dir, 'nope.json')]);
  assert.equal(missing.code, 1);
  assert.equal(
    missing.stderr,
    `error: cannot read ${join(dir, 'nope.json')}: ENOENT: no such file or directory, open '${join(dir, 'nope.json')}'\nGive the path of a registry JSON file, or - to read standard input.\n`,
  );
});

test('--from that does not match the document is an error naming the detected format', async () => {
  const r = await thv(['registry', 'convert', '--to', 'upstream', '--from', 'upstream', catalog]);
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    `error: cannot read the registry document in ${catalog}: the document is a ToolHive registry (toolhive format), but the format is set to upstream: set format: toolhive\nLeave out --from upstream: the format is detected from the document.\n`,
  );
});

test('ToolHive golden with status "active": converted with a warning, not refused (#14.9)', async () => {
  const golden = JSON.parse(readFileSync(fixture('converters/remote_to_server/input_example.json'), 'utf8'));
  const input = JSON.stringify({
    version: '1.0.0',
    servers: {},
    remote_servers: { 'example-remote': golden },
  });
  const up = await thv(['registry', 'convert', '--to', 'upstream', '-'], input);
  assert.equal(up.code, 0, up.stderr);
  assert.equal(
    up.stderr,
    'Warning: example-remote: status "active" read as "Active" (ToolHive writes Active or Deprecated)\n',
  );
  const [server] = (JSON.parse(up.stdout) as { data: { servers: { name: string }[] } }).data.servers;
  assert.equal(server?.name, 'io.github.stacklok/example-remote');
  // The golden server.json (its extension says "active") converts to ToolHive the same way.
  const th = await thv([
    'registry',
    'convert',
    '--to',
    'toolhive',
    fixture('converters/server_to_remote/input_example.json'),
  ]);
  assert.equal(th.code, 0, th.stderr);
  assert.equal(
    th.stderr,
    'Warning: io.github.stacklok/example-remote: status "active" read as "Active" (ToolHive writes Active or Deprecated)\n',
  );
  const remote = (JSON.parse(th.stdout) as { remote_servers: Record<string, { status: string }> })
    .remote_servers;
  assert.equal(remote['example-remote']?.status, 'Active');
});

test('every problem in one pass: entries invalid in the input and entries the target format refuses', async () => {
  const bad = JSON.parse(
    readFileSync(fixture('upstream-server-json/examples/invalid/package-version-latest.json'), 'utf8'),
  );
  const ociOnly = {
    $schema: 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json',
    name: 'io.github.user/oci-only',
    description: 'An OCI server',
    version: '1.0.0',
    packages: [
      { registryType: 'oci', identifier: 'ghcr.io/user/oci-only:1.0.0', transport: { type: 'stdio' } },
    ],
  };
  const path = join(dir, 'both.json');
  writeFileSync(path, JSON.stringify([bad, ociOnly]));
  const r = await thv(['registry', 'convert', '--to', 'toolhive', path]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(
    r.stderr,
    'invalid entry "io.github.user/bad-version", field packages[0].version: must not be "latest"\n' +
      'invalid in the toolhive format: entry "io.github.user/oci-only", field tools: must NOT have fewer than 1 items\n' +
      `error: 1 invalid entry in ${path}; 1 entry cannot be written validly in the toolhive format; nothing was written.\n` +
      'Fix the entries above, or pass --skip-invalid to convert only the valid ones.\n',
  );
});
