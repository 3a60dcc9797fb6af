/**
 * Exit codes and the errors commands throw. main.ts turns them into `error: …` on stderr and the
 * exit code; every message should say what to do next.
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  readonly exitCode: number;
  /** A second line telling the user what to do about it. */
  hint: string | undefined;
  constructor(message: string, hint?: string, exitCode: number = EXIT_FAILURE) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** Wrong or inconsistent flags and arguments: exit code 2. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, hint, EXIT_USAGE);
    this.name = 'UsageError';
  }
}

/**
 * An error the apiserver answered that we print verbatim, kubectl style:
 * `Error from server (Invalid): <the apiserver's message>`.
 */
export class ServerError extends CliError {
  constructor(reason: string, message: string, hint?: string) {
    super(`Error from server${reason ? ` (${reason})` : ''}: ${message}`, hint);
    this.name = 'ServerError';
  }
}

export function renderError(e: CliError): string {
  const first = e instanceof ServerError ? e.message : `error: ${e.message}`;
  return `${first}\n${e.hint ? `${e.hint}\n` : ''}`;
}
