/** Runs `thv` with arguments and IO, returning the exit code: 0 ok, 1 failure, 2 usage error. */
import { CommanderError, type Command } from 'commander';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, renderError } from './errors.ts';
import type { CliIO } from './io.ts';
import { buildProgram } from './program.ts';

function configure(cmd: Command, io: CliIO): void {
  cmd.exitOverride();
  cmd.configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  for (const sub of cmd.commands) configure(sub, io);
}

/**
 * The kubectl plugin (`kubectl-mcpregistry`, run as `kubectl mcpregistry <verb>`): the same program
 * under kubectl's names, so usage lines and errors read `kubectl mcpregistry list`; its arguments
 * are given after `mcpregistry`, as `thv`'s are after `registry`.
 */
function asKubectlPlugin(program: Command): void {
  program.name('kubectl');
  program.commands.find((c) => c.name() === 'registry')?.name('mcpregistry');
}

/** The verb the arguments name (its subcommand names, in order), or the program itself. */
function verbOf(program: Command, args: readonly string[]): Command {
  let cmd = program;
  for (const a of args) {
    if (a === '--') break;
    const sub = cmd.commands.find((c) => c.name() === a || c.aliases().includes(a));
    if (sub) cmd = sub;
  }
  return cmd;
}

export async function run(args: string[], io: CliIO, plugin = false): Promise<number> {
  const binary = plugin ? 'kubectl-mcpregistry' : 'thv';
  const build = (versionOption: boolean) => {
    const p = buildProgram(io, binary, { versionOption });
    if (plugin) asKubectlPlugin(p);
    return p;
  };
  let program = build(true);
  // `thv registry manifest … --version 1.2.0` pins a version: the verb's own option, not the root's.
  if (verbOf(program, args).options.some((opt) => opt.long === '--version' && opt.required))
    program = build(false);
  configure(program, io);
  try {
    await program.parseAsync(args, { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT_OK;
      // Commander already printed the message (and help for a missing subcommand).
      return EXIT_USAGE;
    }
    if (e instanceof CliError) {
      io.err(renderError(e));
      return e.exitCode;
    }
    io.err(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT_FAILURE;
  }
}
