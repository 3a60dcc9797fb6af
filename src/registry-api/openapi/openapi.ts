/**
 * The OpenAPI 3.1 document served at /openapi.json. It is the contract the tests hold every
 * response to, so it must say exactly what handler.ts does.
 */
import { LIMITS } from '../query.ts';
import { componentSchemas } from './openapi-schemas.ts';

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
  'Opaque cursor from `metadata.nextCursor` of the previous page, passed back as it is (any other value is a 400); empty or absent means the first page. Paging resumes after the last server that page returned, so servers added or removed meanwhile are neither repeated nor skipped.',
  // What encodeCursor writes (base64url of `v1:` and a name), so a conforming value is one we accept.
  { type: 'string', pattern: '^(djE6[A-Za-z0-9_-]{2,})?$' },
);
/** /v0.1 reads cursors as the official server does: never refused (query.ts, v01After). */
const v01Cursor = q(
  'cursor',
  'Opaque cursor from `metadata.nextCursor` of the previous page, passed back as it is; empty or absent means the first page. Paging resumes after the last server that page returned, so servers added or removed meanwhile are neither repeated nor skipped. Any other value is accepted, as the official registry accepts it: its own `serverName:version` (or a bare name) resumes after that server, anything else where it would sort.',
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

const versionParam = {
  name: 'version',
  in: 'path',
  required: true,
  description: 'Exact version, or `latest`.',
  schema: { type: 'string' },
};
const includeDeleted = q(
  'include_deleted',
  'Include versions the source registry deleted (Go boolean spellings: `true`, `1`, `t`, `TRUE`, …; empty is unset). Always on with `updated_since`, where `false` is a 400.',
  { type: 'boolean', default: false },
);

/** The upstream write operations: declared with their path parameters, answered 501. */
function publish501(summary: string, parameters: unknown[] = []) {
  return {
    summary,
    tags: ['upstream'],
    ...(parameters.length > 0 && { parameters }),
    responses: { '501': error('Publishing is not supported.') },
  };
}

/** The upstream paths, also served under `/v0` (as the official registry does). */
function withV0Aliases(paths: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...paths };
  for (const [path, item] of Object.entries(paths)) {
    if (path.startsWith('/v0.1/')) out[`/v0/${path.slice('/v0.1/'.length)}`] = item;
  }
  return out;
}

/** `basePath`: the server's `--base-path` (every path below is served under it). */
export function buildOpenApi(version = '0.1.0', basePath?: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'MCP registry API (thv-registry-api)',
      version,
      description:
        'Read-only REST API over one MCPRegistry catalog. `/api/v1/registry` serves ToolHive or upstream shapes; `/v0.1` is compatible with the official MCP registry API (2025-12-01). Errors are `{"error": "..."}`. Responses carry a weak ETag and honour If-None-Match (304) and Accept-Encoding: gzip.',
    },
    servers: [{ url: basePath || '/' }],
    tags: [
      { name: 'registry', description: 'ToolHive-style API' },
      { name: 'upstream', description: 'Official MCP registry API, read side' },
      { name: 'operations', description: 'Health, readiness, metrics' },
    ],
    paths: withV0Aliases({
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
            v01Cursor,
            limit(LIMITS.v01),
            q('search', 'Case-insensitive substring of the server name.', { type: 'string' }),
            q(
              'updated_since',
              'Only versions updated strictly after this RFC 3339 time (compared to the nanosecond), deleted ones included; empty is no filter, as with the official server.',
              {
                anyOf: [
                  { type: 'string', format: 'date-time' },
                  { type: 'string', maxLength: 0 },
                ],
              },
            ),
            q('version', '`latest` or an exact version.', { type: 'string' }),
            includeDeleted,
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
          summary: 'Every version of a server, newest published first',
          ...tags('upstream'),
          parameters: [serverName, includeDeleted],
          responses: {
            '200': ok('The versions', ref('ServerList')),
            '400': error('A parameter is invalid.'),
            '404': error('`{"error":"Server not found"}`'),
            ...common,
          },
        },
      },
      '/v0.1/servers/{serverName}/versions/{version}': {
        get: {
          summary: 'One version of a server',
          ...tags('upstream'),
          parameters: [serverName, versionParam, includeDeleted],
          responses: {
            '200': ok('The server', ref('ServerResponse')),
            '400': error('A parameter is invalid.'),
            '404': error('`{"error":"Server not found"}`'),
            ...common,
          },
        },
        put: publish501('Edit a version (not supported)', [serverName, versionParam]),
        delete: publish501('Delete a version (not supported)', [serverName, versionParam]),
      },
      '/v0.1/servers/{serverName}/versions/{version}/status': {
        patch: publish501('Change the status of a version (not supported)', [serverName, versionParam]),
      },
      '/v0.1/servers/{serverName}/status': {
        patch: publish501('Change the status of every version (not supported)', [serverName]),
      },
      '/v0.1/publish': { post: publish501('Publish a server (not supported)') },
      '/v0.1/validate': { post: publish501('Validate a server.json (not supported)') },
      '/v0.1/auth/{method}': {
        post: publish501('Publisher log-in (not supported)', [
          { name: 'method', in: 'path', required: true, schema: { type: 'string' } },
        ]),
      },
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
          responses: {
            '200': { description: 'Text exposition format', content: { 'text/plain': {} } },
            '404': error('This process serves no metrics (an embedded server without a metrics registry).'),
          },
        },
      },
    }),
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT or API key' },
      },
      schemas: componentSchemas(list(ref('ServerResponse'))),
    },
  };
}
