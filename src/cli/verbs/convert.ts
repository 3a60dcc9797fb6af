/**
 * `thv registry convert`: offline conversion between the ToolHive and upstream registry formats.
 * The output is validated by reading it back in the target format, and is byte-stable: the same
 * input always gives the same bytes, and converting the output again changes nothing.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CliError } from '../errors.ts';
import type { CliIO } from '../io.ts';

export type RegistryFormatName = 'toolhive' | 'upstream';

export interface ConvertOptions {
  to: RegistryFormatName;
  from?: RegistryFormatName | 'auto';
  out?: string;
  skipInvalid?: boolean;
}

interface Invalid {
  entry: string;
  field: string;
  reason: string;
}

export function describeInvalid(e: Invalid): string {
  return `entry "${e.entry}"${e.field ? `, field ${e.field}` : ''}: ${e.reason}`;
}

async function readInput(io: CliIO, file: string): Promise<string> {
  if (file === '-') return io.readStdin();
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new CliError(
      `cannot read ${file}: ${(e as Error).message}`,
      'Give the path of a registry JSON file, or - to read standard input.',
    );
  }
}

/** Writes through a temporary file and a rename, so --out never holds half a document. */
async function writeOutput(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (e) {
    throw new CliError(
      `cannot write ${path}: ${(e as Error).message}`,
      'Check that the directory exists and is writable.',
    );
  }
}

export async function runConvert(io: CliIO, file: string, o: ConvertOptions): Promise<void> {
  const { parseRegistryDocument, writeRegistry, DocumentError } = await import('../../registry/index.ts');
  const text = await readInput(io, file);
  const label = file === '-' ? 'standard input' : file;
  let parsed: ReturnType<typeof parseRegistryDocument>;
  try {
    parsed = parseRegistryDocument(text, o.from ?? 'auto');
  } catch (e) {
    if (e instanceof DocumentError)
      throw new CliError(
        `cannot read the registry document in ${label}: ${e.message}`,
        o.from && o.from !== 'auto'
          ? `Leave out --from ${o.from}: the format is detected from the document.`
          : 'Expected a ToolHive registry.json or an upstream server list (see docs/formats.md).',
      );
    throw e;
  }
  let catalog = parsed.catalog;
  let output = writeRegistry(catalog, o.to);
  // Validate what we produced by reading it back as the target format: some entries are valid in
  // one format and cannot be written validly in the other (a templated remote URL, for example).
  const check = parseRegistryDocument(output, o.to);
  if (!o.skipInvalid && (parsed.invalid.length || check.invalid.length)) {
    // Every problem in one pass: the entries the input format refuses and those the target refuses.
    for (const inv of parsed.invalid) io.err(`invalid ${describeInvalid(inv)}\n`);
    for (const inv of check.invalid) io.err(`invalid in the ${o.to} format: ${describeInvalid(inv)}\n`);
    const parts = [
      parsed.invalid.length
        ? `${parsed.invalid.length} invalid ${parsed.invalid.length === 1 ? 'entry' : 'entries'} in ${label}`
        : '',
      check.invalid.length
        ? `${check.invalid.length} ${check.invalid.length === 1 ? 'entry' : 'entries'} cannot be written validly in the ${o.to} format`
        : '',
    ].filter(Boolean);
    throw new CliError(
      `${parts.join('; ')}; nothing was written.`,
      check.invalid.length && !parsed.invalid.length
        ? 'Pass --skip-invalid to leave them out, or keep the document in its current format.'
        : 'Fix the entries above, or pass --skip-invalid to convert only the valid ones.',
    );
  }
  for (const w of parsed.warnings) io.err(`Warning: ${w}\n`);
  for (const inv of parsed.invalid) io.err(`Warning: skipped invalid ${describeInvalid(inv)}\n`);
  if (o.to === 'toolhive')
    for (const u of parsed.unrepresentable)
      io.err(`Warning: not representable in the toolhive format: ${u}\n`);
  if (check.invalid.length) {
    const bad = new Set(check.invalid.map((i) => i.entry));
    for (const inv of check.invalid)
      io.err(`Warning: left out, invalid in the ${o.to} format: ${describeInvalid(inv)}\n`);
    catalog = { ...catalog, servers: catalog.servers.filter((s) => !bad.has(s.name)) };
    output = writeRegistry(catalog, o.to);
  }
  if (o.out) await writeOutput(o.out, output);
  else io.out(output);
}
