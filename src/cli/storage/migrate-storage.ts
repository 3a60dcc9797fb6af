/**
 * `thv registry migrate-storage`: the documented step after an upgrade that changed the CRD's storage
 * version (docs/operations.md): every MCPRegistry is written back so etcd holds it in the storage
 * version, then the CRD's status.storedVersions is cut to that version (src/kube/storage-migration.ts).
 * Cluster-wide: it needs update on mcpregistries in every namespace and patch on
 * customresourcedefinitions/status.
 */
import type { Command } from 'commander';
import { CRD_NAME } from '../../api/constants.ts';
import { migrateStorage } from '../../kube/storage-migration.ts';
import type { Cluster } from '../cluster.ts';
import { CliError } from '../errors.ts';
import type { CliIO } from '../io.ts';

const list = (versions: string[]) => `[${versions.join(', ')}]`;

export async function runMigrateStorage(
  cluster: Cluster,
  io: CliIO,
  opts: { dryRun?: boolean },
): Promise<void> {
  const report = await cluster.call({}, () =>
    migrateStorage(cluster.client, {
      dryRun: opts.dryRun,
      progress: (namespace, name, error) =>
        error
          ? io.err(`${namespace}/${name}: not rewritten: ${error}\n`)
          : io.out(`${namespace}/${name}: rewritten\n`),
    }),
  );
  const { storageVersion, storedVersionsBefore: before, objects, rewritten, gone, failed } = report;
  if (opts.dryRun) {
    io.out(
      `would rewrite ${objects} MCPRegistries as ${storageVersion} and set status.storedVersions of ${CRD_NAME} from ${list(before)} to [${storageVersion}] (dry run: nothing written)\n`,
    );
    return;
  }
  if (failed.length)
    throw new CliError(
      `${failed.length} of ${objects} MCPRegistries could not be rewritten; status.storedVersions of ${CRD_NAME} stays ${list(before)}.`,
      'Fix what the lines above say (or delete those registries) and run `thv registry migrate-storage` again: it is safe to repeat.',
    );
  const deleted = gone ? ` (${gone} deleted meanwhile)` : '';
  io.out(
    `${rewritten} MCPRegistries rewritten as ${storageVersion}${deleted}; status.storedVersions of ${CRD_NAME}: ${list(before)} -> ${list(report.storedVersionsAfter)}\n`,
  );
}

export function registerMigrateStorage(
  registry: Command,
  io: CliIO,
  connect: (cmd: Command) => Promise<Cluster>,
  examples: (lines: string[]) => string,
): void {
  registry
    .command('migrate-storage')
    .description(
      `Rewrite every MCPRegistry in the cluster in the CRD's storage version, then set ${CRD_NAME}'s status.storedVersions to only that version (run once after an upgrade that changed the storage version).`,
    )
    .option('--dry-run', 'say what would be done; write nothing')
    .addHelpText(
      'after',
      examples(['thv registry migrate-storage --dry-run', 'thv registry migrate-storage']),
    )
    .action(async (opts: { dryRun?: boolean }, cmd: Command) =>
      runMigrateStorage(await connect(cmd), io, { dryRun: opts.dryRun }),
    );
}
