/**
 * Resolution (the mutating half): fill every field the user left empty from the referenced entry and
 * record what was used. Pure: the webhook gathers the registry state and the served schema's field
 * names first. User-set fields always win; a second pass changes nothing (idempotent).
 */
import type { FieldError } from '../../api/field-error.ts';
import { closestNames } from './suggest.ts';
import { lookupEntry, type EntryIndex, type WorkloadEntry } from './entries.ts';
import { ANNOTATION_RESOLVED, SCHEMA_DEFAULTS, remoteUrlField, type KindInfo } from './kinds.ts';
import { msg } from './messages.ts';
import { lookupVersion } from './versions.ts';
import type { Reference } from './reference.ts';

export interface RegistryState {
  name: string;
  /** Phase from status; a registry without a stored catalog has no index. */
  phase?: string;
  index?: EntryIndex;
}

export interface ResolveInput {
  kind: KindInfo;
  name: string;
  namespace: string;
  object: Record<string, unknown>;
  /** Spec property names of the kind's served version (from the installed CRD). */
  fields: ReadonlySet<string>;
  ref: Reference;
  /** undefined: no such MCPRegistry in the namespace. */
  registry: RegistryState | undefined;
  /** The namespace's MCPRegistry names, for the suggestions of an unknown registry. */
  registryNames: readonly string[];
}

export interface PatchOp {
  op: 'add' | 'replace';
  path: string;
  value: unknown;
}

export interface ResolveResult {
  ops: PatchOp[];
  warnings: string[];
  errors: FieldError[];
  entry?: WorkloadEntry;
}

