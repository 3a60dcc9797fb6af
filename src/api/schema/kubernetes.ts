/** The `kubernetes` source's sub-object (SPEC §12) and the one-of rule for optional sub-objects. */
import { Type } from '@sinclair/typebox';
import { LIMITS } from '../constants.ts';
import { DNS_LABEL_PATTERN, list, obj, str } from './common.ts';

/**
 * A `kubernetes` source (SPEC §12): the ToolHive workloads already running in the cluster that carry
 * ToolHive's export annotations. Same shape in both API versions; every field optional.
 */
export const kubernetesSource = obj(
  {
    namespaces: Type.Optional(
      list(
        str(
          'A namespace to discover workloads in. Another namespace than the registry’s own must consent in its `toolhive.stacklok.io/discovery-readers` annotation, and the platform policy must allow cross-namespace discovery; otherwise it reads as empty.',
          { minLength: 1, maxLength: LIMITS.dnsLabel, pattern: DNS_LABEL_PATTERN },
        ),
        'Namespaces whose workloads are cataloged; defaults to the registry’s own namespace.',
        { maxItems: LIMITS.discoveryNamespaces },
      ),
    ),
  },
  'MCP workloads running in the cluster (ToolHive MCPServer, MCPRemoteProxy, MCPServerEntry, VirtualMCPServer) annotated `toolhive.stacklok.dev/registry-export: "true"`, as remote servers at their `registry-url`. Optional when type is `kubernetes`; must not be set otherwise.',
);

/** Source types whose sub-object may be left out (everything in it has a default). */
export const OPTIONAL_SUB_OBJECT: ReadonlySet<string> = new Set(['kubernetes']);

/** CEL: the sub-object named by `type` is set (none for a type whose sub-object is optional). */
export function requiredSubObject(type: string, field: string) {
  if (OPTIONAL_SUB_OBJECT.has(type)) return [];
  return [
    {
      rule: `self.type != '${type}' || has(self.${field})`,
      message: `${field} is required when type is '${type}'`,
      fieldPath: `.${field}`,
      reason: 'FieldValueRequired',
    },
  ];
}
