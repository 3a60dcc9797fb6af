/** The registry API Deployment passes the MCPRegistry's displayName on (issue #32.4: the page header shows it). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredApiObjects } from '../../../src/controller/workload/api-workload.ts';

const argsOf = (displayName?: string) =>
  (
    desiredApiObjects(
      {
        apiVersion: 'toolhive.stacklok.io/v1beta1',
        kind: 'MCPRegistry',
        metadata: { name: 'r', namespace: 'n', uid: 'u' },
        spec: {
          ...(displayName !== undefined && { displayName }),
          sources: [{ name: 's', type: 'url', url: { href: 'https://x' } }],
        },
      },
      'img',
    ).find((o) => o.kind === 'Deployment') as unknown as {
      spec: { template: { spec: { containers: { args: string[] }[] } } };
    }
  ).spec.template.spec.containers[0]!.args;

test('--display-name follows spec.displayName, and is absent without one', () => {
  const cases: [string | undefined, string | undefined][] = [
    ['Platform MCP catalog', 'Platform MCP catalog'],
    [undefined, undefined],
    ['', undefined],
  ];
  for (const [given, want] of cases) {
    const args = argsOf(given);
    const i = args.indexOf('--display-name');
    assert.equal(i === -1 ? undefined : args[i + 1], want, String(given));
  }
});
