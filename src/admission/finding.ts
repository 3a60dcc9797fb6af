import type { FieldError } from '../api/field-error.ts';

/**
 * One admission finding, shared by every rule file: a field error, and whether the platform policy
 * made it (a policy violation is an error on create, ratcheted on update when the value is unchanged).
 */
export interface Finding extends FieldError {
  policy?: boolean;
  /**
   * The path of the value the finding judges, when wider than `field`: a finding on a source's type
   * judges the whole source (its URL, registryRef, everything the type governs), so any change there
   * is judged anew instead of ratcheting.
   */
  scope?: string;
}
