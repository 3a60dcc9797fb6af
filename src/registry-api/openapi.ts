/**
 * The OpenAPI 3.1 document served at /openapi.json. It is the contract the tests hold every
 * response to, so it must say exactly what handler.ts does.
 */
import { LIMITS } from './query.ts';
import { OFFICIAL_META_KEY } from './views.ts';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ 'application/json': { schema } });
const resp = (description: string, schema: unknown) => ({ description, content: json(schema) });
const error = (description: string) => resp(description, ref('Error'));

const q = (name: string, description: string, schema: unknown, extra: Record<string, unknown> = {}) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
  ...extra,
});

const cursor = q(
  'cursor',
  'Opaque cursor from `metadata.nextCursor` of the previous page. Paging resumes after the last server that page returned, so servers added or removed meanwhile are neither repeated nor skipped.',
  { type: 'string' },
);
const limit = (b: { default: number; max: number }) =>
  q('limit', `Page size, 1 to ${b.max}.`, {
    type: 'integer',
    minimum: 1,
    maximum: b.max,
    default: b.default,
  });
const format = q('format', 'Shape of each server: ToolHive registry entry or upstream ServerResponse.', {
  type: 'string',
  enum: ['toolhive', 'upstream'],
  default: 'toolhive',
});
const serverName = {
  name: 'serverName',
  in: 'path',
  required: true,
  description: 'Server name, URL-encoded (`io.github.example%2Fweather`).',
  schema: { type: 'string' },
};

const cacheHeaders = {
  ETag: {
    description: 'Weak validator of the body; send it back in If-None-Match.',
    schema: { type: 'string' },
  },
};
const ok = (description: string, schema: unknown) => ({
  ...resp(description, schema),
  headers: cacheHeaders,
});
const notModified = { description: 'The representation matches If-None-Match.' };
const common = {
  '304': notModified,
  '401': error('Authentication is configured and the request has no valid credential.'),
  '503': error('No catalog has been loaded yet.'),
};
const tags = (t: string) => ({ tags: [t], security: [{}, { apiKey: [] }, { bearer: [] }] });

const list = (items: unknown) => ({
  type: 'object',
  required: ['servers', 'metadata'],
  additionalProperties: false,
  properties: { servers: { type: 'array', items }, metadata: ref('ListMetadata') },
});

function publish501(summary: string) {
  return { summary, tags: ['upstream'], responses: { '501': error('Publishing is not supported.') } };
}

