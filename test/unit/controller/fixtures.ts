/** Shared inputs of the controller's pure-logic tests: a small real catalog and registry objects. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';

const FULL = JSON.parse(
  readFileSync(
    resolve(import.meta.dirname, '../../fixtures/toolhive-registry/registry-2025-10-22.json'),
    'utf8',
  ),
) as { servers: Record<string, unknown>; remote_servers: Record<string, unknown> };

/** A ToolHive registry document with the first `n` servers of the real fixture. */
export function toolhiveDoc(n: number, extra: Record<string, unknown> = {}): string {
  const servers = Object.fromEntries(Object.entries(FULL.servers).slice(0, n));
  return JSON.stringify({
    version: '1.0.0',
    last_updated: '2025-10-22T00:00:00Z',
    servers: { ...servers, ...extra },
  });
}

export function serverNames(n: number): string[] {
  return Object.keys(FULL.servers).slice(0, n);
}

export function registry(spec: Partial<MCPRegistryV1beta1['spec']> = {}, generation = 1): MCPRegistryV1beta1 {
  return {
    apiVersion: 'toolhive.stacklok.io/v1beta1',
    kind: 'MCPRegistry',
    metadata: { name: 'demo', namespace: 'team', uid: 'uid-1', generation, resourceVersion: '1' },
    spec: {
      sources: [
        {
          name: 'main',
          type: 'configmap',
          format: 'toolhive',
          configMapRef: { name: 'cat', key: 'registry.json' },
        },
      ],
      ...spec,
    } as MCPRegistryV1beta1['spec'],
  };
}
