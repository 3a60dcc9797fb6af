/**
 * Bounds on Cedar policy text checked before cedar-wasm sees it, in one linear pass. cedar-wasm 4.13
 * overflows its WebAssembly stack (and then fails every later call in the process) on a parse 200
 * brackets deep, and on an evaluation of a chain of ~1,000 `+`, `.` or `if` nested terms; 50 levels
 * and 200-term chains were measured to pass. So: a size cap, a bracket depth cap, and a cap on the
 * tokens of one policy (which bounds every chain within it). Realistic policies are far below all three.
 * Pure: admission (the webhook) and the API apply the same bounds.
 */
export const POLICY_BOUNDS = {
  /** Bytes of the whole policy text (a ConfigMap key). */
  maxBytes: 64 * 1024,
  /** Nesting of ( [ { outside strings and comments. */
  maxDepth: 24,
  /** Tokens of one policy (from `permit`/`forbid` to its `;`). */
  maxTokens: 400,
  maxPolicies: 256,
} as const;

/** The bounds the text exceeds, as the user should read them; empty when within. */
export function policyTextProblems(text: string): string[] {
  const out: string[] = [];
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > POLICY_BOUNDS.maxBytes)
    return [`the policies are ${bytes} bytes; at most ${POLICY_BOUNDS.maxBytes} are accepted`];
  let depth = 0;
  let tokens = 0;
  let policies = 0;
  let line = 1;
  let worstDepth = 0;
  let depthLine = 0;
  let tokenLine = 0;
  let inToken = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    if (c === '"') {
      // A string literal is one token; skip it (escapes included).
      tokens++;
      inToken = false;
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\') i++;
        else if (text[i] === '\n') line++;
      }
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      line++;
      inToken = false;
      continue;
    }
    const word = /[A-Za-z0-9_]/.test(c);
    if (word) {
      if (!inToken) tokens++;
      inToken = true;
      continue;
    }
    inToken = false;
    if (/\s/.test(c)) continue;
    tokens++;
    if (c === '(' || c === '[' || c === '{') {
      depth++;
      if (depth > worstDepth) [worstDepth, depthLine] = [depth, line];
    } else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
    else if (c === ';' && depth === 0) {
      policies++;
      tokens = 0;
    }
    if (tokens > POLICY_BOUNDS.maxTokens && tokenLine === 0) tokenLine = line;
  }
  if (worstDepth > POLICY_BOUNDS.maxDepth)
    out.push(
      `line ${depthLine}: brackets nested ${worstDepth} deep; at most ${POLICY_BOUNDS.maxDepth} levels are accepted`,
    );
  if (tokenLine)
    out.push(
      `line ${tokenLine}: a policy of more than ${POLICY_BOUNDS.maxTokens} tokens; split it into several policies`,
    );
  if (policies > POLICY_BOUNDS.maxPolicies)
    out.push(`${policies} policies; at most ${POLICY_BOUNDS.maxPolicies} are accepted`);
  return out;
}
