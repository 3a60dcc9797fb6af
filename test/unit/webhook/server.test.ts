import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { admissionReview, post, startHarness, type Harness } from './harness.ts';
import { MAX_BODY_BYTES } from '../../../src/webhook/body.ts';

const VALIDATE = '/validate-toolhive-stacklok-io-mcpregistry';
const MUTATE = '/mutate-toolhive-stacklok-io-mcpregistry';
const obj = (url: string) => ({
  apiVersion: 'toolhive.stacklok.io/v1alpha1',
  kind: 'MCPRegistry',
  metadata: { name: 'r' },
  spec: { source: { type: 'url', url } },
});

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.stop());

test('validate: a decodable review gets HTTP 200 and a review with the uid echoed', async () => {
  const r = await post(h, VALIDATE, admissionReview('abc', obj('http://x')));
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/json');
  const out = r.json() as {
    apiVersion: string;
    kind: string;
    response: { uid: string; allowed: boolean; status: { message: string } };
  };
  assert.equal(out.apiVersion, 'admission.k8s.io/v1');
  assert.equal(out.kind, 'AdmissionReview');
  assert.equal(out.response.uid, 'abc');
  assert.equal(out.response.allowed, false);
  assert.equal(
    out.response.status.message,
    'MCPRegistry.toolhive.stacklok.io "r" is invalid: spec.source.url: Invalid value: "http://x": must use https',
  );
});

test('mutate: a JSONPatch response', async () => {
  const r = await post(h, MUTATE, admissionReview('m1', obj('https://a.com/r.json')));
  assert.equal(r.status, 200);
  const out = r.json() as { response: { uid: string; patchType: string; patch: string } };
  assert.equal(out.response.uid, 'm1');
  assert.equal(out.response.patchType, 'JSONPatch');
  assert.deepEqual(JSON.parse(Buffer.from(out.response.patch, 'base64').toString()), [
    { op: 'add', path: '/spec/format', value: 'toolhive' },
    { op: 'add', path: '/spec/syncPolicy', value: { interval: '1h' } },
  ]);
});

const refusals: {
  name: string;
  path?: string;
  body?: string;
  contentType?: string | null;
  method?: string;
  status: number;
  error: string;
}[] = [
  {
    name: 'malformed JSON',
    body: '{"apiVersion":',
    status: 400,
    error: 'request body is not valid JSON: Unexpected end of JSON input',
  },
  { name: 'empty body', body: '', status: 400, error: 'request body is empty: expected a JSON review' },
  {
    name: 'wrong content type',
    body: '{}',
    contentType: 'text/plain',
    status: 415,
    error: 'unsupported content type "text/plain": expected application/json',
  },
  {
    name: 'no content type',
    body: '{}',
    contentType: null,
    status: 415,
    error: 'unsupported content type "": expected application/json',
  },
  {
    name: 'wrong apiVersion (v1beta1 review)',
    body: JSON.stringify({
      apiVersion: 'admission.k8s.io/v1beta1',
      kind: 'AdmissionReview',
      request: { uid: 'x' },
    }),
    status: 400,
    error:
      'expected apiVersion "admission.k8s.io/v1" and kind "AdmissionReview", got "admission.k8s.io/v1beta1" and "AdmissionReview"',
  },
  { name: 'a JSON array', body: '[]', status: 400, error: 'body must be a JSON object (an AdmissionReview)' },
  {
    name: 'no uid',
    body: JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: {} }),
    status: 400,
    error: 'request.uid: Required value: an AdmissionReview request needs a uid',
  },
  {
    name: 'conversion: wrong kind',
    path: '/convert',
    body: JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }),
    status: 400,
    error:
      'expected apiVersion "apiextensions.k8s.io/v1" and kind "ConversionReview", got "admission.k8s.io/v1" and "AdmissionReview"',
  },
  { name: 'GET', method: 'GET', status: 405, error: 'method GET not allowed: use POST' },
  {
    name: 'unknown path',
    path: '/mutate-something-else',
    body: '{}',
    status: 404,
    error:
      'no webhook at /mutate-something-else; serving /mutate-toolhive-stacklok-io-mcpregistry, /validate-toolhive-stacklok-io-mcpregistry, /convert, /mutate-workload, /validate-workload',
  },
];
for (const c of refusals) {
  test(`refused with a JSON error: ${c.name}`, async () => {
    const r = await post(h, c.path ?? VALIDATE, c.body, { contentType: c.contentType, method: c.method });
    assert.equal(r.status, c.status);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.deepEqual(r.json(), { error: c.error, code: c.status });
  });
}

