/**
 * The apiserver's StatusError for field errors (apierrors.NewInvalid), in a file of its own because
 * the catalog page's browser bundle shares workload messages with admission and must not pull in the
 * review machinery (Node types). Pure.
 */
import { GROUP, KIND } from '../api/constants.ts';
import { formatFieldErrors, type FieldError } from '../api/field-error.ts';

export interface InvalidStatus {
  code: number;
  reason?: string;
  message: string;
  details?: {
    name?: string;
    group: string;
    kind: string;
    causes: { reason: string; message: string; field: string }[];
  };
}

const REASONS: Record<FieldError['type'], string> = {
  Required: 'FieldValueRequired',
  Invalid: 'FieldValueInvalid',
  Unsupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
  Duplicate: 'FieldValueDuplicate',
};

/** 422 with the paths in the message; an MCPRegistry's unless `of` names another kind (ToolHive workloads). */
export function invalidStatus(
  name: string,
  errors: FieldError[],
  of: { group: string; kind: string } = { group: GROUP, kind: KIND },
): InvalidStatus {
  const prefix = `${of.kind}.${of.group} ${JSON.stringify(name)} is invalid: `;
  return {
    code: 422,
    reason: 'Invalid',
    message: prefix + formatFieldErrors(errors),
    details: {
      name,
      group: of.group,
      kind: of.kind,
      causes: errors.map((e) => ({
        reason: REASONS[e.type],
        message: formatFieldErrors([e]).slice(e.field.length + 2),
        field: e.field,
      })),
    },
  };
}
