import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toolhiveToServerJson, upstreamNameOf } from '../../../src/registry/convert/toolhive-to-upstream.ts';
import { catalogNameOf } from '../../../src/registry/catalog.ts';
import { serverJsonToToolhive } from '../../../src/registry/convert/upstream-to-toolhive.ts';
import { validateEntry } from '../../../src/registry/index.ts';
import { fixture } from './fixtures.ts';

/**
 * ToolHive's Go `Tool` type writes a zero `annotations: {}` into every tool definition it serializes; we
 * never invent fields, so that is the one difference we allow against its goldens (and the only one).
 */
function withoutZeroToolAnnotations<T>(v: T): T {
  return JSON.parse(JSON.stringify(v), (k, val: unknown) => {
    if (
      val &&
      typeof val === 'object' &&
      !Array.isArray(val) &&
      'inputSchema' in val &&
      'annotations' in val
    ) {
      const { annotations, ...rest } = val as { annotations: unknown };
      return JSON.stringify(annotations) === '{}' ? rest : val;
    }
    return val;
  }) as T;
}

test('golden image_to_server: a ToolHive container entry becomes the expected server.json', () => {
  const input = fixture('converters/image_to_server/input_github.json');
  const expected = fixture('converters/image_to_server/expected_github.json');
  const ours = toolhiveToServerJson('github', input, 'container');
  assert.deepStrictEqual(ours, withoutZeroToolAnnotations(expected));
  assert.equal(validateEntry('upstream', ours), undefined);
});

test('golden server_to_image: the server.json becomes the expected ToolHive entry', () => {
  const input = fixture('converters/server_to_image/input_github.json');
  const expected = fixture('converters/server_to_image/expected_github.json');
  const ours = serverJsonToToolhive(input);
  assert.equal(ours.kind, 'container');
  assert.deepStrictEqual(ours.kind === 'container' && ours.entry, withoutZeroToolAnnotations(expected));
  assert.equal(validateEntry('container', ours.kind === 'container' && ours.entry), undefined);
});

test('golden pair chained: ToolHive → upstream → ToolHive gives the input back, with the name filled in', () => {
  const input = fixture('converters/image_to_server/input_github.json');
  const back = serverJsonToToolhive(toolhiveToServerJson('github', input, 'container'));
  assert.deepStrictEqual(back.kind === 'container' && back.entry, {
    name: 'io.github.stacklok/github',
    ...input,
  });
});

const remote = {
  description: 'A remote server for the tests',
  tier: 'Community',
  status: 'Active',
  transport: 'streamable-http',
  tools: ['t'],
  url: 'https://mcp.example.com/mcp',
  headers: [
    { name: 'X-Api-Key', description: 'API key', required: true, secret: true },
    { name: 'X-Region', description: 'Region', required: false, default: 'eu', choices: ['eu', 'us'] },
  ],
  oauth_config: { issuer: 'https://id.example.com', client_id: 'c', scopes: ['a'], use_pkce: true },
  env_vars: [{ name: 'TOKEN', description: 'Token', required: true, secret: true }],
};

test('a remote entry: remotes[0] with headers; oauth_config and env_vars in the extension; and back', () => {
  const server = toolhiveToServerJson('example', remote, 'remote');
  assert.equal(validateEntry('upstream', server), undefined);
  assert.deepStrictEqual(server.remotes, [
    {
      type: 'streamable-http',
      url: 'https://mcp.example.com/mcp',
      headers: [
        { name: 'X-Api-Key', description: 'API key', isRequired: true, isSecret: true },
        { name: 'X-Region', description: 'Region', default: 'eu', choices: ['eu', 'us'] },
      ],
    },
  ]);
  const ext = (server._meta as Record<string, Record<string, Record<string, Record<string, unknown>>>>)[
    'io.modelcontextprotocol.registry/publisher-provided'
  ]!['io.github.stacklok']!['https://mcp.example.com/mcp']!;
  assert.deepStrictEqual(Object.keys(ext).sort(), ['env_vars', 'oauth_config', 'status', 'tier', 'tools']);
  const back = serverJsonToToolhive(server);
  assert.deepStrictEqual(back.kind === 'remote' && back.entry, {
    name: 'io.github.stacklok/example',
    ...remote,
  });
});

test('a container on streamable-http: target_port travels in the transport URL; no port means plain localhost', () => {
  const base = {
    description: 'A container server',
    tier: 'Official',
    status: 'Active',
    tools: ['t'],
    image: 'ghcr.io/x/y:1',
  };
  const withPort = toolhiveToServerJson(
    'y',
    { ...base, transport: 'streamable-http', target_port: 8080 },
    'container',
  );
  assert.deepStrictEqual((withPort.packages as unknown[])[0], {
    registryType: 'oci',
    identifier: 'ghcr.io/x/y:1',
    transport: { type: 'streamable-http', url: 'http://localhost:8080' },
  });
  const noPort = toolhiveToServerJson('y', { ...base, transport: 'sse' }, 'container');
  assert.deepStrictEqual((noPort.packages as { transport: unknown }[])[0]!.transport, {
    type: 'sse',
    url: 'http://localhost',
  });
  for (const entry of [
    { ...base, transport: 'streamable-http', target_port: 8080 },
    { ...base, transport: 'sse' },
    { ...base, transport: 'stdio', args: ['--read-only'] },
  ]) {
    const back = serverJsonToToolhive(toolhiveToServerJson('y', entry, 'container'));
    assert.deepStrictEqual(back.kind === 'container' && back.entry, {
      name: 'io.github.stacklok/y',
      ...entry,
    });
  }
});

