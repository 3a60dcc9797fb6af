/** Federation's pure rules (src/controller/registry-refs.ts) and the endpoint setting's parser. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeCycle,
  findCycle,
  readerAllowed,
  readersOf,
  refFingerprint,
  sourceLabel,
  serviceEndpoint,
} from '../../../src/controller/federation/registry-refs.ts';
import { parseRefEndpoints } from '../../../src/config/operator-config.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';

const READERS = 'toolhive.stacklok.io/allowed-reader-namespaces';

function reg(key: string, refs: string[] = [], annotations?: Record<string, string>): MCPRegistryV1beta1 {
  const [namespace = '', name = ''] = key.split('/');
  return {
    apiVersion: 'toolhive.stacklok.io/v1beta1',
    kind: 'MCPRegistry',
    metadata: { namespace, name, ...(annotations ? { annotations } : {}) },
    spec: {
      sources: refs.length
        ? refs.map((r, i) => {
            const [ns, n = ''] = r.includes('/') ? r.split('/') : [undefined, r];
            return {
              name: `s${i}`,
              type: 'registry' as const,
              registry: { registryRef: { name: n, ...(ns ? { namespace: ns } : {}) } },
            };
          })
        : [{ name: 'cm', type: 'configmap' as const, configMapRef: { name: 'c' } }],
    },
  };
}

const lookupOf = (regs: MCPRegistryV1beta1[]) => (ns: string, name: string) =>
  regs.find((r) => r.metadata.namespace === ns && r.metadata.name === name);

test('readers: same namespace always; others only when listed (trimmed) or with *', () => {
  assert.equal(readerAllowed(reg('p/platform'), 'p'), true);
  assert.equal(readerAllowed(reg('p/platform'), 't'), false);
  assert.equal(readerAllowed(reg('p/platform', [], { [READERS]: ' a, t ,b' }), 't'), true);
  assert.equal(readerAllowed(reg('p/platform', [], { [READERS]: 'team' }), 't'), false);
  assert.equal(readerAllowed(reg('p/platform', [], { [READERS]: '*' }), 'anyone'), true);
  assert.equal(readerAllowed(reg('p/platform', [], { [READERS]: '' }), 't'), false);
});

test('cycles through the start are found with their path; chains and cycles elsewhere are not', () => {
  const a = reg('t/a', ['b']);
  const b = reg('t/b', ['p/c']);
  const c = reg('p/c', ['t/a']);
  assert.deepEqual(findCycle(a, lookupOf([a, b, c])), ['t/a', 't/b', 'p/c', 't/a']);
  const chain = [reg('t/a', ['b']), reg('t/b', ['c']), reg('t/c')];
  assert.equal(findCycle(chain[0]!, lookupOf(chain)), undefined);
  // x reads into y <-> z: x is not on the cycle (y and z report it themselves).
  const others = [reg('t/x', ['y']), reg('t/y', ['z']), reg('t/z', ['y'])];
  assert.equal(findCycle(others[0]!, lookupOf(others)), undefined);
  assert.deepEqual(findCycle(others[1]!, lookupOf(others)), ['t/y', 't/z', 't/y']);
});

test('a ring of any length is a cycle (18 and 1,000 registries), walked without recursion', () => {
  for (const n of [18, 1000]) {
    const ring = Array.from({ length: n }, (_, i) => reg(`t/r${i}`, [`r${(i + 1) % n}`]));
    const cycle = findCycle(ring[0]!, lookupOf(ring));
    assert.equal(cycle?.length, n + 1, `ring of ${n}`);
    assert.equal(cycle?.[0], 't/r0');
    assert.equal(cycle?.[n], 't/r0');
  }
  // A long chain that does not close is no cycle (each registry visited once).
  const chain = Array.from({ length: 5000 }, (_, i) => reg(`t/c${i}`, i < 4999 ? [`c${i + 1}`] : []));
  assert.equal(findCycle(chain[0]!, lookupOf(chain)), undefined);
});

test("cycle messages name only registries of the reader's namespace", () => {
  assert.equal(
    describeCycle(['t/a', 'p/secret-name', 'q/other', 't/b', 't/a'], 't'),
    't/a → a registry in another namespace → a registry in another namespace → t/b → t/a',
  );
});

test('readersOf: the registries whose sources name the changed one, namespace defaulted', () => {
  const all = [
    reg('t/a', ['p/platform']),
    reg('p/b', ['platform']),
    reg('t/c', ['platform']),
    reg('p/platform'),
  ];
  assert.deepEqual(readersOf(reg('p/platform'), all).sort(), ['p/b', 't/a']);
});

test('fingerprint: changes with the data stored and the verdict, not with other status', () => {
  const reader = reg('t/team', ['p/platform']);
  const platform = reg('p/platform', [], { [READERS]: 't' });
  const fp = (p?: MCPRegistryV1beta1) => refFingerprint(reader, lookupOf(p ? [p] : []));
  assert.equal(fp(), 'ref:p/platform@absent');
  const empty = fp(platform);
  platform.status = { phase: 'Ready', sync: { hash: 'h1', filterHash: 'f1', attempts: 0 } };
  const stored = fp(platform);
  assert.notEqual(stored, empty);
  platform.status = { phase: 'Failed', sync: { hash: 'h1', filterHash: 'f1', attempts: 3 } };
  assert.equal(fp(platform), stored, 'a failure keeps serving the same data');
  platform.metadata.annotations = {};
  assert.notEqual(fp(platform), stored, 'refused now');
  const refused = fp(platform);
  platform.spec.api = { basePath: '/registry' };
  assert.notEqual(fp(platform), refused, 'the API moved under a base path');
  assert.equal(refFingerprint(reg('t/plain'), lookupOf([])), '');
});

test('labels and the Service address', () => {
  assert.equal(
    sourceLabel(reg('t/team', ['p/platform']).spec.sources[0]!, 't'),
    's0 (MCPRegistry p/platform)',
  );
  assert.equal(sourceLabel(reg('t/team', ['platform']).spec.sources[0]!, 't'), 's0 (MCPRegistry t/platform)');
  assert.equal(sourceLabel(reg('t/team').spec.sources[0]!, 't'), 'cm');
  assert.equal(serviceEndpoint('p', 'platform'), 'http://platform-api.p.svc:8080');
  assert.equal(serviceEndpoint('p', 'platform', '/registry'), 'http://platform-api.p.svc:8080/registry');
});

test('--registry-ref-endpoints: namespace/name=URL pairs, each entry checked', () => {
  assert.deepEqual(parseRefEndpoints('p/platform=http://127.0.0.1:4000, t/x=https://x.example'), {
    'p/platform': 'http://127.0.0.1:4000',
    't/x': 'https://x.example',
  });
  assert.deepEqual(parseRefEndpoints(undefined), {});
  for (const bad of ['platform=http://a', 'p/platform=ftp://a', 'p/platform=', 'p/platform=not a url'])
    assert.throws(
      () => parseRefEndpoints(bad),
      new Error(
        `--registry-ref-endpoints: invalid entry "${bad}": use namespace/name=http://host:port, comma-separated`,
      ),
    );
});
