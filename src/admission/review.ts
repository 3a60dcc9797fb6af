/**
 * AdmissionReview v1 in, AdmissionReview v1 out (the wire contract in reference/ecosystem.md §4.1).
 * Pure: the HTTP server decodes JSON and calls these; anything thrown as AdmissionDecodeError becomes
 * a 400, everything else is answered with a review carrying the request's uid.
 */
import type { FieldError } from '../api/field-error.ts';
import { jsonEqual } from '../api/conversion/json.ts';
import { defaultSpec } from './defaults.ts';
import { specDepthErrors } from './depth.ts';
import { invalidStatus, type InvalidStatus } from './invalid-status.ts';
import { defaultingPatch } from './patch.ts';
import type { Policy } from './policy/policy.ts';
import { isObj } from './shape.ts';
import { validate } from './validate.ts';
import type { UserInfo } from './source-rules/access.ts';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';

export class AdmissionDecodeError extends Error {}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: InvalidStatus;
  patch?: string;
  patchType?: 'JSONPatch';
  warnings?: string[];
}

export interface AdmissionReviewOut {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: 'AdmissionReview';
  response: AdmissionResponse;
}

export type Verdict = 'allowed' | 'patched' | 'denied' | 'error';

export interface AdmissionRequest {
  uid: string;
  operation?: string;
  subResource?: string;
  name?: string;
  object?: unknown;
  oldObject?: unknown;
  /** Who sends the request (the webhook asks whether they may read the Secrets a spec names). */
  userInfo?: UserInfo;
}

/** Checks the envelope; throws AdmissionDecodeError when there is no request we could answer. */
export function decodeAdmissionReview(body: unknown): AdmissionRequest {
  if (!isObj(body)) throw new AdmissionDecodeError('body must be a JSON object (an AdmissionReview)');
  if (body.apiVersion !== ADMISSION_API_VERSION || body.kind !== 'AdmissionReview')
    throw new AdmissionDecodeError(
      `expected apiVersion "${ADMISSION_API_VERSION}" and kind "AdmissionReview", got ${JSON.stringify(body.apiVersion ?? null)} and ${JSON.stringify(body.kind ?? null)}`,
    );
  const req = body.request;
  if (!isObj(req))
    throw new AdmissionDecodeError('request: Required value: an AdmissionReview must carry a request');
  if (typeof req.uid !== 'string' || req.uid === '')
    throw new AdmissionDecodeError('request.uid: Required value: an AdmissionReview request needs a uid');
  return req as unknown as AdmissionRequest;
}

function objectName(req: AdmissionRequest): string {
  const meta = isObj(req.object) && isObj(req.object.metadata) ? req.object.metadata : {};
  const n = req.name || meta.name || meta.generateName || '';
  return typeof n === 'string' ? n : '';
}

function envelope(response: AdmissionResponse): AdmissionReviewOut {
  return { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response };
}

function reviewed(req: AdmissionRequest): boolean {
  return (req.operation === 'CREATE' || req.operation === 'UPDATE') && !req.subResource;
}

export function mutate(
  req: AdmissionRequest,
  policy: Policy,
): { review: AdmissionReviewOut; verdict: Verdict } {
  if (!reviewed(req) || !isObj(req.object))
    return { review: envelope({ uid: req.uid, allowed: true }), verdict: 'allowed' };
  // Defaulting reads only apiVersion and spec, and changes only spec: copying and diffing just those
  // keeps metadata (managedFields can be most of an object) out of the per-request work.
  const { apiVersion, spec } = req.object;
  // Nothing to default in a spec nested too deep to walk: validation refuses it with the reason.
  if (specDepthErrors(spec).length)
    return { review: envelope({ uid: req.uid, allowed: true }), verdict: 'allowed' };
  const defaulted = defaultSpec({ apiVersion, spec }, policy);
  const ops = defaultingPatch({ spec }, { spec: defaulted.spec });
  if (ops.length === 0) return { review: envelope({ uid: req.uid, allowed: true }), verdict: 'allowed' };
  return {
    review: envelope({
      uid: req.uid,
      allowed: true,
      patchType: 'JSONPatch',
      patch: Buffer.from(JSON.stringify(ops)).toString('base64'),
    }),
    verdict: 'patched',
  };
}

export function validateReview(
  req: AdmissionRequest,
  policy: Policy,
): { review: AdmissionReviewOut; verdict: Verdict } {
  if (!reviewed(req)) return { review: envelope({ uid: req.uid, allowed: true }), verdict: 'allowed' };
  const deep = tooDeep(req);
  if (deep) return deep;
  const { errors, warnings } = validate(
    req.object,
    req.operation === 'UPDATE' ? req.oldObject : undefined,
    policy,
  );
  const w = warnings.length ? { warnings } : {};
  if (errors.length === 0)
    return { review: envelope({ uid: req.uid, allowed: true, ...w }), verdict: 'allowed' };
  return {
    review: envelope({ uid: req.uid, allowed: false, status: invalidStatus(objectName(req), errors), ...w }),
    verdict: 'denied',
  };
}

/**
 * A spec nested too deep to validate (depth.ts): refused, unless the object is being deleted (its
 * finalizer must still come off) or an update leaves its spec exactly as stored. Any other change is
 * refused too, so a spec stored deep (before this check existed) is no way around validation.
 */
function tooDeep(req: AdmissionRequest): { review: AdmissionReviewOut; verdict: Verdict } | undefined {
  const obj = isObj(req.object) ? req.object : {};
  const errors = specDepthErrors(obj.spec);
  if (errors.length === 0) return undefined;
  const deleting = isObj(obj.metadata) && obj.metadata.deletionTimestamp;
  const unchanged =
    req.operation === 'UPDATE' && isObj(req.oldObject) && jsonEqual(req.oldObject.spec, obj.spec);
  if (deleting || unchanged) return { review: envelope({ uid: req.uid, allowed: true }), verdict: 'allowed' };
  return {
    review: envelope({ uid: req.uid, allowed: false, status: invalidStatus(objectName(req), errors) }),
    verdict: 'denied',
  };
}

/**
 * A review the validation allowed, refused after all for what the cluster answered about access
 * (access.ts: Secrets the author may not read, registries that do not consent); its warnings kept.
 */
export function refuseForAccess(
  req: AdmissionRequest,
  allowed: AdmissionReviewOut,
  errors: FieldError[],
): { review: AdmissionReviewOut; verdict: Verdict } {
  const w = allowed.response.warnings?.length ? { warnings: allowed.response.warnings } : {};
  return {
    review: envelope({ uid: req.uid, allowed: false, status: invalidStatus(objectName(req), errors), ...w }),
    verdict: 'denied',
  };
}

/** Whether the webhook reviews this request at all (CREATE and UPDATE of the object, not subresources). */
export function isReviewed(req: AdmissionRequest): boolean {
  return reviewed(req);
}

/**
 * An unexpected failure in a handler: still a review, so the apiserver shows our message, not a
 * protocol error; `webhook` names which one failed (the MCPRegistry or the workload webhook).
 */
export function errorReview(uid: string, err: unknown, webhook = 'MCPRegistry'): AdmissionReviewOut {
  return envelope({
    uid,
    allowed: false,
    status: {
      code: 500,
      reason: 'InternalError',
      message: `internal error in the ${webhook} webhook: ${(err as Error).message}`,
    },
  });
}
