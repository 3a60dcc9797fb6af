/**
 * The product stack the integration suites run against, installed once per run by global-setup.ts
 * into the real control plane.
 *
 * Foundation stage: the CRD only, with conversion strategy None (the conversion webhook is not
 * wired yet). Objects must therefore be created and read in the same version.
 */
import { installCrd } from './cluster.ts';

export interface Stack {
  stop(): Promise<void>;
}

export async function installStack(): Promise<Stack> {
  await installCrd({ kind: 'none' });
  return { async stop() {} };
}
