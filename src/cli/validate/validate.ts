/**
 * `thv registry validate [-f] FILE|DIR|- ...`: the cluster's admission verdict on MCPRegistry
 * manifests, offline (docs/gitops.md). Every MCPRegistry document goes through validate-admit.ts, the
 * same admission core the webhooks run plus the apiserver's own steps; other kinds are skipped.
 * Exit 0 when every MCPRegistry is valid, 1 when any is invalid or a file cannot be read or parsed
 * (or, with --strict, a ToolHive MCPRegistry is not migrated yet), 2 for usage errors (no input, a
 * missing path, a policy file that is not valid).
 */
import { isToolhiveRegistry } from '../../api/migration/toolhive.ts';
import { CliError, UsageError } from '../errors.ts';
import type { CliIO } from '../io.ts';
import { admit, isRegistryKind } from './admit.ts';
import { admitWorkload, isWorkloadKind, loadCatalogs, type OfflineRegistries } from './workloads.ts';
import { expandPaths, readInputs } from './input.ts';
import {
  defaultsYaml,
  describe,
  jsonReport,
  summarise,
  summaryLine,
  textDiagnostics,
  type DocumentReport,
} from './report.ts';
import { loadPolicy } from './policy-load.ts';

export interface ValidateOptions {
  filename?: string[];
  policy?: string;
  output: 'text' | 'json';
  showDefaults?: boolean;
  verbose?: boolean;
  /** A ToolHive MCPRegistry (toolhive.stacklok.dev) not migrated yet fails the run instead of a warning. */
  strict?: boolean;
  /** `NAME=FILE`: an MCPRegistry's catalog, for ToolHive workloads in the input (SPEC §11). */
  catalog?: string[];
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Runs validate. Failing documents make it throw a CliError carrying the summary (exit 1) after the
 * report is printed; usage errors are thrown as UsageError (exit 2).
 */
export async function runValidate(io: CliIO, args: string[], opts: ValidateOptions): Promise<void> {
  const paths = [...(opts.filename ?? []), ...args];
  if (paths.length === 0)
    throw new UsageError(
      'no manifests to validate',
      'Name files or directories (thv registry validate manifests/), or - for standard input.',
    );
  const policy = await loadPolicy(opts.policy);
  const inputs = await readInputs(io, await expandPaths(paths));
  const offline: OfflineRegistries = {
    registries: new Map(),
    catalogs: await loadCatalogs(opts.catalog ?? []),
  };
  for (const doc of inputs.flatMap((i) => i.documents))
    if (isObj(doc.value) && isRegistryKind(doc.value) && isObj(doc.value.metadata)) {
      const ns = typeof doc.value.metadata.namespace === 'string' ? doc.value.metadata.namespace : 'default';
      const spec = isObj(doc.value.spec) ? doc.value.spec : {};
      offline.registries.set(`${ns}/${String(doc.value.metadata.name)}`, spec.enforceServers === true);
    }
  const documents: DocumentReport[] = [];
  for (const input of inputs) {
    for (const doc of input.documents) {
      if (doc.value === undefined) continue;
      const base = { file: doc.file, document: doc.index + 1, ...describe(doc.value) };
      if (isToolhiveRegistry(doc.value)) {
        documents.push({ ...base, result: 'unmigrated', errors: [], warnings: [] });
        continue;
      }
      const workload = isObj(doc.value) && isWorkloadKind(doc.value);
      if (!isObj(doc.value) || (!isRegistryKind(doc.value) && !workload)) {
        documents.push({ ...base, result: 'skipped', errors: [], warnings: [] });
        continue;
      }
      const v = workload ? admitWorkload(doc.value, offline, policy) : admit(doc.value, policy);
      documents.push({
        ...base,
        result: v.valid ? 'valid' : 'invalid',
        ...(v.rejectedBy ? { rejectedBy: v.rejectedBy } : {}),
        errors: v.errors,
        warnings: v.warnings,
        ...(v.defaulted ? { defaulted: v.defaulted } : {}),
      });
    }
  }
  const files = inputs.flatMap((i) => (i.error ? [{ file: i.file, error: i.error }] : []));
  const report = summarise(documents, files);
  const { invalid, unreadableFiles, unmigrated } = report.summary;
  const strict = Boolean(opts.strict);
  const failed = invalid > 0 || unreadableFiles > 0 || (strict && unmigrated > 0);
  if (opts.output === 'json') io.out(jsonReport(report, Boolean(opts.showDefaults)));
  else {
    if (opts.showDefaults) io.out(defaultsYaml(report));
    io.err(textDiagnostics(report, Boolean(opts.verbose), strict));
    if (!failed) io.err(`${summaryLine(report, Boolean(opts.verbose))}\n`);
  }
  if (failed)
    throw new CliError(
      summaryLine(report, Boolean(opts.verbose)),
      invalid > 0 || unreadableFiles > 0
        ? 'Fix the errors above; each names the file, the document (from 1) and the field.'
        : 'Migrate the ToolHive MCPRegistries above with thv registry migrate (docs/migration.md).',
    );
}
