/**
 * `validate --policy FILE`: reads the policy in any of its forms (policy-input.ts) and says what is
 * wrong with it in one line a platform team can act on. The admission core reports each unknown
 * field with the whole list of known fields; a misspelt key, or a values file whose `policy:` key is
 * misspelt, then repeats that list once per field. Here each unknown field is named once, and each
 * list of known fields is given once for all the fields it applies to.
 */
import { readFile } from 'node:fs/promises';
import { DEFAULT_POLICY, parsePolicy, PolicyError, type Policy } from '../../admission/index.ts';
import { formatFieldError, type FieldError } from '../../api/field-error.ts';
import { UsageError } from '../errors.ts';
import { policyText } from './policy-input.ts';

const UNKNOWN = 'unknown field; known fields: ';
const FORMS =
  '--policy reads the policy file, the ConfigMap manifest that mounts it (data["policy.yaml"]) or the chart’s values file (its policy: key).';

/** The policy errors, with the unknown fields that share a list of known fields in one entry. */
export function policyProblems(errors: readonly FieldError[]): string {
  const parts: (string | { fields: string[]; known: string })[] = [];
  for (const e of errors) {
    if (e.type === 'Forbidden' && e.detail?.startsWith(UNKNOWN)) {
      const known = e.detail.slice(UNKNOWN.length);
      const group = parts.find((p) => typeof p !== 'string' && p.known === known);
      if (typeof group === 'object') {
        if (!group.fields.includes(e.field)) group.fields.push(e.field);
      } else parts.push({ fields: [e.field], known });
    } else {
      const text = formatFieldError(e);
      if (!parts.includes(text)) parts.push(text);
    }
  }
  return parts
    .map((p) =>
      typeof p === 'string'
        ? p
        : `${p.fields.join(', ')}: Forbidden: unknown field${p.fields.length > 1 ? 's' : ''}; known fields: ${p.known}`,
    )
    .join('; ');
}

export async function loadPolicy(file: string | undefined): Promise<Policy> {
  if (!file) return DEFAULT_POLICY;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--policy ${file}: ${(e as Error).message}`, 'Name the platform policy YAML file.');
  }
  const policy = policyText(text);
  if (policy.problem) throw new UsageError(`--policy ${file}: ${policy.problem}`, FORMS);
  try {
    return parsePolicy(policy.text);
  } catch (e) {
    const problems = e instanceof PolicyError ? policyProblems(e.errors) : (e as Error).message;
    // Not one field of the file is a policy field: most likely another form with its key misspelt.
    const nothingKnown =
      e instanceof PolicyError &&
      policy.keys.length > 0 &&
      policy.keys.every((k) => e.errors.some((x) => x.field === k && x.detail?.startsWith(UNKNOWN)));
    throw new UsageError(
      `--policy ${file}${policy.from} is not a valid policy: ${problems}`,
      nothingKnown
        ? `None of its fields is a policy field. ${FORMS}`
        : 'See docs/policy.md for the fields a policy file may set.',
    );
  }
}
