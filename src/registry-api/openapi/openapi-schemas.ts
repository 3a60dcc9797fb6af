/** The component schemas of /openapi.json: every body the API returns. */
import { OFFICIAL_META_KEY } from '../views.ts';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export function componentSchemas(serverList: unknown): Record<string, unknown> {
  return {
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
    ServerList: serverList,
  };
}
