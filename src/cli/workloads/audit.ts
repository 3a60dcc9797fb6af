/**
 * `thv registry audit [-n NS | -A] [--policy FILE]`: the ToolHive workloads that enforcement would
 * refuse today (created before a registry enforced, or before their entry left the catalog), with the
 * reason admission would give. Read only: nothing is changed.
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import type { Cluster } from '../cluster.ts';
import { CliError } from '../errors.ts';
import { table } from '../format.ts';
import type { CliIO } from '../io.ts';
import { parsePolicy } from '../../admission/index.ts';
import { readStoredCatalog } from '../../storage/configmaps.ts';
import {
  EXEMPT_VALUE,
  LABEL_EXEMPT,
  WORKLOAD_GROUP,
  WORKLOAD_KINDS,
  auditWorkloads,
  indexEntries,
  type AuditSubject,
  type CheckedRegistry,
  type EntryIndex,
} from '../../admission/workloads/index.ts';
import { servedSchema } from './catalog.ts';

interface Meta {
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: { enforceServers?: boolean };
}

export async function runAudit(cluster: Cluster, io: CliIO, o: { policy?: string }): Promise<void> {
  const ns = cluster.allNamespaces ? undefined : cluster.namespace;
  let policyRegistries: { namespace: string; name: string }[] = [];
  if (o.policy) {
    try {
      policyRegistries = parsePolicy(readFileSync(o.policy, 'utf8')).workloads?.registries ?? [];
    } catch (e) {
      throw new CliError(`--policy ${o.policy}: ${(e as Error).message}`);
    }
  }
  const indexes = new Map<string, EntryIndex | undefined>();
  const indexOf = async (namespace: string, name: string) => {
    const key = `${namespace}/${name}`;
    if (!indexes.has(key)) {
      const stored = await readStoredCatalog(cluster.client, namespace, name);
      indexes.set(key, stored && indexEntries(stored.catalog));
    }
    return indexes.get(key);
  };
  const registries = (await cluster.client.list<Meta>(cluster.registries(ns))).items;
  const subjects: AuditSubject[] = [];
  for (const kind of WORKLOAD_KINDS) {
    const schema = await servedSchema(cluster, kind);
    if (!schema) continue;
    const [, version] = schema.apiVersion.split('/');
    const path = `/apis/${WORKLOAD_GROUP}/${version}${ns ? `/namespaces/${encodeURIComponent(ns)}` : ''}/${kind.plural}`;
    const list = await cluster.client.request<{ items: (Meta & Record<string, unknown>)[] }>(path);
    for (const item of list.body.items)
      subjects.push({
        kind,
        namespace: item.metadata.namespace ?? '',
        name: item.metadata.name,
        object: item,
        fields: schema.fields,
      });
  }
  const enforcement = new Map<string, { namespace: CheckedRegistry[]; policy: CheckedRegistry[] }>();
  for (const namespace of new Set(subjects.map((s) => s.namespace))) {
    const own = registries.filter((r) => r.metadata.namespace === namespace);
    const enforcing = own.some((r) => r.spec?.enforceServers === true);
    const nsSet = enforcing
      ? await Promise.all(
          own.map(async (r) => ({
            label: r.metadata.name,
            index: await indexOf(namespace, r.metadata.name),
          })),
        )
      : [];
    let policySet: CheckedRegistry[] = [];
    if (policyRegistries.length > 0) {
      const nsObj = await cluster.client.find<Meta>({
        group: '',
        version: 'v1',
        plural: 'namespaces',
        name: namespace,
      });
      if (nsObj?.metadata.labels?.[LABEL_EXEMPT] !== EXEMPT_VALUE)
        policySet = await Promise.all(
          policyRegistries.map(async (p) => ({
            label: `${p.namespace}/${p.name}`,
            index: await indexOf(p.namespace, p.name),
          })),
        );
    }
    const strip = (rs: { label: string; index?: EntryIndex | undefined }[]) =>
      rs.map((r) => ({ label: r.label, ...(r.index && { index: r.index }) }));
    enforcement.set(namespace, { namespace: strip(nsSet), policy: strip(policySet) });
  }
  const rows = auditWorkloads(subjects, (n) => enforcement.get(n) ?? { namespace: [], policy: [] });
  const where = ns ? `namespace "${ns}"` : 'any namespace';
  if (rows.length === 0) {
    io.out(`No non-compliant workloads in ${where}.\n`);
    return;
  }
  io.out(
    table(
      ['NAMESPACE', 'KIND', 'NAME', 'IMAGE/URL', 'REASON'],
      rows.map((r) => [r.namespace, r.kind, r.name, r.value, r.reason]),
    ),
  );
  io.err(`${rows.length} non-compliant workload(s) in ${where}: reported only, never changed\n`);
}

export function registerAudit(
  registry: Command,
  io: CliIO,
  connect: (cmd: Command) => Promise<Cluster>,
  examples: (lines: string[]) => string,
): void {
  registry
    .command('audit')
    .description(
      'List ToolHive workloads that registry enforcement would refuse today (created before it), with the reason. Read only.',
    )
    .option('--policy <file>', 'the platform policy file, to check its workloads.registries too')
    .addHelpText(
      'after',
      examples(['thv registry audit -n team-a', 'thv registry audit -A --policy policy.yaml']),
    )
    .action(async (opts: { policy?: string }, cmd: Command) => runAudit(await connect(cmd), io, opts));
}
