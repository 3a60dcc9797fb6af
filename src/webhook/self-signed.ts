/** Placeholder replaced below. */
import type { Logger } from 'pino';
import type { OperatorConfig } from '../config/operator-config.ts';

export async function startSelfSigned(_config: OperatorConfig, _log: Logger): Promise<{ stop(): void }> {
  throw new Error('self-signed mode is not available yet');
}
