/**
 * What a user reads when a `registry` source cannot be read incrementally (SPEC §16; pure): the
 * SourceAvailable condition says it stays True, with reason `WholeSyncFallback` and why, for as
 * long as it lasts; one Warning Event `IncrementalSyncFallback` says when it was found out.
 */
import type { MirrorNote } from '../../sources/types.ts';
import type { CondInput } from '../conditions.ts';
import type { EventPlan } from './decide.ts';

export const FALLBACK_REASON = 'WholeSyncFallback';
export const FALLBACK_EVENT = 'IncrementalSyncFallback';

type Noted = { name: string; mirror?: MirrorNote };

/** One source's fallback, as the status and the Event word it. */
function fallbackPhrase(name: string, why: string): string {
  return `source ${name} is read whole at every sync: ${why}`;
}

/** The fallbacks of the fetched sources, for the status; undefined when none. */
export function wholeReadsNote(fetched: readonly Noted[]): string | undefined {
  const parts = fetched.flatMap((f) =>
    f.mirror?.fallback !== undefined ? [fallbackPhrase(f.name, f.mirror.fallback)] : [],
  );
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** The Warning Events of the fallbacks this sync found out. */
export function fallbackEvents(fetched: readonly Noted[]): EventPlan[] {
  return fetched.flatMap((f) =>
    f.mirror?.detected && f.mirror.fallback !== undefined
      ? [
          {
            type: 'Warning' as const,
            reason: FALLBACK_EVENT,
            message: fallbackPhrase(f.name, f.mirror.fallback),
          },
        ]
      : [],
  );
}

/** SourceAvailable after a successful sync: Fetched, or the fallback with why. */
export function sourceAvailable(sourceNames: readonly string[], wholeReads?: string): CondInput {
  const fetched = `fetched ${sourceNames.join(', ')}`;
  return wholeReads === undefined
    ? { type: 'SourceAvailable', status: 'True', reason: 'Fetched', message: fetched }
    : {
        type: 'SourceAvailable',
        status: 'True',
        reason: FALLBACK_REASON,
        message: `${fetched}; ${wholeReads}`,
      };
}
