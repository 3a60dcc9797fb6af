import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/*
 * The layers (docs/architecture.md): core (api, admission, registry, the storage format) at the
 * bottom imports no I/O; I/O (kube, storage, sources) imports core; adapters (webhook, controller,
 * registry-api with its catalog UI, cli) import core and I/O but never each other; src/local,
 * src/bin and src/generate compose everything. Support modules (observability, config, pki, http) sit
 * beside I/O. Each rule below forbids the folders a layer must not reach.
 */
const up = (folders) => `^(\\.\\./)+(${folders.join('|')})/`;
const ADAPTERS = ['webhook', 'controller', 'registry-api', 'cli', 'ui'];
const COMPOSITION = ['local', 'bin', 'generate'];
const IO = ['kube', 'storage', 'sources'];
const SUPPORT = ['observability', 'config', 'pki', 'http'];
const NODE_IO = ['fs', 'fs/promises', 'http', 'https', 'http2', 'child_process', 'dgram', 'dns', 'tls'];
const forbid = (folders, why, extra = []) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: extra,
      patterns: [{ regex: up(folders), message: why }],
    },
  ],
});
const noNodeIo = NODE_IO.flatMap((m) => [m, `node:${m}`]).map((name) => ({
  name,
  message: 'core is pure: I/O belongs in src/kube, src/storage or src/sources',
}));
const adapterPatterns = (adapter) => [
  {
    regex: up([
      ...ADAPTERS.filter((a) => a !== adapter && !(adapter === 'registry-api' && a === 'ui')),
      ...COMPOSITION,
    ]),
    message:
      'adapters never import each other (the registry API may serve the catalog UI); compose them in src/bin or src/local',
  },
];
/*
 * Rooms inside an adapter (docs/architecture.md, each room's README.md): a room imports the
 * adapter's shared leaf files and the rooms listed as its neighbours, never another room or the
 * files that compose the adapter (main.ts, manager.ts, program.ts). Keys are the rooms; values the
 * rooms each may import.
 */
const CONTROLLER_ROOMS = {
  watch: [],
  leadership: [],
  workload: [],
  federation: ['workload'],
  sync: ['watch', 'federation', 'workload'],
  discovery: ['watch'],
  'pipeline-workers': ['sync'],
  compliance: [],
};
const CLI_ROOMS = { validate: [], migrate: [], verbs: [], storage: [], workloads: [] };
const REGISTRY_API_ROOMS = { access: [], snapshot: [], openapi: [], mcp: ['snapshot'] };
// The core admission folder has rooms too; they keep the core rule (no I/O) as their base.
const ADMISSION_ROOMS = {
  policy: [],
  'source-rules': ['policy'],
  workloads: [],
  api: ['policy', 'source-rules'],
};
const CORE_MESSAGE = 'core (api, admission, registry, storage format) imports only core';
// The patterns are anchored at the adapter's folder (`../` once per level below it), so a room
// named like a top-level folder (cli/storage vs src/storage) never forbids the layer below.
const ROOM_DEPTHS = [1, 2, 3];
const rooms = (adapter, table, composers, base = { patterns: adapterPatterns(adapter) }) =>
  Object.entries(table).flatMap(([room, neighbours]) => {
    const others = Object.keys(table).filter((r) => r !== room && !neighbours.includes(r));
    return ROOM_DEPTHS.map((depth) => {
      const toAdapter = `^(\\.\\./){${depth}}`;
      const patterns = [...base.patterns];
      if (others.length)
        patterns.push({
          regex: `${toAdapter}(${others.join('|')})/`,
          message: `the ${adapter}/${room} room imports only ${neighbours.length ? neighbours.join(', ') + ' and ' : ''}the ${adapter}'s shared files`,
        });
      patterns.push({
        regex: `${toAdapter}(${composers.join('|')})\\.ts$`,
        message: `${composers.join(' and ')} compose the ${adapter}'s rooms; a room never imports them`,
      });
      return {
        files: [`src/${adapter}/${room}/${'*/'.repeat(depth - 1)}*.ts`],
        rules: { 'no-restricted-imports': ['error', { paths: base.paths ?? [], patterns }] },
      };
    });
  });
const layers = [
  {
    files: ['src/api/**/*.ts', 'src/admission/**/*.ts', 'src/registry/**/*.ts', 'src/storage/layout.ts'],
    rules: forbid([...IO, ...SUPPORT, ...ADAPTERS, ...COMPOSITION], CORE_MESSAGE, noNodeIo),
  },
  {
    files: ['src/storage/layout.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noNodeIo,
          patterns: [
            {
              regex: up([...IO, ...SUPPORT, ...ADAPTERS, ...COMPOSITION]),
              message: 'the storage format is core',
            },
            {
              regex: '^\\./(?!layout)',
              message: 'the storage format is pure: read/write lives in configmaps.ts',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/kube/**/*.ts'],
    rules: forbid(['storage', 'sources', ...ADAPTERS, ...COMPOSITION], 'kube is the lowest I/O layer'),
  },
  {
    files: ['src/storage/**/*.ts'],
    ignores: ['src/storage/layout.ts'],
    rules: forbid(
      ['sources', ...ADAPTERS, ...COMPOSITION],
      'storage is I/O: no sources, adapters or composition',
    ),
  },
  {
    files: ['src/sources/**/*.ts'],
    rules: forbid(
      ['storage', ...ADAPTERS, ...COMPOSITION],
      'sources are I/O: no storage, adapters or composition',
    ),
  },
  {
    files: ['src/{observability,config,pki,http}/**/*.ts'],
    rules: forbid([...IO, ...ADAPTERS, ...COMPOSITION], 'support modules import only core'),
  },
  ...ADAPTERS.map((adapter) => ({
    files: [`src/${adapter}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns: adapterPatterns(adapter) }] },
  })),
  ...rooms('controller', CONTROLLER_ROOMS, ['main', 'manager']),
  ...rooms('cli', CLI_ROOMS, ['main', 'program']),
  ...rooms('registry-api', REGISTRY_API_ROOMS, ['handler', 'server']),
  ...rooms('admission', ADMISSION_ROOMS, ['index', 'validate'], {
    paths: noNodeIo,
    patterns: [{ regex: up([...IO, ...SUPPORT, ...ADAPTERS, ...COMPOSITION]), message: CORE_MESSAGE }],
  }),
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.local/', 'bench/results/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        fetch: 'readonly',
        structuredClone: 'readonly',
        performance: 'readonly',
        queueMicrotask: 'readonly',
        crypto: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
  ...layers,
  {
    // One responsibility per file: src files stay under 300 lines.
    files: ['src/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 300 }] },
  },
);
