/**
 * ConversionReview v1 content: the apiserver sends `request.objects` and the version it wants; we answer
 * with the converted objects in the same order, or `result.status: Failure` with a message (which the
 * apiserver shows to the user). HTTP, size limits and content types are the webhook server's job.
 */
import { convertObject } from './mcpregistry.ts';
import { isObject } from './json.ts';

export const CONVERSION_REVIEW_API_VERSION = 'apiextensions.k8s.io/v1';

/** The body is not a ConversionReview v1 request at all: the server should answer 400 with this message. */
export class ConversionReviewDecodeError extends Error {}

export interface ConversionReviewResponse {
  apiVersion: typeof CONVERSION_REVIEW_API_VERSION;
  kind: 'ConversionReview';
  response: {
    uid: string;
    convertedObjects: unknown[];
    result: { status: 'Success' } | { status: 'Failure'; message: string };
  };
}

/**
 * Takes a parsed ConversionReview request, returns the whole ConversionReview response. Throws
 * ConversionReviewDecodeError only when the body is not a ConversionReview v1 request (no uid to answer to).
 */
export function handleConversionReview(body: unknown): ConversionReviewResponse {
  if (!isObject(body))
    throw new ConversionReviewDecodeError('body must be a JSON object (a ConversionReview)');
  if (body.apiVersion !== CONVERSION_REVIEW_API_VERSION || body.kind !== 'ConversionReview') {
    throw new ConversionReviewDecodeError(
      `expected apiVersion "${CONVERSION_REVIEW_API_VERSION}" and kind "ConversionReview", got ${JSON.stringify(body.apiVersion)} and ${JSON.stringify(body.kind)}`,
    );
  }
  const request = body.request;
  if (!isObject(request) || typeof request.uid !== 'string' || request.uid === '') {
    throw new ConversionReviewDecodeError(
      'request.uid: Required value: a ConversionReview request needs a uid',
    );
  }
  const uid = request.uid;
  const fail = (message: string): ConversionReviewResponse => ({
    apiVersion: CONVERSION_REVIEW_API_VERSION,
    kind: 'ConversionReview',
    response: { uid, convertedObjects: [], result: { status: 'Failure', message } },
  });
  if (typeof request.desiredAPIVersion !== 'string' || request.desiredAPIVersion === '') {
    return fail('request.desiredAPIVersion: Required value');
  }
  if (!Array.isArray(request.objects)) return fail('request.objects: Required value: must be a list');
  const desired = request.desiredAPIVersion;
  const objects: unknown[] = request.objects;
  const convertedObjects: unknown[] = new Array(objects.length);
  for (let i = 0; i < objects.length; i++) {
    const obj = objects[i];
    try {
      convertedObjects[i] = convertObject(obj, desired);
    } catch (e) {
      return fail(`converting ${describe(obj, i)} to ${desired}: ${(e as Error).message}`);
    }
  }
  return {
    apiVersion: CONVERSION_REVIEW_API_VERSION,
    kind: 'ConversionReview',
    response: { uid, convertedObjects, result: { status: 'Success' } },
  };
}

function describe(obj: unknown, index: number): string {
  const meta = isObject(obj) && isObject(obj.metadata) ? obj.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : `objects[${index}]`;
  const ns = typeof meta.namespace === 'string' ? `${meta.namespace}/` : '';
  return `MCPRegistry ${ns}${name}`;
}
