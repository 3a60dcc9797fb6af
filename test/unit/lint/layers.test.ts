/** The layering rules of eslint.config.js fire where they must and stay quiet where imports are allowed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: resolve(import.meta.dirname, '../../..') });

async function errorsOf(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: file });
  return (r?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const cases: [file: string, importPath: string, refusedBecause: RegExp | undefined][] = [
  [
    'src/admission/x.ts',
    '../controller/main.ts',
    /core \(api, admission, registry, storage format\) imports only core/,
  ],
  ['src/api/schema/x.ts', '../../kube/client.ts', /imports only core/],
  ['src/registry/x.ts', 'node:fs', /core is pure/],
  ['src/registry/x.ts', '../api/types.ts', undefined],
  ['src/storage/layout.ts', './configmaps.ts', /the storage format is pure/],
  ['src/storage/layout.ts', '../kube/client.ts', /the storage format is core/],
  ['src/storage/configmaps.ts', '../kube/client.ts', undefined],
  ['src/storage/configmaps.ts', '../sources/index.ts', /storage is I\/O/],
  ['src/kube/x.ts', '../storage/configmaps.ts', /kube is the lowest I\/O layer/],
  ['src/sources/x.ts', '../admission/policy.ts', undefined],
  ['src/controller/x.ts', '../registry-api/handler.ts', /adapters never import each other/],
  ['src/cli/x.ts', '../webhook/main.ts', /adapters never import each other/],
  ['src/webhook/x.ts', '../local/stack.ts', /adapters never import each other/],
  ['src/registry-api/x.ts', '../ui/server/route.ts', undefined],
  ['src/controller/x.ts', '../storage/configmaps.ts', undefined],
  ['src/bin/x.ts', '../controller/main.ts', undefined],
  ['src/local/x.ts', '../registry-api/server.ts', undefined],
  ['src/config/x.ts', '../kube/client.ts', /support modules import only core/],
  ['src/http/x.ts', '../registry-api/handler.ts', /support modules import only core/],
  ['src/webhook/x.ts', '../http/guard.ts', undefined],
  // Rooms inside the adapters (issue #27): neighbours allowed, other rooms and the composers not.
  ['src/controller/sync/x.ts', '../watch/informer.ts', undefined],
  ['src/controller/sync/x.ts', '../federation/registry-refs.ts', undefined],
  ['src/controller/sync/x.ts', '../events.ts', undefined],
  ['src/controller/sync/x.ts', '../leadership/lease.ts', /controller\/sync room imports only/],
  ['src/controller/watch/x.ts', '../sync/reconciler.ts', /controller\/watch room imports only/],
  ['src/controller/workload/x.ts', '../federation/registry-refs.ts', /controller\/workload room/],
  ['src/controller/federation/x.ts', '../workload/api-workload.ts', undefined],
  ['src/controller/sync/x.ts', '../manager.ts', /compose the controller's rooms/],
  ['src/controller/sync/deep/x.ts', '../../leadership/lease.ts', /controller\/sync room imports only/],
  ['src/controller/main.ts', './sync/reconciler.ts', undefined],
  ['src/cli/validate/x.ts', '../verbs/add.ts', /cli\/validate room imports only/],
  ['src/cli/verbs/x.ts', '../program.ts', /compose the cli's rooms/],
  ['src/cli/verbs/x.ts', '../io.ts', undefined],
  // A room named like a top-level folder forbids the sibling room, not the layer below.
  ['src/cli/verbs/x.ts', '../../storage/configmaps.ts', undefined],
  ['src/cli/verbs/x.ts', '../storage/x.ts', /cli\/verbs room imports only/],
  ['src/cli/verbs/x.ts', '../../controller/main.ts', /adapters never import each other/],
  ['src/registry-api/mcp/x.ts', '../snapshot/snapshot.ts', undefined],
  ['src/registry-api/access/x.ts', '../snapshot/snapshot.ts', /registry-api\/access room imports only/],
  ['src/registry-api/snapshot/x.ts', '../handler.ts', /compose the registry-api's rooms/],
  ['src/registry-api/mcp/x.ts', '../../cli/main.ts', /adapters never import each other/],
  ['src/admission/source-rules/x.ts', '../policy/policy.ts', undefined],
  ['src/admission/policy/x.ts', '../source-rules/url.ts', /admission\/policy room imports only/],
  ['src/admission/workloads/x.ts', '../validate.ts', /compose the admission's rooms/],
  // A room of the core keeps the core rule: no I/O.
  ['src/admission/policy/x.ts', '../../kube/client.ts', /imports only core/],
  ['src/admission/source-rules/x.ts', 'node:dns', /core is pure/],
];
for (const [file, importPath, why] of cases)
  test(`${file} importing ${importPath} is ${why ? 'refused' : 'allowed'}`, async () => {
    const errors = await errorsOf(file, `import '${importPath}';\n`);
    if (!why) assert.deepEqual(errors, []);
    else {
      assert.equal(errors.length, 1, errors.join('\n'));
      assert.match(errors[0] ?? '', why);
    }
  });
