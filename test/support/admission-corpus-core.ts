/** The admission corpus's core cases (see test/support/admission-corpus.ts). */
import { alpha, beta, type CoreCase } from './admission-corpus-shape.ts';

const url = (u: string) => ({ source: { type: 'url', url: u } });
const reg = (u: string) => ({ source: { type: 'registry', registry: { url: u } } });
const git = (g: Record<string, unknown>) => ({
  source: { type: 'git', git: { repository: 'https://github.com/o/r', ...g } },
});
const cm = (c: Record<string, unknown>) => ({
  source: { type: 'configmap', configmap: { name: 'cm', ...c } },
});

// Platform policies as the YAML a webhook's --policy file (and `thv registry validate --policy`) holds.
const hosts = 'allowedHosts: ["github.com", "*.example.com"]\n';
const onlyCm = 'allowedSourceTypes: [configmap]\n';
const http = 'allowHTTP: true\n';
const files = 'allowFileGit: true\n';
const min5m = 'minSyncInterval: 5m\ndefaults: {syncInterval: 1h}\n';

/**
 * The admission core's verdicts (validate() after defaulting), checked by
 * test/unit/admission/validate.test.ts. `want` is the core's own wording; where the apiserver's
 * schema or CEL refuses first, the cluster says it in its words (the differential test compares those).
 */
