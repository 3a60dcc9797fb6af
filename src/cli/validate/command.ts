/**
 * Registers `thv registry validate` (docs/gitops.md). Only the command's shape lives here; the
 * admission core is loaded when the command runs, so `thv --help` and other verbs stay fast.
 */
import { Option, type Command } from 'commander';
import type { CliIO } from '../io.ts';
import type { ValidateOptions } from './validate.ts';

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** Adds `validate` to the `registry` command. */
export function addValidateCommand(registry: Command, io: CliIO): void {
  registry
    .command('validate')
    .argument('[paths...]', 'manifest files or directories (searched recursively), or - for standard input')
    .description(
      'Validate MCPRegistry manifests offline, exactly as the cluster’s admission would (no cluster needed).',
    )
    .option('-f, --filename <path>', 'a manifest file or directory, like kubectl -f (repeatable)', collect)
    .option(
      '--policy <file>',
      'the platform policy the cluster’s webhooks use: the policy file, its ConfigMap manifest or the chart’s values file (default: built-in policy)',
    )
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option(
      '--show-defaults',
      'print the valid objects as admission would store them (defaults filled), as YAML',
    )
    .option('-v, --verbose', 'also list valid documents and the skipped documents of other kinds')
    .option(
      '--strict',
      'fail (exit 1) on a ToolHive MCPRegistry (toolhive.stacklok.dev) not migrated yet, instead of a warning',
    )
    .option(
      '--catalog <name=file>',
      'an MCPRegistry’s catalog (registry JSON), to review ToolHive workloads that reference or must match it (repeatable)',
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ thv registry validate manifests/',
        '  $ thv registry validate -f registry.yaml --policy platform/policy.yaml',
        '  $ kustomize build overlays/prod | thv registry validate -',
        '  $ thv registry validate registry.yaml --show-defaults',
        '  $ thv registry validate --strict manifests/   # in CI, once the repository is migrated',
        '',
        'Messages name the document as FILE: document N (KIND NAMESPACE/NAME), counted from 1.',
        'Exit codes: 0 all valid, 1 an MCPRegistry is invalid, a file cannot be read, or (--strict) a',
        'ToolHive MCPRegistry is not migrated; 2 usage error.',
        '',
      ].join('\n'),
    )
    .action(async (paths: string[], opts: ValidateOptions) =>
      (await import('./validate.ts')).runValidate(io, paths, opts),
    );
}
