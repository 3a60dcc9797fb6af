import { InputLimitError, tooLarge } from './input-limits.ts';

/** What a command may touch of the outside world, injected so unit tests can drive commands in-process. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Standard input as UTF-8; with maxBytes, an InputLimitError once more than that arrives. */
  readStdin(maxBytes?: number): Promise<string>;
  now(): Date;
}

/**
 * A reader that went away (`thv ... | head -1`) is normal use of a CLI, not an error: stop quietly,
 * as other command-line tools do, instead of dying with an EPIPE stack trace.
 */
export function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream, exit: (code: number) => void): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') exit(0);
    else throw e;
  });
}

export function processIO(): CliIO {
  exitQuietlyOnClosedPipe(process.stdout, (code) => process.exit(code));
  exitQuietlyOnClosedPipe(process.stderr, (code) => process.exit(code));
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    readStdin: async (maxBytes?: number) => {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of process.stdin) {
        size += (c as Buffer).length;
        // Stop reading (and holding) input past the limit: the rest is never buffered.
        if (maxBytes !== undefined && size > maxBytes) throw new InputLimitError(tooLarge());
        chunks.push(c as Buffer);
      }
      return Buffer.concat(chunks).toString('utf8');
    },
    now: () => new Date(),
  };
}

/** An IO that records everything, for tests. */
export function memoryIO(stdin = '', now = () => new Date()): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
    readStdin: async (maxBytes?: number) => {
      if (maxBytes !== undefined && Buffer.byteLength(stdin) > maxBytes)
        throw new InputLimitError(tooLarge());
      return stdin;
    },
    now,
  };
  return io;
}