const rec = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const escape = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** The spec the user wrote, when kubectl recorded it (client-side apply's last-applied annotation). */
function lastApplied(object: Record<string, unknown>): Record<string, unknown> | undefined {
  const a = rec(rec(object.metadata)?.annotations);
  const text = a?.['kubectl.kubernetes.io/last-applied-configuration'];
  if (typeof text !== 'string' || text.length > 1_000_000) return undefined;
  try {
    return rec(rec(JSON.parse(text))?.spec) ?? {};
  } catch {
    return undefined;
  }
}

/**
 * Whether the user set this field. Empty values are unset; a value equal to ToolHive's schema default
 * counts as unset (the apiserver wrote it before admission) unless the user's applied manifest has it.
 */
function userSet(
  kind: KindInfo,
  spec: Record<string, unknown>,
  field: string,
  applied?: Record<string, unknown>,
) {
  const v = spec[field];
  if (v === undefined || v === null || v === '') return false;
  if (Array.isArray(v) && v.length === 0) return false;
  if (rec(v) && Object.keys(v as object).length === 0) return false;
  const d = SCHEMA_DEFAULTS[kind.kind][field];
  if (d !== undefined && v === d) return applied ? applied[field] !== undefined : false;
  return true;
}

/** The entry's permission profile as a builtin one, when it is exactly one of ToolHive's builtins. */
function builtinProfile(p: Record<string, unknown> | undefined): 'none' | 'network' | undefined {
  if (!p) return undefined;
  const out = rec(rec(p.network)?.outbound);
  const mounts = [p.read, p.write].some((m) => Array.isArray(m) && m.length > 0);
  if (mounts) return undefined;
  if (out?.insecure_allow_all === true) return 'network';
  const hosts = Array.isArray(out?.allow_host) && out.allow_host.length > 0;
  const ports = Array.isArray(out?.allow_port) && out.allow_port.length > 0;
  return hosts || ports ? undefined : 'none';
}

function refuse(errors: FieldError[]): ResolveResult {
  return { ops: [], warnings: [], errors };
}

export function resolveWorkload(input: ResolveInput): ResolveResult {
  const { kind, ref, registry } = input;
  if (!registry)
    return refuse([
      msg.unknownRegistry(
        ref.registry,
        input.namespace,
        closestNames(ref.registry, input.registryNames, 10, true),
      ),
    ]);
  if (!registry.index) return refuse([msg.notReady(registry.name, registry.phase)]);
  const found = lookupEntry(registry.index, ref.server);
  if ('ambiguous' in found) return refuse([msg.ambiguous(ref.server, registry.name, found.ambiguous)]);
  if ('missing' in found) {
    const names = [...registry.index.entries.keys()];
    return refuse([msg.unknownServer(ref.server, registry.name, closestNames(ref.server, names))]);
  }
  // A pinned older version resolves from the versions the registry source kept (versions.ts).
  const pinned = lookupVersion(found.found, registry.index.versions.get(found.found.name), ref.version);
  if (!('found' in pinned))
    return refuse([
      msg.version(
        ref.version,
        registry.name,
        found.found.fullName,
        found.found.version,
        pinned.available,
        pinned.total,
        'deleted' in pinned,
      ),
    ]);
  const entry = pinned.found;
  const fits = kind.runs === 'image' ? entry.kind === 'container' : entry.kind === 'remote';
  if (!fits) return refuse([msg.wrongKind(ref.server, entry.kind, kind.kind)]);

  const spec = rec(input.object.spec) ?? {};
  const ops: PatchOp[] = [];
  const warnings: string[] = [];
  if (!rec(input.object.spec)) ops.push({ op: 'add', path: '/spec', value: {} });
  const applied = lastApplied(input.object);
  const fill = (field: string, value: unknown) => {
    if (value === undefined || !input.fields.has(field) || userSet(kind, spec, field, applied)) return;
    if (JSON.stringify(spec[field]) === JSON.stringify(value)) return;
    ops.push({ op: spec[field] === undefined ? 'add' : 'replace', path: `/spec/${field}`, value });
  };
  const who = (field: string, entryValue: string | undefined) => {
    const v = spec[field];
    if (
      typeof v === 'string' &&
      entryValue !== undefined &&
      v !== entryValue &&
      userSet(kind, spec, field, applied)
    )
      warnings.push(msg.userWins(kind.kind, input.name, `spec.${field}`, v, entryValue));
  };
  if (kind.runs === 'image') fillServer(input, entry, spec, fill, who, ops, warnings);
  else fillRemote(input, entry, spec, fill, who, warnings);
  const resolved = `${entry.fullName}@${entry.version}`;
  const annotations = rec(rec(input.object.metadata)?.annotations);
  if (annotations?.[ANNOTATION_RESOLVED] !== resolved)
    ops.push({ op: 'add', path: `/metadata/annotations/${escape(ANNOTATION_RESOLVED)}`, value: resolved });
  return { ops, warnings, errors: [], entry };
}

type Fill = (field: string, value: unknown) => void;
type Who = (field: string, entryValue: string | undefined) => void;

function fillServer(
  input: ResolveInput,
  entry: WorkloadEntry,
  spec: Record<string, unknown>,
  fill: Fill,
  who: Who,
  ops: PatchOp[],
  warnings: string[],
) {
  const k = input.kind.kind;
  who('image', entry.image);
  fill('image', entry.image);
  fill('transport', entry.transport);
  if (entry.targetPort !== undefined && entry.transport !== 'stdio') {
    fill('mcpPort', entry.targetPort);
    if (!input.fields.has('mcpPort')) fill('targetPort', entry.targetPort);
  }
  fill('args', entry.args.length > 0 ? entry.args : undefined);
  const env = Array.isArray(spec.env) ? spec.env.map(rec) : [];
  const secrets = Array.isArray(spec.secrets) ? spec.secrets.map(rec) : [];
  const envNames = new Set(env.map((e) => e?.name));
  const secretNames = new Set(secrets.map((s) => s?.targetEnvName ?? s?.key));
  const add = entry.env.filter((e) => !e.secret && e.default !== undefined && !envNames.has(e.name));
  if (add.length > 0 && input.fields.has('env')) {
    const items = add.map((e) => ({ name: e.name, value: e.default }));
    if (!Array.isArray(spec.env)) ops.push({ op: 'add', path: '/spec/env', value: items });
    else for (const item of items) ops.push({ op: 'add', path: '/spec/env/-', value: item });
  }
  for (const e of entry.env) {
    if (!e.required || envNames.has(e.name) || secretNames.has(e.name)) continue;
    if (e.secret) warnings.push(msg.secretEnv(k, input.name, e.name, entry.name));
    else if (e.default === undefined) warnings.push(msg.requiredEnv(k, input.name, e.name, entry.name));
  }
  if (input.fields.has('permissionProfile') && !rec(spec.permissionProfile) && entry.permissions) {
    const builtin = builtinProfile(entry.permissions);
    if (builtin) fill('permissionProfile', { type: 'builtin', name: builtin });
    else warnings.push(msg.permissions(k, input.name, entry.name));
  }
}

function fillRemote(
  input: ResolveInput,
  entry: WorkloadEntry,
  spec: Record<string, unknown>,
  fill: Fill,
  who: Who,
  warnings: string[],
) {
  const urlField = remoteUrlField(input.fields);
  who(urlField, entry.url);
  fill(urlField, entry.url);
  const transport =
    entry.transport === 'sse' || entry.transport === 'streamable-http' ? entry.transport : undefined;
  fill('transport', transport);
  const hf = rec(spec.headerForward);
  const plain = rec(hf?.addPlaintextHeaders) ?? {};
  const fromSecret = Array.isArray(hf?.addHeadersFromSecret) ? hf.addHeadersFromSecret.map(rec) : [];
  const forwarded = new Set([...Object.keys(plain), ...fromSecret.map((h) => h?.headerName)]);
  const defaults = entry.headers.filter(
    (h) => !h.secret && h.default !== undefined && !forwarded.has(h.name),
  );
  if (defaults.length > 0 && input.fields.has('headerForward') && !hf)
    fill('headerForward', {
      addPlaintextHeaders: Object.fromEntries(defaults.map((h) => [h.name, h.default])),
    });
  for (const h of entry.headers)
    if (h.required && !forwarded.has(h.name) && (h.secret || h.default === undefined))
      warnings.push(msg.requiredHeader(input.kind.kind, input.name, h.name, entry.name));
}
