/** Test catalogs for workload admission: one ToolHive-format, one upstream-format, parsed by the product's reader. */
import { parseRegistryDocument } from '../../../../src/registry/index.ts';
import { indexEntries, type EntryIndex } from '../../../../src/admission/workloads/index.ts';

export const TOOLHIVE_DOC = {
  version: '1.0.0',
  last_updated: '2025-10-22T00:00:00Z',
  servers: {
    fetch: {
      description: 'Fetches web pages',
      tier: 'Community',
      status: 'Active',
      transport: 'streamable-http',
      tools: ['fetch'],
      image: 'ghcr.io/stackloklabs/gofetch/server:1.0.1',
      target_port: 8080,
      args: ['--max-bytes', '1000000'],
      permissions: { network: { outbound: { insecure_allow_all: true } } },
      env_vars: [
        { name: 'USER_AGENT', description: 'The user agent sent', required: false, default: 'gofetch' },
        { name: 'PROXY', description: 'Proxy URL to use', required: false },
      ],
    },
    github: {
      description: 'GitHub API access',
      tier: 'Official',
      status: 'Active',
      transport: 'stdio',
      tools: ['get_me'],
      image: 'ghcr.io/github/github-mcp-server:v0.19.1',
      permissions: { network: { outbound: { allow_host: ['.github.com'], allow_port: [443] } } },
      env_vars: [
        {
          name: 'GITHUB_PERSONAL_ACCESS_TOKEN',
          description: 'Personal access token',
          required: true,
          secret: true,
        },
        { name: 'GITHUB_HOST', description: 'GitHub Enterprise host', required: false },
      ],
    },
  },
  remote_servers: {
    atlassian: {
      description: 'Atlassian remote server',
      tier: 'Official',
      status: 'Active',
      transport: 'sse',
      tools: ['getJiraIssue'],
      url: 'https://mcp.atlassian.com/v1/sse',
      headers: [
        { name: 'X-Tenant', description: 'Tenant to use', required: false, default: 'main' },
        { name: 'Authorization', description: 'Bearer token', required: true, secret: true },
      ],
    },
  },
};

const SCHEMA = 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json';
export const UPSTREAM_DOC = [
  {
    $schema: SCHEMA,
    name: 'io.github.acme/weather',
    description: 'Weather by ACME',
    version: '2.1.0',
    packages: [
      {
        registryType: 'oci',
        identifier: 'ghcr.io/acme/weather:2.1.0',
        transport: { type: 'streamable-http', url: 'http://localhost:3000/mcp' },
        environmentVariables: [
          { name: 'WEATHER_API_KEY', description: 'key', isRequired: true, isSecret: true },
          { name: 'UNITS', description: 'units', default: 'metric' },
        ],
      },
    ],
  },
  {
    $schema: SCHEMA,
    name: 'io.github.other/weather',
    description: 'Weather by Other',
    version: '0.3.0',
    remotes: [{ type: 'streamable-http', url: 'https://weather.other.example/mcp/' }],
  },
  {
    $schema: SCHEMA,
    name: 'io.github.acme/search',
    description: 'Search as a remote',
    version: '1.4.0',
    remotes: [
      {
        type: 'sse',
        url: 'https://search.acme.example/sse',
        headers: [{ name: 'X-Api-Key', description: 'key', isRequired: true, isSecret: true }],
      },
    ],
  },
  {
    $schema: SCHEMA,
    name: 'io.github.acme/npm-only',
    description: 'An npm package',
    version: '1.0.0',
    packages: [
      { registryType: 'npm', identifier: '@acme/npm-only', version: '1.0.0', transport: { type: 'stdio' } },
    ],
  },
];

export function toolhiveIndex(): EntryIndex {
  return indexEntries(parseRegistryDocument(JSON.stringify(TOOLHIVE_DOC), 'auto').catalog);
}

export function upstreamIndex(): EntryIndex {
  return indexEntries(parseRegistryDocument(JSON.stringify(UPSTREAM_DOC), 'upstream').catalog);
}

const OFFICIAL = 'io.modelcontextprotocol.registry/official';
const item = (server: object, status: string, isLatest: boolean, publishedAt: string) => ({
  server,
  _meta: { [OFFICIAL]: { status, isLatest, publishedAt, updatedAt: publishedAt } },
});
const weather = (version: string, env: object[], name = 'weather') => ({
  $schema: SCHEMA,
  name: `io.github.acme/${name}`,
  description: 'Weather by ACME',
  version,
  packages: [
    {
      registryType: 'oci',
      identifier: `ghcr.io/acme/${name}:${version}`,
      transport: { type: 'streamable-http', url: 'http://localhost:3000/mcp' },
      environmentVariables: env,
    },
  ],
});
const search = (version: string, path: string) => ({
  $schema: SCHEMA,
  name: 'io.github.acme/search',
  description: 'Search as a remote',
  version,
  remotes: [{ type: 'sse', url: `https://search.acme.example/${path}` }],
});
const KEY = { name: 'WEATHER_API_KEY', description: 'key', isRequired: true, isSecret: true };

/**
 * A registry source's page with every version of each server (as the official registry serves
 * them): weather 2.1.0 (latest), 2.0.0 (no UNITS), 1.9.0 deprecated, 1.5.0 deleted; search 1.4.0
 * and 1.3.0 at another URL; `many` in 15 versions (1.0.0 … 1.14.0, the latest 1.14.0).
 */
export const VERSIONS_PAGE = {
  servers: [
    item(
      weather('2.1.0', [KEY, { name: 'UNITS', description: 'units', default: 'metric' }]),
      'active',
      true,
      '2026-03-01T00:00:00.123456Z',
    ),
    item(weather('2.0.0', [KEY]), 'active', false, '2026-02-01T00:00:00Z'),
    item(weather('1.9.0', [KEY]), 'deprecated', false, '2026-01-01T00:00:00Z'),
    item(weather('1.5.0', [KEY]), 'deleted', false, '2025-12-01T00:00:00Z'),
    item(search('1.4.0', 'v2/sse'), 'active', true, '2026-03-01T00:00:00Z'),
    item(search('1.3.0', 'v1/sse'), 'active', false, '2026-01-01T00:00:00Z'),
    ...Array.from({ length: 15 }, (_, i) =>
      item(
        weather(`1.${i}.0`, [], 'many'),
        'active',
        i === 14,
        `2026-01-${String(i + 1).padStart(2, '0')}T00:00:00Z`,
      ),
    ),
  ],
  metadata: { count: 21 },
};

export function versionsIndex(): EntryIndex {
  return indexEntries(parseRegistryDocument(JSON.stringify(VERSIONS_PAGE), 'upstream').catalog);
}
