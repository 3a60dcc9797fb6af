/**
 * F4 for AdmissionReview decoding: hostile JSON text through JSON.parse into the admission core's
 * decode → validate / mutate (what the webhook server calls), and over HTTPS against the real webhook
 * process: (1) a differential check that the server answers exactly what the pure core answers, and
 * (2) an independent oracle (test/reliability/admission-oracle.ts) whose "must reject" the webhook must
 * honour at the same field path. Raw hostile bodies get a review or a JSON 4xx, never a dead server.
 * CI: tens of thousands of cases; MCPR_LONG=1: a million decodes and 100k HTTPS exchanges.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { applyPatch, type Operation } from 'rfc6902';
import {
  AdmissionDecodeError,
  DEFAULT_POLICY,
  decodeAdmissionReview,
  mutate,
  validateReview,
  type AdmissionReviewOut,
} from '../../../src/admission/index.ts';
import { makeCertDir } from '../../../bench/lib/certs.ts';
import { admissionReview } from '../../../bench/lib/corpus.ts';
import { PATHS, startWebhook, type WebhookProc } from '../../../bench/lib/webhook-proc.ts';
import { alphaArb, hubArb } from '../../unit/conversion/arbitraries.ts';
import {
  BAD_URLS,
  COMMITS,
  GIT_PATHS,
  GOOD_URLS,
  INTERVALS,
  mustReject,
} from '../../reliability/admission-oracle.ts';
import { envelopeText, jsonText, prototypeIsClean, runs } from '../../reliability/json-text.ts';

type Obj = Record<string, unknown>;

function assertWellFormed(out: AdmissionReviewOut, uid: string, object: unknown): void {
  assert.equal(out.apiVersion, 'admission.k8s.io/v1');
  assert.equal(out.kind, 'AdmissionReview');
  assert.equal(out.response.uid, uid);
  assert.equal(typeof out.response.allowed, 'boolean');
  if (!out.response.allowed) {
    assert.ok(Number.isInteger(out.response.status?.code));
    assert.ok((out.response.status?.message ?? '').length > 0);
  }
  if (out.response.patch !== undefined) {
    assert.equal(out.response.patchType, 'JSONPatch');
    const ops = JSON.parse(Buffer.from(out.response.patch, 'base64').toString('utf8')) as Operation[];
    assert.ok(Array.isArray(ops) && ops.length > 0);
    const target = structuredClone(object);
    assert.deepEqual(
      applyPatch(target, ops).filter((e) => e !== null),
      [],
      'the patch applies to the object it was made for',
    );
  }
  assert.doesNotThrow(() => JSON.stringify(out));
}

/** Decodes like the server; the handlers must never throw for a decodable request. */
function decodeAndAnswer(text: string): void {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return; // 400 before the core runs
  }
  let req;
  try {
    req = decodeAdmissionReview(body);
  } catch (e) {
    if (e instanceof AdmissionDecodeError) return;
    throw e;
  }
  assertWellFormed(validateReview(req, DEFAULT_POLICY).review, req.uid, req.object);
  assertWellFormed(mutate(req, DEFAULT_POLICY).review, req.uid, req.object);
}

const requestText = fc
  .tuple(
    fc.oneof(
      fc.uuid().map((u) => JSON.stringify(u)),
      fc.constantFrom('""', 'null', '7', '{}'),
    ),
    fc.constantFrom('"CREATE"', '"UPDATE"', '"DELETE"', '"CONNECT"', 'null', '"create"'),
    fc.oneof(
      jsonText,
      fc.oneof(alphaArb, hubArb).map((o) => JSON.stringify(o)),
    ),
    fc.oneof(
      jsonText,
      fc.oneof(alphaArb, hubArb).map((o) => JSON.stringify(o)),
    ),
    fc.constantFrom('', ',"subResource":"status"', ',"dryRun":true'),
  )
  .map(
    ([uid, op, obj, old, extra]) =>
      `{"uid":${uid},"operation":${op},"object":${obj},"oldObject":${old},"name":"x","namespace":"ns"${extra}}`,
  );

test('any JSON text: decode, validate and mutate answer a well-formed review or a decode error (400)', () => {
  fc.assert(fc.property(jsonText, decodeAndAnswer), { numRuns: runs(20_000, 1_000_000) });
  fc.assert(
    fc.property(envelopeText('admission.k8s.io/v1', 'AdmissionReview', requestText), decodeAndAnswer),
    {
      numRuns: runs(5_000, 200_000),
    },
  );
  assert.ok(prototypeIsClean());
});

/** Generated specs with values the spec rules decide on (URLs, intervals, git refs and paths). */
const damaged: fc.Arbitrary<Obj> = fc
  .tuple(
    fc.oneof(alphaArb, hubArb) as fc.Arbitrary<Obj>,
    fc.constantFrom(...BAD_URLS, ...GOOD_URLS),
    fc.option(fc.constantFrom(...INTERVALS), { nil: undefined }),
    fc.constantFrom(...COMMITS),
    fc.constantFrom(...GIT_PATHS),
  )
  .map(([o, url, interval, commit, path]) => {
    const spec = o.spec as Obj;
    if (interval !== undefined) spec.syncPolicy = { interval };
    const fix = (s: Obj, beta: boolean) => {
      if (s.type === 'url') s.url = beta ? { ...(s.url as Obj), href: url } : url;
      if (s.type === 'registry') s.registry = beta ? { ...(s.registry as Obj), baseURL: url } : { url };
      if (s.type === 'git')
        s.git = beta
          ? { ...(s.git as Obj), ref: { commit }, path }
          : { ...(s.git as Obj), commit, branch: undefined, tag: undefined, path };
    };
    if (spec.source) fix(spec.source as Obj, false);
    for (const s of (spec.sources as Obj[] | undefined) ?? []) fix(s, true);
    return JSON.parse(JSON.stringify(o)) as Obj;
  });

