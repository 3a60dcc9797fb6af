/** The Ingress / HTTPRoute built from spec.api (SPEC §13), and when a waiting route is tried again. Pure. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  exposureCondition,
  exposureFailure,
  exposureObject,
  forgetExposure,
  rememberExposure,
  exposureStale,
  unwantedExposure,
} from '../../../src/controller/workload/exposure.ts';
import type { ApiSpec } from '../../../src/api/schema/api.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';

const meta = { name: 'r-api', namespace: 'ns' };
const svc = { name: 'r-api', port: 8080 };
type Spec = { spec: Record<string, unknown> };

test('an Ingress: class from the spec, else the operator, else none; path from path, basePath, /', () => {
  const cases: [ApiSpec, string | undefined, unknown][] = [
    [{ ingress: {} }, undefined, { rules: [{ http: { paths: [{ path: '/' }] } }] }],
    [{ ingress: {} }, '', { rules: [{ http: { paths: [{ path: '/' }] } }] }],
    [{ ingress: {} }, 'nginx', { ingressClassName: 'nginx', rules: [{ http: { paths: [{ path: '/' }] } }] }],
    [
      { basePath: '/r', ingress: { className: 'own', host: 'h.example' } },
      'nginx',
      { ingressClassName: 'own', rules: [{ host: 'h.example', http: { paths: [{ path: '/r' }] } }] },
    ],
    [
      { basePath: '/r', ingress: { path: '/', tls: { secretName: 's' }, host: 'h.example' } },
      undefined,
      {
        tls: [{ hosts: ['h.example'], secretName: 's' }],
        rules: [{ host: 'h.example', http: { paths: [{ path: '/' }] } }],
      },
    ],
  ];
  for (const [api, ingressClass, want] of cases) {
    const o = exposureObject(api, meta, svc, { ingressClass }) as unknown as Spec;
    const spec = structuredClone(o.spec) as { rules: { http: { paths: Record<string, unknown>[] } }[] };
    for (const p of spec.rules[0]!.http.paths) {
      assert.deepEqual(p.backend, { service: { name: 'r-api', port: { number: 8080 } } });
      assert.equal(p.pathType, 'Prefix');
      delete p.backend;
      delete p.pathType;
    }
    assert.deepEqual(spec, want, JSON.stringify(api));
  }
});

test('an HTTPRoute names Gateways with their group and kind, one PathPrefix rule to the Service', () => {
  const o = exposureObject(
    { basePath: '/r', httpRoute: { parentRefs: [{ name: 'g', port: 443 }], annotations: { a: 'b' } } },
    meta,
    svc,
  ) as unknown as Spec & { apiVersion: string; metadata: Record<string, unknown> };
  assert.equal(o.apiVersion, 'gateway.networking.k8s.io/v1');
  assert.deepEqual(o.metadata, { ...meta, annotations: { a: 'b' } });
  assert.deepEqual(o.spec, {
    parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'g', port: 443 }],
    rules: [
      {
        matches: [{ path: { type: 'PathPrefix', value: '/r' } }],
        backendRefs: [{ group: '', kind: 'Service', name: 'r-api', port: 8080 }],
      },
    ],
  });
  assert.equal(exposureObject({ basePath: '/r' }, meta, svc), undefined);
  assert.deepEqual(unwantedExposure({ httpRoute: { parentRefs: [{ name: 'g' }] } }), ['Ingress']);
  assert.deepEqual(unwantedExposure({}), ['Ingress', 'HTTPRoute']);
});

const reg = (api: ApiSpec): MCPRegistryV1beta1 =>
  ({ metadata: { name: 'r', namespace: 'ns', uid: 'u1' }, spec: { sources: [], api } }) as never;

test('an exposure is applied again when this process has not, and a route when the Gateway API appears or goes', () => {
  const r = reg({ httpRoute: { parentRefs: [{ name: 'g' }] } });
  assert.equal(exposureStale(r, true), true, 'not applied by this process: its status may be a former one’s');
  const missing = exposureCondition('HTTPRoute', 404, 'the server could not find the requested resource');
  assert.equal(missing.reason, 'GatewayAPIMissing');
  rememberExposure(r, 'HTTPRoute', missing);
  assert.deepEqual(exposureFailure(r), missing);
  assert.deepEqual(
    [exposureStale(r, undefined), exposureStale(r, false), exposureStale(r, true)],
    [false, false, true],
  );
  rememberExposure(r, 'HTTPRoute');
  assert.equal(exposureFailure(r), undefined);
  assert.deepEqual([exposureStale(r, true), exposureStale(r, false)], [false, true]);
  // Asked for an Ingress now: this process has applied none.
  assert.equal(exposureStale(reg({ ingress: {} }), undefined), true);
  // A disabled API applies no exposure: nothing to wait for.
  assert.equal(exposureStale(reg({ enabled: false, ingress: {} }), true), false);
  // A failure of an exposure the spec no longer asks for is not reported.
  rememberExposure(r, 'HTTPRoute', missing);
  assert.equal(exposureFailure(reg({ ingress: {} })), undefined);
  assert.equal(exposureStale(reg({}), true), false);
  forgetExposure(r);
  assert.equal(exposureFailure(r), undefined);
  assert.deepEqual(exposureCondition('Ingress', 403, 'forbidden'), {
    type: 'APIReady',
    status: 'False',
    reason: 'ExposureFailed',
    message: 'the Ingress for spec.api could not be applied (HTTP 403): forbidden',
  });
});
