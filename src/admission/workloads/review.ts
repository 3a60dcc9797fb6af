/**
 * AdmissionReviews for workloads: the pure step after the webhook gathered the cluster state a
 * request needs (the referenced registry's entries, the namespace's enforcing registries, the served
 * schema's field names). Everything a user sees is decided here.
 */
import type { AdmissionRequest, AdmissionReviewOut, Verdict } from '../review.ts';
import { ADMISSION_API_VERSION } from '../review.ts';
import { enforceWorkload, type CheckedRegistry } from './enforce.ts';
import {
  ANNOTATION_REGISTRY,
  ANNOTATION_RESOLVED,
  ANNOTATION_SERVER,
  ANNOTATION_SERVER_VERSION,
  kindInfo,
  type KindInfo,
} from './kinds.ts';
import type { FieldError } from '../../api/field-error.ts';
import { msg, workloadInvalid } from './messages.ts';
import { annotationsOf, readReference } from './reference.ts';
import { resolveWorkload, type RegistryState } from './resolve.ts';

export interface WorkloadRequest extends AdmissionRequest {
  namespace?: string;
  kind?: { group?: string; version?: string; kind?: string };
}

type Out = { review: AdmissionReviewOut; verdict: Verdict };

const rec = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** A workload AdmissionReview answer; warnings only when there are some. */
function answer(
  uid: string,
  verdict: Verdict,
  response: Partial<AdmissionReviewOut['response']>,
  warnings: string[] = [],
): Out {
  return {
    review: {
      apiVersion: ADMISSION_API_VERSION,
      kind: 'AdmissionReview',
      response: { uid, allowed: verdict !== 'denied', ...response, ...(warnings.length > 0 && { warnings }) },
    },
    verdict,
  };
}

function allow(uid: string, warnings: string[] = []): Out {
  return answer(uid, 'allowed', {}, warnings);
}

/** The refusal of a workload, as the apiserver words an Invalid (or Forbidden) object. */
function refuse(
  uid: string,
  s: { kind: KindInfo; name: string },
  errors: FieldError[],
  warnings: string[] = [],
): Out {
  return answer(uid, 'denied', { status: workloadInvalid(s.kind.kind, s.name, errors) }, warnings);
}

/** What a workload request is about, or undefined when it is nothing we review. */
export function workloadSubject(req: WorkloadRequest):
  | {
      kind: KindInfo;
      object: Record<string, unknown>;
      name: string;
      namespace: string;
      reference?: ReturnType<typeof readReference>;
    }
  | undefined {
  if ((req.operation !== 'CREATE' && req.operation !== 'UPDATE') || req.subResource) return undefined;
  const kind = kindInfo(req.kind?.kind);
  const object = rec(req.object);
  if (!kind || !object) return undefined;
  const meta = rec(object.metadata) ?? {};
  const name = String(req.name || meta.name || meta.generateName || '');
  return {
    kind,
    object,
    name,
    namespace: req.namespace ?? String(meta.namespace ?? ''),
    reference: readReference(object),
  };
}

export interface MutateContext {
  fields: ReadonlySet<string>;
  registry: RegistryState | undefined;
  registryNames: readonly string[];
}

/** An UPDATE whose reference annotations equal the stored object's, which admission had resolved. */
function keepsResolvedReference(req: WorkloadRequest): boolean {
  if (req.operation !== 'UPDATE') return false;
  const now = annotationsOf(req.object);
  const old = annotationsOf(req.oldObject);
  const keys = [ANNOTATION_REGISTRY, ANNOTATION_SERVER, ANNOTATION_SERVER_VERSION];
  return old[ANNOTATION_RESOLVED] !== undefined && keys.every((k) => now[k] === old[k]);
}

export function mutateWorkload(req: WorkloadRequest, ctx: MutateContext): Out {
  const s = workloadSubject(req);
  if (!s?.reference) return allow(req.uid);
  // An object being deleted only loses finalizers: nothing to resolve, never blocked.
  if (rec(s.object.metadata)?.deletionTimestamp) return allow(req.uid);
  if (!s.reference.ref) return refuse(req.uid, s, s.reference.errors);
  const r = resolveWorkload({
    kind: s.kind,
    name: s.name,
    namespace: s.namespace,
    object: s.object,
    fields: ctx.fields,
    ref: s.reference.ref,
    registry: ctx.registry,
    registryNames: ctx.registryNames,
  });
  if (r.errors.length > 0) {
    // An update that keeps a reference resolved before (the registry deleted or the entry gone
    // since, or a controller adding a finalizer) is never blocked: it keeps what it has.
    if (keepsResolvedReference(req))
      return allow(req.uid, [...r.warnings, msg.notReResolved(s.kind.kind, s.name, r.errors)]);
    return refuse(req.uid, s, r.errors, r.warnings);
  }
  if (r.ops.length === 0) return allow(req.uid, r.warnings);
  const patch = Buffer.from(JSON.stringify(r.ops)).toString('base64');
  return answer(req.uid, 'patched', { patchType: 'JSONPatch', patch }, r.warnings);
}

export interface ValidateContext {
  fields: ReadonlySet<string>;
  namespace: CheckedRegistry[];
  policy: CheckedRegistry[];
}

export function validateWorkload(req: WorkloadRequest, ctx: ValidateContext): Out {
  const s = workloadSubject(req);
  if (!s) return allow(req.uid);
  const r = enforceWorkload({
    kind: s.kind,
    name: s.name,
    object: s.object,
    ...(req.operation === 'UPDATE' && rec(req.oldObject) && { oldObject: rec(req.oldObject) }),
    fields: ctx.fields,
    namespace: ctx.namespace,
    policy: ctx.policy,
  });
  if (r.errors.length === 0) return allow(req.uid, r.warnings);
  return refuse(req.uid, s, r.errors, r.warnings);
}
