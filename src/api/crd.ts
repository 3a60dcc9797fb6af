/**
 * Builds the CustomResourceDefinition from the schema source. Pure: the generator script writes
 * its output to crds/, and tests install it into the real apiserver.
 */
import type { TSchema } from '@sinclair/typebox';
import {
  CATEGORIES,
  CRD_NAME,
  GROUP,
  KIND,
  LIST_KIND,
  PLURAL,
  SHORT_NAMES,
  SINGULAR,
  STORAGE_VERSION,
  V1ALPHA1,
  V1BETA1,
} from './constants.ts';
import { mcpRegistryV1alpha1 } from './schema/v1alpha1.ts';
import { mcpRegistryV1beta1 } from './schema/v1beta1.ts';

export type JSONSchemaProps = { [key: string]: unknown };

export type ConversionTarget =
  | { kind: 'service'; name: string; namespace: string; port?: number; caBundle?: string }
  | { kind: 'url'; url: string; caBundle: string }
  /** Only for tests that run before a conversion webhook exists; the versions are not interchangeable. */
  | { kind: 'none' };

export const DEFAULT_CONVERSION: ConversionTarget = {
  kind: 'service',
  name: 'mcp-registry-operator-webhook',
  namespace: 'toolhive-system',
  port: 443,
};

/**
 * Turns a TypeBox schema into a structural OpenAPI v3 schema: drops TypeBox's symbols and the
 * `additionalProperties: false` the runtime validator uses (structural schemas forbid it beside
 * `properties`; the apiserver prunes unknown fields instead), and reduces `metadata` to
 * `type: object`, the only form a CRD may give it.
 */
export function toStructural(schema: TSchema | JSONSchemaProps, path: string[] = []): JSONSchemaProps {
  const out: JSONSchemaProps = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'additionalProperties' && value === false) continue;
    if (key === 'required' && Array.isArray(value) && value.length === 0) continue;
    if (key === 'properties' && value && typeof value === 'object') {
      const props: JSONSchemaProps = {};
      for (const [name, sub] of Object.entries(value as Record<string, JSONSchemaProps>)) {
        props[name] =
          path.length === 0 && name === 'metadata' ? { type: 'object' } : toStructural(sub, [...path, name]);
      }
      out[key] = props;
    } else if (key === 'items' && value && typeof value === 'object') {
      out[key] = toStructural(value as JSONSchemaProps, [...path, '[]']);
    } else {
      out[key] = structuredClone(value);
    }
  }
  return out;
}

/**
 * The same columns, in the same order, as `thv registry list` (NAME PHASE SERVERS SOURCE LAST SYNC AGE);
 * `-o wide` adds where the registry is served and the status message.
 */
function printerColumns(version: typeof V1ALPHA1 | typeof V1BETA1) {
  const alpha = version === V1ALPHA1;
  return [
    { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Phase of the registry.' },
    {
      name: 'Servers',
      type: 'integer',
      jsonPath: alpha ? '.status.serverCount' : '.status.sync.serverCount',
      description: 'Servers in the stored catalog.',
    },
    {
      name: 'Source',
      type: 'string',
      // The apiserver prints one value per column, so this is the first source; `thv registry list`
      // shows every source's type.
      jsonPath: alpha ? '.spec.source.type' : '.spec.sources[0].type',
      description: 'Type of the first source.',
    },
    {
      name: 'Last Sync',
      type: 'date',
      jsonPath: alpha ? '.status.lastSyncTime' : '.status.sync.lastSyncTime',
      description: 'Time of the last successful sync.',
    },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    {
      name: 'API',
      type: 'string',
      priority: 1,
      jsonPath: alpha ? '.status.apiEndpoint' : '.status.api.endpoint',
      description: 'In-cluster URL of the registry API.',
    },
    {
      name: 'Message',
      type: 'string',
      priority: 1,
      jsonPath: '.status.message',
      description: 'What the registry is doing or why it failed.',
    },
  ];
}

function conversionSpec(target: ConversionTarget): JSONSchemaProps {
  if (target.kind === 'none') return { strategy: 'None' };
  const clientConfig: JSONSchemaProps =
    target.kind === 'url'
      ? { url: target.url, caBundle: target.caBundle }
      : {
          service: {
            name: target.name,
            namespace: target.namespace,
            path: '/convert',
            port: target.port ?? 443,
          },
          ...(target.caBundle ? { caBundle: target.caBundle } : {}),
        };
  return { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig } };
}

export interface CrdOptions {
  conversion?: ConversionTarget;
  /** Serve only these versions (tests before the conversion webhook exists). */
  servedVersions?: readonly string[];
}

export function buildCrd(options: CrdOptions = {}): JSONSchemaProps {
  const conversion = options.conversion ?? DEFAULT_CONVERSION;
  const served = (v: string) => !options.servedVersions || options.servedVersions.includes(v);
  const version = (name: typeof V1ALPHA1 | typeof V1BETA1, schema: TSchema) => ({
    name,
    served: served(name),
    storage: name === STORAGE_VERSION,
    schema: { openAPIV3Schema: toStructural(schema) },
    subresources: { status: {} },
    additionalPrinterColumns: printerColumns(name),
  });
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: CRD_NAME,
      labels: { 'app.kubernetes.io/name': 'mcp-registry-operator', 'app.kubernetes.io/part-of': 'toolhive' },
    },
    spec: {
      group: GROUP,
      names: {
        kind: KIND,
        listKind: LIST_KIND,
        plural: PLURAL,
        singular: SINGULAR,
        shortNames: [...SHORT_NAMES],
        categories: [...CATEGORIES],
      },
      scope: 'Namespaced',
      conversion: conversionSpec(conversion),
      versions: [version(V1ALPHA1, mcpRegistryV1alpha1), version(V1BETA1, mcpRegistryV1beta1)],
    },
  };
}
