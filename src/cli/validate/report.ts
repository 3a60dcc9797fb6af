/**
 * What `thv registry validate` prints. Diagnostics (errors, warnings, the summary) go to stderr, one
 * line each, prefixed with `FILE: document N (KIND NAMESPACE/NAME)` (numbered as migrate numbers
 * them) so editors and CI logs point at the manifest; stdout carries only data: the defaulted objects
 * as YAML (--show-defaults) or the JSON report.
 */
import { stringify } from 'yaml';
import { documentLabel } from '../documents.ts';
import type { Verdict } from './admit.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface DocumentReport {
  file: string;
  /** From 1, as the messages number it (documents.ts). */
  document: number;
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  /** `unmigrated`: ToolHive's own MCPRegistry (toolhive.stacklok.dev), a failure only with --strict. */
  result: 'valid' | 'invalid' | 'skipped' | 'unmigrated';
  rejectedBy?: Verdict['rejectedBy'];
  errors: Verdict['errors'];
  warnings: string[];
  defaulted?: Obj;
}

export interface Report {
  documents: DocumentReport[];
  files: { file: string; error: string }[];
  summary: {
    valid: number;
    invalid: number;
    skipped: number;
    unmigrated: number;
    unreadableFiles: number;
  };
}

export function describe(doc: unknown): Pick<DocumentReport, 'apiVersion' | 'kind' | 'name' | 'namespace'> {
  if (!isObj(doc)) return {};
  const meta = isObj(doc.metadata) ? doc.metadata : {};
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  return {
    apiVersion: str(doc.apiVersion),
    kind: str(doc.kind),
    name: str(meta.name) ?? str(meta.generateName),
    namespace: str(meta.namespace),
  };
}

export function summarise(documents: DocumentReport[], files: Report['files']): Report {
  const count = (r: DocumentReport['result']) => documents.filter((d) => d.result === r).length;
  return {
    documents,
    files,
    summary: {
      valid: count('valid'),
      invalid: count('invalid'),
      skipped: count('skipped'),
      unmigrated: count('unmigrated'),
      unreadableFiles: files.length,
    },
  };
}

const s = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function where(d: DocumentReport): string {
  return documentLabel(d.file, d.document - 1, d);
}

/** What is said of a ToolHive MCPRegistry: a warning, or with --strict an error. */
export function unmigratedText(d: DocumentReport): string {
  const file = d.file === '<stdin>' ? '-' : d.file;
  return `${d.apiVersion ?? ''} is ToolHive's MCPRegistry, not migrated: rewrite it with thv registry migrate ${file}`;
}

/** The stderr lines of a text report; `strict`: an unmigrated ToolHive MCPRegistry is an error. */
export function textDiagnostics(report: Report, verbose: boolean, strict = false): string {
  const lines: string[] = [];
  for (const f of report.files) lines.push(`${f.file}: ${f.error}`);
  for (const d of report.documents) {
    if (d.result === 'unmigrated') {
      lines.push(
        strict
          ? `${where(d)}: ${unmigratedText(d)}`
          : `${where(d)}: Warning: ${unmigratedText(d)} (--strict makes this an error)`,
      );
      continue;
    }
    if (d.result === 'skipped') {
      // Another group's MCPRegistry is not ours to judge: say so even without -v.
      if (d.kind === 'MCPRegistry')
        lines.push(`${where(d)}: skipped: ${d.apiVersion ?? 'no apiVersion'} is not toolhive.stacklok.io`);
      else if (verbose) lines.push(`${where(d)}: skipped (not a toolhive.stacklok.io MCPRegistry)`);
      continue;
    }
    for (const e of d.errors) lines.push(`${where(d)}: ${e.text}`);
    for (const w of d.warnings) lines.push(`${where(d)}: Warning: ${w}`);
    if (d.result === 'valid' && verbose) lines.push(`${where(d)}: valid`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** `3 MCPRegistry documents: 2 valid, 1 invalid; 4 other documents skipped`. */
export function summaryLine(report: Report, verbose: boolean): string {
  const { valid, invalid, skipped, unmigrated, unreadableFiles } = report.summary;
  const tail = [
    unmigrated ? `${unmigrated} ToolHive MCPRegistr${unmigrated === 1 ? 'y' : 'ies'} not migrated` : '',
    skipped ? `${s(skipped, 'other document')} skipped${verbose ? '' : ' (-v lists them)'}` : '',
    unreadableFiles ? `${s(unreadableFiles, 'file')} not readable` : '',
  ].filter(Boolean);
  return `${s(valid + invalid, 'MCPRegistry document')}: ${valid} valid, ${invalid} invalid${tail.length ? `; ${tail.join('; ')}` : ''}`;
}

/** The defaulted objects of the valid documents, as one YAML stream. */
export function defaultsYaml(report: Report): string {
  return report.documents
    .filter((d) => d.result === 'valid' && d.defaulted)
    .map((d) => `# ${documentLabel(d.file, d.document - 1)}\n${stringify(d.defaulted, { lineWidth: 0 })}`)
    .join('---\n');
}

export function jsonReport(report: Report, showDefaults: boolean): string {
  const documents = report.documents.map((d) => {
    const { defaulted, ...rest } = d;
    return showDefaults && defaulted ? { ...rest, defaulted } : rest;
  });
  return `${JSON.stringify({ ...report, documents }, null, 2)}\n`;
}
