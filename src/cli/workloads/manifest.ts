/**
 * `thv registry manifest REGISTRY SERVER`: print a ToolHive workload that references the entry, in
 * the version and field names of the CRD installed in the cluster, ready for `kubectl apply -f -`.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { Cluster } from '../cluster.ts';
import { CliError, UsageError } from '../errors.ts';
import type { CliIO } from '../io.ts';
import {
  WORKLOAD_KINDS,
  kindInfo,
  toYaml,
  workloadManifest,
  type WorkloadKind,
} from '../../admission/workloads/index.ts';
import { registryIndex, servedSchema } from './catalog.ts';

export interface ManifestOptions {
  kind?: string;
  name?: string;
  version?: string;
  group?: string;
}

export async function runManifest(
  cluster: Cluster,
  io: CliIO,
  registry: string,
  server: string,
  o: ManifestOptions,
): Promise<void> {
  if (cluster.allNamespaces)
    throw new UsageError(
      '-A/--all-namespaces cannot be used with manifest',
      'Name the namespace of the MCPRegistry with -n NAMESPACE.',
    );
  const ns = cluster.namespace;
  const kind = o.kind === undefined ? undefined : kindInfo(o.kind);
  if (o.kind !== undefined && !kind)
    throw new UsageError(
      `--kind: unsupported value "${o.kind}"`,
      `Use one of ${WORKLOAD_KINDS.map((k) => k.kind).join(', ')}.`,
    );
  const index = await registryIndex(cluster, ns, registry);
  const entry = index.entries.get(server) ?? index.entries.get(index.byFullName.get(server) ?? '');
  const chosen = kind ?? kindInfo(entry?.kind === 'remote' ? 'MCPRemoteProxy' : 'MCPServer');
  const schema = chosen ? await servedSchema(cluster, chosen) : undefined;
  if (chosen && !schema)
    io.err(
      `warning: ToolHive's ${chosen.kind} CRD is not installed in this cluster: kubectl apply will not accept the manifest until it is\n`,
    );
  const r = workloadManifest({
    registry,
    server,
    index,
    ...(kind && { kind: kind.kind as WorkloadKind }),
    ...(o.name && { name: o.name }),
    namespace: ns,
    ...(o.version && { version: o.version }),
    ...(o.group && { group: o.group }),
    ...(schema && { apiVersion: schema.apiVersion, fields: schema.fields }),
  });
  if ('errors' in r) throw new CliError(r.errors.map((e) => e.detail ?? '').join('; '));
  for (const w of r.warnings) io.err(`warning: ${w}\n`);
  io.out(toYaml(r.manifest));
}

export function registerManifest(
  registry: Command,
  io: CliIO,
  connect: (cmd: Command) => Promise<Cluster>,
  examples: (lines: string[]) => string,
): void {
  registry
    .command('manifest')
    .argument('<registry>', 'the MCPRegistry (in -n NAMESPACE)')
    .argument('<server>', 'the server entry: short or full name')
    .description(
      'Print a ToolHive workload (MCPServer, MCPRemoteProxy, MCPServerEntry) that runs a catalog entry, ready for kubectl apply.',
    )
    .addOption(
      new Option(
        '--kind <kind>',
        'workload kind (default: MCPServer for images, MCPRemoteProxy for remotes)',
      ).choices(WORKLOAD_KINDS.map((k) => k.kind)),
    )
    .option('--name <name>', "the workload's name (default: from the server's name)")
    .option('--version <version>', 'pin the entry version (server-version annotation)')
    .option('--group <name>', "MCPServerEntry's groupRef (default: default)")
    .addHelpText(
      'after',
      examples([
        'thv registry manifest corp fetch | kubectl apply -f -',
        'thv registry manifest corp atlassian --kind MCPServerEntry -n team-a',
      ]),
    )
    .action(async (reg: string, server: string, opts: ManifestOptions, cmd: Command) =>
      runManifest(await connect(cmd), io, reg, server, opts),
    );
}
