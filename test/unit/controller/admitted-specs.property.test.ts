/**
 * Property: every spec admission admits (the real admission core: defaults, then validate with the
 * default policy) goes through the controller's path without an exception escaping, and ends `Ready`
 * or `Failed` with a reason. The I/O is faked (fake-io.ts); what each source does with its spec
 * (url.timeout through the one duration parser) is done as src/sources/index.ts does it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { defaultSpec, validate, DEFAULT_POLICY } from '../../../src/admission/index.ts';
import { durationMs, MAX_TIMER_MS } from '../../../src/api/duration.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';
import { SourceError, type FetchedSource } from '../../../src/sources/types.ts';
import { toolhiveDoc } from './fixtures.ts';
import { reconcilerFor, world } from './fake-io.ts';

// Durations Go accepts in unusual spellings, ones it refuses, and bounds.
const DURATIONS = [
  '+1h',
  '1.h',
  '.5h',
  '1800000000μs',
  '1800000000µs',
  '1µs',
  '30m',
  '1h30m',
  '5m',
  '0.5h',
  '8760h',
  '8761h',
  '600h',
  '3000000h',
  '9223372036854775807ns',
  '-1h',
  '0',
  '1e3s',
  '1 h',
  '',
  '29s',
  '30s',
];
const GLOBS = ['*', 'a*', '*-mcp-*', '*a*a*a*b', 'github', '*server*', '?', 'io.github.*/*'];

const duration = fc.oneof(
  { arbitrary: fc.constantFrom(...DURATIONS), weight: 4 },
  { arbitrary: fc.string({ maxLength: 8 }), weight: 1 },
);
/** Mostly valid values, so that many generated specs are admitted; sometimes an odd one. */
const mostly = <T>(good: T[], odd: T[]) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...good), weight: 5 },
    { arbitrary: fc.constantFrom(...odd), weight: 1 },
  );
const filter = fc.option(
  fc.record(
    {
      names: fc.record(
        {
          include: fc.array(fc.constantFrom(...GLOBS), { maxLength: 2 }),
          exclude: fc.array(fc.constantFrom(...GLOBS), { maxLength: 2 }),
        },
        { requiredKeys: [] },
      ),
      tags: fc.record(
        { include: fc.array(fc.constantFrom('database', 'search', ''), { maxLength: 2 }) },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);
const source = fc.oneof(
  fc.record(
    {
      type: fc.constant('configmap'),
      configMapRef: fc.record(
        {
          name: mostly(['cat', 'catalog'], ['Cat', 'a.b']),
          key: fc.option(mostly(['registry.json'], ['x y']), { nil: undefined }),
        },
        { requiredKeys: ['name'] },
      ),
      format: fc.option(mostly(['toolhive', 'upstream'], ['bogus']), { nil: undefined }),
      filter,
    },
    { requiredKeys: ['type', 'configMapRef'] },
  ),
  fc.record(
    {
      type: fc.constant('url'),
      url: fc.record(
        {
          href: mostly(['https://example.com/registry.json'], ['http://example.com/r.json']),
          timeout: fc.option(duration, { nil: undefined }),
        },
        { requiredKeys: ['href'] },
      ),
      filter,
    },
    { requiredKeys: ['type', 'url'] },
  ),
  fc.record(
    {
      type: fc.constant('git'),
      git: fc.record(
        {
          repository: mostly(['https://github.com/stacklok/toolhive.git'], ['file:///tmp/repo']),
          path: fc.option(mostly(['registry.json', 'pkg/registry.json'], ['../x']), { nil: undefined }),
        },
        { requiredKeys: ['repository'] },
      ),
    },
    { requiredKeys: ['type', 'git'] },
  ),
  fc.record({
    type: fc.constant('registry'),
    registry: fc.record({
      baseURL: mostly(['https://registry.modelcontextprotocol.io'], ['https://example.com/?q=1']),
    }),
  }),
);
const spec = fc.record(
  {
    sources: fc.array(source, { minLength: 1, maxLength: 2 }),
    syncPolicy: fc.option(fc.record({ interval: duration }), { nil: undefined }),
    filter,
  },
  { requiredKeys: ['sources'] },
);
/** What a fetch returns: good data, bad bytes, or a source failure. */
const fetchBehaviour = fc.constantFrom('good', 'garbage', 'deep', 'nulls', 'fails');

test('every admitted spec is reconciled to Ready or Failed without an exception', async () => {
  let admitted = 0;
  await fc.assert(
    fc.asyncProperty(spec, fetchBehaviour, async (s, behaviour) => {
      const obj = {
        apiVersion: 'toolhive.stacklok.io/v1beta1',
        kind: 'MCPRegistry',
        metadata: { name: 'demo', namespace: 'team', uid: 'u', generation: 1, resourceVersion: '1' },
        spec: {
          sources: s.sources.map((x, i) => ({ name: `s${i}`, ...x })),
          ...(s.syncPolicy ? { syncPolicy: s.syncPolicy } : {}),
          ...(s.filter ? { filter: s.filter } : {}),
        },
      };
      const mutated = defaultSpec(obj, DEFAULT_POLICY);
      if (validate(mutated, undefined, DEFAULT_POLICY).errors.length > 0) return;
      admitted++;
      const reg = mutated as unknown as MCPRegistryV1beta1;
      const fetch = async (r: MCPRegistryV1beta1): Promise<FetchedSource[]> =>
        r.spec.sources.map((src) => {
          // As src/sources/index.ts: the timeout goes through the one parser and must fit a timer.
          if (src.type === 'url' && src.url?.timeout)
            assert.ok(Math.min(durationMs(src.url.timeout), MAX_TIMER_MS) > 0);
          if (behaviour === 'fails') throw new SourceError('FetchFailed', `source ${src.name}: refused`);
          const text =
            behaviour === 'good'
              ? toolhiveDoc(3)
              : behaviour === 'deep'
                ? '['.repeat(200_000)
                : behaviour === 'nulls'
                  ? '{"servers":[null]}'
                  : '{"servers": 5}';
          return { name: src.name, text, format: src.format ?? 'toolhive' };
        });
      const w = world(reg, fetch);
      const res = await reconcilerFor(w).reconcile('team/demo');
      const phase = w.reg?.status?.phase;
      assert.ok(phase === 'Ready' || phase === 'Failed', `phase ${phase}`);
      if (phase === 'Failed') {
        assert.ok(w.reg?.status?.message, 'a Failed status says why');
        assert.equal(w.events.at(-1)?.reason, 'SyncFailed');
      }
      if (res.requeueAfterMs !== undefined)
        assert.ok(res.requeueAfterMs > 0 && Number.isFinite(res.requeueAfterMs));
    }),
    { numRuns: 600, seed: 1306 },
  );
  // The property is only as good as the admitted specs it saw.
  assert.ok(admitted >= 150, `only ${admitted} of 600 generated specs were admitted`);
});
