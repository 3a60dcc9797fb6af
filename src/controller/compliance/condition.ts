/** The `WorkloadsCompliant` condition of an enforcing registry, from the audit's rows (pure). */
import type { AuditRow } from '../../admission/workloads/index.ts';
import type { CondInput } from '../conditions.ts';

export const CONDITION = 'WorkloadsCompliant';
const SHOWN = 10;

export function complianceCondition(namespace: string, rows: readonly AuditRow[]): CondInput {
  if (rows.length === 0)
    return {
      type: CONDITION,
      status: 'True',
      reason: 'AllCompliant',
      message: 'every ToolHive workload in this namespace is listed by one of its registries',
    };
  const shown = rows.slice(0, SHOWN).map((r) => `${r.kind} ${r.name} (${r.value || 'no image'})`);
  const more = rows.length > SHOWN ? ` and ${rows.length - SHOWN} more` : '';
  return {
    type: CONDITION,
    status: 'False',
    reason: 'NonCompliantWorkloads',
    message: `${rows.length} workload(s) in this namespace would be refused today (they predate enforcement and are left as they are): ${shown.join(', ')}${more}; \`thv registry audit -n ${namespace}\` lists them with the reasons`,
  };
}
