import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateStructure } from '../../../src/api/validator.ts';
import { formatFieldError, formatFieldErrors, pointerToFieldPath } from '../../../src/api/field-error.ts';

const alpha = (spec: unknown) => ({
  apiVersion: 'toolhive.stacklok.io/v1alpha1',
  kind: 'MCPRegistry',
  metadata: { name: 'x' },
  spec,
});
const beta = (spec: unknown) => ({
  apiVersion: 'toolhive.stacklok.io/v1beta1',
  kind: 'MCPRegistry',
  metadata: { name: 'x' },
  spec,
});
const messages = (v: 'v1alpha1' | 'v1beta1', o: unknown) => validateStructure(v, o).map(formatFieldError);

test('the design document example is structurally valid', () => {
  assert.deepEqual(
    messages(
      'v1alpha1',
      alpha({
        displayName: 'MCP Community Registry',
        format: 'upstream',
        source: {
          type: 'url',
          url: 'https://github.com/modelcontextprotocol/registry/raw/main/registry.json',
        },
      }),
    ),
    [],
  );
});

const cases: [string, 'v1alpha1' | 'v1beta1', unknown, string[]][] = [
  [
    'missing spec',
    'v1alpha1',
    { apiVersion: 'toolhive.stacklok.io/v1alpha1', kind: 'MCPRegistry', metadata: {} },
    ['spec: Required value'],
  ],
  ['missing source.type', 'v1alpha1', alpha({ source: {} }), ['spec.source.type: Required value']],
  [
    'unknown source type',
    'v1alpha1',
    alpha({ source: { type: 'ftp' } }),
    [
      'spec.source.type: Unsupported value: "ftp": supported values: "configmap", "url", "git", "registry", "kubernetes"',
    ],
  ],
  [
    'unknown format',
    'v1alpha1',
    alpha({ format: 'xml', source: { type: 'url', url: 'https://x' } }),
    ['spec.format: Unsupported value: "xml": supported values: "toolhive", "upstream"'],
  ],
  [
    'url of wrong type',
    'v1alpha1',
    alpha({ source: { type: 'url', url: 42 } }),
    ['spec.source.url: Invalid value: 42: must be of type string'],
  ],
  [
    'unknown field',
    'v1alpha1',
    alpha({ source: { type: 'url', url: 'https://x' }, colour: 'red' }),
    ['spec.colour: Forbidden: unknown field'],
  ],
  [
    'display name too long',
    'v1alpha1',
    alpha({ displayName: 'x'.repeat(201), source: { type: 'url', url: 'https://x' } }),
    ['spec.displayName: Too long: may not be more than 200 characters'],
  ],
  [
    'bad configmap name',
    'v1alpha1',
    alpha({ source: { type: 'configmap', configmap: { name: 'Bad_Name' } } }),
    [
      "spec.source.configmap.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
    ],
  ],
  [
    'bad commit',
    'v1alpha1',
    alpha({ source: { type: 'git', git: { repository: 'https://x', commit: 'xyz' } } }),
    [
      'spec.source.git.commit: Invalid value: "xyz": must be 7 to 40 hexadecimal characters',
      'spec.source.git.commit: Invalid value: "xyz": must be at least 7 characters',
    ],
  ],
  [
    'too many filter patterns',
    'v1alpha1',
    alpha({
      source: { type: 'url', url: 'https://x' },
      filter: { names: { include: Array.from({ length: 101 }, (_, i) => `n${i}`) } },
    }),
    ['spec.filter.names.include: Too many: must have at most 100 items'],
  ],
  [
    'v1beta1 empty sources',
    'v1beta1',
    beta({ sources: [] }),
    ['spec.sources: Required value: must have at least 1 item(s)'],
  ],
  [
    'v1beta1 bad source name and missing type',
    'v1beta1',
    beta({ sources: [{ name: 'Main' }] }),
    [
      'spec.sources[0].type: Required value',
      'spec.sources[0].name: Invalid value: "Main": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character',
    ],
  ],
];

for (const [name, version, object, expected] of cases) {
  test(`structural error: ${name}`, () => {
    assert.deepEqual(messages(version, object).sort(), [...expected].sort());
  });
}

test('all errors are reported at once', () => {
  const errs = messages('v1alpha1', alpha({ format: 'xml', displayName: 7, source: { type: 'ftp' } }));
  assert.equal(errs.length, 3);
});

test('field paths and aggregate formatting follow apimachinery', () => {
  assert.equal(pointerToFieldPath('/spec/sources/0/url/href'), 'spec.sources[0].url.href');
  assert.equal(pointerToFieldPath('/metadata/annotations/a~1b'), 'metadata.annotations.a/b');
  assert.equal(pointerToFieldPath(''), '');
  assert.equal(
    formatFieldError({
      type: 'Invalid',
      field: 'spec.source.url',
      value: 'http://x',
      detail: 'must use https',
    }),
    'spec.source.url: Invalid value: "http://x": must use https',
  );
  assert.equal(
    formatFieldError({ type: 'Forbidden', field: 'spec.x', detail: 'not allowed' }),
    'spec.x: Forbidden: not allowed',
  );
  assert.equal(
    formatFieldErrors([
      { type: 'Required', field: 'a' },
      { type: 'Required', field: 'b' },
    ]),
    '[a: Required value, b: Required value]',
  );
});

// maxLength counts code points, as the apiserver does: the fast counter must agree with the slow one
// at the boundary, for astral characters (two UTF-16 halves) and for lone halves (one each).
test('maxLength counts code points: 200 astral characters fit displayName, 201 do not', () => {
  const src = { type: 'url', url: 'https://a.example/r.json' };
  assert.deepEqual(messages('v1alpha1', alpha({ displayName: '😀'.repeat(200), source: src })), []);
  assert.deepEqual(messages('v1alpha1', alpha({ displayName: '\uD800'.repeat(200), source: src })), []);
  const mixed = `${'😀'.repeat(100)}\uDC00${'a'.repeat(99)}\uD800`;
  assert.deepEqual(messages('v1alpha1', alpha({ displayName: mixed, source: src })), [
    'spec.displayName: Too long: may not be more than 200 characters',
  ]);
  assert.deepEqual(messages('v1alpha1', alpha({ displayName: '😀'.repeat(201), source: src })), [
    'spec.displayName: Too long: may not be more than 200 characters',
  ]);
});

test('property: the code-point count behind maxLength equals iterating the string by code point', () => {
  const halves = ['a', 'é', '😀', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', ' '];
  for (let run = 0; run < 2000; run++) {
    let s = '';
    const n = (run * 7919) % 240;
    for (let i = 0; i < n; i++) s += halves[(run * 31 + i * i * 17) % halves.length];
    const want =
      [...s].length <= 200 ? [] : ['spec.displayName: Too long: may not be more than 200 characters'];
    assert.deepEqual(
      messages(
        'v1alpha1',
        alpha({ displayName: s, source: { type: 'url', url: 'https://a.example/r.json' } }),
      ),
      want,
      JSON.stringify(s),
    );
  }
});
