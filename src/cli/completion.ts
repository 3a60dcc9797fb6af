/**
 * `thv completion bash|zsh|fish`: a completion script generated from the command tree itself, so it
 * never drifts from the flags. Registry names, namespaces and contexts are completed live (through
 * `thv registry list -o name` and kubectl). zsh reuses the bash function through bashcompinit; fish
 * gets the same decisions (command path, flag values, names) as a fish function.
 */
import type { Command } from 'commander';

interface Node {
  path: string;
  subcommands: string[];
  flags: string[];
  /** Value completions per flag: a word list, or the special `__files`. */
  values: Map<string, string>;
  /** Flags declared on this command itself (not inherited from the root). */
  ownFlags: Set<string>;
  takesRegistryName: boolean;
}

const FILE_FLAGS = new Set(['--kubeconfig', '--out']);
/** -A is a root flag, but only these commands accept it (the others refuse it with exit 2): offer it there only. */
const ALL_NAMESPACES_COMMANDS = new Set(['list', 'ls', 'audit']);

function walk(cmd: Command, path: string, inherited: Command[], out: Node[]): void {
  const scope = [...inherited, cmd];
  const flags: string[] = [];
  const values = new Map<string, string>();
  const allNamespaces = ALL_NAMESPACES_COMMANDS.has(cmd.name());
  for (const c of scope)
    for (const o of c.options) {
      if (o.long === '--all-namespaces' && !allNamespaces) continue;
      for (const f of [o.short, o.long]) if (f) flags.push(f);
      // A flag with an optional value (--dry-run[=client]) takes it only after `=`: the next word is not its value.
      const words = o.optional
        ? undefined
        : (o.argChoices?.join(' ') ?? (o.long && FILE_FLAGS.has(o.long) ? '__files' : undefined));
      if (words) for (const f of [o.short, o.long]) if (f) values.set(f, words);
    }
  flags.push('--help');
  const subs = cmd.commands.filter((c) => c.name() !== 'help');
  out.push({
    path,
    subcommands: subs.flatMap((c) => [c.name(), ...c.aliases()]),
    flags,
    values,
    ownFlags: new Set(cmd.options.flatMap((o) => [o.short, o.long].filter((f): f is string => Boolean(f)))),
    takesRegistryName: cmd.registeredArguments.some((a) => a.name() === 'name' || a.name() === 'names'),
  });
  for (const s of subs)
    for (const n of [s.name(), ...s.aliases()])
      walk(
        s,
        path ? `${path} ${n}` : n,
        scope.filter((c) => c.parent === null),
        out,
      );
}

function nodesOf(root: Command): Node[] {
  const nodes: Node[] = [];
  walk(root, '', [], nodes);
  return nodes;
}

function bashFunction(root: Command): string {
  const nodes = nodesOf(root);
  const known = nodes
    .filter((n) => n.path)
    .map((n) => `"${n.path}"`)
    .join('|');
  // Flag values per command path ("registry list|-o"); the root's flags apply everywhere.
  const valueLines = nodes
    .flatMap((n) =>
      [...n.values].map(([f, w]) => {
        const pattern = n.ownFlags.has(f) && n.path ? `"${n.path}|${f}"` : `*"|${f}"`;
        const reply = w === '__files' ? 'compgen -f -- "$cur"' : `compgen -W "${w}" -- "$cur"`;
        return `    ${pattern}) COMPREPLY=($(${reply})); return ;;`;
      }),
    )
    .filter((line, i, all) => all.indexOf(line) === i)
    .join('\n');
  const pathLines = nodes
    .map((n) => {
      const words = [...n.subcommands, ...n.flags].join(' ');
      const names = n.takesRegistryName ? ' $(_thv_registries)' : '';
      return `    "${n.path}") words="${words}${names}" ;;`;
    })
    .join('\n');
  return `_thv_registries() {
  local args=() i
  for ((i=1; i<\${#COMP_WORDS[@]}-1; i++)); do
    case "\${COMP_WORDS[i]}" in
      -n|--namespace|--kubeconfig|--context) args+=("\${COMP_WORDS[i]}" "\${COMP_WORDS[i+1]}") ;;
    esac
  done
  thv registry list -o name "\${args[@]}" 2>/dev/null | sed 's|.*/||'
}

_thv() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path="" w i words
  for ((i=1; i<COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "\${path:+$path }$w" in
      ${known}) path="\${path:+$path }$w" ;;
    esac
  done
  case "$path|$prev" in
    *"|-n"|*"|--namespace") COMPREPLY=($(compgen -W "$(kubectl get namespaces -o name 2>/dev/null | sed 's|.*/||')" -- "$cur")); return ;;
    *"|--context") COMPREPLY=($(compgen -W "$(kubectl config get-contexts -o name 2>/dev/null)" -- "$cur")); return ;;
${valueLines}
  esac
  case "$path" in
${pathLines}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
`;
}

/** fish: the same path walk and value table as bash, printed one candidate a line for `complete -a`. */
function fishScript(root: Command): string {
  const nodes = nodesOf(root);
  const q = (w: string) => `'${w.replace(/[\\']/g, '\\$&')}'`;
  const known = nodes.filter((n) => n.path).map((n) => q(n.path));
  const values = nodes
    .flatMap((n) =>
      [...n.values].map(([f, w]) => {
        const pattern = n.ownFlags.has(f) && n.path ? q(`${n.path}|${f}`) : q(`*|${f}`);
        const reply = w === '__files' ? '__fish_complete_path (commandline -ct)' : `printf '%s\\n' ${w}`;
        return `        case ${pattern}\n            ${reply}; return`;
      }),
    )
    .filter((line, i, all) => all.indexOf(line) === i)
    .join('\n');
  const paths = nodes
    .map((n) => {
      const names = n.takesRegistryName ? '\n            __thv_registries' : '';
      return `        case ${q(n.path)}\n            printf '%s\\n' ${[...n.subcommands, ...n.flags].join(' ')}${names}`;
    })
    .join('\n');
  return `# fish completion for thv: thv completion fish | source
function __thv_registries
    set -l tokens (commandline -opc)
    set -l args
    for i in (seq 2 (math (count $tokens) - 1))
        switch $tokens[$i]
            case -n --namespace --kubeconfig --context
                set -a args $tokens[$i] $tokens[(math $i + 1)]
        end
    end
    thv registry list -o name $args 2>/dev/null | string replace -r '.*/' ''
end

function __thv_complete
    set -l known ${known.join(' ')}
    set -l tokens (commandline -opc)
    set -l path ''
    for w in $tokens[2..-1]
        set -l next (string trim -- "$path $w")
        contains -- $next $known; and set path $next
    end
    set -l prev $tokens[-1]
    switch "$path|$prev"
        case '*|-n' '*|--namespace'
            kubectl get namespaces -o name 2>/dev/null | string replace -r '.*/' ''; return
        case '*|--context'
            kubectl config get-contexts -o name 2>/dev/null; return
${values}
    end
    switch "$path"
${paths}
    end
end

complete -c thv -f -a '(__thv_complete)'
`;
}

export function completionScript(root: Command, shell: 'bash' | 'zsh' | 'fish'): string {
  if (shell === 'fish') return fishScript(root);
  const fn = bashFunction(root);
  if (shell === 'bash')
    return `# bash completion for thv: source <(thv completion bash)\n${fn}complete -F _thv thv\n`;
  return `#compdef thv\n# zsh completion for thv: source <(thv completion zsh)\nautoload -U +X bashcompinit && bashcompinit\n${fn}complete -F _thv thv\n`;
}
