/**
 * Enforcement: refused with the image/URL and the registries checked, admitted, ratcheted on UPDATE,
 * policy-wide registries, and registries without data.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldErrors } from '../../../../src/api/field-error.ts';
import { enforceWorkload, kindInfo, type EnforceInput } from '../../../../src/admission/workloads/index.ts';
import { toolhiveIndex, upstreamIndex } from './catalogs.ts';

const corp = { label: 'corp', index: toolhiveIndex() };
const pub = { label: 'public', index: upstreamIndex() };
const platform = { label: 'platform/approved', index: upstreamIndex() };
const server = (image: string) => ({ metadata: { name: 'w' }, spec: { image } });
const proxy = (remoteUrl: string) => ({ metadata: { name: 'p' }, spec: { remoteUrl } });

function run(i: Partial<EnforceInput> & { object: Record<string, unknown> }) {
  const r = enforceWorkload({
    kind: kindInfo('MCPServer')!,
    name: 'w',
    fields: new Set(['image', 'remoteUrl']),
    namespace: [],
    policy: [],
    ...i,
  });
  return { errors: r.errors.length ? formatFieldErrors(r.errors) : '', warnings: r.warnings };
}

const table: [string, Parameters<typeof run>[0], { errors: string; warnings: string[] }][] = [
  ['no enforcement: anything goes', { object: server('evil.example/x:1') }, { errors: '', warnings: [] }],
  [
    'listed image admitted',
    { object: server('ghcr.io/stackloklabs/gofetch/server:1.0.1'), namespace: [corp, pub] },
    { errors: '', warnings: [] },
  ],
  [
    'listed by the second registry of the namespace',
    { object: server('ghcr.io/acme/weather:2.1.0'), namespace: [corp, pub] },
    { errors: '', warnings: [] },
  ],
  [
    'other tag refused, naming image and registries',
    { object: server('ghcr.io/stackloklabs/gofetch/server:latest'), namespace: [corp, pub] },
    {
      errors:
        'spec.image: Forbidden: image "ghcr.io/stackloklabs/gofetch/server:latest" is in none of the registries enforced in this namespace (checked: corp, public)',
      warnings: [],
    },
  ],
  [
    'ratcheted: UPDATE keeping an unlisted image',
    { object: server('evil.example/x:1'), oldObject: server('evil.example/x:1'), namespace: [corp] },
    {
      errors: '',
      warnings: [
        'MCPServer "w": image "evil.example/x:1" is in none of the registries enforced in this namespace (checked: corp); allowed because this update does not change it',
      ],
    },
  ],
  [
    'UPDATE changing to an unlisted image refused',
    { object: server('evil.example/x:2'), oldObject: server('evil.example/x:1'), namespace: [corp] },
    {
      errors:
        'spec.image: Forbidden: image "evil.example/x:2" is in none of the registries enforced in this namespace (checked: corp)',
      warnings: [],
    },
  ],
  [
    'policy registry: namespace allows, policy does not',
    { object: server('ghcr.io/stackloklabs/gofetch/server:1.0.1'), namespace: [corp], policy: [platform] },
    {
      errors:
        'spec.image: Forbidden: image "ghcr.io/stackloklabs/gofetch/server:1.0.1" is in none of the registries enforced in this namespace (checked: platform/approved)',
      warnings: [],
    },
  ],
  [
    'policy registry alone admits its images',
    { object: server('ghcr.io/acme/weather:2.1.0'), policy: [platform] },
    { errors: '', warnings: [] },
  ],
  [
    'an enforcing registry without data lists nothing',
    { object: server('ghcr.io/acme/weather:2.1.0'), namespace: [{ label: 'new' }] },
    {
      errors:
        'spec.image: Forbidden: image "ghcr.io/acme/weather:2.1.0" is in none of the registries enforced in this namespace (checked: new)',
      warnings: ['enforcing registries without a synced catalog were skipped: new'],
    },
  ],
  [
    'remote URL equal after normalisation',
    {
      kind: kindInfo('MCPRemoteProxy')!,
      object: proxy('https://WEATHER.other.example:443/mcp'),
      namespace: [pub],
    },
    { errors: '', warnings: [] },
  ],
  [
    'remote URL not listed',
    {
      kind: kindInfo('MCPServerEntry')!,
      object: proxy('https://weather.other.example/other'),
      namespace: [pub],
    },
    {
      errors:
        'spec.remoteUrl: Forbidden: remote URL "https://weather.other.example/other" is in none of the registries enforced in this namespace (checked: public)',
      warnings: [],
    },
  ],
  [
    'October-2025 MCPRemoteProxy field remoteURL',
    {
      kind: kindInfo('MCPRemoteProxy')!,
      fields: new Set(['remoteURL']),
      object: { spec: { remoteURL: 'https://mcp.atlassian.com/v1/sse' } },
      namespace: [corp],
    },
    { errors: '', warnings: [] },
  ],
];

for (const [name, i, want] of table) test(`enforcement: ${name}`, () => assert.deepEqual(run(i), want));
