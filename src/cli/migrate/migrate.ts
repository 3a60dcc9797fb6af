/**
 * `thv registry migrate FILE|DIR|- ...`: rewrites ToolHive MCPRegistry manifests
 * (`toolhive.stacklok.dev`) into ours. Every other document passes through byte for byte; an
 * MCPRegistry that cannot be migrated is left as it was and makes the exit code 1.
 */
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { Document, isScalar, parseAllDocuments } from 'yaml';
import { isToolhiveRegistry, migrateToolhiveRegistry, type Obj } from '../../api/migration/toolhive.ts';
import { documentLabel, yamlProblem } from '../documents.ts';
import { CliError, UsageError } from '../errors.ts';
import type { CliIO } from '../io.ts';
import {
  aliasProblem,
  documentCountProblem,
  InputLimitError,
  MAX_ALIASES,
  readBoundedInput,
  type ReadBudget,
} from '../input-limits.ts';
import { applyKnownRenames, reconcileNode } from './yaml.ts';

export interface MigrateOptions {
  inPlace?: boolean;
  namespace?: string;
  /** Emit an open registry from a protected one whose auth cannot be carried over. */
  allowAnonymous?: boolean;
}

/** Long lines stay on one line, and flow lists keep the compact style people write by hand. */
const STRINGIFY = { lineWidth: 0, flowCollectionPadding: false } as const;

/** The namespace the shipped manifests install the operator into; admission does not review it. */
const OPERATOR_NAMESPACE = 'toolhive-system';

export interface FileResult {
  text: string;
  changed: boolean;
  migrated: number;
  warnings: string[];
  errors: string[];
}

/** Migrates the text of one YAML file (pure apart from nothing: exported for tests). */
export function migrateYamlText(text: string, label: string, opts: MigrateOptions = {}): FileResult {
  const result: FileResult = { text, changed: false, migrated: 0, warnings: [], errors: [] };
  const tooMany = documentCountProblem(text);
  if (tooMany) {
    result.errors.push(`${label}: ${tooMany}`);
    return result;
  }
  const docs = parseAllDocuments(text, { keepSourceTokens: false });
  if (!Array.isArray(docs)) return result;
  const parts: string[] = [];
  docs.forEach((doc, i) => {
    const where = documentLabel(label, i);
    const original = text.slice(doc.range[0], doc.range[2]);
    let value: unknown;
    try {
      value = doc.errors.length ? undefined : (doc.toJS({ maxAliasCount: MAX_ALIASES }) as unknown);
    } catch (e) {
      const alias = aliasProblem(e);
      if (!alias) throw e;
      result.errors.push(`${where}: ${alias}`);
      parts.push(original);
      return;
    }
    if (!isToolhiveRegistry(value)) {
      if (doc.errors.length)
        result.errors.push(`${where}: not valid YAML: ${yamlProblem(doc.errors[0]?.message)}`);
      const ns = doc.getIn(['metadata', 'namespace'], true);
      // -n moves the registries' ConfigMaps (and anything else namespaced) with them: a source
      // ConfigMap must be in its registry's namespace.
      if (opts.namespace && isScalar(ns) && ns.value !== opts.namespace) {
        ns.value = opts.namespace;
        parts.push(doc.toString(STRINGIFY));
        result.changed = true;
      } else parts.push(original);
      return;
    }
    const meta = (value.metadata ?? {}) as Obj;
    const who = documentLabel(label, i, {
      kind: 'MCPRegistry',
      namespace: meta.namespace ? String(meta.namespace) : undefined,
      name: meta.name !== undefined && meta.name !== null ? String(meta.name) : undefined,
    });
    const m = migrateToolhiveRegistry(value, {
      namespace: opts.namespace,
      allowAnonymous: opts.allowAnonymous,
    });
    for (const w of m.warnings) result.warnings.push(`${who}: ${w}`);
    if (m.errors.length) {
      for (const e of m.errors) result.errors.push(`${who}: ${e}`);
      parts.push(original);
      return;
    }
    const ns = opts.namespace ?? meta.namespace;
    if (ns === OPERATOR_NAMESPACE)
      result.warnings.push(
        `${who}: namespace ${OPERATOR_NAMESPACE} is the operator's own, which the admission webhooks do not review (no defaults, no validation); move it with -n NAMESPACE`,
      );
    const [first, ...more] = m.objects;
    applyKnownRenames(doc);
    doc.contents = reconcileNode(doc, doc.contents, first) as typeof doc.contents;
    const rendered = [doc.toString(STRINGIFY)];
    for (const o of more) rendered.push(new Document(o).toString(STRINGIFY));
    parts.push(rendered.map((r, j) => (j === 0 ? r : `---\n${r}`)).join(''));
    result.migrated += m.objects.length;
    result.changed = true;
  });
  if (result.changed) result.text = joinDocuments(parts, text);
  return result;
}

