/**
 * Go durations in milliseconds for the controller, which acts on specs admission has already
 * checked. The parser is admission's (Go's time.ParseDuration); this only turns its error into a throw.
 */
import { parseGoDuration as parse } from '../admission/duration.ts';

export function parseGoDuration(text: string): number {
  const r = parse(text);
  if (!r.ok) throw new Error(r.error);
  return r.ms;
}
