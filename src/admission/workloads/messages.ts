/**
 * Every sentence workload admission says, in one place (docs/admission.md quotes them). Refusals are
 * field errors rendered like the apiserver's; warnings are plain sentences naming the object.
 */
import { formatFieldErrors, type FieldError } from '../../api/field-error.ts';
import { invalidStatus } from '../invalid-status.ts';
import {
  ANNOTATION_REGISTRY,
  ANNOTATION_SERVER,
  ANNOTATION_SERVER_VERSION,
  WORKLOAD_GROUP,
} from './kinds.ts';
import { annotationPath } from './reference.ts';

const q = JSON.stringify;

export const msg = {
  unknownRegistry: (name: string, namespace: string, closest: string[]): FieldError => ({
    type: 'Invalid',
    field: annotationPath(ANNOTATION_REGISTRY),
    value: name,
    detail:
      `no MCPRegistry ${q(name)} in namespace ${q(namespace)}` +
      (closest.length ? `; existing: ${closest.join(', ')}` : '; this namespace has no MCPRegistry'),
  }),
  notReady: (name: string, phase: string | undefined): FieldError => ({
    type: 'Invalid',
    field: annotationPath(ANNOTATION_REGISTRY),
    value: name,
    detail: `MCPRegistry ${q(name)} has no synced catalog yet (phase ${phase || 'Pending'}): retry once it is Ready`,
  }),
  unknownServer: (server: string, registry: string, closest: string[]): FieldError => ({
    type: 'Invalid',
    field: annotationPath(ANNOTATION_SERVER),
    value: server,
    detail:
      `no server ${q(server)} in MCPRegistry ${q(registry)}` +
      (closest.length ? `; closest: ${closest.join(', ')}` : '; the registry lists no servers'),
  }),
  ambiguous: (server: string, registry: string, names: string[]): FieldError => ({
    type: 'Invalid',
    field: annotationPath(ANNOTATION_SERVER),
    value: server,
    detail: `${q(server)} names several servers in MCPRegistry ${q(registry)}: ${names.join(', ')}; use the full name`,
  }),
  version: (
    wanted: string,
    registry: string,
    fullName: string,
    latest: string,
    available: string[],
    total: number,
    deleted: boolean,
  ): FieldError => ({
    type: 'Invalid',
    field: annotationPath(ANNOTATION_SERVER_VERSION),
    value: wanted,
    detail:
      `MCPRegistry ${q(registry)} has no version ${q(wanted)} of ${q(fullName)}` +
      (deleted ? ' (its source registry deleted it)' : '') +
      (total > available.length ? `; it has ${total} versions, the closest: ` : '; it has ') +
      `${available.map((v) => (v === latest ? `${q(v)} (latest)` : q(v))).join(', ')}; use "latest" or one of them`,
  }),
  wrongKind: (server: string, entryKind: string, kind: string): FieldError => ({
    type: 'Invalid',
    field: annotationPath(ANNOTATION_SERVER),
    value: server,
    detail:
      entryKind === 'remote'
        ? `${q(server)} is a remote server, which a ${kind} cannot run: reference it from an MCPRemoteProxy or MCPServerEntry`
        : entryKind === 'container'
          ? `${q(server)} is a container image, which a ${kind} cannot front: reference it from an MCPServer`
          : `${q(server)} has no OCI image and no remote URL (its packages are not containers): ToolHive cannot run it`,
  }),
  secretEnv: (kind: string, name: string, env: string, server: string) =>
    `${kind} ${q(name)}: required secret env var ${env} of ${q(server)} is not provided: add it to spec.secrets (targetEnvName: ${env}) from a Secret`,
  requiredEnv: (kind: string, name: string, env: string, server: string) =>
    `${kind} ${q(name)}: required env var ${env} of ${q(server)} has no default and is not set: add it to spec.env`,
  requiredHeader: (kind: string, name: string, header: string, server: string) =>
    `${kind} ${q(name)}: required header ${header} of ${q(server)} is not forwarded: add it to spec.headerForward.addHeadersFromSecret`,
  permissions: (kind: string, name: string, server: string) =>
    `${kind} ${q(name)}: the permission profile of ${q(server)} (specific hosts or mounts) has no builtin equivalent: spec.permissionProfile left unset; reference a ConfigMap profile to apply it`,
  userWins: (kind: string, name: string, field: string, value: string, entryValue: string) =>
    `${kind} ${q(name)}: ${field} ${q(value)} is yours and kept; the registry entry says ${q(entryValue)}`,
  notInRegistries: (field: string, what: string, value: string, checked: string[]): FieldError => ({
    type: 'Forbidden',
    field,
    detail: `${what} ${q(value)} is in none of the registries enforced in this namespace (checked: ${checked.join(', ')})`,
  }),
  ratcheted: (kind: string, name: string, what: string, value: string, checked: string[]) =>
    `${kind} ${q(name)}: ${what} ${q(value)} is in none of the registries enforced in this namespace (checked: ${checked.join(', ')}); allowed because this update does not change it`,
  notReResolved: (kind: string, name: string, errors: FieldError[]) =>
    `${kind} ${q(name)}: not resolved again, kept as it is: ${errors.map((e) => e.detail ?? '').join('; ')}`,
  enforcingNoData: (names: string[]) =>
    `enforcing registries without a synced catalog were skipped: ${names.join(', ')}`,
};

/**
 * The apiserver's Invalid status for a workload (group toolhive.stacklok.dev, the workload's kind);
 * Forbidden (403) when every error is a Forbidden one (enforcement).
 */
export function workloadInvalid(kind: string, name: string, errors: FieldError[]) {
  const status = invalidStatus(name, errors, { group: WORKLOAD_GROUP, kind });
  if (!errors.every((e) => e.type === 'Forbidden')) return status;
  return {
    ...status,
    code: 403,
    reason: 'Forbidden',
    message: `${kind}.${WORKLOAD_GROUP} ${q(name)} is forbidden: ${formatFieldErrors(errors)}`,
  };
}
