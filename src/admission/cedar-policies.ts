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

/** Policies by id, and the entry attributes they read (undefined: the entry as a whole, its name). */
export interface ParsedPolicies {
  byId: Record<string, string>;
  reads: (keyof EntryFacts)[] | undefined;
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
  const reads = new Set<keyof EntryFacts>();
  let whole = false;
  parts.policies.forEach((p, i) => {
    const json = cedar.policyToJson(p);
    if (json.type === 'failure') throw new PolicyError(cedarMessage(json.errors));
    const id = json.json.annotations?.id ?? `policy${i}`;
    if (id in byId) throw new PolicyError(`two policies have the id "${id}": each @id must be unique`);
    byId[id] = p;
    whole = readsOfResource(json.json, reads) || whole;
  });
  return { byId, reads: whole ? undefined : [...reads].sort() };
}

type Json = unknown;
const isResource = (x: Json) =>
  typeof x === 'object' && x !== null && (x as { Var?: string }).Var === 'resource';

/**
 * Adds to `reads` the attributes the policy reads of `resource`; true when it uses the resource in any
 * other way (its scope names an entity, `resource == ...`, `resource in ...`, tags): then only the
 * entry's name is a safe class. Iterative: the JSON is as deep as the policy, which the bounds limit.
 */
function readsOfResource(policy: cedar.PolicyJson, reads: Set<keyof EntryFacts>): boolean {
  if (policy.resource.op !== 'All' && policy.resource.op !== 'is') return true;
  const stack: Json[] = [policy.conditions];
  while (stack.length) {
    const x = stack.pop();
    if (Array.isArray(x)) stack.push(...(x as Json[]));
    else if (typeof x === 'object' && x !== null) {
      if (isResource(x)) return true;
      for (const [op, v] of Object.entries(x as Record<string, Json>)) {
        const access = v as { left?: Json; attr?: unknown };
        if ((op === '.' || op === 'has') && isResource(access.left)) {
          const attrs = Array.isArray(access.attr) ? access.attr : [access.attr];
          const first = attrs[0];
          if (typeof first !== 'string' || !(ENTRY_ATTRIBUTES as string[]).includes(first)) return true;
          reads.add(first as keyof EntryFacts);
        } else stack.push(v);
      }
    }
  }
  return false;
}
