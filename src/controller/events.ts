/** Kubernetes Events (core/v1) about a registry, for `kubectl describe` and `thv registry info`. */
import { randomBytes } from 'node:crypto';
import type { KubeClient } from '../kube/client.ts';
import { GROUP, KIND } from '../api/constants.ts';

export interface EventTarget {
  namespace: string;
  name: string;
  uid: string;
  resourceVersion?: string;
}

export async function recordEvent(
  client: KubeClient,
  target: EventTarget,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
  component = 'mcp-registry-operator',
): Promise<void> {
  const now = new Date().toISOString();
  await client.create(
    { group: '', version: 'v1', plural: 'events', namespace: target.namespace },
    {
      metadata: { name: `${target.name}.${randomBytes(8).toString('hex')}`, namespace: target.namespace },
      involvedObject: {
        apiVersion: `${GROUP}/v1beta1`,
        kind: KIND,
        name: target.name,
        namespace: target.namespace,
        uid: target.uid,
        resourceVersion: target.resourceVersion,
      },
      reason,
      message: message.slice(0, 1024),
      type,
      source: { component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      reportingComponent: component,
      reportingInstance: process.env.HOSTNAME ?? 'local',
    },
  );
}
