/**
 * The manifests `thv registry validate` reads: files, directories (walked recursively for .yaml, .yml
 * and .json, skipping hidden directories such as .git, in a stable order) and `-` for standard input;
 * each file split into its YAML documents, numbered in messages as migrate numbers them (documents.ts).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { documentNumber, yamlProblem } from '../documents.ts';
import { UsageError } from '../errors.ts';
import type { CliIO } from '../io.ts';
import {
  aliasProblem,
  documentCountProblem,
  InputLimitError,
  MAX_ALIASES,
  readBoundedInput,
  type ReadBudget,
} from '../input-limits.ts';

export interface InputDocument {
  file: string;
  /** The parser's position, from 0; messages say documentNumber(index). */
  index: number;
  /** The parsed document; undefined for an empty one (`---` with nothing after it). */
  value: unknown;
}

export interface InputFile {
  file: string;
  documents: InputDocument[];
  /** Why the file could not be read or parsed: a failure, not a usage error. */
  error?: string;
}

const MANIFEST = /\.(ya?ml|json)$/i;

async function walk(dir: string): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  const out: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (!e.name.startsWith('.')) for (const f of await walk(path)) out.push(f);
    } else if (MANIFEST.test(e.name)) out.push(path);
  }
  return out;
}

/** Expands the arguments into files; a path that does not exist is a usage error (exit 2). */
export async function expandPaths(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    if (p === '-') {
      out.push(p);
      continue;
    }
    const s = await stat(p).catch(() => undefined);
    if (!s)
      throw new UsageError(
        `the path "${p}" does not exist`,
        'Name manifest files or directories, or - to read standard input.',
      );
    for (const f of s.isDirectory() ? await walk(p) : [p]) out.push(f);
  }
  return out;
}

export function parseDocuments(file: string, text: string): InputFile {
  const tooMany = documentCountProblem(text);
  if (tooMany) return { file, documents: [], error: tooMany };
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  const documents: InputDocument[] = [];
  for (const [index, doc] of list.entries()) {
    const problem = doc.errors[0];
    if (problem)
      return {
        file,
        documents,
        error: `${documentNumber(index)}: cannot parse YAML: ${yamlProblem(problem.message)}`,
      };
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIASES }) as unknown;
    } catch (e) {
      const alias = aliasProblem(e);
      if (!alias) throw e;
      return { file, documents, error: `${documentNumber(index)}: ${alias}` };
    }
    documents.push({ file, index, value: value ?? undefined });
  }
  return { file, documents };
}

export async function readInputs(io: CliIO, files: string[]): Promise<InputFile[]> {
  const out: InputFile[] = [];
  const budget: ReadBudget = { verb: 'validate', total: 0 };
  for (const file of files) {
    const label = file === '-' ? '<stdin>' : file;
    let text: string;
    try {
      text = await readBoundedInput(io, file, budget);
    } catch (e) {
      const error = e instanceof InputLimitError ? e.message : `cannot read: ${(e as Error).message}`;
      out.push({ file: label, documents: [], error });
      continue;
    }
    out.push(parseDocuments(label, text));
  }
  return out;
}