test('a body declared over 7 MiB is refused with 413 before it is read', async () => {
  const r = await post(h, VALIDATE, undefined, { headers: { 'content-length': String(MAX_BODY_BYTES + 1) } });
  assert.equal(r.status, 413);
  assert.deepEqual(r.json(), { error: `request body exceeds the ${MAX_BODY_BYTES} byte limit`, code: 413 });
});

test('a chunked body that grows over 7 MiB is refused with 413 while still being sent', async () => {
  const reply = await new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
    let sent = 0;
    const req = request(
      {
        host: '127.0.0.1',
        port: h.port,
        path: VALIDATE,
        method: 'POST',
        ca: [h.ca.certPem],
        agent: false,
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sent }));
      },
    );
    req.on('error', (e) => (answered ? undefined : reject(e)));
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    // Keep sending up to 64 MiB; the server must answer long before that.
    let answered = false;
    const pump = () => {
      while (!answered && sent < 64 * 1024 * 1024) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    req.on('response', () => (answered = true));
    pump();
  }).catch((e: NodeJS.ErrnoException) => ({ status: -1, body: e.code ?? e.message, sent: 0 }));
  assert.equal(reply.status, 413, reply.body);
  assert.ok(reply.sent < 64 * 1024 * 1024, 'answered before the whole body was sent');
  assert.deepEqual(JSON.parse(reply.body), {
    error: `request body exceeds the ${MAX_BODY_BYTES} byte limit`,
    code: 413,
  });
});

test('TLS below 1.2 is refused; TLS 1.2 is served', async () => {
  await assert.rejects(post(h, VALIDATE, '{}', { minVersion: 'TLSv1', maxVersion: 'TLSv1.1' }));
  const r = await post(h, VALIDATE, admissionReview('t', obj('https://a.com/r.json')), {
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
  });
  assert.equal(r.status, 200);
});

test('health, readiness with detail, and metrics by path and verdict', async () => {
  assert.equal((await fetch(`${h.healthUrl}/healthz`)).status, 200);
  const ready = await fetch(`${h.healthUrl}/readyz`);
  assert.equal(ready.status, 200);
  assert.deepEqual(await ready.json(), {
    ready: true,
    checks: {
      webhook: 'serving',
      policy: 'built-in defaults',
      // No cluster behind the harness: none of ToolHive's workload CRDs is found (#28).
      workloads:
        'handling no workload kinds; CRD not installed: MCPServer, MCPRemoteProxy, MCPServerEntry; 0 catalog(s) loaded',
      tls: `certificate loaded 1 time(s) from ${h.certDir}`,
    },
  });
  const metrics = await (await fetch(`${h.healthUrl}/metrics`)).text();
  assert.match(
    metrics,
    /mcpr_webhook_request_duration_seconds_count\{path="\/validate-toolhive-stacklok-io-mcpregistry",verdict="denied"\} [1-9]/,
  );
  assert.match(
    metrics,
    /mcpr_webhook_request_duration_seconds_count\{path="\/mutate-toolhive-stacklok-io-mcpregistry",verdict="patched"\} [1-9]/,
  );
  assert.match(
    metrics,
    /mcpr_webhook_request_duration_seconds_count\{path="\/validate-toolhive-stacklok-io-mcpregistry",verdict="rejected"\} [1-9]/,
  );
  assert.match(
    metrics,
    /controller_runtime_webhook_requests_total\{webhook="\/validate-toolhive-stacklok-io-mcpregistry",code="413"\} [1-9]/,
  );
});
