/** The admission core's public API: used by the webhook server, the CLI and the benchmarks. */
export { defaultSpec, normaliseList } from './defaults.ts';
export { validate, valueAtPath, type ValidationResult } from './validate.ts';
export { DEFAULT_POLICY, parsePolicy, PolicyError, type Policy, type PolicyFilter } from './policy/policy.ts';
export { parseGoDuration, formatGoDuration, type DurationResult } from '../api/duration.ts';
export { defaultingPatch } from './patch.ts';
export {
  ADMISSION_API_VERSION,
  AdmissionDecodeError,
  decodeAdmissionReview,
  errorReview,
  isReviewed,
  mutate,
  refuseForAccess,
  validateReview,
  type AdmissionRequest,
  type AdmissionResponse,
  type AdmissionReviewOut,
  type Verdict,
} from './review.ts';
export { invalidStatus } from './invalid-status.ts';
