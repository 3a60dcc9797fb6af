/**
 * Storage version migration of MCPRegistries (SPEC §17, docs/operations.md): every object is written
 * back unchanged at the CRD's storage version, which makes the apiserver re-encode what etcd holds
 * (an object stored as v1alpha1 is read through the conversion webhook and written as v1beta1); then
 * the CRD's status.storedVersions is cut to the storage version, so a later release can stop serving
 * the old one. The same approach as kube-storage-version-migrator: a no-op update per object. An
 * object already in the storage version comes back unchanged (the apiserver does not write identical
 * bytes).
 */
import { isStatus, type KubeClient } from './client.ts';
import { CRD_NAME, GROUP, PLURAL } from '../api/constants.ts';

const CRDS = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' } as const;

interface Crd {
  spec: { versions: { name: string; storage: boolean }[] };
  status?: { storedVersions?: string[] };
}

interface Obj {
  metadata: { namespace?: string; name?: string; resourceVersion?: string };
}

export interface MigrationFailure {
  namespace: string;
  name: string;
  message: string;
}

export interface MigrationReport {
  storageVersion: string;
  /** status.storedVersions before the run, and after it (unchanged when an object failed or on a dry run). */
  storedVersionsBefore: string[];
  storedVersionsAfter: string[];
  objects: number;
  /** Objects written back; the apiserver re-encodes only those not yet in the storage version. */
  rewritten: number;
  /** Deleted while the migration ran: nothing to migrate. */
  gone: number;
  failed: MigrationFailure[];
}

export interface MigrationOptions {
  /** Report what would be done; write nothing. */
  dryRun?: boolean;
  /** Called once per object, after it was written back (or failed). */
  progress?: (namespace: string, name: string, error?: string) => void;
}

/** The update conflicts a busy object may cause before one write goes through. */
const MAX_CONFLICTS = 5;

export async function migrateStorage(
  client: KubeClient,
  opts: MigrationOptions = {},
): Promise<MigrationReport> {
  const crd = await client.get<Crd>({ ...CRDS, name: CRD_NAME });
  const storageVersion = crd.spec.versions.find((v) => v.storage)?.name;
  if (!storageVersion) throw new Error(`CustomResourceDefinition ${CRD_NAME} has no storage version`);
  const before = crd.status?.storedVersions ?? [];
  const ref = { group: GROUP, version: storageVersion, plural: PLURAL };
  const { items } = await client.list<Obj>(ref);
  const report: MigrationReport = {
    storageVersion,
    storedVersionsBefore: before,
    storedVersionsAfter: before,
    objects: items.length,
    rewritten: 0,
    gone: 0,
    failed: [],
  };
  for (const item of items) {
    const namespace = item.metadata.namespace ?? '';
    const name = item.metadata.name ?? '';
    if (opts.dryRun) continue;
    const error = await rewrite(client, { ...ref, namespace, name }, item);
    if (error === 'gone') report.gone++;
    else if (error) report.failed.push({ namespace, name, message: error });
    else report.rewritten++;
    opts.progress?.(namespace, name, error === 'gone' ? undefined : error);
  }
  const trimmed = before.length !== 1 || before[0] !== storageVersion;
  if (!opts.dryRun && report.failed.length === 0 && trimmed) {
    // Only through the status subresource: the CRD's spec is not touched (so no field manager of the
    // installation, Helm's or kustomize's, sees a change).
    const res = await client.patch<Crd>({ ...CRDS, name: CRD_NAME, subresource: 'status' }, 'merge', {
      status: { storedVersions: [storageVersion] },
    });
    report.storedVersionsAfter = res.body.status?.storedVersions ?? [];
  }
  return report;
}

/** One no-op update; undefined when written, 'gone' when deleted meanwhile, else the apiserver's message. */
async function rewrite(
  client: KubeClient,
  ref: { group: string; version: string; plural: string; namespace: string; name: string },
  listed: Obj,
): Promise<string | undefined> {
  let current: Obj | undefined = listed;
  for (let attempt = 0; ; attempt++) {
    try {
      await client.replace(ref, current);
      return undefined;
    } catch (e) {
      if (isStatus(e, 404)) return 'gone';
      if (!isStatus(e, 409) || attempt >= MAX_CONFLICTS) return (e as Error).message;
    }
    // Changed since it was read: whoever changed it wrote it in the storage version already, but
    // write again from the fresh copy rather than assume it.
    current = await client.find<Obj>(ref);
    if (!current) return 'gone';
  }
}
