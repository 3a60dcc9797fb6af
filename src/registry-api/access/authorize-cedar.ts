/**
 * Per-entry authorization with Cedar (SPEC §13, issue #29.3): who the caller is, what an entry looks
 * like to a policy, and one decision. A request is `principal` reading (`Action::"read"`) one
 * `Server::"<name>"`; Cedar denies unless a `permit` matches and no `forbid` does.
 *
 * Principals are `Anonymous::"anonymous"`, `User::"<name>"`, `ServiceAccount::"system:serviceaccount:ns:sa"`
 * or `ApiKey::"api-key"`, members of `Group::"<group>"` for each group, with attributes `name`,
 * `groups`, `namespace` (a ServiceAccount's, else ""), `authenticated` and `claims`. A Server has
 * `name`, `serverName`, `tags`, `tier`, `source`, `status` and `kind`.
 *
 * cedar-wasm traps on deep input (a parse 200 parentheses deep, an evaluation 1,000 `+` deep: a stack
 * overflow in WebAssembly, after which every later call fails), so text is bounded before Cedar sees it
 * (src/admission/api/cedar-bounds.ts, applied by cedar-policies.ts) and what Cedar evaluates is only what
 * those bounds let through.
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import {
  PolicyError,
  cedarMessage,
  parsePolicies,
  type EntryFacts,
  type PrincipalAttribute,
} from '../../admission/api/cedar-policies.ts';

export { PolicyError, cedarMessage, type EntryFacts };

export interface Caller {
  readonly kind: 'anonymous' | 'user' | 'serviceaccount' | 'apikey';
  readonly name: string;
  readonly groups: readonly string[];
  /** A ServiceAccount's namespace; "" for anyone else. */
  readonly namespace: string;
  readonly claims: Readonly<Record<string, ClaimValue>>;
}
export type ClaimValue = string | number | boolean | readonly string[];

export const ANONYMOUS: Caller = Object.freeze({
  kind: 'anonymous',
  name: 'anonymous',
  groups: [],
  namespace: '',
  claims: {},
});

const SA = /^system:serviceaccount:([^:]+):([^:]+)$/;

/** Only what a Cedar record can hold without surprises: strings, safe integers, booleans, string sets. */
function claimsOf(raw: unknown): Record<string, ClaimValue> {
  const out: Record<string, ClaimValue> = {};
  if (!raw || typeof raw !== 'object') return out;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v === 'string' || typeof v === 'boolean') out[k] = v;
    else if (typeof v === 'number' && Number.isSafeInteger(v)) out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = v as string[];
  }
  return out;
}

/**
 * The caller as policies see it, from what authentication answered (auth.ts; `groups` and `claims`
 * are read when the result carries them). Without authentication everyone is anonymous.
 */
export function callerOf(auth: { subject: string; groups?: unknown; claims?: unknown } | undefined): Caller {
  if (!auth || auth.subject === 'anonymous') return ANONYMOUS;
  const groups = Array.isArray(auth.groups) ? auth.groups.filter((g) => typeof g === 'string') : [];
  const claims = claimsOf(auth.claims);
  if (auth.subject === 'api-key') return { kind: 'apikey', name: 'api-key', groups, namespace: '', claims };
  const sa = SA.exec(auth.subject);
  if (sa) return { kind: 'serviceaccount', name: auth.subject, groups, namespace: sa[1]!, claims };
  return { kind: 'user', name: auth.subject, groups, namespace: '', claims };
}

const ENTITY_TYPE = {
  anonymous: 'Anonymous',
  user: 'User',
  serviceaccount: 'ServiceAccount',
  apikey: 'ApiKey',
};
const READ = { type: 'Action', id: 'read' };

export function principalEntity(c: Caller): cedar.EntityJson {
  return {
    uid: { type: ENTITY_TYPE[c.kind], id: c.name },
    attrs: {
      name: c.name,
      groups: [...c.groups],
      namespace: c.namespace,
      authenticated: c.kind !== 'anonymous',
      claims: c.claims as Record<string, cedar.CedarValueJson>,
    },
    parents: c.groups.map((g) => ({ type: 'Group', id: g })),
  };
}

export interface Decision {
  allowed: boolean;
  /** The policies that decided (Cedar's `reason`): the permits that allowed, or the forbids that denied. */
  policies: readonly string[];
  /** Policies that failed to evaluate for this entry (they count as not matching, as Cedar says). */
  errors: readonly string[];
}

/**
 * A parsed policy set, its ids (a policy's `@id("...")` annotation, else `policy<N>` in file order) and
 * which entry attributes it reads: decisions then depend only on those, so entries alike in them share
 * one evaluation (`classKey`).
 */
export class CedarPolicies {
  readonly ids: readonly string[];
  /** Attributes the policies read; undefined when they look at the entry as a whole (its id). */
  readonly reads: readonly (keyof EntryFacts)[] | undefined;
  /** Caller attributes the policies read besides its type; undefined when they look at the caller whole. */
  readonly callerReads: readonly PrincipalAttribute[] | undefined;
  private static loads = 0;
  private readonly setId: string;

  private constructor(
    ids: string[],
    reads: (keyof EntryFacts)[] | undefined,
    callerReads: PrincipalAttribute[] | undefined,
    setId: string,
  ) {
    this.ids = ids;
    this.reads = reads;
    this.callerReads = callerReads;
    this.setId = setId;
  }

  /** Throws PolicyError with the bound's or Cedar's own message (src/admission/api/cedar-policies.ts). */
  static parse(text: string): CedarPolicies {
    const { byId, reads, callerReads } = parsePolicies(text);
    const setId = `thv-registry-api-${++CedarPolicies.loads}`;
    const pre = cedar.preparsePolicySet(setId, { staticPolicies: byId });
    if (pre.type === 'failure') throw new PolicyError(cedarMessage(pre.errors));
    return new CedarPolicies(Object.keys(byId), reads, callerReads, setId);
  }

  /**
   * Callers with equal keys get equal decisions on every entry: their type and the attributes the
   * policies read (a policy over groups decides once per set of groups, not once per user).
   */
  callerKey(c: Caller): string {
    const r = this.callerReads;
    if (!r) return JSON.stringify(c);
    const attrs: Record<string, unknown> = {
      name: c.name,
      groups: c.groups,
      namespace: c.namespace,
      claims: c.claims,
    };
    return JSON.stringify([c.kind, ...r.map((a) => attrs[a] ?? null)]);
  }

  /** Entries with equal keys get equal decisions for any one caller. */
  classKey(f: EntryFacts): string {
    return this.reads ? JSON.stringify(this.reads.map((a) => f[a])) : JSON.stringify(f.name);
  }

  decide(principal: cedar.EntityJson, f: EntryFacts): Decision {
    const resource = { type: 'Server', id: f.name };
    const r = cedar.statefulIsAuthorized({
      principal: principal.uid,
      action: READ,
      resource,
      context: {},
      preparsedPolicySetId: this.setId,
      entities: [principal, { uid: resource, attrs: { ...f, tags: [...f.tags] }, parents: [] }],
    });
    // A failed call decides nothing: the entry stays hidden (fail closed).
    if (r.type === 'failure') return { allowed: false, policies: [], errors: [cedarMessage(r.errors)] };
    const d = r.response;
    return {
      allowed: d.decision === 'allow',
      policies: d.diagnostics.reason,
      errors: d.diagnostics.errors.map((e) => e.policyId),
    };
  }
}