test('descriptions and titles over 100 characters are cut in server.json and kept whole in the extension', () => {
  const long = 'x'.repeat(150);
  const entry = {
    description: long,
    title: long,
    tier: 'Official',
    status: 'Active',
    tools: ['t'],
    transport: 'stdio',
    image: 'a/b:1',
  };
  const server = toolhiveToServerJson('b', entry, 'container');
  assert.equal(server.description, `${'x'.repeat(99)}…`);
  assert.equal(validateEntry('upstream', server), undefined);
  const back = serverJsonToToolhive(server);
  assert.deepStrictEqual(back.kind === 'container' && back.entry, { name: 'io.github.stacklok/b', ...entry });
});

test('upstream → ToolHive: npm-only, several remotes, remotes plus packages, no package at all', () => {
  const base = { name: 'io.github.user/x', description: 'd', version: '1.0.0' };
  const npm = { registryType: 'npm', identifier: '@x/y', version: '1.0.0', transport: { type: 'stdio' } };
  const oci = { registryType: 'oci', identifier: 'ghcr.io/x/y:1', transport: { type: 'stdio' } };
  const r = (u: string) => ({ type: 'sse', url: u });
  assert.deepStrictEqual(serverJsonToToolhive({ ...base, packages: [npm] }), {
    kind: 'upstream-only',
    reason: 'npm package(s) only; ToolHive can express OCI images and remotes',
  });
  assert.deepStrictEqual(serverJsonToToolhive(base), {
    kind: 'upstream-only',
    reason: 'no packages and no remotes',
  });
  assert.deepStrictEqual(serverJsonToToolhive({ ...base, packages: [oci, oci] }), {
    kind: 'upstream-only',
    reason: '2 OCI packages; ToolHive can hold one image',
  });
  const two = serverJsonToToolhive({ ...base, remotes: [r('https://a'), r('https://b')] });
  assert.equal(two.kind === 'remote' && two.lossy, '2 remotes; ToolHive keeps only the first');
  assert.equal(two.kind === 'remote' && two.entry.url, 'https://a');
  const mixed = serverJsonToToolhive({ ...base, remotes: [r('https://a')], packages: [npm] });
  assert.equal(mixed.kind === 'remote' && mixed.lossy, 'packages are dropped in favour of the remote');
  const ociAndNpm = serverJsonToToolhive({ ...base, packages: [npm, oci] });
  assert.equal(
    ociAndNpm.kind === 'container' && ociAndNpm.lossy,
    'npm package(s) dropped; ToolHive keeps the OCI image',
  );
});

test('upstream → ToolHive: a server without the ToolHive extension gets the fields ToolHive requires', () => {
  const out = serverJsonToToolhive({
    name: 'io.github.user/x',
    description: 'Plain upstream server',
    version: '2.0.0',
    repository: { url: 'https://github.com/user/x', source: 'github' },
    packages: [
      {
        registryType: 'oci',
        identifier: 'ghcr.io/user/x:2.0.0',
        transport: { type: 'streamable-http', url: 'http://localhost:3000/mcp' },
        packageArguments: [
          { type: 'named', name: '--port', value: '3000' },
          { type: 'positional', valueHint: 'config' },
        ],
        runtimeArguments: [
          { type: 'named', name: '-e', value: 'LOG_LEVEL=debug' },
          {
            type: 'named',
            name: '--env',
            value: 'API_KEY={key}',
            variables: { key: { isSecret: true, isRequired: true } },
          },
        ],
        environmentVariables: [{ name: 'HOME_DIR', description: 'Home', default: '/data' }],
      },
    ],
  });
  assert.deepStrictEqual(out, {
    kind: 'container',
    entry: {
      name: 'io.github.user/x',
      description: 'Plain upstream server',
      repository_url: 'https://github.com/user/x',
      status: 'Active',
      tier: 'Community',
      tools: [],
      image: 'ghcr.io/user/x:2.0.0',
      transport: 'streamable-http',
      target_port: 3000,
      env_vars: [
        { name: 'HOME_DIR', description: 'Home', required: false, default: '/data' },
        { name: 'LOG_LEVEL', required: false, default: 'debug' },
        { name: 'API_KEY', required: true, secret: true },
      ],
      args: ['--port', '3000', 'config'],
    },
  });
});

test("catalog names: ToolHive's namespace is stripped only when a valid ToolHive name remains", () => {
  assert.equal(catalogNameOf('io.github.stacklok/fetch'), 'fetch');
  assert.equal(catalogNameOf('io.github.stacklok/Fetch_2'), 'io.github.stacklok/Fetch_2');
  assert.equal(catalogNameOf('io.github.user/weather'), 'io.github.user/weather');
  assert.equal(upstreamNameOf('fetch'), 'io.github.stacklok/fetch');
  assert.equal(upstreamNameOf('io.github.user/weather'), 'io.github.user/weather');
});
