/** An in-process registry API on loopback, and OpenAPI response validation, for the API tests. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { pino } from 'pino';
import { SnapshotStore } from '../../../src/registry-api/snapshot/snapshot.ts';
import { startApiServer } from '../../../src/registry-api/server.ts';
import { snapshotOf } from '../../../src/registry-api/snapshot/catalog-entries.ts';
import { buildOpenApi } from '../../../src/registry-api/openapi/openapi.ts';
import { Authenticator, type AuthOptions } from '../../../src/registry-api/access/auth.ts';
import type { CorsPolicy } from '../../../src/registry-api/access/cors.ts';
import type { ResourceMetadataOptions } from '../../../src/registry-api/access/protected-resource.ts';
import { parseRegistryDocument, type Catalog } from '../../../src/registry/index.ts';

const addFormats = addFormatsModule as unknown as { default: (ajv: Ajv2020) => Ajv2020 };
export const FIXTURE = readFileSync(
  resolve(import.meta.dirname, '../../fixtures/toolhive-registry/registry-2025-10-22.json'),
  'utf8',
);

export function catalogOfFixture(): Catalog {
  return parseRegistryDocument(FIXTURE, 'toolhive').catalog;
}

export async function startApi(
  catalog: Catalog,
  auth?: AuthOptions,
  cors?: CorsPolicy,
  resourceMetadata?: ResourceMetadataOptions,
  basePath?: string,
) {
  const store = new SnapshotStore();
  store.set(
    snapshotOf(catalog, JSON.stringify(catalog.servers.map((s) => s.name)), {
      registryName: 'test',
      displayName: 'Test',
      source: 'test',
    }),
  );
  const authenticator = auth ? new Authenticator(auth) : undefined;
  const srv = await startApiServer({
    address: '127.0.0.1:0',
    store,
    log: pino({ level: 'silent' }),
    auth: authenticator,
    cors,
    resourceMetadata,
    ...(basePath ? { basePath } : {}),
  });
  return { ...srv, store, auth: authenticator };
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
const DOC_ID = 'https://registry.invalid/openapi.json';
ajv.addSchema({ ...buildOpenApi(), $id: DOC_ID });

const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Validates a response body against the document's schema for that path, method and status. */
export function validateResponse(
  pathTemplate: string,
  status: number,
  body: unknown,
  method = 'get',
): string[] {
  const doc = buildOpenApi() as {
    paths: Record<
      string,
      Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>
    >;
  };
  const op = doc.paths[pathTemplate]?.[method];
  if (!op) return [`no operation ${method.toUpperCase()} ${pathTemplate} in the OpenAPI document`];
  const resp = op.responses[String(status)];
  if (!resp) return [`status ${status} of ${pathTemplate} is not documented`];
  if (!resp.content) return [];
  const ptr = `${DOC_ID}#/paths/${esc(pathTemplate)}/${method}/responses/${status}/content/application~1json/schema`;
  const validate = ajv.getSchema(ptr) ?? ajv.compile({ $ref: ptr });
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}
