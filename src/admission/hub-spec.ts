/**
 * The spec of an object as the hub version (v1beta1) holds it, whichever version the review carries,
 * for rules that compare what a user asked for before and after (who may name a Secret, who may
 * expose an API). An object that cannot be converted reads as an empty spec: validation refuses it
 * with the reason.
 */
import { API_VERSION_V1ALPHA1, API_VERSION_V1BETA1 } from '../api/constants.ts';
import { convertObject } from '../api/conversion/index.ts';
import { isObj, type Obj } from './shape.ts';

export function hubSpec(obj: unknown): Obj {
  if (!isObj(obj)) return {};
  let hub: unknown = obj;
  if (obj.apiVersion === API_VERSION_V1ALPHA1) {
    try {
      hub = convertObject(obj, API_VERSION_V1BETA1);
    } catch {
      return {};
    }
  }
  return isObj(hub) && isObj(hub.spec) ? hub.spec : {};
}
