/**
 * Workload AdmissionReviews: what the webhook answers around resolution and enforcement. Requests
 * that are not ours pass untouched; updates never strand a workload whose registry or entry went
 * away, nor an object being deleted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  mutateWorkload,
  validateWorkload,
  type WorkloadRequest,
} from '../../../../src/admission/workloads/index.ts';
import { toolhiveIndex } from './catalogs.ts';

const ANN = { 'toolhive.stacklok.io/registry': 'corp', 'toolhive.stacklok.io/server': 'fetch' };
const FIELDS = new Set(['image', 'transport', 'mcpPort', 'args', 'env', 'permissionProfile']);
const req = (over: Partial<WorkloadRequest>): WorkloadRequest => ({
  uid: 'u1',
  operation: 'CREATE',
  namespace: 'team-a',
  kind: { group: 'toolhive.stacklok.dev', version: 'v1beta1', kind: 'MCPServer' },
  object: { metadata: { name: 'w', annotations: ANN } },
  ...over,
});
const ctxGone = { fields: FIELDS, registry: undefined, registryNames: [] };
const patchOf = (r: ReturnType<typeof mutateWorkload>) =>
  JSON.parse(Buffer.from(r.review.response.patch ?? '', 'base64').toString()) as { path: string }[];

test('not ours: other kinds, status writes, deletes and unannotated objects pass untouched', () => {
  for (const r of [
    req({ kind: { kind: 'MCPGroup' } }),
    req({ subResource: 'status' }),
    req({ operation: 'DELETE' }),
    req({ object: { metadata: { name: 'w' } } }),
  ]) {
    const out = mutateWorkload(r, ctxGone);
    assert.deepEqual(out.review.response, { uid: 'u1', allowed: true });
  }
});

test('CREATE: patched with the filled fields and the resolved annotation', () => {
  const out = mutateWorkload(req({}), {
    fields: FIELDS,
    registry: { name: 'corp', index: toolhiveIndex() },
    registryNames: ['corp'],
  });
  assert.equal(out.verdict, 'patched');
  assert.equal(out.review.response.patchType, 'JSONPatch');
  assert.deepEqual(
    patchOf(out).map((o) => o.path),
    [
      '/spec',
      '/spec/image',
      '/spec/transport',
      '/spec/mcpPort',
      '/spec/args',
      '/spec/env',
      '/spec/permissionProfile',
      '/metadata/annotations/toolhive.stacklok.io~1resolved',
    ],
  );
});

test('UPDATE keeping a resolved reference whose registry is gone: allowed with a warning', () => {
  const resolved = { ...ANN, 'toolhive.stacklok.io/resolved': 'io.github.stacklok/fetch@1.0.0' };
  const obj = { metadata: { name: 'w', annotations: resolved }, spec: { image: 'x:1' } };
  const out = mutateWorkload(req({ operation: 'UPDATE', object: obj, oldObject: obj }), ctxGone);
  assert.deepEqual(out.review.response, {
    uid: 'u1',
    allowed: true,
    warnings: [
      'MCPServer "w": not resolved again, kept as it is: no MCPRegistry "corp" in namespace "team-a"; this namespace has no MCPRegistry',
    ],
  });
  // Changing the reference is a new reference: checked like a CREATE.
  const moved = {
    metadata: { name: 'w', annotations: { ...resolved, 'toolhive.stacklok.io/server': 'github' } },
  };
  assert.equal(
    mutateWorkload(req({ operation: 'UPDATE', object: moved, oldObject: obj }), ctxGone).review.response
      .allowed,
    false,
  );
  // An object being deleted (finalizers coming off) is never blocked.
  const deleting = { metadata: { ...obj.metadata, deletionTimestamp: '2026-12-07T00:00:00Z' } };
  assert.deepEqual(
    mutateWorkload(req({ operation: 'UPDATE', object: deleting, oldObject: obj }), ctxGone).review.response,
    {
      uid: 'u1',
      allowed: true,
    },
  );
});

test('validate: the Forbidden status names the kind, group and field', () => {
  const out = validateWorkload(
    req({ object: { metadata: { name: 'w' }, spec: { image: 'evil.example/x:1' } } }),
    {
      fields: FIELDS,
      namespace: [{ label: 'corp', index: toolhiveIndex() }],
      policy: [],
    },
  );
  assert.deepEqual(out.review.response.status, {
    code: 403,
    reason: 'Forbidden',
    message:
      'MCPServer.toolhive.stacklok.dev "w" is forbidden: spec.image: Forbidden: image "evil.example/x:1" is in none of the registries enforced in this namespace (checked: corp)',
    details: {
      name: 'w',
      group: 'toolhive.stacklok.dev',
      kind: 'MCPServer',
      causes: [
        {
          reason: 'FieldValueForbidden',
          message:
            'Forbidden: image "evil.example/x:1" is in none of the registries enforced in this namespace (checked: corp)',
          field: 'spec.image',
        },
      ],
    },
  });
});

const refusal = (annotations: Record<string, string>) => {
  const out = mutateWorkload(req({ object: { metadata: { name: 'w', annotations } } }), {
    fields: FIELDS,
    registry: { name: 'corp', index: toolhiveIndex() },
    registryNames: ['corp'],
  });
  return out.review.response.status;
};
const PREFIX = 'MCPServer.toolhive.stacklok.dev "w" is invalid: metadata.annotations';

test('hostile reference annotations: refused in words, the oversized ones without echoing them', () => {
  const cases: [Record<string, string>, string][] = [
    [
      { ...ANN, 'toolhive.stacklok.io/server': 'x'.repeat(1_000_000) },
      `${PREFIX}[toolhive.stacklok.io/server]: Too long: may not be more than 256 characters`,
    ],
    [
      { 'toolhive.stacklok.io/registry': 'r'.repeat(257), 'toolhive.stacklok.io/server': 's'.repeat(300) },
      'MCPServer.toolhive.stacklok.dev "w" is invalid: [metadata.annotations[toolhive.stacklok.io/registry]: Too long: may not be more than 256 characters, metadata.annotations[toolhive.stacklok.io/server]: Too long: may not be more than 256 characters]',
    ],
    [
      { ...ANN, 'toolhive.stacklok.io/server-version': '../'.repeat(100) },
      `${PREFIX}[toolhive.stacklok.io/server-version]: Too long: may not be more than 256 characters`,
    ],
    [
      { ...ANN, 'toolhive.stacklok.io/server': '../fetch' },
      `${PREFIX}[toolhive.stacklok.io/server]: Invalid value: "../fetch": no server "../fetch" in MCPRegistry "corp"; closest: fetch`,
    ],
    [
      { ...ANN, 'toolhive.stacklok.io/server': 'fétch\u202e' },
      `${PREFIX}[toolhive.stacklok.io/server]: Invalid value: "fétch\u202e": no server "fétch\u202e" in MCPRegistry "corp"; closest: fetch`,
    ],
    [
      { ...ANN, 'toolhive.stacklok.io/server-version': '../' },
      `${PREFIX}[toolhive.stacklok.io/server-version]: Invalid value: "../": MCPRegistry "corp" has no version "../" of "io.github.stacklok/fetch"; it has "1.0.0" (latest); use "latest" or one of them`,
    ],
  ];
  for (const [annotations, message] of cases) {
    const status = refusal(annotations);
    assert.equal(status?.message, message);
    assert.ok(JSON.stringify(status).length < 2_000, 'the refusal does not echo a huge value');
  }
});

test('a missing reference annotation is Required, as the apiserver names the cause', () => {
  const status = refusal({ 'toolhive.stacklok.io/server': 'fetch' });
  assert.deepEqual(status?.details?.causes, [
    {
      reason: 'FieldValueRequired',
      message: 'Required value: the MCPRegistry to resolve "fetch" from, in this namespace',
      field: 'metadata.annotations[toolhive.stacklok.io/registry]',
    },
  ]);
});
