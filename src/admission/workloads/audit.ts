/**
 * Workloads that enforcement would refuse today (SPEC §11): those created before a registry started
 * enforcing, or before the entry left the catalog. Reported (`thv registry audit`), never touched.
 * The same check admission runs on a CREATE, so the report and admission always agree.
 */
import { formatFieldError } from '../../api/field-error.ts';
import { enforceWorkload, enforcedValue, type CheckedRegistry } from './enforce.ts';
import { NEWEST_FIELDS, type KindInfo } from './kinds.ts';

export interface AuditSubject {
  kind: KindInfo;
  namespace: string;
  name: string;
  object: Record<string, unknown>;
  /** The served schema's spec fields; the newest generation's when unknown. */
  fields?: ReadonlySet<string>;
}

export interface AuditRow {
  namespace: string;
  kind: string;
  name: string;
  /** The image or remote URL, empty when the workload has none. */
  value: string;
  reason: string;
}

/** The non-compliant workloads among `subjects`, with the reason admission would give. */
export function auditWorkloads(
  subjects: readonly AuditSubject[],
  enforcement: (namespace: string) => { namespace: CheckedRegistry[]; policy: CheckedRegistry[] },
): AuditRow[] {
  const rows: AuditRow[] = [];
  for (const s of subjects) {
    const e = enforcement(s.namespace);
    if (e.namespace.length === 0 && e.policy.length === 0) continue;
    const fields = s.fields ?? new Set(NEWEST_FIELDS[s.kind.kind]);
    const r = enforceWorkload({ kind: s.kind, name: s.name, object: s.object, fields, ...e });
    if (r.errors.length === 0) continue;
    rows.push({
      namespace: s.namespace,
      kind: s.kind.kind,
      name: s.name,
      value: enforcedValue(s.kind, fields, s.object).value ?? '',
      reason: r.errors.map((x) => formatFieldError(x).replace(/^[^:]+: Forbidden: /, '')).join('; '),
    });
  }
  return rows.sort(
    (a, b) =>
      a.namespace.localeCompare(b.namespace) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name),
  );
}
