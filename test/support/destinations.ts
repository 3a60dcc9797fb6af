/**
 * Tests serve their sources from loopback servers, which the built-in policy refuses as a
 * destination (SPEC §8). They allow loopback the way the local dev stack's policy does (`npm start`).
 */
import { parsePolicy } from '../../src/admission/policy.ts';
import { setDestinationRules } from '../../src/sources/destinations.ts';

export const LOOPBACK_POLICY_YAML = 'allowedCIDRs: [127.0.0.0/8, "::1/128"]\n';

/** For in-process fetches (unit tests): this process's sources may reach loopback. */
export function allowLoopbackSources(): void {
  setDestinationRules(parsePolicy(LOOPBACK_POLICY_YAML).network);
}
