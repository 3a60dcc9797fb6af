/**
 * Cedar policy text as the registry API reads it (SPEC §13), pure: the bounds first (cedar-bounds.ts),
 * then Cedar's own parser, the ids (a policy's `@id("...")`, else `policy<N>` in file order) and which
 * entry attributes the policies read (entries alike in those share one decision). The API evaluates
 * what this returns; admission (the webhook, on a worker thread: a 64 KiB hostile text within the
 * bounds still costs Cedar 0.25 to 0.85 s) refuses what this refuses, with the same messages.
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { policyTextProblems } from './cedar-bounds.ts';

/** What a policy may read of an entry. */
export interface EntryFacts {
  name: string;
  serverName: string;
  tags: readonly string[];
  tier: string;
  source: string;
  status: string;
  kind: string;
}
export const ENTRY_ATTRIBUTES: readonly (keyof EntryFacts)[] = [
  'name',
  'serverName',
  'tags',
  'tier',
  'source',
  'status',
  'kind',
];

export class PolicyError extends Error {}

/** Line and column (from 1) of a character offset into `text`. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

/**
 * Cedar's error messages as the author should read them: the message, where (line and column of the
 * policy text when it is known) and what Cedar expected or suggests.
 */
export function cedarMessage(errors: readonly cedar.DetailedError[], text?: string): string {
  return errors
    .map((e) => {
      const where = (e.sourceLocations ?? []).map(
        (l) =>
          ` (${text === undefined ? `at ${l.start}..${l.end}` : position(text, l.start)}${l.label ? `: ${l.label}` : ''})`,
      );
      return `${e.message}${where.join('')}${e.help ? `; ${e.help}` : ''}`;
    })
    .join('; ');
}

/** Policies by id, and the entry and caller attributes they read (undefined: the entity as a whole). */
export interface ParsedPolicies {
  byId: Record<string, string>;
  reads: (keyof EntryFacts)[] | undefined;
  /** The caller attributes they read (besides its type); undefined: the caller as a whole. */
  callerReads: PrincipalAttribute[] | undefined;
}

/** Throws PolicyError with the bound's or Cedar's own message. */
export function parsePolicies(text: string): ParsedPolicies {
  const problems = policyTextProblems(text);
  if (problems.length) throw new PolicyError(problems.join('; '));
  const parts = cedar.policySetTextToParts(text);
  if (parts.type === 'failure') throw new PolicyError(cedarMessage(parts.errors, text));
  if (parts.policy_templates.length)
    throw new PolicyError('policy templates are not supported: write static policies');
  const byId: Record<string, string> = {};
  const reads = new Set<string>();
  const callerReads = new Set<string>();
  let whole = false;
  let wholeCaller = false;
  parts.policies.forEach((p, i) => {
    const json = cedar.policyToJson(p);
    if (json.type === 'failure') throw new PolicyError(cedarMessage(json.errors));
    const id = json.json.annotations?.id ?? `policy${i}`;
    if (id in byId) throw new PolicyError(`two policies have the id "${id}": each @id must be unique`);
    byId[id] = p;
    whole = readsOf(json.json, 'resource', ENTRY_ATTRIBUTES, reads) || whole;
    wholeCaller = readsOf(json.json, 'principal', PRINCIPAL_ATTRIBUTES, callerReads) || wholeCaller;
  });
  return {
    byId,
    reads: whole ? undefined : ([...reads].sort() as (keyof EntryFacts)[]),
    callerReads: wholeCaller ? undefined : ([...callerReads].sort() as PrincipalAttribute[]),
  };
}

type Json = unknown;
type Var = 'principal' | 'resource';
const isVar = (x: Json, v: Var) => typeof x === 'object' && x !== null && (x as { Var?: string }).Var === v;

/** The principal attributes a caller has (authorize-cedar.ts builds them). */
export const PRINCIPAL_ATTRIBUTES = ['name', 'groups', 'namespace', 'authenticated', 'claims'] as const;
export type PrincipalAttribute = (typeof PRINCIPAL_ATTRIBUTES)[number];

/** `Group::"g"`, or a set of them, as a policy writes it (JSON form). */
function isGroups(x: Json): boolean {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as { Value?: Json; Set?: Json[]; type?: unknown; __entity?: { type?: unknown } };
  if (o.Set) return o.Set.every(isGroups);
  if (o.Value !== undefined) return isGroups(o.Value);
  return (o.__entity?.type ?? o.type) === 'Group';
}

/**
 * Adds to `reads` the attributes the policy reads of `v`; true when it uses `v` in any other way (its
 * scope names an entity, `== ...`, `in` anything but groups, tags): then only the whole entity is a safe
 * class. `principal in Group::"g"` reads the principal's groups (a principal is never a Group). The type
 * (`is`) is always part of a principal's class. Iterative: the JSON is as deep as the policy, which the
 * bounds limit.
 */
function readsOf(policy: cedar.PolicyJson, v: Var, known: readonly string[], reads: Set<string>): boolean {
  const scope = policy[v] as { op: string; entity?: Json; in?: { entity?: Json } };
  if (scope.op === 'in' && v === 'principal' && isGroups(scope.entity)) reads.add('groups');
  else if (scope.op === 'is' && v === 'principal' && scope.in) {
    if (!isGroups(scope.in.entity)) return true;
    reads.add('groups');
  } else if (scope.op !== 'All' && scope.op !== 'is') return true;
  const stack: Json[] = [policy.conditions];
  while (stack.length) {
    const x = stack.pop();
    if (Array.isArray(x)) stack.push(...(x as Json[]));
    else if (typeof x === 'object' && x !== null) {
      if (isVar(x, v)) return true;
      for (const [op, val] of Object.entries(x as Record<string, Json>)) {
        const e = val as { left?: Json; right?: Json; attr?: unknown; in?: Json };
        if ((op === '.' || op === 'has') && isVar(e.left, v)) {
          const first = (Array.isArray(e.attr) ? e.attr : [e.attr])[0];
          if (typeof first !== 'string' || !known.includes(first)) return true;
          reads.add(first);
        } else if (v === 'principal' && op === 'in' && isVar(e.left, v) && isGroups(e.right))
          reads.add('groups');
        else if (v === 'principal' && op === 'is' && isVar(e.left, v) && e.in === undefined) continue;
        else stack.push(val);
      }
    }
  }
  return false;
}