export const CORE_CASES: CoreCase[] = [
  // source sub-objects
  {
    name: 'sub-object missing for the type',
    obj: alpha({ source: { type: 'url' } }),
    want: ["spec.source.url: Required value: url is required when type is 'url'"],
  },
  {
    name: 'another sub-object set',
    obj: alpha({
      source: { type: 'url', url: 'https://a.com/r.json', git: { repository: 'https://a.com/r' } },
    }),
    want: ["spec.source.git: Forbidden: git must not be set when type is 'url'"],
  },
  {
    name: 'v1beta1 sub-object missing',
    obj: beta({ sources: [{ name: 'a', type: 'configmap' }] }),
    want: ["spec.sources[0].configMapRef: Required value: configMapRef is required when type is 'configmap'"],
  },
  // URLs
  {
    name: 'http URL',
    obj: alpha(url('http://x')),
    want: ['spec.source.url: Invalid value: "http://x": must use https'],
  },
  {
    name: 'relative URL',
    obj: alpha(url('registry.json')),
    want: [
      'spec.source.url: Invalid value: "registry.json": must be an absolute URL such as https://example.com/registry.json',
    ],
  },
  {
    name: 'ftp URL',
    obj: alpha(url('ftp://a.com/r.json')),
    want: ['spec.source.url: Invalid value: "ftp://a.com/r.json": must use https'],
  },
  {
    name: 'user-info',
    obj: alpha(url('https://me:pw@a.com/r.json')),
    want: [
      'spec.source.url: Invalid value: "https://me:pw@a.com/r.json": must not contain user information: put credentials in a Secret',
    ],
  },
  {
    name: 'fragment',
    obj: alpha(url('https://a.com/r.json#top')),
    want: ['spec.source.url: Invalid value: "https://a.com/r.json#top": must not contain a fragment'],
  },
  { name: 'a document URL may have a query', obj: alpha(url('https://a.com/r.json?ref=main')), want: [] },
  {
    name: 'registry URL with a query',
    obj: alpha(reg('https://reg.example.com/?x=1')),
    want: [
      'spec.source.registry.url: Invalid value: "https://reg.example.com/?x=1": must not contain a query: a registry URL is a base URL',
    ],
  },
  {
    name: 'v1beta1 registry baseURL http',
    obj: beta({ sources: [{ name: 'a', type: 'registry', registry: { baseURL: 'http://r.com' } }] }),
    want: ['spec.sources[0].registry.baseURL: Invalid value: "http://r.com": must use https'],
  },
  {
    name: 'v1beta1 url.href path',
    obj: beta({ sources: [{ name: 'a', type: 'url', url: { href: 'https://a.com/x#y' } }] }),
    want: ['spec.sources[0].url.href: Invalid value: "https://a.com/x#y": must not contain a fragment'],
  },
  {
    name: 'v1beta1 url.timeout',
    obj: beta({ sources: [{ name: 'a', type: 'url', url: { href: 'https://a.com/x', timeout: '30' } }] }),
    want: [
      'spec.sources[0].url.timeout: Invalid value: "30": must be a Go duration such as "30s": time: missing unit in duration "30"',
    ],
  },
  {
    name: 'URL over 2048 characters (schema limit)',
    obj: alpha(url(`https://a.com/${'x'.repeat(2040)}`)),
    want: ['spec.source.url: Too long: may not be more than 2048 characters'],
  },
  {
    name: 'host not allowed',
    obj: alpha(url('https://evil.com/r.json')),
    policy: hosts,
    want: [
      'spec.source.url: Forbidden: host "evil.com" is not allowed by the platform policy (allowedHosts: github.com, *.example.com)',
    ],
  },
  {
    name: 'host glob matches subdomains',
    obj: alpha(url('https://raw.cdn.example.com/r.json')),
    policy: hosts,
    want: [],
  },
  {
    name: 'host glob does not match the bare domain',
    obj: alpha(url('https://example.com/r.json')),
    policy: hosts,
    want: [
      'spec.source.url: Forbidden: host "example.com" is not allowed by the platform policy (allowedHosts: github.com, *.example.com)',
    ],
  },
  { name: 'host match ignores case', obj: alpha(url('https://GitHub.com/r.json')), policy: hosts, want: [] },
  { name: 'http allowed by policy', obj: alpha(url('http://a.com/r.json')), policy: http, want: [] },
  // git
  {
    name: 'git scheme',
    obj: alpha(git({ repository: 'ftp://a.com/r.git' })),
    want: [
      'spec.source.git.repository: Invalid value: "ftp://a.com/r.git": must be an https://, ssh:// or git@host:path repository',
    ],
  },
  {
    name: 'git not a URL',
    obj: alpha(git({ repository: 'github.com/o/r' })),
    want: [
      'spec.source.git.repository: Invalid value: "github.com/o/r": must be an https://, ssh:// or git@host:path repository',
    ],
  },
  { name: 'git scp-like', obj: alpha(git({ repository: 'git@github.com:o/r.git' })), want: [] },
  { name: 'git ssh URL', obj: alpha(git({ repository: 'ssh://git@github.com/o/r.git' })), want: [] },
  {
    name: 'git scp-like host not allowed',
    obj: alpha(git({ repository: 'git@evil.com:o/r.git' })),
    policy: hosts,
    want: [
      'spec.source.git.repository: Forbidden: host "evil.com" is not allowed by the platform policy (allowedHosts: github.com, *.example.com)',
    ],
  },
  {
    name: 'git file:// refused',
    obj: alpha(git({ repository: 'file:///srv/r.git' })),
    want: [
      'spec.source.git.repository: Forbidden: file:// repositories are not allowed by the platform policy (allowFileGit)',
    ],
  },
  {
    name: 'git file:// allowed',
    obj: alpha(git({ repository: 'file:///srv/r.git' })),
    policy: files,
    want: [],
  },
  {
    name: 'git http refused',
    obj: alpha(git({ repository: 'http://a.com/r.git' })),
    want: ['spec.source.git.repository: Invalid value: "http://a.com/r.git": must use https'],
  },
  {
    name: 'two refs',
    obj: alpha(git({ branch: 'main', tag: 'v1' })),
    want: ['spec.source.git: Invalid value: "object": at most one of branch, tag or commit may be set'],
  },
  {
    name: 'v1beta1 two refs',
    obj: beta({
      sources: [
        {
          name: 'g',
          type: 'git',
          git: { repository: 'https://a.com/r', ref: { tag: 'v1', commit: 'abcdef1' } },
        },
      ],
    }),
    want: [
      'spec.sources[0].git.ref: Invalid value: "object": at most one of branch, tag or commit may be set',
    ],
  },
  {
    name: 'commit not hex',
    obj: alpha(git({ commit: 'xyz1234' })),
    want: ['spec.source.git.commit: Invalid value: "xyz1234": must be 7 to 40 hexadecimal characters'],
  },
  {
    name: 'commit too short',
    obj: alpha(git({ commit: 'abc12' })),
    want: [
      // The schema's own two errors, as the apiserver reports them too.
      'spec.source.git.commit: Invalid value: "abc12": must be at least 7 characters',
      'spec.source.git.commit: Invalid value: "abc12": must be 7 to 40 hexadecimal characters',
    ],
  },
  {
    name: 'absolute path',
    obj: alpha(git({ path: '/etc/r.json' })),
    want: ['spec.source.git.path: Invalid value: "/etc/r.json": must be a relative path'],
  },
  {
    name: 'path with ..',
    obj: alpha(git({ path: 'a/../../r.json' })),
    want: ['spec.source.git.path: Invalid value: "a/../../r.json": must not contain \'..\''],
  },
  {
    name: 'path not .json',
    obj: alpha(git({ path: 'registry.yaml' })),
    want: ['spec.source.git.path: Invalid value: "registry.yaml": must end in .json'],
  },
  // configmap
  {
    name: 'ConfigMap name not DNS-1123',
    obj: alpha(cm({ name: 'My_CM' })),
    want: [
      "spec.source.configmap.name: Invalid value: \"My_CM\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
    ],
  },
  {
    name: 'ConfigMap key with a slash',
    obj: alpha(cm({ key: 'a/b.json' })),
    want: [
      "spec.source.configmap.key: Invalid value: \"a/b.json\": a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
    ],
  },
  {
    name: 'ConfigMap key ..',
    obj: alpha(cm({ key: '..' })),
    want: ['spec.source.configmap.key: Invalid value: "..": must not be \'..\''],
  },
  {
    name: 'ConfigMap key starting ..',
    obj: alpha(cm({ key: '..data' })),
    want: ['spec.source.configmap.key: Invalid value: "..data": must not start with \'..\''],
  },
  // intervals
  {
    name: 'interval not a duration',
    obj: alpha({ ...cm({}), syncPolicy: { interval: '1 hour' } }),
    want: [
      'spec.syncPolicy.interval: Invalid value: "1 hour": must be a Go duration such as "30m" or "1h30m": time: unknown unit " hour" in duration "1 hour"',
    ],
  },
  {
    name: 'interval zero',
    obj: alpha({ ...cm({}), syncPolicy: { interval: '0s' } }),
    want: ['spec.syncPolicy.interval: Invalid value: "0s": must be greater than 0'],
  },
  {
    name: 'interval negative',
    obj: alpha({ ...cm({}), syncPolicy: { interval: '-5m' } }),
    want: ['spec.syncPolicy.interval: Invalid value: "-5m": must be greater than 0'],
  },
  {
    name: 'interval under the default minimum',
    obj: alpha({ ...cm({}), syncPolicy: { interval: '10s' } }),
    want: [
      'spec.syncPolicy.interval: Invalid value: "10s": must be at least 30s (the platform policy\'s minSyncInterval)',
    ],
  },
  {
    name: 'interval under a policy minimum',
    obj: alpha({ ...cm({}), syncPolicy: { interval: '1m' } }),
    policy: min5m,
    want: [
      'spec.syncPolicy.interval: Invalid value: "1m": must be at least 5m (the platform policy\'s minSyncInterval)',
    ],
  },
  {
    name: 'interval over a year',
    obj: alpha({ ...cm({}), syncPolicy: { interval: '8761h' } }),
    want: ['spec.syncPolicy.interval: Invalid value: "8761h": must be at most 8760h'],
  },
  {
    name: 'interval of exactly a year',
    obj: alpha({ ...cm({}), syncPolicy: { interval: '8760h' } }),
    want: [],
  },
  // filters
  {
    name: 'unclosed [',
    obj: alpha({ ...cm({}), filter: { names: { include: ['io.github/[abc'] } } }),
    want: [
      'spec.filter.names.include[0]: Invalid value: "io.github/[abc": invalid glob: unclosed [ at position 11',
    ],
  },
  {
    name: 'v1beta1 per-source filter glob',
    obj: beta({
      sources: [
        {
          name: 'a',
          type: 'configmap',
          configMapRef: { name: 'c' },
          filter: { names: { exclude: ['ok', 'x['] } },
        },
      ],
    }),
    want: [
      'spec.sources[0].filter.names.exclude[1]: Invalid value: "x[": invalid glob: unclosed [ at position 2',
    ],
  },
  { name: 'tags are not globs', obj: alpha({ ...cm({}), filter: { tags: { include: ['[x'] } } }), want: [] },
  {
    name: 'too many patterns',
    obj: alpha({ ...cm({}), filter: { names: { include: Array.from({ length: 101 }, (_, i) => `s${i}`) } } }),
    want: ['spec.filter.names.include: Too many: must have at most 100 items'],
  },
  {
    name: 'pattern too long',
    obj: alpha({ ...cm({}), filter: { names: { include: ['x'.repeat(254)] } } }),
    want: ['spec.filter.names.include[0]: Too long: may not be more than 253 characters'],
  },
  // policy types
  {
    name: 'source type not allowed',
    obj: alpha(url('https://a.com/r.json')),
    policy: onlyCm,
    want: [
      'spec.source.type: Forbidden: source type "url" is not allowed by the platform policy (allowedSourceTypes: configmap)',
    ],
  },
  // structure
  {
    name: 'wrong type',
    obj: alpha({ source: { type: 'url', url: 5 } }),
    want: ['spec.source.url: Invalid value: 5: must be of type string'],
  },
  {
    name: 'duplicate v1beta1 source names',
    obj: beta({
      sources: [
        { name: 'a', type: 'configmap', configMapRef: { name: 'c' } },
        { name: 'a', type: 'configmap', configMapRef: { name: 'd' } },
      ],
    }),
    want: ['spec.sources[1].name: Duplicate value: "a"'],
  },
  // registry federation (registryRef): exactly one target, a usable name, never itself
  {
    name: 'registry source with neither baseURL nor registryRef',
    obj: beta({ sources: [{ name: 'a', type: 'registry', registry: {} }] }),
    want: ['spec.sources[0].registry: Required value: exactly one of baseURL or registryRef is required'],
  },
  {
    name: 'v1alpha1 registry source with neither url nor registryRef',
    obj: alpha({ source: { type: 'registry', registry: {} } }),
    want: ['spec.source.registry: Required value: exactly one of url or registryRef is required'],
  },
  {
    name: 'registry source with both baseURL and registryRef',
    obj: beta({
      sources: [
        {
          name: 'a',
          type: 'registry',
          registry: { baseURL: 'https://r.example.com', registryRef: { name: 'platform' } },
        },
      ],
    }),
    want: [
      'spec.sources[0].registry.registryRef: Forbidden: registryRef must not be set when baseURL is set',
    ],
  },
  {
    name: 'v1alpha1 registry source with both url and registryRef',
    obj: alpha({
      source: { type: 'registry', registry: { url: 'https://r.example.com', registryRef: { name: 'p' } } },
    }),
    want: ['spec.source.registry.registryRef: Forbidden: registryRef must not be set when url is set'],
  },
  {
    name: 'registryRef naming no possible MCPRegistry',
    obj: beta({
      sources: [{ name: 'a', type: 'registry', registry: { registryRef: { name: '1st.team' } } }],
    }),
    want: [
      'spec.sources[0].registry.registryRef.name: Invalid value: "1st.team": no MCPRegistry can have this name: registry names are DNS-1035 labels of at most 59 characters (they name the Service "<name>-api")',
    ],
  },
  {
    name: 'registryRef to the registry itself (namespace omitted)',
    obj: beta({ sources: [{ name: 'a', type: 'registry', registry: { registryRef: { name: 'r' } } }] }),
    want: [
      'spec.sources[0].registry.registryRef: Forbidden: refers to this MCPRegistry itself; a registry cannot read its own API',
    ],
  },
  {
    name: 'every error at once',
    obj: alpha({
      source: { type: 'url', url: 'http://a.com/r.json#x' },
      syncPolicy: { interval: '5' },
      filter: { names: { exclude: ['['] } },
    }),
    want: [
      'spec.source.url: Invalid value: "http://a.com/r.json#x": must use https',
      'spec.source.url: Invalid value: "http://a.com/r.json#x": must not contain a fragment',
      'spec.syncPolicy.interval: Invalid value: "5": must be a Go duration such as "30m" or "1h30m": time: missing unit in duration "5"',
      'spec.filter.names.exclude[0]: Invalid value: "[": invalid glob: unclosed [ at position 1',
    ],
  },
  // kubernetes sources (SPEC §12); another namespace is a unit test (its message names the namespace)
  {
    name: 'kubernetes sub-object on another type',
    obj: beta({
      sources: [{ name: 'a', type: 'configmap', configMapRef: { name: 'c' }, kubernetes: {} }],
    }),
    want: ["spec.sources[0].kubernetes: Forbidden: kubernetes must not be set when type is 'configmap'"],
  },
  {
    name: 'kubernetes source with a format other than upstream',
    obj: alpha({ format: 'toolhive', source: { type: 'kubernetes' } }),
    want: [
      'spec.format: Invalid value: "toolhive": a kubernetes source builds upstream server.json entries; set "upstream" or leave it out',
    ],
  },
];
