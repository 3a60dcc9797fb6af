/**
 * The condition a sub-system hands to the status writer. Shared by the sync path (sync/status.ts)
 * and the API workload (workload/), which reports its own condition without importing the sync path.
 */
export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface CondInput {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}
