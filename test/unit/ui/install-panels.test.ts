/**
 * The detail view's per-client install panels (SPEC §14): the exact text of each client's snippet for
 * a package and for a remote, only required variables, placeholders instead of invented values, and
 * never a secret as "".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Detail, Variable } from '../../../src/ui/core/detail.ts';
import { installChoices, installPanels } from '../../../src/ui/core/install.ts';

const REGISTRY = 'https://registry.example.com';
const TOKEN: Variable = { name: 'API_TOKEN', description: 'Your API token', required: true, secret: true };
const MODE: Variable = { name: 'MODE', required: true, secret: false, default: 'fast' };
const REGION: Variable = { name: 'REGION', required: true, secret: false };
const DEBUG: Variable = { name: 'DEBUG', required: false, secret: false };

function detail(over: Partial<Detail>): Detail {
  return {
    name: 'io.github.org/tool',
    upstreamName: 'io.github.org/tool',
    description: 'A tool',
    status: 'Active',
    tags: [],
    tools: [],
    env: [],
    packages: [],
    remotes: [],
    otherVersions: [],
    ...over,
  };
}

const byId = (d: Detail, choice = 0) =>
  Object.fromEntries(installPanels(d, installChoices(d)[choice], REGISTRY).map((p) => [p.id, p]));

test('npm package: every client, required variables only, placeholders per client', () => {
  const d = detail({
    packages: [
      { registryType: 'npm', identifier: '@org/tool', version: '2.1.0', env: [TOKEN, MODE, REGION, DEBUG] },
    ],
  });
  const p = byId(d);
  assert.deepEqual(JSON.parse(p.vscode!.text), {
    inputs: [
      { type: 'promptString', id: 'api-token', description: 'Your API token', password: true },
      { type: 'promptString', id: 'region', description: 'REGION' },
    ],
    servers: {
      tool: {
        type: 'stdio',
        command: 'npx',
        args: ['-y', '@org/tool@2.1.0'],
        env: { API_TOKEN: '${input:api-token}', MODE: 'fast', REGION: '${input:region}' },
      },
    },
  });
  const link = p.vscode!.link!;
  assert.equal(link.label, 'Install in VS Code');
  assert.ok(link.href.startsWith('vscode:mcp/install?'));
  assert.deepEqual(JSON.parse(decodeURIComponent(link.href.slice('vscode:mcp/install?'.length))), {
    name: 'tool',
    type: 'stdio',
    command: 'npx',
    args: ['-y', '@org/tool@2.1.0'],
    env: { API_TOKEN: '${input:api-token}', MODE: 'fast', REGION: '${input:region}' },
    inputs: [
      { type: 'promptString', id: 'api-token', description: 'Your API token', password: true },
      { type: 'promptString', id: 'region', description: 'REGION' },
    ],
  });
  assert.equal(
    p['claude-code']!.text,
    'claude mcp add tool --env "API_TOKEN=$API_TOKEN" --env MODE=fast --env "REGION=$REGION" -- npx -y @org/tool@2.1.0',
  );
  assert.deepEqual(JSON.parse(p.cursor!.text), {
    mcpServers: {
      tool: {
        command: 'npx',
        args: ['-y', '@org/tool@2.1.0'],
        env: { API_TOKEN: '${env:API_TOKEN}', MODE: 'fast', REGION: '${env:REGION}' },
      },
    },
  });
  assert.deepEqual(JSON.parse(p['claude-desktop']!.text), {
    mcpServers: {
      tool: {
        command: 'npx',
        args: ['-y', '@org/tool@2.1.0'],
        env: { API_TOKEN: '<API_TOKEN>', MODE: 'fast', REGION: '<REGION>' },
      },
    },
  });
  assert.equal(
    p.toolhive!.text,
    [
      'thv config set-registry https://registry.example.com',
      'thv secret set API_TOKEN',
      'thv run --secret API_TOKEN,target=API_TOKEN -e MODE=fast -e "REGION=$REGION" io.github.org/tool',
    ].join('\n'),
  );
});

test('remote: URL and required headers; Claude Desktop through mcp-remote', () => {
  const auth: Variable = { name: 'Authorization', required: true, secret: true, description: 'Bearer token' };
  const d = detail({
    name: 'weather',
    remotes: [
      {
        type: 'streamable-http',
        url: 'https://w.example/mcp',
        headers: [auth, { ...DEBUG, name: 'X-Trace' }],
      },
    ],
  });
  const p = byId(d);
  assert.deepEqual(JSON.parse(p.vscode!.text), {
    inputs: [{ type: 'promptString', id: 'authorization', description: 'Bearer token', password: true }],
    servers: {
      weather: {
        type: 'http',
        url: 'https://w.example/mcp',
        headers: { Authorization: '${input:authorization}' },
      },
    },
  });
  assert.equal(
    p['claude-code']!.text,
    'claude mcp add --transport http weather https://w.example/mcp --header "Authorization: $Authorization"',
  );
  assert.deepEqual(JSON.parse(p.cursor!.text), {
    mcpServers: {
      weather: { url: 'https://w.example/mcp', headers: { Authorization: '${env:Authorization}' } },
    },
  });
  assert.deepEqual(JSON.parse(p['claude-desktop']!.text), {
    mcpServers: {
      weather: {
        command: 'npx',
        args: ['-y', 'mcp-remote', 'https://w.example/mcp', '--header', 'Authorization:${Authorization}'],
        env: { Authorization: '<Authorization>' },
      },
    },
  });
  assert.equal(
    p.toolhive!.text,
    'thv config set-registry https://registry.example.com\nthv secret set Authorization\nthv run --secret Authorization,target=Authorization weather',
  );
  const sse = byId(
    detail({ name: 's', remotes: [{ type: 'sse', url: 'https://s.example/sse', headers: [] }] }),
  );
  assert.deepEqual(JSON.parse(sse.vscode!.text), {
    servers: { s: { type: 'sse', url: 'https://s.example/sse' } },
  });
  assert.equal(sse['claude-code']!.text, 'claude mcp add --transport sse s https://s.example/sse');
});

test('choices: remotes, then npm, PyPI and OCI packages, each giving its own command', () => {
  const d = detail({
    env: [TOKEN],
    remotes: [{ type: 'streamable-http', url: 'https://t.example/mcp', headers: [] }],
    packages: [
      { registryType: 'npm', identifier: 't-mcp', env: [] },
      { registryType: 'pypi', identifier: 't-mcp', version: '1.0', env: [] },
      { registryType: 'oci', identifier: 'ghcr.io/org/t:1.0', env: [] },
    ],
  });
  assert.deepEqual(
    installChoices(d).map((c) => [c.id, c.label]),
    [
      ['remote-0', 'Remote (streamable-http) https://t.example/mcp'],
      ['package-0', 'npm: t-mcp'],
      ['package-1', 'PyPI: t-mcp 1.0'],
      ['package-2', 'OCI image: ghcr.io/org/t:1.0'],
    ],
  );
  // A package without variables of its own takes the entry's (ToolHive's env_vars).
  assert.equal(
    byId(d, 1)['claude-code']!.text,
    'claude mcp add tool --env "API_TOKEN=$API_TOKEN" -- npx -y t-mcp',
  );
  assert.equal(
    byId(d, 2)['claude-code']!.text,
    'claude mcp add tool --env "API_TOKEN=$API_TOKEN" -- uvx t-mcp==1.0',
  );
  assert.deepEqual(JSON.parse(byId(d, 3).cursor!.text).mcpServers.tool, {
    command: 'docker',
    args: ['run', '-i', '--rm', '-e', 'API_TOKEN', 'ghcr.io/org/t:1.0'],
    env: { API_TOKEN: '${env:API_TOKEN}' },
  });
  // Nothing to choose: ToolHive alone, by the catalog name.
  assert.deepEqual(
    installPanels(detail({ env: [TOKEN] }), undefined, REGISTRY).map((p) => [p.id, p.text]),
    [
      [
        'toolhive',
        'thv config set-registry https://registry.example.com\nthv secret set API_TOKEN\nthv run --secret API_TOKEN,target=API_TOKEN io.github.org/tool',
      ],
    ],
  );
});

test('a secret is never an empty string, in any panel of any choice', () => {
  const d = detail({
    env: [TOKEN, REGION],
    remotes: [{ type: 'streamable-http', url: 'https://t.example/mcp', headers: [TOKEN] }],
    packages: [
      { registryType: 'npm', identifier: 'a', env: [TOKEN] },
      { registryType: 'pypi', identifier: 'b', env: [] },
      { registryType: 'oci', identifier: 'c', env: [TOKEN, MODE] },
    ],
  });
  for (const c of installChoices(d))
    for (const p of installPanels(d, c, REGISTRY)) {
      assert.doesNotMatch(p.text, /""|=''|= *$/m, `${c.id} ${p.id}`);
      assert.doesNotMatch(p.text, /DEBUG/);
    }
});

test('the shell lines keep hostile catalog data literal: run by a real shell, nothing in them runs', () => {
  // Relative to the shell's working directory, so the name's last segment (its config key) holds it.
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-install-'));
  const mark = 'ran';
  const run = `$(touch ${mark})`;
  const evil: Variable = { name: `X${run}`, required: true, secret: false };
  const evilSecret: Variable = { name: `S\`touch ${mark}\``, required: true, secret: true };
  const header: Variable = { name: 'X-API-Key', required: true, secret: true };
  const url = `https://h.example/${run}'"`;
  const d = detail({
    name: `io.x/a'; touch ${mark}; '`,
    env: [evil, evilSecret, REGION],
    remotes: [{ type: 'streamable-http', url, headers: [evil, header] }],
    packages: [
      { registryType: 'npm', identifier: run, env: [] },
      { registryType: 'oci', identifier: 'img', env: [evil, REGION] },
    ],
  });
  // `claude` and `thv` print their arguments one per line; REGION is set, so `"$REGION"` expands.
  const shell = (text: string) =>
    execFileSync('sh', ['-c', `claude() { printf '%s\\n' "$@"; }\nthv() { printf '%s\\n' "$@"; }\n${text}`], {
      encoding: 'utf8',
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', REGION: 'eu' },
    }).split('\n');
  const lines: string[][] = [];
  for (const c of installChoices(d))
    for (const p of installPanels(d, c, REGISTRY))
      if (p.id === 'claude-code' || p.id === 'toolhive') lines.push(shell(p.text));
  assert.equal(existsSync(join(dir, mark)), false, 'a command in the catalog data ran');
  const [remote, npm, oci] = lines.filter((l) => l[0] === 'mcp');
  assert.deepEqual(remote!.slice(0, 8), [
    'mcp',
    'add',
    '--transport',
    'http',
    `a'; touch ${mark}; '`,
    url,
    '--header',
    `X${run}: <X${run}>`,
  ]);
  assert.deepEqual(remote!.slice(8, 10), ['--header', 'X-API-Key: <X-API-Key>']);
  assert.deepEqual(npm!.slice(3, 10), [
    '--env',
    `X${run}=<X${run}>`,
    '--env',
    `S\`touch ${mark}\`=<S\`touch ${mark}\`>`,
    '--env',
    'REGION=eu',
    '--',
  ]);
  assert.deepEqual(oci!.slice(oci!.indexOf('docker')), [
    'docker',
    'run',
    '-i',
    '--rm',
    '-e',
    `X${run}`,
    '-e',
    'REGION',
    'img',
    '',
  ]);
  // The npm choice's ToolHive panel: its package names no variables, so the entry's apply.
  const th = lines[3]!;
  assert.deepEqual(th.slice(th.indexOf('run')), [
    'run',
    '-e',
    `X${run}=<X${run}>`,
    '--secret',
    `S\`touch ${mark}\`,target=S\`touch ${mark}\``,
    '-e',
    'REGION=eu',
    `io.x/a'; touch ${mark}; '`,
    '',
  ]);
});
