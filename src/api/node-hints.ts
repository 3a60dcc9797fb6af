/**
 * Node's TLS errors end with advice for whoever runs `node` (`; if the root CA is installed locally,
 * try running Node.js with --use-system-ca`). Our users run an operator or `thv`, not Node: in a
 * status message or a CLI error that advice is noise at best and misleading at worst.
 */
const NODE_ONLY_HINTS = [
  /;? ?if the root CA is installed locally, try running Node\.js with --use-system-ca\.?/g,
];

export function withoutNodeHints(message: string): string {
  return NODE_ONLY_HINTS.reduce((m, re) => m.replace(re, ''), message);
}