test('mutation is idempotent: the patched object needs no further patch', () => {
  fc.assert(
    fc.property(damaged, (o) => {
      const req = decodeAdmissionReview(admissionReview('u', o));
      const first = mutate(req, DEFAULT_POLICY).review.response;
      if (!first.patch) return;
      const patched = structuredClone(o);
      applyPatch(patched, JSON.parse(Buffer.from(first.patch, 'base64').toString('utf8')) as Operation[]);
      const again = mutate(decodeAdmissionReview(admissionReview('u', patched)), DEFAULT_POLICY).review
        .response;
      assert.equal(
        again.patch,
        undefined,
        `second patch: ${again.patch ? Buffer.from(again.patch, 'base64') : ''}`,
      );
    }),
    { numRuns: runs(3_000, 100_000) },
  );
});

let dir: string;
let hook: WebhookProc;
let ca: string;
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mcpr-fuzz-admission-'));
  const certs = await makeCertDir(join(dir, 'certs'));
  ca = certs.caPem;
  hook = await startWebhook({ certDir: certs.dir, core: 0 });
});

after(async () => {
  agent.destroy();
  await hook?.proc.stop();
  rmSync(dir, { recursive: true, force: true });
});

function post(
  path: string,
  body: string | Buffer,
  contentType = 'application/json',
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: hook.port,
        path,
        method: 'POST',
        ca,
        agent,
        headers: { 'content-type': contentType },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) });
          } catch {
            reject(new Error(`HTTP ${res.statusCode}: body is not JSON: ${text.slice(0, 200)}`));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test('differential and oracle over HTTPS: the webhook answers what the core answers, and rejects what the spec rejects', async () => {
  await fc.assert(
    fc.asyncProperty(
      damaged,
      fc.constantFrom('CREATE', 'UPDATE') as fc.Arbitrary<'CREATE' | 'UPDATE'>,
      async (o, op) => {
        // A spec naming a credential Secret, an Ingress/HTTPRoute or a policies ConfigMap also asks the
        // cluster whether its author may (source-rules/access.ts; tested against the real apiserver in
        // isolation/admission, registry-api/api-exposure and admission/cedar-policies). This webhook has
        // no cluster to ask, so only the core's own decisions are compared here.
        fc.pre(
          !/"([A-Za-z]*[sS]ecretRef|ingress|httpRoute|policiesConfigMapRef)":/.test(JSON.stringify(o.spec)),
        );
        const review = admissionReview(
          `uid-${Math.random().toString(36).slice(2)}`,
          o,
          op,
          op === 'UPDATE' ? o : undefined,
        );
        const text = JSON.stringify(review);
        const req = decodeAdmissionReview(JSON.parse(text));
        const v = await post(PATHS.validate, text);
        assert.equal(v.status, 200);
        assert.deepEqual(v.json, JSON.parse(JSON.stringify(validateReview(req, DEFAULT_POLICY).review)));
        const m = await post(PATHS.mutate, text);
        assert.equal(m.status, 200);
        assert.deepEqual(m.json, JSON.parse(JSON.stringify(mutate(req, DEFAULT_POLICY).review)));
        // The independent oracle: what the spec says must be rejected is rejected, at that field. On an
        // UPDATE that leaves the value as it was, the webhook may keep it with a warning instead (the
        // documented ratchet for rules stricter than what was once admitted).
        const must = mustReject(o);
        const res = (v.json as AdmissionReviewOut).response;
        const fields = (res.status?.details?.causes ?? []).map((c) => c.field);
        const warned = (f: string) => (res.warnings ?? []).some((w) => w.startsWith(`${f}: `));
        for (const f of must) {
          if (op === 'UPDATE')
            assert.ok(fields.includes(f) || warned(f), `neither an error nor a warning at ${f}`);
          else assert.ok(fields.includes(f), `no error at ${f}; got ${fields.join(', ') || 'none'}`);
        }
        if (fields.length) assert.equal(res.allowed, false);
        if (op === 'CREATE' && must.length) assert.equal(res.allowed, false);
      },
    ),
    { numRuns: runs(1_000, 100_000) },
  );
});

test('hostile raw bodies over HTTPS: a review with the uid, or a JSON 400/413/415; the server stays up', async () => {
  const bodies = fc.oneof(
    jsonText,
    envelopeText('admission.k8s.io/v1', 'AdmissionReview', requestText),
    fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b).toString('latin1')),
  );
  await fc.assert(
    fc.asyncProperty(bodies, fc.constantFrom(PATHS.validate, PATHS.mutate), async (text, path) => {
      const r = await post(path, text);
      if (r.status === 200) {
        const uid = (JSON.parse(text) as { request: { uid: string } }).request.uid;
        assert.equal((r.json as AdmissionReviewOut).response.uid, uid);
      } else {
        assert.ok([400, 413, 415].includes(r.status), `HTTP ${r.status}`);
        assert.equal(typeof (r.json as { error?: unknown }).error, 'string');
      }
    }),
    { numRuns: runs(2_000, 100_000) },
  );
  const wrongType = await post(PATHS.validate, '{}', 'text/plain');
  assert.equal(wrongType.status, 415);
  assert.equal(hook.proc.child.exitCode, null, 'the webhook process is still running');
  assert.equal((await fetch(`http://127.0.0.1:${hook.healthPort}/healthz`)).status, 200);
});
