/**
 * The admission corpus: every MCPRegistry manifest the admission tests know, valid and invalid, with
 * the platform policy it is judged under. The unit tests (test/unit/admission/validate.test.ts) and
 * the kubectl tests (test/integration/admission/kubectl.test.ts) check their expected messages from
 * here, and test/integration/gitops/differential.test.ts runs EVERY entry through both
 * `thv registry validate` and the live webhooks on a real apiserver and requires the same verdict,
 * messages and warnings. Add new admission cases here and all three pick them up.
 */
import { ALPHA, alpha, beta, type Manifest } from './admission-corpus-shape.ts';
import { CORE_CASES } from './admission-corpus-core.ts';
import { HARDENING_CASES } from './admission-corpus-hardening.ts';
import { KUBECTL_CASES } from './admission-corpus-kubectl.ts';

export * from './admission-corpus-shape.ts';
export { CORE_CASES, HARDENING_CASES, KUBECTL_CASES };

/** Valid manifests (defaults, warnings, every source type in both versions); admission accepts them. */
export const VALID_CASES: { name: string; obj: Manifest; policy?: string }[] = [
  {
    name: 'the SPEC §1.1 example',
    obj: alpha({
      displayName: 'MCP Community Registry',
      format: 'upstream',
      source: {
        type: 'url',
        url: 'https://github.com/modelcontextprotocol/registry/raw/main/registry.json',
      },
    }),
  },
  { name: 'minimal configmap', obj: alpha({ source: { type: 'configmap', configmap: { name: 'c' } } }) },
  {
    name: 'git with a filter to normalise',
    obj: alpha({
      source: { type: 'git', git: { repository: 'git@github.com:o/r.git' } },
      filter: { names: { include: [' a/* ', 'a/*', ''] } },
    }),
  },
  {
    name: 'v1beta1 with two sources',
    obj: beta({
      sources: [
        { name: 'a', type: 'configmap', configMapRef: { name: 'c' } },
        { name: 'b', type: 'registry', registry: { baseURL: 'https://r.com' } },
      ],
    }),
  },
  {
    name: 'registry sources reading other MCPRegistries (registryRef), in both versions',
    obj: beta({
      sources: [
        {
          name: 'platform',
          type: 'registry',
          registry: { registryRef: { name: 'platform', namespace: 'shared' } },
        },
        { name: 'team', type: 'registry', registry: { registryRef: { name: 'team-extras' } } },
      ],
    }),
  },
  {
    name: 'v1alpha1 registry source reading another MCPRegistry',
    obj: alpha({ source: { type: 'registry', registry: { registryRef: { name: 'platform' } } } }),
  },
  {
    name: 'warnings: filters that match no server whatever the data',
    obj: beta({
      sources: [
        { name: 'a', type: 'configmap', configMapRef: { name: 'c' }, filter: { names: { exclude: ['*'] } } },
      ],
      filter: { tags: { include: ['db'], exclude: ['db'] } },
    }),
  },
  {
    name: 'warnings: a short interval and a pattern both included and excluded',
    obj: alpha({
      source: { type: 'url', url: 'https://a.com/r.json' },
      syncPolicy: { interval: '1m' },
      filter: { names: { include: ['a/*'], exclude: ['a/*'] } },
    }),
  },
  {
    name: 'kubernetes sources (SPEC §12), in both versions, with and without namespaces',
    obj: beta({
      sources: [
        { name: 'running', type: 'kubernetes' },
        { name: 'listed', type: 'kubernetes', kubernetes: {} },
      ],
    }),
  },
  { name: 'a v1alpha1 kubernetes source', obj: alpha({ source: { type: 'kubernetes' } }) },
];

/** Manifests the apiserver itself refuses before our validating webhook runs (decoding, schema, CEL). */
export const APISERVER_CASES: { name: string; obj: Manifest }[] = [
  {
    name: 'unknown fields',
    obj: alpha({ foo: 1, source: { type: 'url', url: 'https://a.com/r.json', zz: 1 } }),
  },
  { name: 'unknown enum values', obj: alpha({ format: 'x', source: { type: 'ftp' } }) },
  { name: 'a number where a string belongs', obj: beta({ displayName: 1.5, sources: [] }) },
  { name: 'no sources', obj: beta({ sources: [] }) },
  {
    name: 'no spec at all',
    obj: { apiVersion: ALPHA, kind: 'MCPRegistry', metadata: { name: 'r' }, spec: undefined },
  },
  {
    name: 'duplicate source names (list-map key) and CEL one-of rules',
    obj: beta({
      sources: [
        { name: 'a', type: 'git', git: { repository: 'https://a.com/r', ref: { branch: 'a', tag: 'b' } } },
        { name: 'a', type: 'url', configMapRef: { name: 'c' } },
      ],
    }),
  },
  {
    name: 'a name that is not a DNS subdomain',
    obj: alpha({ source: { type: 'configmap', configmap: { name: 'c' } } }, { name: 'Not_DNS' }),
  },
  {
    name: 'a pattern in a list item',
    obj: beta({ sources: [{ name: 'A_', type: 'configmap', configMapRef: { name: 'c' } }] }),
  },
];

/** Every manifest of the corpus with the policy it is judged under, for the differential test. */
export function allManifests(): { name: string; obj: Manifest; policy?: string }[] {
  return [
    ...VALID_CASES,
    ...APISERVER_CASES,
    ...HARDENING_CASES,
    ...CORE_CASES.map(({ name, obj, policy }) => ({ name, obj, ...(policy ? { policy } : {}) })),
    ...KUBECTL_CASES.map((c) => ({
      name: `kubectl: ${c.name}`,
      obj: { apiVersion: c.version ?? ALPHA, kind: 'MCPRegistry', metadata: { name: c.name }, spec: c.spec },
    })),
  ];
}
