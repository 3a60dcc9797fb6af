/**
 * Bounds on what the offline commands (`validate`, `migrate`) read (SPEC §18 "Bounded tools"): a
 * manifest file or standard input of at most MAX_INPUT_BYTES, at most MAX_DOCUMENTS YAML documents
 * in it, and the YAML parser's alias limit. Each refusal names the file and the limit, so a
 * hostile or mistaken input (32 MB of `---`, an alias bomb) is an error message, not a heap OOM.
 * The memory the YAML parser needs grows with both bytes and documents (docs/cli.md: ~130 MB per MiB
 * of YAML), which is why both are bounded.
 */
import { open } from 'node:fs/promises';
import type { CliIO } from './io.ts';

/** Largest file (or standard input) read; an MCPRegistry manifest is a few KiB, an object at most ~1.5 MiB. */
export const MAX_INPUT_BYTES = 4 * 1024 * 1024;
/** Most bytes read over all the files of one run (each file's parsed documents are kept until the report). */
export const MAX_TOTAL_BYTES = 64 * 1024 * 1024;
/** Most YAML documents in one file. */
export const MAX_DOCUMENTS = 1000;
/** Most alias expansions in one document (the yaml library's own guard against alias bombs). */
export const MAX_ALIASES = 100;

const MIB = 1024 * 1024;

export class InputLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputLimitError';
  }
}

export const tooLarge = () =>
  `larger than ${MAX_INPUT_BYTES / MIB} MiB (the limit per file); split it into smaller files`;

export const totalTooLarge = (verb: string) =>
  `not read: the files before it already hold ${MAX_TOTAL_BYTES / MIB} MiB (the limit per run); ${verb} fewer files at a time`;

/** Reads a file as UTF-8, refusing one over the limit before reading more than the limit. */
export async function readBoundedFile(path: string, maxBytes = MAX_INPUT_BYTES): Promise<string> {
  const f = await open(path, 'r');
  try {
    const { size } = await f.stat();
    if (size > maxBytes) throw new InputLimitError(tooLarge());
    // One byte more than allowed tells a file that grew since stat (or a pipe) from one that fits.
    const buf = Buffer.alloc(Math.min(maxBytes + 1, Math.max(size, 64 * 1024)));
    let length = 0;
    for (;;) {
      if (length === buf.length) {
        if (length > maxBytes) throw new InputLimitError(tooLarge());
        break;
      }
      const { bytesRead } = await f.read(buf, length, buf.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) throw new InputLimitError(tooLarge());
    return buf.subarray(0, length).toString('utf8');
  } finally {
    await f.close();
  }
}

/** What one run has read so far, against MAX_TOTAL_BYTES. */
export interface ReadBudget {
  verb: 'validate' | 'migrate';
  total: number;
}

/**
 * One input of an offline command (`-` is standard input) within the per-file limit and the run's
 * total; past either, an InputLimitError with the message to show for that input.
 */
export async function readBoundedInput(
  io: Pick<CliIO, 'readStdin'>,
  file: string,
  budget: ReadBudget,
): Promise<string> {
  if (budget.total > MAX_TOTAL_BYTES) throw new InputLimitError(totalTooLarge(budget.verb));
  const text = file === '-' ? await io.readStdin(MAX_INPUT_BYTES) : await readBoundedFile(file);
  budget.total += text.length;
  return text;
}

/**
 * The most documents the text can hold: every `---` or `...` at the start of a line is a document
 * marker wherever it appears (YAML 1.2 §9.1), so counting them is a cheap upper bound that needs no
 * parse, and a file of markers is refused before the parser builds millions of empty documents.
 */
export function documentCountProblem(text: string, max = MAX_DOCUMENTS): string | undefined {
  const marker = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;
  let n = 1;
  while (marker.exec(text)) if (++n > max + 1) break;
  // n - 1 markers make at most n documents; a leading `---` makes the first empty one disappear.
  if (n - 1 > max) return `more than ${max} YAML documents (the limit per file); split it into smaller files`;
  return undefined;
}

/** The message for a document whose aliases exceed MAX_ALIASES (the yaml library throws a ReferenceError). */
export function aliasProblem(e: unknown): string | undefined {
  if (e instanceof ReferenceError && /alias/i.test(e.message))
    return `more than ${MAX_ALIASES} YAML alias expansions; refused as a possible alias bomb (expand the aliases in the file)`;
  return undefined;
}