/** Puts documents back together with `---` separators, as they were. */
function joinDocuments(parts: string[], original: string): string {
  const out = parts
    .map((p, i) => {
      const body = p.replace(/^---[^\n]*\n/, '').replace(/\n*$/, '\n');
      return i === 0 && !original.trimStart().startsWith('---') ? body : `---\n${body}`;
    })
    .join('');
  return out;
}

function yamlFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((d) => !d.name.startsWith('.'))
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((d) =>
      d.isDirectory() ? yamlFiles(join(path, d.name)) : /\.ya?ml$/.test(d.name) ? [join(path, d.name)] : [],
    );
}

/** Reads one input within the limits; past them, an error naming the input (nothing is migrated). */
async function bounded(io: CliIO, file: string, label: string, budget: ReadBudget): Promise<string> {
  try {
    const text = await readBoundedInput(io, file, budget);
    const tooMany = documentCountProblem(text);
    if (tooMany) throw new InputLimitError(tooMany);
    return text;
  } catch (e) {
    if (e instanceof InputLimitError)
      throw new CliError(`cannot migrate ${label}: ${e.message}`, 'Nothing was written.');
    throw e;
  }
}

export async function runMigrate(io: CliIO, paths: string[], opts: MigrateOptions): Promise<void> {
  if (!paths.length)
    throw new UsageError('migrate needs a FILE, a DIR or - (stdin)', 'See thv registry migrate --help.');
  if (opts.inPlace && paths.includes('-'))
    throw new UsageError('--in-place cannot rewrite stdin', 'Name the files or directories to rewrite.');
  const inputs: { label: string; file?: string; text: string }[] = [];
  const budget: ReadBudget = { verb: 'migrate', total: 0 };
  for (const p of paths) {
    if (p === '-') {
      inputs.push({ label: '<stdin>', text: await bounded(io, '-', '<stdin>', budget) });
      continue;
    }
    let files: string[];
    try {
      files = yamlFiles(p);
    } catch {
      throw new CliError(
        `cannot read ${p}: no such file or directory.`,
        'Name a YAML file, a directory or -.',
      );
    }
    for (const f of files) inputs.push({ label: f, file: f, text: await bounded(io, f, f, budget) });
  }
  let migrated = 0;
  let errors = 0;
  for (const input of inputs) {
    const r = migrateYamlText(input.text, input.label, opts);
    for (const w of r.warnings) io.err(`warning: ${w}\n`);
    for (const e of r.errors) io.err(`error: ${e}\n`);
    migrated += r.migrated;
    errors += r.errors.length;
    if (opts.inPlace) {
      if (r.changed && input.file) writeFileSync(input.file, r.text);
    } else {
      if (inputs.length > 1) io.out(`---\n# Source: ${input.label}\n`);
      io.out(r.text.endsWith('\n') || !r.text ? r.text : `${r.text}\n`);
    }
  }
  io.err(
    `migrated ${migrated} MCPRegistr${migrated === 1 ? 'y' : 'ies'} in ${inputs.length} file${inputs.length === 1 ? '' : 's'}${errors ? `; ${errors} could not be migrated (left unchanged)` : ''}\n`,
  );
  if (errors)
    throw new CliError(
      `${errors} MCPRegistr${errors === 1 ? 'y' : 'ies'} could not be migrated.`,
      'Each error above names the field; see docs/migration.md for what has no equivalent.',
    );
}

/** Adds `migrate` under `thv registry`. */
export function registerMigrate(registry: Command, io: CliIO, examples: (lines: string[]) => string): void {
  registry
    .command('migrate')
    .argument('<paths...>', 'YAML files, directories (searched for *.yaml and *.yml) or - for standard input')
    .description(
      'Rewrite ToolHive MCPRegistry manifests (toolhive.stacklok.dev) into toolhive.stacklok.io ones (offline); other documents pass through untouched.',
    )
    .option('--in-place', 'rewrite the files instead of printing them (for a GitOps repository)')
    .option(
      '--allow-anonymous',
      'migrate a protected registry whose auth cannot be carried over to spec.api.auth as an open one (otherwise an error)',
    )
    .addHelpText(
      'after',
      examples([
        'thv registry migrate old-registry.yaml > registry.yaml',
        'thv registry migrate --in-place deploy/registries/',
        '# move the registries out of the operator namespace while migrating; pipefail keeps a failure',
        'set -o pipefail; thv registry migrate -n registries deploy/ | kubectl apply -f -',
      ]),
    )
    .action(async (paths: string[], opts: { inPlace?: boolean; allowAnonymous?: boolean }, cmd: Command) => {
      const { namespace } = cmd.optsWithGlobals<{ namespace?: string }>();
      await runMigrate(io, paths, { inPlace: opts.inPlace, namespace, allowAnonymous: opts.allowAnonymous });
    });
}
