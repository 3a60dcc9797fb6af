/**
 * Kubernetes Events (core/v1) about a registry, for `kubectl describe` and `thv registry info`.
 *
 * Aggregated like client-go's recorder: the same source, object, type, reason and message make one
 * Event whose `count` rises and `lastTimestamp` moves, so a registry failing every few seconds shows
 * `SyncFailed (x5)` instead of five identical lines (and `info`'s last-10 list stays readable).
 * Unlike client-go, the aggregation key is in the Event's name (a hash of it), not only in a process
 * cache: a restarted operator or a new leader keeps counting on the same Event instead of starting over.
 * A new Event is one request (create) and so is a repeat this process wrote before (replace).
 */
import { createHash } from 'node:crypto';
import { isStatus, type KubeClient } from '../kube/client.ts';
import { GROUP, KIND } from '../api/constants.ts';

export interface EventTarget {
  namespace: string;
  name: string;
  uid: string;
  resourceVersion?: string;
}

interface CoreEvent {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  [key: string]: unknown;
}

/** The longest message an Event keeps (the apiserver refuses longer ones). */
export const MAX_EVENT_MESSAGE = 1024;
/** Attempts at a read-modify-write that meets concurrent writers before giving up. */
const ATTEMPTS = 5;

/**
 * The Event's name: the object's name and a hash of what makes two events "the same". The object's
 * uid is part of the key, so a registry deleted and created again under the same name starts afresh.
 */
export function eventName(
  target: EventTarget,
  type: string,
  reason: string,
  message: string,
  component: string,
): string {
  const key = [component, KIND, target.namespace, target.name, target.uid, type, reason, message].join('\0');
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 16);
  // Event names are DNS subdomains (≤ 253); registry names are far shorter, but never overflow.
  return `${target.name.slice(0, 200)}.${hash}`;
}

/** How many Events the recorder remembers (the last written copy of each, for a one-request update). */
const REMEMBERED = 1000;

/**
 * Records Events, remembering the last copy it wrote of each so that counting a repeat is one request
 * (a replace with that copy's resourceVersion), as a first Event is (a create). When the memory is
 * stale (another replica counted, the Event expired) the apiserver says so (409, 404) and the recorder
 * reads the Event and tries again. One recorder per process; tests may make their own.
 */
export class EventRecorder {
  private readonly known = new Map<string, CoreEvent>();

  async record(
    client: KubeClient,
    target: EventTarget,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    component = 'mcp-registry-operator',
    now: () => Date = () => new Date(),
  ): Promise<void> {
    const text = message.slice(0, MAX_EVENT_MESSAGE);
    const name = eventName(target, type, reason, text, component);
    const key = `${target.namespace}/${name}`;
    const ref = { group: '', version: 'v1', plural: 'events', namespace: target.namespace };
    let existing = this.known.get(key);
    // Without a remembered copy, try to create: only a repeat after a restart pays for a read.
    let mayExist = existing !== undefined;
    for (let i = 0; i < ATTEMPTS; i++) {
      const stamp = now().toISOString();
      if (mayExist && !existing) existing = await client.find<CoreEvent>({ ...ref, name });
      try {
        const written = existing
          ? // resourceVersion precondition: two replicas (or two quick retries) never lose a count.
            await client.replace<CoreEvent>(
              { ...ref, name },
              { ...existing, count: (existing.count ?? 1) + 1, lastTimestamp: stamp },
            )
          : await client.create<CoreEvent>(ref, {
              metadata: { name, namespace: target.namespace },
              involvedObject: {
                apiVersion: `${GROUP}/v1beta1`,
                kind: KIND,
                name: target.name,
                namespace: target.namespace,
                uid: target.uid,
                resourceVersion: target.resourceVersion,
              },
              reason,
              message: text,
              type,
              source: { component },
              firstTimestamp: stamp,
              lastTimestamp: stamp,
              count: 1,
              reportingComponent: component,
              reportingInstance: process.env.HOSTNAME ?? 'local',
            });
        this.remember(key, written.body);
        return;
      } catch (e) {
        // 409: someone else created or counted it first; 404: it expired (events have a TTL).
        if (!isStatus(e, 409) && !isStatus(e, 404)) throw e;
        this.known.delete(key);
        mayExist = isStatus(e, 409);
        existing = undefined;
      }
    }
    throw new Error(`event ${key}: still conflicting after ${ATTEMPTS} attempts`);
  }

  private remember(key: string, event: CoreEvent): void {
    this.known.delete(key);
    this.known.set(key, event);
    if (this.known.size > REMEMBERED) this.known.delete(this.known.keys().next().value ?? '');
  }
}

const shared = new EventRecorder();

/** Records through the process's recorder (see EventRecorder). */
export const recordEvent: EventRecorder['record'] = (...args) => shared.record(...args);