export function buildOpenApi(version = '0.1.0'): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'MCP registry API (thv-registry-api)',
      version,
      description:
        'Read-only REST API over one MCPRegistry catalog. `/api/v1/registry` serves ToolHive or upstream shapes; `/v0.1` is compatible with the official MCP registry API (2025-12-01). Errors are `{"error": "..."}`. Responses carry a weak ETag and honour If-None-Match (304) and Accept-Encoding: gzip.',
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'registry', description: 'ToolHive-style API' },
      { name: 'upstream', description: 'Official MCP registry API, read side' },
      { name: 'operations', description: 'Health, readiness, metrics' },
    ],
    paths: {
      '/api/v1/registry/info': {
        get: {
          summary: 'Registry summary',
          ...tags('registry'),
          responses: { '200': ok('The registry', ref('RegistryInfo')), ...common },
        },
      },
      '/api/v1/registry/servers': {
        get: {
          summary: 'List servers',
          ...tags('registry'),
          parameters: [
            format,
            limit(LIMITS.v1),
            cursor,
            q('search', 'Case-insensitive substring of the name or description.', { type: 'string' }),
            q(
              'tag',
              'Exact, case-sensitive tag; repeat to require several.',
              { type: 'array', items: { type: 'string' } },
              { style: 'form', explode: true },
            ),
          ],
          responses: {
            '200': ok('A page of servers', list({ oneOf: [ref('ToolhiveServer'), ref('ServerResponse')] })),
            '400': error('A parameter is invalid.'),
            ...common,
          },
        },
      },
      '/api/v1/registry/servers/{name}': {
        get: {
          summary: 'One server',
          ...tags('registry'),
          parameters: [{ ...serverName, name: 'name' }, format],
          responses: {
            '200': ok('The server', { oneOf: [ref('ToolhiveServer'), ref('ServerResponse')] }),
            '400': error('A parameter is invalid.'),
            '404': error('`{"error":"Server not found"}`'),
            ...common,
          },
        },
      },
      '/v0.1/servers': {
        get: {
          summary: 'List servers (upstream ServerList)',
          ...tags('upstream'),
          parameters: [
            cursor,
            limit(LIMITS.v01),
            q('search', 'Case-insensitive substring of the server name.', { type: 'string' }),
            q('updated_since', 'Only servers updated after this RFC 3339 time.', {
              type: 'string',
              format: 'date-time',
            }),
            q('version', '`latest` or an exact version.', { type: 'string' }),
            q('include_deleted', 'Accepted for compatibility; this registry holds no deleted servers.', {
              type: 'boolean',
              default: false,
            }),
          ],
          responses: {
            '200': ok('A page of servers', ref('ServerList')),
            '400': error('A parameter is invalid.'),
            ...common,
          },
        },
      },
      '/v0.1/servers/{serverName}/versions': {
        get: {
          summary: 'All versions of a server (this registry keeps the current one)',
          ...tags('upstream'),
          parameters: [serverName],
          responses: {
            '200': ok('The versions', ref('ServerList')),
            '404': error('`{"error":"Server not found"}`'),
            ...common,
          },
        },
      },
      '/v0.1/servers/{serverName}/versions/{version}': {
        get: {
          summary: 'One version of a server',
          ...tags('upstream'),
          parameters: [
            serverName,
            {
              name: 'version',
              in: 'path',
              required: true,
              description: 'Exact version, or `latest`.',
              schema: { type: 'string' },
            },
          ],
          responses: {
            '200': ok('The server', ref('ServerResponse')),
            '404': error('`{"error":"Server not found"}`'),
            ...common,
          },
        },
        put: publish501('Edit a version (not supported)'),
        delete: publish501('Delete a version (not supported)'),
      },
      '/v0.1/publish': { post: publish501('Publish a server (not supported)') },
      '/openapi.json': {
        get: {
          summary: 'This document',
          tags: ['operations'],
          responses: { '200': ok('OpenAPI 3.1', { type: 'object' }), '304': notModified },
        },
      },
      '/healthz': {
        get: {
          summary: 'Liveness',
          tags: ['operations'],
          responses: { '200': resp('Alive', ref('Status')) },
        },
      },
      '/readyz': {
        get: {
          summary: 'Readiness: a catalog is loaded',
          tags: ['operations'],
          responses: { '200': resp('Ready', ref('Status')), '503': error('No catalog loaded yet, and why.') },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics',
          tags: ['operations'],
          responses: { '200': { description: 'Text exposition format', content: { 'text/plain': {} } } },
        },
      },
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT or API key' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          additionalProperties: false,
          properties: { error: { type: 'string' } },
        },
        Status: {
          type: 'object',
          required: ['status'],
          additionalProperties: false,
          properties: { status: { type: 'string', enum: ['ok', 'ready'] } },
        },
        RegistryInfo: {
          type: 'object',
          required: ['name', 'format', 'serverCount', 'source'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', description: 'MCPRegistry name' },
            displayName: { type: 'string' },
            format: {
              type: 'string',
              enum: ['toolhive', 'upstream'],
              description: 'Format of the data served',
            },
            version: { type: 'string', description: 'Catalog version' },
            lastUpdated: { type: 'string', format: 'date-time' },
            serverCount: { type: 'integer', minimum: 0 },
            source: { type: 'string', description: '`file:<path>` or `configmap:<namespace>/<name>`' },
          },
        },
        ListMetadata: {
          type: 'object',
          required: ['count'],
          additionalProperties: false,
          properties: {
            count: { type: 'integer', minimum: 0, description: 'Servers on this page' },
            nextCursor: { type: 'string', description: 'Absent on the last page' },
          },
        },
        ToolhiveServer: {
          type: 'object',
          required: ['name'],
          description:
            'A ToolHive registry entry (container or remote server) as in registry.json, plus its name.',
          properties: {
            name: { type: 'string' },
            description: { type: 'string' },
            tags: { type: 'array', items: { type: 'string' } },
          },
        },
        ServerDetail: {
          type: 'object',
          required: ['name', 'description', 'version'],
          description:
            'An upstream server.json document; valid against https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json',
          properties: {
            name: { type: 'string' },
            description: { type: 'string' },
            version: { type: 'string' },
          },
        },
        OfficialMeta: {
          type: 'object',
          required: ['status', 'statusChangedAt', 'publishedAt', 'updatedAt', 'isLatest'],
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: ['active', 'deprecated', 'deleted'] },
            statusMessage: { type: 'string' },
            statusChangedAt: { type: 'string', format: 'date-time' },
            publishedAt: { type: 'string', format: 'date-time' },
            updatedAt: { type: 'string', format: 'date-time' },
            isLatest: { type: 'boolean' },
          },
        },
        ServerResponse: {
          type: 'object',
          required: ['server', '_meta'],
          additionalProperties: false,
          properties: {
            server: ref('ServerDetail'),
            _meta: {
              type: 'object',
              required: [OFFICIAL_META_KEY],
              properties: { [OFFICIAL_META_KEY]: ref('OfficialMeta') },
            },
          },
        },
        ServerList: list(ref('ServerResponse')),
      },
    },
  };
}
