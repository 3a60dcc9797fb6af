/**
 * The CRD against the real apiserver: installation, discovery, explain, and the apiserver's own
 * schema and CEL validation with the messages a user reads from kubectl.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createNamespace, kubectl, kubectlOk } from '../../support/cluster.ts';

let ns: string;
before(async () => {
  ns = await createNamespace('crd');
});

const manifest = (version: string, spec: string, name = 'reg') =>
  `apiVersion: toolhive.stacklok.io/${version}\nkind: MCPRegistry\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n${spec}\n`;

test('the CRD is Established and both versions are discoverable with short names and category', () => {
  const crd = JSON.parse(kubectlOk(['get', 'crd', 'mcpregistries.toolhive.stacklok.io', '-o', 'json'])) as {
    status: {
      conditions: { type: string; status: string }[];
      acceptedNames: { shortNames: string[]; categories: string[] };
    };
  };
  const cond = Object.fromEntries(crd.status.conditions.map((c) => [c.type, c.status]));
  assert.equal(cond.Established, 'True');
  assert.equal(cond.NamesAccepted, 'True');
  assert.deepEqual(crd.status.acceptedNames.shortNames, ['mcpreg', 'mcpr']);
  assert.deepEqual(crd.status.acceptedNames.categories, ['toolhive']);
  const resources = kubectlOk(['api-resources', '--api-group=toolhive.stacklok.io', '--no-headers']);
  assert.match(
    resources,
    /^mcpregistries\s+mcpreg,mcpr\s+toolhive\.stacklok\.io\/v1beta1\s+true\s+MCPRegistry$/m,
  );
  const versions = kubectlOk(['api-versions']);
  assert.match(versions, /^toolhive\.stacklok\.io\/v1alpha1$/m);
  assert.match(versions, /^toolhive\.stacklok\.io\/v1beta1$/m);
});

test('kubectl explain prints our descriptions for both versions', () => {
  const alpha = kubectlOk([
    'explain',
    'mcpregistry.spec.source',
    '--api-version=toolhive.stacklok.io/v1alpha1',
  ]);
  assert.match(
    alpha,
    /Where the registry data comes from\. Exactly the sub-object named by `type`\s+must be set\./,
  );
  assert.match(alpha, /configmap\s+<Object>/);
  const beta = kubectlOk(['explain', 'mcpregistries.spec.sources.url.href']);
  assert.match(beta, /An `https:\/\/` URL of a registry JSON document\./);
  const short = kubectlOk(['explain', 'mcpr.spec.filter.names.include']);
  assert.match(short, /Server name globs to keep/);
});

test('the design document example (SPEC §1.1) is accepted as written', () => {
  const yaml = manifest(
    'v1alpha1',
    '  displayName: "MCP Community Registry"\n  format: upstream\n  source:\n    type: url\n    url: "https://github.com/modelcontextprotocol/registry/raw/main/registry.json"',
    'upstream-community',
  );
  // Reading it back as v1alpha1 needs the conversion webhook: test/integration/conversion covers that.
  const r = kubectl(['create', '--dry-run=server', '-f', '-'], yaml);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /mcpregistry\.toolhive\.stacklok\.io\/upstream-community created \(server dry run\)/,
  );
});

test('a multi-source v1beta1 object is accepted', () => {
  const yaml = manifest(
    'v1beta1',
    [
      '  sources:',
      '  - {name: base, type: configmap, configMapRef: {name: catalog}}',
      '  - {name: extra, type: git, git: {repository: "https://example.com/r.git", ref: {tag: v1}, path: data/registry.json}}',
      '  - {name: api, type: registry, format: upstream, registry: {baseURL: "https://registry.example.com"}}',
      '  syncPolicy: {interval: 1h}',
    ].join('\n'),
    'multi',
  );
  const r = kubectl(['create', '-f', '-'], yaml);
  assert.equal(r.code, 0, r.stderr);
});

const NOT_CHECKED =
  '* <nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

const rejected: [string, string, string, string[]][] = [
  [
    'unknown source type',
    'v1alpha1',
    '  source: {type: ftp}',
    [
      '* spec.source.type: Unsupported value: "ftp": supported values: "configmap", "url", "git", "registry", "kubernetes"',
      NOT_CHECKED,
    ],
  ],
  [
    'unknown format',
    'v1alpha1',
    '  format: xml\n  source: {type: url, url: "https://x.example"}',
    ['* spec.format: Unsupported value: "xml": supported values: "toolhive", "upstream"', NOT_CHECKED],
  ],
  [
    'missing source.type',
    'v1alpha1',
    '  source: {url: "https://x.example"}',
    ['* spec.source.type: Required value', NOT_CHECKED],
  ],
  ['missing source', 'v1alpha1', '  displayName: x', ['spec.source: Required value']],
  [
    'wrong type for url',
    'v1alpha1',
    '  source: {type: url, url: 42}',
    [
      '* spec.source.url: Invalid value: "integer": spec.source.url in body must be of type string: "integer"',
      NOT_CHECKED,
    ],
  ],
  [
    'sub-object missing for the type',
    'v1alpha1',
    '  source: {type: url}',
    ["spec.source.url: Required value: url is required when type is 'url'"],
  ],
  [
    'sub-object not matching the type',
    'v1alpha1',
    '  source: {type: url, url: "https://x.example", configmap: {name: a}}',
    ["spec.source.configmap: Forbidden: configmap must not be set when type is 'url'"],
  ],
  [
    'two git refs',
    'v1alpha1',
    '  source: {type: git, git: {repository: "https://x.example/r.git", branch: main, tag: v1}}',
    ['spec.source.git: Invalid value: at most one of branch, tag or commit may be set'],
  ],
  [
    'display name too long',
    'v1alpha1',
    `  displayName: "${'x'.repeat(201)}"\n  source: {type: url, url: "https://x.example"}`,
    ['* spec.displayName: Too long: may not be more than 200 bytes', NOT_CHECKED],
  ],
  [
    'no sources',
    'v1beta1',
    '  sources: []',
    ['spec.sources: Invalid value: 0: spec.sources in body should have at least 1 items'],
  ],
  [
    'duplicate source names',
    'v1beta1',
    '  sources:\n  - {name: a, type: url, url: {href: "https://x.example"}}\n  - {name: a, type: url, url: {href: "https://y.example"}}',
    ['spec.sources[1]: Duplicate value: {"name":"a"}'],
  ],
  [
    'v1beta1 sub-object not matching the type',
    'v1beta1',
    '  sources:\n  - {name: a, type: registry, url: {href: "https://x.example"}}',
    [
      "spec.sources[0].registry: Required value: registry is required when type is 'registry'",
      "spec.sources[0].url: Forbidden: url must not be set when type is 'registry'",
    ],
  ],
];

for (const [what, version, spec, expected] of rejected) {
  test(`the apiserver rejects ${what} with the CRD's message`, () => {
    const r = kubectl(['apply', '--dry-run=server', '-f', '-'], manifest(version, spec, 'bad'));
    assert.notEqual(r.code, 0, `expected a rejection, got: ${r.stdout}`);
    assert.match(r.stderr, /The MCPRegistry "bad" is invalid/);
    for (const line of expected) assert.ok(r.stderr.includes(line), `missing:\n${line}\nin:\n${r.stderr}`);
  });
}

test('printer columns appear in kubectl get', () => {
  const out = kubectlOk(['get', 'mcpregistries.v1beta1.toolhive.stacklok.io', 'multi', '-n', ns]);
  // The columns and their order of `thv registry list` (the apiserver prints the first source's type).
  assert.match(out.split('\n')[0] ?? '', /^NAME\s+PHASE\s+SERVERS\s+SOURCE\s+LAST SYNC\s+AGE$/);
  assert.match(out, /^multi\s+configmap\s+\S+$/m);
  const wide = kubectlOk([
    'get',
    'mcpregistries.v1beta1.toolhive.stacklok.io',
    'multi',
    '-n',
    ns,
    '-o',
    'wide',
  ]);
  assert.match(
    wide.split('\n')[0] ?? '',
    /^NAME\s+PHASE\s+SERVERS\s+SOURCE\s+LAST SYNC\s+AGE\s+API\s+MESSAGE$/,
  );
});
