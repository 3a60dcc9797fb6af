/** The root pino logger. Components take a child bound to their name; per-object logs add namespace/name. */
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export function createLogger(level: LevelWithSilent = 'info', component?: string): Logger {
  const root = pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
  return component ? root.child({ component }) : root;
}

export function forObject(log: Logger, namespace: string | undefined, name: string | undefined): Logger {
  return log.child({ namespace, name });
}
