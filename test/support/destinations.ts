/**
 * Tests serve their sources from loopback servers, plain-http ones and file:// repositories, which
 * the built-in policy refuses (SPEC §8); the controller judges every fetch by the policy in force
 * (SPEC §18). They allow loopback the way the local dev stack's policy does (`npm start`), and plain
 * http and file:// repositories too.
 */
import { parsePolicy } from '../../src/admission/policy/policy.ts';
import { setSourcePolicy } from '../../src/sources/destinations/destinations.ts';

export const LOOPBACK_POLICY_YAML =
  'allowedCIDRs: [127.0.0.0/8, "::1/128"]\nallowHTTP: true\nallowFileGit: true\n';

/** For in-process fetches (unit tests): this process's sources may reach loopback. */
export function allowLoopbackSources(): void {
  setSourcePolicy(parsePolicy(LOOPBACK_POLICY_YAML));
}
