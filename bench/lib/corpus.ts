/**
 * The shared payload corpus: MCPRegistry objects of about 1.3 KB and about 46 KB (200 name patterns of
 * 200+ characters, near what the limits allow for two lists), valid and invalid,
 * wrapped in AdmissionReviews (CREATE, and UPDATE with oldObject) and ConversionReviews of N objects.
 * Deterministic, so every run and every side of a comparison sends the same bytes.
 */
import { API_VERSION_V1ALPHA1, API_VERSION_V1BETA1, GROUP, KIND, PLURAL } from '../../src/api/constants.ts';

type Json = Record<string, unknown>;

export function registryV1alpha1(i: number, opts: { large?: boolean; invalid?: boolean } = {}): Json {
  const patterns = (prefix: string) =>
    Array.from({ length: opts.large ? 100 : 3 }, (_, k) =>
      opts.large ? `${prefix}.example-${k}/${'x'.repeat(200)}-*` : `${prefix}.example-${k}/*`,
    );
  return {
    apiVersion: API_VERSION_V1ALPHA1,
    kind: KIND,
    metadata: {
      name: `bench-${i}`,
      namespace: 'bench',
      uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      labels: { 'app.kubernetes.io/part-of': 'bench' },
    },
    spec: {
      displayName: `Benchmark registry ${i}`,
      format: 'upstream',
      source: {
        type: 'url',
        url: opts.invalid
          ? `http://registry-${i}.example.com/registry.json`
          : `https://registry-${i}.example.com/registry.json`,
      },
      syncPolicy: { interval: opts.invalid ? 'soon' : '1h' },
      filter: {
        names: { include: patterns('io.github'), exclude: patterns('com.internal') },
        tags: { include: ['database', 'search', 'files'], exclude: ['deprecated'] },
      },
    },
  };
}

export function registryV1beta1(i: number): Json {
  return {
    apiVersion: API_VERSION_V1BETA1,
    kind: KIND,
    metadata: {
      name: `bench-${i}`,
      namespace: 'bench',
      uid: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`,
    },
    spec: {
      displayName: `Benchmark registry ${i}`,
      sources: [
        {
          name: 'primary',
          type: 'url',
          format: 'upstream',
          url: { href: `https://registry-${i}.example.com/registry.json` },
        },
        {
          name: 'catalog',
          type: 'configmap',
          format: 'toolhive',
          configMapRef: { name: `catalog-${i}`, key: 'registry.json' },
        },
      ],
      syncPolicy: { interval: '1h' },
      filter: {
        names: { include: ['io.github.*'], exclude: [] },
        tags: { include: [], exclude: ['deprecated'] },
      },
    },
    status: {
      phase: 'Ready',
      observedGeneration: 1,
      sync: { lastSyncTime: '2026-11-23T00:00:00Z', hash: 'abc', serverCount: 88, attempts: 0 },
    },
  };
}

export function admissionReview(
  uid: string,
  object: Json,
  operation: 'CREATE' | 'UPDATE' = 'CREATE',
  oldObject?: Json,
): Json {
  const version = String(object.apiVersion).split('/')[1];
  const meta = object.metadata as { name?: string; namespace?: string };
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: GROUP, version, kind: KIND },
      resource: { group: GROUP, version, resource: PLURAL },
      requestKind: { group: GROUP, version, kind: KIND },
      requestResource: { group: GROUP, version, resource: PLURAL },
      name: meta.name,
      namespace: meta.namespace,
      operation,
      userInfo: { username: 'bench', groups: ['system:authenticated'] },
      object,
      oldObject: oldObject ?? null,
      dryRun: false,
      options: {
        apiVersion: 'meta.k8s.io/v1',
        kind: operation === 'CREATE' ? 'CreateOptions' : 'UpdateOptions',
      },
    },
  };
}

/** The admission corpus (16 reviews): small valid, small invalid, UPDATE with oldObject, and 2 of ~46 KB. */
export function admissionCorpus(): string[] {
  const out: string[] = [];
  for (let i = 0; i < 16; i++) {
    const kind = i % 8;
    const uid = `bench-uid-${i}`;
    if (kind === 7) out.push(JSON.stringify(admissionReview(uid, registryV1alpha1(i, { large: true }))));
    else if (kind === 5)
      out.push(JSON.stringify(admissionReview(uid, registryV1alpha1(i, { invalid: true }))));
    else if (kind === 3)
      out.push(
        JSON.stringify(admissionReview(uid, registryV1alpha1(i), 'UPDATE', registryV1alpha1(i + 100))),
      );
    else out.push(JSON.stringify(admissionReview(uid, registryV1alpha1(i))));
  }
  return out;
}

/** A ConversionReview of n v1beta1 objects asking for v1alpha1 (the direction that stashes). */
export function conversionReview(n: number, uid = `conv-${n}`, desired = API_VERSION_V1ALPHA1): Json {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'ConversionReview',
    request: {
      uid,
      desiredAPIVersion: desired,
      objects: Array.from({ length: n }, (_, i) => registryV1beta1(i)),
    },
  };
}
