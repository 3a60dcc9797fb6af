/** The admission corpus's kubectl cases (see test/support/admission-corpus.ts). */
import { BETA, type KubectlCase } from './admission-corpus-shape.ts';

/**
 * Manifests kubectl refuses, with kubectl's exact stderr after `The MCPRegistry "<name>" is invalid: `;
 * checked by test/integration/admission/kubectl.test.ts (objects built with `version`, default v1alpha1).
 */
export const KUBECTL_CASES: KubectlCase[] = [
  {
    name: 'registry-no-target',
    version: BETA,
    spec: { sources: [{ name: 'a', type: 'registry', registry: {} }] },
    stderr: 'spec.sources[0].registry: Required value: exactly one of baseURL or registryRef is required',
  },
  {
    name: 'registry-two-targets',
    version: BETA,
    spec: {
      sources: [
        {
          name: 'a',
          type: 'registry',
          registry: { baseURL: 'https://r.example.com', registryRef: { name: 'platform' } },
        },
      ],
    },
    stderr:
      'spec.sources[0].registry.registryRef: Forbidden: registryRef must not be set when baseURL is set',
  },
  {
    name: 'registry-ref-itself',
    spec: { source: { type: 'registry', registry: { registryRef: { name: 'registry-ref-itself' } } } },
    stderr:
      'spec.source.registry.registryRef: Forbidden: refers to this MCPRegistry itself; a registry cannot read its own API',
  },
  {
    name: 'registry-ref-bad-name',
    version: BETA,
    spec: { sources: [{ name: 'a', type: 'registry', registry: { registryRef: { name: '9lives' } } }] },
    stderr:
      'spec.sources[0].registry.registryRef.name: Invalid value: "9lives": no MCPRegistry can have this name: registry names are DNS-1035 labels of at most 59 characters (they name the Service "<name>-api")',
  },
  {
    name: 'http-url',
    spec: { source: { type: 'url', url: 'http://x' } },
    stderr: 'spec.source.url: Invalid value: "http://x": must use https',
  },
  {
    name: 'relative-url',
    spec: { source: { type: 'url', url: 'registry.json' } },
    stderr:
      'spec.source.url: Invalid value: "registry.json": must be an absolute URL such as https://example.com/registry.json',
  },
  {
    name: 'userinfo',
    spec: { source: { type: 'url', url: 'https://me:pw@a.com/r.json' } },
    stderr:
      'spec.source.url: Invalid value: "https://me:pw@a.com/r.json": must not contain user information: put credentials in a Secret',
  },
  {
    name: 'fragment',
    spec: { source: { type: 'url', url: 'https://a.com/r.json#x' } },
    stderr: 'spec.source.url: Invalid value: "https://a.com/r.json#x": must not contain a fragment',
  },
  {
    name: 'registry-query',
    spec: { source: { type: 'registry', registry: { url: 'https://r.example.com/?page=2' } } },
    stderr:
      'spec.source.registry.url: Invalid value: "https://r.example.com/?page=2": must not contain a query: a registry URL is a base URL',
  },
  {
    name: 'git-scheme',
    spec: { source: { type: 'git', git: { repository: 'ftp://a.com/r.git' } } },
    stderr:
      'spec.source.git.repository: Invalid value: "ftp://a.com/r.git": must be an https://, ssh:// or git@host:path repository',
  },
  {
    name: 'git-file',
    spec: { source: { type: 'git', git: { repository: 'file:///srv/r.git' } } },
    stderr:
      'spec.source.git.repository: Forbidden: file:// repositories are not allowed by the platform policy (allowFileGit)',
  },
  {
    name: 'git-dotdot',
    spec: { source: { type: 'git', git: { repository: 'https://a.com/r', path: '../r.json' } } },
    stderr: 'spec.source.git.path: Invalid value: "../r.json": must not contain \'..\'',
  },
  {
    name: 'git-absolute',
    spec: { source: { type: 'git', git: { repository: 'https://a.com/r', path: '/r.json' } } },
    stderr: 'spec.source.git.path: Invalid value: "/r.json": must be a relative path',
  },
  {
    name: 'git-yaml',
    spec: { source: { type: 'git', git: { repository: 'https://a.com/r', path: 'r.yaml' } } },
    stderr: 'spec.source.git.path: Invalid value: "r.yaml": must end in .json',
  },
  {
    name: 'cm-key-dotdot',
    spec: { source: { type: 'configmap', configmap: { name: 'c', key: '..data' } } },
    stderr: 'spec.source.configmap.key: Invalid value: "..data": must not start with \'..\'',
  },
  {
    name: 'interval-unit',
    spec: { source: { type: 'configmap', configmap: { name: 'c' } }, syncPolicy: { interval: '1d' } },
    stderr:
      'spec.syncPolicy.interval: Invalid value: "1d": must be a Go duration such as "30m" or "1h30m": time: unknown unit "d" in duration "1d"',
  },
  {
    name: 'interval-zero',
    spec: { source: { type: 'configmap', configmap: { name: 'c' } }, syncPolicy: { interval: '0s' } },
    stderr: 'spec.syncPolicy.interval: Invalid value: "0s": must be greater than 0',
  },
  {
    name: 'interval-min',
    spec: { source: { type: 'configmap', configmap: { name: 'c' } }, syncPolicy: { interval: '10s' } },
    stderr:
      'spec.syncPolicy.interval: Invalid value: "10s": must be at least 30s (the platform policy\'s minSyncInterval)',
  },
  {
    name: 'interval-max',
    spec: { source: { type: 'configmap', configmap: { name: 'c' } }, syncPolicy: { interval: '9000h' } },
    stderr: 'spec.syncPolicy.interval: Invalid value: "9000h": must be at most 8760h',
  },
  {
    name: 'glob',
    spec: {
      source: { type: 'configmap', configmap: { name: 'c' } },
      filter: { names: { include: ['io.github.*/[ab'] } },
    },
    stderr:
      'spec.filter.names.include[0]: Invalid value: "io.github.*/[ab": invalid glob: unclosed [ at position 13',
  },
  {
    name: 'beta-href',
    version: BETA,
    spec: { sources: [{ name: 'a', type: 'url', url: { href: 'http://a.com/r.json' } }] },
    stderr: 'spec.sources[0].url.href: Invalid value: "http://a.com/r.json": must use https',
  },
  {
    name: 'beta-timeout',
    version: BETA,
    spec: { sources: [{ name: 'a', type: 'url', url: { href: 'https://a.com/r.json', timeout: '0s' } }] },
    stderr: 'spec.sources[0].url.timeout: Invalid value: "0s": must be greater than 0',
  },
  {
    name: 'beta-second-source',
    version: BETA,
    spec: {
      sources: [
        { name: 'a', type: 'configmap', configMapRef: { name: 'c' } },
        { name: 'b', type: 'registry', registry: { baseURL: 'https://r.com/#x' } },
      ],
    },
    stderr:
      'spec.sources[1].registry.baseURL: Invalid value: "https://r.com/#x": must not contain a fragment',
  },
];
