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
