/**
 * The conversion webhook against a real kube-apiserver, as the product runs it: the shared test stack
 * (test/support/stack.ts) runs the operator, whose HTTPS server routes /convert to
 * handleConversionReview, with the CRD converting through it and the admission webhooks registered.
 * So every write below is also defaulted and validated, in the version it was written in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { ANNOTATION_V1BETA1_SPEC } from '../../../src/api/constants.ts';
import {
  createNamespace,
  kubectl as kubectlSync,
  kubectlOk as kubectlOkSync,
} from '../../support/cluster.ts';
import { stackInfo } from '../../support/stack.ts';

type Obj = {
  apiVersion: string;
  metadata: Record<string, unknown> & { annotations?: Record<string, string> };
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
};

const kubectl = async (args: string[], input?: string | object) => kubectlSync(args, input);
const kubectlOk = async (args: string[], input?: string | object) => kubectlOkSync(args, input);
const namespace = () => createNamespace('conv');
const getAs = async (version: string, ns: string, name: string) =>
  JSON.parse(
    kubectlOkSync(['get', `mcpregistries.${version}.toolhive.stacklok.io`, '-n', ns, name, '-o', 'json']),
  ) as Obj;

/** POSTs a ConversionReview to the operator's /convert exactly as the apiserver does (TLS checked against its CA). */
function postReview(
  body: object,
): Promise<{ response: { uid: string; result: unknown; convertedObjects: unknown[] } }> {
  const { webhookUrl, caPem } = stackInfo();
  return new Promise((resolve, reject) => {
    const req = request(
      `${webhookUrl}/convert`,
      { method: 'POST', ca: caPem, headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

test('created as v1alpha1 (the SPEC example), read as v1beta1 and back as v1alpha1', async () => {
  const ns = await namespace();
  const manifest = `apiVersion: toolhive.stacklok.io/v1alpha1
kind: MCPRegistry
metadata: {name: upstream-community, namespace: ${ns}}
spec:
  displayName: "MCP Community Registry"
  format: upstream
  source:
    type: url
    url: "https://github.com/modelcontextprotocol/registry/raw/main/registry.json"
`;
  await kubectlOk(['apply', '-f', '-'], manifest);
  const beta = await getAs('v1beta1', ns, 'upstream-community');
  assert.equal(beta.apiVersion, 'toolhive.stacklok.io/v1beta1');
  assert.deepStrictEqual(beta.spec, {
    displayName: 'MCP Community Registry',
    sources: [
      {
        name: 'default',
        type: 'url',
        format: 'upstream',
        url: { href: 'https://github.com/modelcontextprotocol/registry/raw/main/registry.json' },
      },
    ],
    syncPolicy: { interval: '1h' }, // defaulted by the mutating webhook: a remote source syncs hourly
  });
  const alpha = await getAs('v1alpha1', ns, 'upstream-community');
  assert.equal(alpha.apiVersion, 'toolhive.stacklok.io/v1alpha1');
  assert.deepStrictEqual(alpha.spec, {
    displayName: 'MCP Community Registry',
    format: 'upstream',
    source: { type: 'url', url: 'https://github.com/modelcontextprotocol/registry/raw/main/registry.json' },
    syncPolicy: { interval: '1h' },
  });
  assert.equal(alpha.metadata.annotations?.[ANNOTATION_V1BETA1_SPEC], undefined);
  assert.equal(alpha.metadata.uid, beta.metadata.uid);
  assert.equal(alpha.metadata.resourceVersion, beta.metadata.resourceVersion);
});

test('status written through v1beta1 reads flat in v1alpha1, with the v1beta1-only fields stashed', async () => {
  const ns = await namespace();
  await kubectlOk(['apply', '-f', '-'], {
    apiVersion: 'toolhive.stacklok.io/v1beta1',
    kind: 'MCPRegistry',
    metadata: { name: 'r', namespace: ns },
    spec: { sources: [{ name: 'default', type: 'configmap', configMapRef: { name: 'cm' } }] },
  });
  const status = {
    phase: 'Ready',
    observedGeneration: 1,
    sync: {
      lastSyncTime: '2026-11-23T10:00:00Z',
      hash: 'abc',
      serverCount: 88,
      attempts: 0,
      conflictCount: 2,
    },
    storage: { configMaps: ['r-registry-storage'], bytes: 1234, compressed: false },
    api: { endpoint: `http://r-api.${ns}.svc:8080`, readyReplicas: 1 },
  };
  await kubectlOk([
    'patch',
    'mcpregistries.v1beta1.toolhive.stacklok.io',
    'r',
    '-n',
    ns,
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify({ status }),
  ]);
  const alpha = await getAs('v1alpha1', ns, 'r');
  assert.deepStrictEqual(alpha.status, {
    phase: 'Ready',
    observedGeneration: 1,
    lastSyncTime: '2026-11-23T10:00:00Z',
    lastSyncHash: 'abc',
    serverCount: 88,
    syncAttempts: 0,
    storageRef: { type: 'configmap', configMapRef: { name: 'r-registry-storage' } },
    apiEndpoint: `http://r-api.${ns}.svc:8080`,
  });
  assert.deepStrictEqual(JSON.parse(alpha.metadata.annotations![ANNOTATION_V1BETA1_SPEC]!), {
    status: { sync: status.sync, storage: status.storage, api: status.api },
  });
  // The printer columns work in both versions.
  for (const v of ['v1alpha1', 'v1beta1']) {
    const table = await kubectlOk(['get', `mcpregistries.${v}.toolhive.stacklok.io`, '-n', ns]);
    assert.match(
      table,
      /^NAME\s+PHASE\s+SERVERS\s+SOURCE\s+LAST SYNC\s+AGE\nr\s+Ready\s+88\s+configmap\s+\S+\s+\S+\n$/,
    );
  }
});

const multiSource = (ns: string) => ({
  apiVersion: 'toolhive.stacklok.io/v1beta1',
  kind: 'MCPRegistry',
  metadata: { name: 'multi', namespace: ns },
  spec: {
    displayName: 'Merged',
    sources: [
      {
        name: 'corp',
        type: 'url',
        format: 'upstream',
        url: {
          href: 'https://corp.example.com/registry.json',
          headersSecretRef: { name: 'corp-token' },
          timeout: '10s',
        },
        filter: { tags: { include: ['approved'] } },
      },
      {
        name: 'local',
        type: 'configmap',
        format: 'toolhive',
        configMapRef: { name: 'extra', key: 'r.json' },
      },
      {
        name: 'git',
        type: 'git',
        format: 'toolhive',
        git: {
          repository: 'https://github.com/x/y.git',
          ref: { tag: 'v1' },
          path: 'registry.json',
          authSecretRef: { name: 'git' },
        },
      },
    ],
    // Everything the mutating webhook would default is stated, so what is stored is this manifest.
    syncPolicy: { interval: '1h' },
    filter: { names: { exclude: ['*-beta'] } },
  },
});

/** The v1alpha1 view as a user would save it for `kubectl apply`: server-owned metadata dropped. */
function asManifest(o: Obj): Obj {
  const { name, namespace: ns, annotations, labels } = o.metadata;
  return {
    apiVersion: o.apiVersion,
    kind: 'MCPRegistry',
    metadata: { name, namespace: ns, annotations, ...(labels ? { labels } : {}) },
    spec: o.spec,
  } as Obj;
}

test('a multi-source v1beta1 object, read as v1alpha1 and applied back unchanged, keeps all its sources', async () => {
  const ns = await namespace();
  const original = multiSource(ns);
  await kubectlOk(['apply', '-f', '-'], original);
  const alpha = await getAs('v1alpha1', ns, 'multi');
  assert.deepStrictEqual(alpha.spec, {
    displayName: 'Merged',
    format: 'upstream',
    source: { type: 'url', url: 'https://corp.example.com/registry.json' },
    syncPolicy: { interval: '1h' },
    filter: { names: { exclude: ['*-beta'] } },
  });
  assert.deepStrictEqual(JSON.parse(alpha.metadata.annotations![ANNOTATION_V1BETA1_SPEC]!), {
    sources: original.spec.sources,
  });
  await kubectlOk(['apply', '-f', '-'], asManifest(alpha));
  const beta = await getAs('v1beta1', ns, 'multi');
  assert.deepStrictEqual(beta.spec, original.spec);
  assert.equal(
    beta.metadata.annotations?.[ANNOTATION_V1BETA1_SPEC],
    undefined,
    'the stash is consumed, never stored',
  );
  assert.equal(beta.metadata.generation, 1, 'nothing in the spec changed');
});

test('editing source.url in the v1alpha1 view: the new URL wins, the other sources stay', async () => {
  const ns = await namespace();
  await kubectlOk(['apply', '-f', '-'], multiSource(ns));
  const alpha = asManifest(await getAs('v1alpha1', ns, 'multi'));
  (alpha.spec.source as { url: string }).url = 'https://mirror.example.com/registry.json';
  await kubectlOk(['apply', '-f', '-'], alpha);
  const beta = await getAs('v1beta1', ns, 'multi');
  const sources = beta.spec.sources as Record<string, unknown>[];
  assert.deepStrictEqual(sources[0], {
    name: 'corp',
    type: 'url',
    format: 'upstream',
    url: { href: 'https://mirror.example.com/registry.json' },
  });
  assert.deepStrictEqual(sources.slice(1), multiSource(ns).spec.sources.slice(1));
  assert.equal(beta.metadata.generation, 2);
});

const gitManifest = (ns: string, displayName: string) => ({
  apiVersion: 'toolhive.stacklok.io/v1alpha1',
  kind: 'MCPRegistry',
  metadata: { name: 'multi', namespace: ns },
  spec: {
    displayName,
    format: 'upstream',
    source: { type: 'url', url: 'https://corp.example.com/registry.json' },
    filter: { names: { exclude: ['*-beta'] } },
  },
});

test('kubectl apply of a v1alpha1 manifest without the annotation (GitOps) keeps the other sources', async () => {
  const ns = await namespace();
  await kubectlOk(['apply', '-f', '-'], multiSource(ns));
  await kubectlOk(['apply', '-f', '-'], gitManifest(ns, 'From Git'));
  const beta = await getAs('v1beta1', ns, 'multi');
  assert.deepStrictEqual(beta.spec, { ...multiSource(ns).spec, displayName: 'From Git' });
});

test('server-side apply of a v1alpha1 manifest without the annotation keeps the other sources', async () => {
  const ns = await namespace();
  await kubectlOk(['apply', '--server-side', '--field-manager=platform', '-f', '-'], multiSource(ns));
  await kubectlOk(
    ['apply', '--server-side', '--force-conflicts', '--field-manager=gitops', '-f', '-'],
    gitManifest(ns, 'From Git, server-side'),
  );
  const beta = await getAs('v1beta1', ns, 'multi');
  assert.deepStrictEqual(beta.spec, { ...multiSource(ns).spec, displayName: 'From Git, server-side' });
});

test('patches made in v1alpha1 (spec and status) keep everything v1alpha1 cannot show', async () => {
  const ns = await namespace();
  await kubectlOk(['apply', '-f', '-'], multiSource(ns));
  const alpha = ['mcpregistries.v1alpha1.toolhive.stacklok.io', 'multi', '-n', ns];
  await kubectlOk(['patch', ...alpha, '--type=merge', '-p', '{"spec":{"displayName":"Renamed"}}']);
  await kubectlOk(['label', ...alpha, 'team=a']);
  const status = { phase: 'Ready', sync: { serverCount: 10, conflictCount: 4, invalidServerCount: 1 } };
  await kubectlOk([
    'patch',
    'mcpregistries.v1beta1.toolhive.stacklok.io',
    'multi',
    '-n',
    ns,
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify({ status }),
  ]);
  await kubectlOk([
    'patch',
    ...alpha,
    '--subresource=status',
    '--type=merge',
    '-p',
    '{"status":{"serverCount":12}}',
  ]);
  const beta = await getAs('v1beta1', ns, 'multi');
  assert.deepStrictEqual(beta.spec, { ...multiSource(ns).spec, displayName: 'Renamed' });
  assert.equal((beta.metadata.labels as Record<string, string>).team, 'a');
  assert.deepStrictEqual(beta.status, {
    phase: 'Ready',
    sync: { serverCount: 12, conflictCount: 4, invalidServerCount: 1 },
  });
  assert.equal(beta.metadata.annotations?.[ANNOTATION_V1BETA1_SPEC], undefined);
});

test('a list of many objects: all converted, in order; and one review of many objects is answered in one response', async () => {
  const ns = await namespace();
  const items = Array.from({ length: 40 }, (_, i) => ({
    apiVersion: 'toolhive.stacklok.io/v1beta1',
    kind: 'MCPRegistry',
    metadata: { name: `r-${String(i).padStart(2, '0')}`, namespace: ns },
    spec: {
      sources: [
        { name: `s${i}`, type: 'url', format: 'toolhive', url: { href: `https://e.example.com/${i}.json` } },
      ],
      syncPolicy: { interval: '1h' },
    },
  }));
  await kubectlOk(['apply', '-f', '-'], { apiVersion: 'v1', kind: 'List', items });
  const list = JSON.parse(
    await kubectlOk(['get', 'mcpregistries.v1alpha1.toolhive.stacklok.io', '-n', ns, '-o', 'json']),
  ) as { items: Obj[] };
  assert.equal(list.items.length, 40);
  list.items.forEach((o, i) => {
    assert.equal(o.apiVersion, 'toolhive.stacklok.io/v1alpha1');
    assert.equal(o.metadata.name, `r-${String(i).padStart(2, '0')}`);
    assert.deepStrictEqual(o.spec, {
      format: 'toolhive',
      source: { type: 'url', url: `https://e.example.com/${i}.json` },
      syncPolicy: { interval: '1h' },
    });
    assert.deepStrictEqual(JSON.parse(o.metadata.annotations![ANNOTATION_V1BETA1_SPEC]!), {
      sources: items[i]!.spec.sources,
    });
  });
  // kube-apiserver 1.35 serves lists from its per-version watch cache, which converts each object as
  // it changes (one object per review; docs/conversion.md), so a list request alone never shows a
  // batch. A batch is what the apiserver sends when it converts a list itself: send one to the
  // operator's /convert, the way the apiserver does, and get all 40 back in one response, in order.
  const stored = JSON.parse(
    await kubectlOk(['get', '--raw', `/apis/toolhive.stacklok.io/v1beta1/namespaces/${ns}/mcpregistries`]),
  ) as { items: Obj[] };
  const review = await postReview({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'ConversionReview',
    request: { uid: 'batch-1', desiredAPIVersion: 'toolhive.stacklok.io/v1alpha1', objects: stored.items },
  });
  assert.equal(review.response.uid, 'batch-1');
  assert.deepEqual(review.response.result, { status: 'Success' });
  assert.deepStrictEqual(
    review.response.convertedObjects.map((o) => {
      const { managedFields: _m, ...metadata } = (o as Obj).metadata;
      return { ...(o as Obj), metadata };
    }),
    list.items,
  );
});

test('a stash that cannot be converted: refused by admission, and where admission does not look, by conversion', async () => {
  const broken = (namespace: string) => ({
    apiVersion: 'toolhive.stacklok.io/v1alpha1',
    kind: 'MCPRegistry',
    metadata: {
      name: 'broken',
      namespace,
      annotations: { [ANNOTATION_V1BETA1_SPEC]: '{"sources": []}' },
    },
    spec: { source: { type: 'configmap', configmap: { name: 'cm' } } },
  });
  const ns = await namespace();
  const refused = await kubectl(['apply', '-f', '-'], broken(ns));
  assert.equal(refused.code, 1);
  assert.equal(
    refused.stderr,
    `The MCPRegistry "broken" is invalid: metadata.annotations[${ANNOTATION_V1BETA1_SPEC}]: Invalid value: sources must be a non-empty list of objects`,
  );
  // kube-system is excluded from the admission webhooks (so the cluster can always start): there the
  // conversion webhook is what refuses, and the apiserver passes its message on.
  const r = await kubectl(['apply', '-f', '-'], broken('kube-system'));
  assert.notEqual(r.code, 0);
  assert.ok(
    r.stderr.includes(
      `converting MCPRegistry kube-system/broken to toolhive.stacklok.io/v1beta1: metadata.annotations[${ANNOTATION_V1BETA1_SPEC}]: Invalid value: sources must be a non-empty list of objects`,
    ),
    r.stderr,
  );
  for (const n of [ns, 'kube-system'])
    assert.equal(
      (await kubectl(['get', 'mcpregistries.v1beta1.toolhive.stacklok.io', '-n', n, 'broken'])).code,
      1,
    );
});
