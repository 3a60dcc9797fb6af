/**
 * The workload threads (src/webhook/workloads/pool.ts) with real worker threads: one tenant's catalog
 * being loaded never queues another namespace's reviews (hostile tenant, SPEC §18), and a thread that
 * dies fails its own calls with a readable reason instead of leaving every later review waiting.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STORAGE_KEY } from '../../../src/storage/layout.ts';
import { WorkloadWorker } from '../../../src/webhook/workloads/pool.ts';
import type { WorkloadRequest } from '../../../src/admission/workloads/index.ts';
import { TOOLHIVE_DOC } from '../admission/workloads/catalogs.ts';

const stored = () => async () => ({
  main: { data: { [STORAGE_KEY]: JSON.stringify(TOOLHIVE_DOC) } },
  shards: {},
});

const request = (namespace: string, image: string): WorkloadRequest => ({
  uid: `u-${namespace}`,
  operation: 'CREATE',
  namespace,
  kind: { group: 'toolhive.stacklok.dev', version: 'v1beta1', kind: 'MCPServer' },
  object: { metadata: { name: 'w' }, spec: { image } },
});

const validate = (pool: WorkloadWorker, namespace: string, key: string, image: string) =>
  pool.review({
    op: 'validate',
    request: request(namespace, image),
    fields: ['image'],
    namespace: [{ label: 'corp', key }],
    policy: [],
  });

const FORBIDDEN =
  'MCPServer.toolhive.stacklok.dev "w" is forbidden: spec.image: Forbidden: image "evil.example/x:1" is in none of the registries enforced in this namespace (checked: corp)';

function gatedPool() {
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const pool = new WorkloadWorker({
    loader: {
      url: new URL('./gated-loader.ts', import.meta.url),
      data: { gate, hold: 'tenant/big', holdPart: 'tenant/half', crash: 'tenant/crash' },
    },
  });
  const open = () => {
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
  };
  return { pool, open };
}

test('a catalog load in progress for one namespace does not hold another namespace’s review', async () => {
  const { pool, open } = gatedPool();
  try {
    await pool.ensure('other/corp', '1', stored());
    let loaded = false;
    const big = pool.ensure('tenant/big', '7', stored()).then(() => {
      loaded = true;
    });
    const other = await validate(pool, 'other', 'other/corp', 'evil.example/x:1');
    assert.equal(other.verdict, 'denied');
    assert.equal(other.review.response.status?.message, FORBIDDEN);
    const ok = await validate(pool, 'other', 'other/corp', 'ghcr.io/stackloklabs/gofetch/server:1.0.1');
    assert.equal(ok.verdict, 'allowed');
    assert.equal(loaded, false, 'the tenant’s load was still held while the other namespace was answered');
    open();
    await big;
    assert.equal(pool.size(), 2);
    const tenant = await validate(pool, 'tenant', 'tenant/big', 'ghcr.io/stackloklabs/gofetch/server:1.0.1');
    assert.equal(tenant.verdict, 'allowed');
  } finally {
    open();
    await pool.close();
  }
});

test('a half-installed catalog is not used, and other reviews are answered meanwhile', async () => {
  const { pool, open } = gatedPool();
  try {
    await pool.ensure('other/corp', '1', stored());
    let loaded = false;
    const half = pool.ensure('tenant/half', '1', stored()).then(() => {
      loaded = true;
    });
    const other = await validate(pool, 'other', 'other/corp', 'evil.example/x:1');
    assert.equal(other.review.response.status?.message, FORBIDDEN);
    // Until the last part arrived the tenant's registry has no catalog: a listed image is not found.
    const listed = 'ghcr.io/stackloklabs/gofetch/server:1.0.1';
    const tenant = await validate(pool, 'tenant', 'tenant/half', listed);
    assert.equal(tenant.verdict, 'denied');
    assert.deepEqual(tenant.review.response.warnings, [
      'enforcing registries without a synced catalog were skipped: corp',
    ]);
    assert.equal(loaded, false);
    open();
    await half;
    assert.equal((await validate(pool, 'tenant', 'tenant/half', listed)).verdict, 'allowed');
  } finally {
    open();
    await pool.close();
  }
});

test('a thread that dies fails its calls, saying so, and the next review is answered', async () => {
  const { pool, open } = gatedPool();
  try {
    await pool.ensure('other/corp', '1', stored());
    await assert.rejects(pool.ensure('tenant/crash', '1', stored()), {
      message: 'the workload admission thread failed: workload thread exited (code 3)',
    });
    // The catalogs went with the threads: loaded again on the next storage check.
    assert.equal(pool.size(), 0);
    await pool.ensure('other/corp', '1', stored());
    const other = await validate(pool, 'other', 'other/corp', 'evil.example/x:1');
    assert.equal(other.review.response.status?.message, FORBIDDEN);
  } finally {
    open();
    await pool.close();
  }
});
