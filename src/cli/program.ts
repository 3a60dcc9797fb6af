/**
 * The `thv` command tree (commander): global kubectl-style flags, the `registry` group, and
 * `completion`. Each action connects to the cluster lazily, so `convert`, `completion` and
 * `--help` work without one.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { FORMATS, SOURCE_TYPES } from '../api/constants.ts';
import { productVersion } from '../config/version.ts';
import type { Cluster, GlobalOptions } from './cluster.ts';
import type { AddOptions } from './verbs/add.ts';
import type { InfoOptions } from './verbs/info.ts';
import type { WaitFlags } from './verbs/shared.ts';
import { completionScript } from './completion.ts';
import { runConvert, type ConvertOptions } from './verbs/convert.ts';
import type { CliIO } from './io.ts';
import { LIST_OUTPUTS, parseListOutput, runList, type ListFlags } from './verbs/list.ts';
import { addValidateCommand } from './validate/command.ts';
import { registerMigrate } from './migrate/migrate.ts';
import { registerMigrateStorage } from './storage/migrate-storage.ts';
import { registerManifest } from './workloads/manifest.ts';
import { registerAudit } from './workloads/audit.ts';

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** An option parser whose refusal commander prints as `error: option '-o …' argument '…' is invalid. …`. */
function cliArg<T>(parse: (v: string) => T): (v: string) => T {
  return (v) => {
    try {
      return parse(v);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  };
}

function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => (l.startsWith('#') || !l ? `  ${l}` : `  $ ${l}`)).join('\n')}\n`;
}

const DEFAULT_TIMEOUT = '2m';

function waitOptions(cmd: Command, what: string): Command {
  return cmd
    .option('--wait', `wait until ${what}, showing progress; exit 1 if it failed`)
    .option('--timeout <duration>', 'how long --wait waits (Go duration: 90s, 5m)', DEFAULT_TIMEOUT);
}

/** `binary` is the name --version reports: `thv`, or `kubectl-mcpregistry` for the kubectl plugin (main.ts). */
export function buildProgram(io: CliIO, binary = 'thv', o: { versionOption?: boolean } = {}): Command {
  // The Kubernetes client is loaded only by commands that talk to a cluster: --help, convert and
  // completion start in a fraction of the time.
  const connect = async (cmd: Command): Promise<Cluster> =>
    (await import('./cluster.ts')).Cluster.connect(cmd.optsWithGlobals<GlobalOptions>());
  const program = new Command('thv').description(
    'Manage MCPRegistry resources (toolhive.stacklok.io) in a Kubernetes cluster.',
  );
  // Left out when the verb run has a --version of its own (manifest's): commander reads a root
  // option anywhere on the line, so the root's would print the version instead.
  if (o.versionOption !== false)
    program.version(`${binary} ${productVersion()}`, '--version', 'print the version');
  program
    .option('--kubeconfig <path>', 'path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'the kubeconfig context to use')
    .option('-n, --namespace <namespace>', 'namespace (default: the context’s namespace, else "default")')
    .option('-A, --all-namespaces', 'list across all namespaces (list only)')
    .showSuggestionAfterError()
    .addHelpText(
      'after',
      examples([
        'thv registry list -A',
        'thv registry add demo --configmap demo-catalog --wait',
        'source <(thv completion bash)',
      ]),
    );

  const registry = program
    .command('registry')
    .description('List, add, sync, inspect and remove MCP server registries; convert registry files.')
    .addHelpText('after', examples(['thv registry list', 'thv registry info demo --servers']));

  registry
    .command('list')
    .alias('ls')
    .description('List MCPRegistries: NAME PHASE SERVERS SOURCE LAST SYNC AGE.')
    .addOption(
      // choices() for --help and completion; the parser after it also takes jsonpath=TEMPLATE.
      new Option('-o, --output <format>', 'output format (or jsonpath=TEMPLATE)')
        .choices(LIST_OUTPUTS)
        .argParser(cliArg(parseListOutput))
        .default('table'),
    )
    .option('-l, --selector <selector>', 'label selector, as kubectl: app=x,tier!=y, env in (a,b)')
    .option('--no-headers', 'print table rows without the header line')
    .option('-w, --watch', 'after the list, print a line per change until interrupted')
    .addHelpText(
      'after',
      examples([
        'thv registry list',
        'thv registry list -n toolhive-system -o wide',
        'thv registry list -A -o yaml',
        '# names only, for scripts',
        'thv registry list -o name',
        "thv registry list -l team=platform -o jsonpath='{.items[*].metadata.name}'",
        'thv registry list -w',
      ]),
    )
    .action(async (opts: ListFlags, cmd: Command) => runList(await connect(cmd), io, opts));

  const add = registry
    .command('add')
    .argument('<name>', 'name of the new MCPRegistry')
    .description(
      'Create an MCPRegistry from one source; the apiserver’s admission messages are shown as given.',
    )
    .addOption(
      new Option('--type <type>', 'source type (follows from the source flag when omitted)').choices(
        SOURCE_TYPES,
      ),
    )
    .option('--configmap <name[:key]>', 'a ConfigMap in the namespace (key defaults to registry.json)')
    .option('--url <url>', 'an https:// URL of a registry JSON document')
    .option('--git <repo>', 'a Git repository (https://, ssh://, git@host:org/repo.git)')
    .option('--branch <branch>', 'Git branch (with --git)')
    .option('--tag <tag>', 'Git tag (with --git)')
    .option('--commit <sha>', 'Git commit, 7-40 hex characters (with --git)')
    .option(
      '--path <path>',
      'path of the registry file in the repository (with --git; default registry.json)',
    )
    .option('--registry <url>', 'base URL of an MCP registry API (/v0.1/servers)')
    .option(
      '--kubernetes',
      'catalog the ToolHive workloads running in the cluster that carry the export annotations',
    )
    .option(
      '--namespaces <ns,...>',
      'with --kubernetes: namespaces to discover in (default: the registry’s own; repeatable)',
      collect,
    )
    .addOption(
      new Option(
        '--format <format>',
        'format of the source data (default: upstream with --registry or --kubernetes, toolhive otherwise)',
      ).choices(FORMATS),
    )
    .option('--interval <duration>', 'sync interval, a Go duration (30m, 1h30m)')
    .option('--include <glob>', 'keep servers whose name matches (repeatable)', collect)
    .option('--exclude <glob>', 'drop servers whose name matches (repeatable)', collect)
    .option('--include-tag <tag>', 'keep servers with this tag (repeatable)', collect)
    .option('--exclude-tag <tag>', 'drop servers with this tag (repeatable)', collect)
    .option('--display-name <text>', 'human-readable name')
    .option(
      '--source-name <name>',
      'name of the source (default: its type: configmap, url, git, registry or kubernetes)',
    )
    .option(
      '--ca-secret <name[:key]>',
      'Secret with the PEM CA certificates of an --url or --registry source with a private CA (key default ca.crt)',
    )
    .addOption(
      new Option(
        '--dry-run [strategy]',
        'server (the default): send with a server-side dry run, admission runs, nothing is stored; client: print the object the flags build, no cluster needed',
      )
        .choices(['server', 'client'])
        .preset('server'),
    )
    .addOption(new Option('-o, --output <format>', 'print the created object').choices(['json', 'yaml']));
  waitOptions(add, 'the first sync ended').addHelpText(
    'after',
    examples([
      'thv registry add demo --configmap demo-catalog',
      'thv registry add community --url https://example.com/registry.json --format upstream --interval 1h',
      'thv registry add tools --git https://github.com/org/catalog.git --branch main --path data/registry.json',
      'thv registry add official --registry https://registry.modelcontextprotocol.io --include "io.github.*" --wait',
      'thv registry add running --kubernetes --namespaces team-a,team-b',
      '# see what admission would do, without creating anything',
      'thv registry add demo --configmap demo-catalog --dry-run -o yaml',
      '# the manifest only, without a cluster (for GitOps)',
      'thv registry add demo --configmap demo-catalog --dry-run=client -o yaml > demo.yaml',
    ]),
  );
  add.action(async (name: string, opts: AddOptions, cmd: Command) => {
    const verb = await import('./verbs/add.ts');
    if (opts.dryRun !== 'client') return verb.runAdd(await connect(cmd), io, name, opts);
    verb.runAddClient(io, name, cmd.optsWithGlobals<GlobalOptions>(), opts);
  });

  waitOptions(
    registry
      .command('sync')
      .argument('<name>', 'the MCPRegistry to sync')
      .description(
        'Ask the operator for a sync now (sets the toolhive.stacklok.io/sync-trigger annotation).',
      ),
    'that sync ended',
  )
    .addHelpText(
      'after',
      examples(['thv registry sync demo', 'thv registry sync demo -n team-a --wait --timeout 5m']),
    )
    .action(async (name: string, opts: WaitFlags, cmd: Command) =>
      (await import('./verbs/sync.ts')).runSync(await connect(cmd), io, name, opts),
    );

  registry
    .command('info')
    .alias('describe')
    .argument('<name>', 'the MCPRegistry to show')
    .description('Show a registry: spec, status, conditions, recent events, storage and API endpoint.')
    .option('--servers', 'also list the stored servers: NAME VERSION (OLDER) TYPE TRANSPORT STATUS TAGS')
    .addOption(
      new Option(
        '-o, --output <format>',
        'print the object as JSON or YAML (as kubectl get -o yaml)',
      ).choices(['json', 'yaml']),
    )
    .option('--events', 'with -o: print {registry, events, servers?} instead of the object alone')
    .addHelpText(
      'after',
      examples([
        'thv registry info demo',
        'thv registry info demo --servers',
        'thv registry info demo -o yaml > demo.yaml',
        'thv registry info demo -o json --events',
      ]),
    )
    .action(async (name: string, opts: InfoOptions, cmd: Command) =>
      (await import('./verbs/info.ts')).runInfo(await connect(cmd), io, name, opts),
    );

  const remove = registry
    .command('remove')
    .aliases(['rm', 'delete'])
    .argument('<names...>', 'the MCPRegistries to delete')
    .description('Delete MCPRegistries; the operator then deletes their storage and API workload.');
  waitOptions(remove, 'each registry is gone').addHelpText(
    'after',
    examples(['thv registry remove demo', 'thv registry remove demo other -n team-a --wait']),
  );
  remove.action(async (names: string[], opts: WaitFlags, cmd: Command) =>
    (await import('./verbs/remove.ts')).runRemove(await connect(cmd), io, names, opts),
  );

  registry
    .command('convert')
    .argument('<file>', 'registry JSON file to read, or - for standard input')
    .description(
      'Convert a registry file between the toolhive and upstream formats (offline), validating the result.',
    )
    .addOption(new Option('--to <format>', 'format to write').choices(FORMATS).makeOptionMandatory())
    .addOption(
      new Option('--from <format>', 'format of the input').choices(['auto', ...FORMATS]).default('auto'),
    )
    .option('--out <file>', 'write here instead of standard output')
    .option('--skip-invalid', 'convert the valid entries and warn about the invalid ones (default: fail)')
    .addHelpText(
      'after',
      examples([
        'thv registry convert --to upstream registry.json > upstream.json',
        'curl -s https://example.com/registry.json | thv registry convert --to toolhive - --out registry.json',
      ]),
    )
    .action(async (file: string, opts: ConvertOptions) => runConvert(io, file, opts));
  registerMigrate(registry, io, examples);
  registerMigrateStorage(registry, io, connect, examples);
  registerManifest(registry, io, connect, examples);
  registerAudit(registry, io, connect, examples);

  addValidateCommand(registry, io);

  program
    .command('version')
    .description('Print the version (the same as --version).')
    .action(() => io.out(`${binary} ${productVersion()}\n`));

  program
    .command('completion')
    .argument('<shell>', 'bash, zsh or fish')
    .description('Print a shell completion script.')
    .addHelpText(
      'after',
      examples([
        'source <(thv completion bash)',
        '# zsh, in ~/.zshrc:',
        'source <(thv completion zsh)',
        '# fish, once:',
        'thv completion fish > ~/.config/fish/completions/thv.fish',
      ]),
    )
    .action((shell: string) => {
      if (shell !== 'bash' && shell !== 'zsh' && shell !== 'fish')
        program.error(`error: unsupported shell "${shell}": use bash, zsh or fish`, { exitCode: 2 });
      io.out(completionScript(program, shell as 'bash' | 'zsh' | 'fish'));
    });

  return program;
}
