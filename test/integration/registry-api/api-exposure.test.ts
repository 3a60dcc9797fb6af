/**
 * `spec.api.basePath`, `spec.api.ingress` and `spec.api.httpRoute` (SPEC §13) on the shared stack (real
 * apiserver, our admission and conversion webhooks) with a real controller: admission's messages as
 * kubectl shows them; an Ingress and an HTTPRoute created (with strict field validation) by the
 * controller, a hand edit reverted by a resync, removal when the field goes; an httpRoute while the
 * Gateway API is not installed (the released CRDs of sigs.k8s.io/gateway-api, test/gateway-api/crds.sh)
 * gets a readable condition, and its route as soon as the CRD is installed, with no restart; the v1alpha1
 * view keeps every new field.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  client,
  createNamespace,
  eventually,
  kubeconfigPath,
  kubectl,
  kubectlOk,
  grantUser,
} from '../../support/cluster.ts';
import { startController, type ControllerProcess } from '../../support/controller.ts';
import { REGISTRIES } from '../../../src/kube/mcpregistries.ts';
import { ANNOTATION_V1BETA1_SPEC } from '../../../src/api/constants.ts';
import type { MCPRegistryV1beta1 } from '../../../src/api/types.ts';
import { FIXTURE, getReg, putConfigMap, registry, waitPhase } from '../controller/helpers.ts';

const ROUTE_CRD = 'httproutes.gateway.networking.k8s.io';
let ns: string;
let ctrl: ControllerProcess;
const source = [{ name: 'main', type: 'configmap' as const, configMapRef: { name: 'catalog' } }];

const get = <T>(kind: string, name: string): T =>
  JSON.parse(kubectlOk(['get', kind, name, '-n', ns, '-o', 'json'])) as T;
const exists = (kind: string, name: string) => kubectl(['get', kind, name, '-n', ns]).code === 0;
const patchRegistry = (name: string, spec: unknown) =>
  kubectlOk(['patch', 'mcpregistry', name, '-n', ns, '--type=merge', '-p', JSON.stringify({ spec })]);
const trigger = (name: string, value: string) =>
  kubectlOk([
    'annotate',
    'mcpregistry',
    name,
    '-n',
    ns,
    '--overwrite',
    `toolhive.stacklok.io/sync-trigger=${value}`,
  ]);
const apiReady = async (name: string) =>
  (await getReg(ns, name)).status?.conditions?.find((c) => c.type === 'APIReady');

before(async () => {
  // The Gateway API is not there when the operator starts (a file before may have installed it).
  kubectlOk(['delete', 'crd', ROUTE_CRD, '--ignore-not-found', '--wait=true']);
  ns = await createNamespace('api-exposure');
  await putConfigMap(ns, 'catalog', { 'registry.json': FIXTURE });
  ctrl = controller();
});
const controller = () =>
  startController({
    kubeconfig: kubeconfigPath(),
    namespaces: [ns],
    extraArgs: [
      '--deploy-registry-api=true',
      '--registry-api-image=example.invalid/thv:test',
      '--registry-api-ingress-class=platform-nginx',
    ],
  });
after(async () => {
  await ctrl?.stop();
  kubectl(['delete', 'crd', ROUTE_CRD, '--ignore-not-found', '--wait=false']);
});

const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const refused: [string, unknown, string][] = [
  [
    'basepath',
    { basePath: '/registry/' },
    `spec.api.basePath: Invalid value: "/registry/": must be segments of letters, digits, '-', '.', '_' or '~', each after a '/', with no trailing '/' and no '.' or '..' segment, e.g. '/registry'`,
  ],
  [
    'host',
    { ingress: { host: 'Registry.Example.com' } },
    `spec.api.ingress.host: Invalid value: "Registry.Example.com": ${SUBDOMAIN}`,
  ],
  [
    'tls',
    { ingress: { host: 'r.example.com', tls: { secretName: 'My_Cert' } } },
    `spec.api.ingress.tls.secretName: Invalid value: "My_Cert": ${SUBDOMAIN}`,
  ],
  [
    'beside',
    { basePath: '/registry', httpRoute: { parentRefs: [{ name: 'gw' }], path: '/other' } },
    'spec.api.httpRoute.path: Invalid value: "/other": routes nothing the API serves: it serves under spec.api.basePath "/registry"; use that path (the default), a path above it or one under it',
  ],
  // The CRD's own CEL rule answers first, in the same words admission uses inside a v1alpha1 stash.
  [
    'both',
    { ingress: {}, httpRoute: { parentRefs: [{ name: 'gw' }] } },
    'spec.api.httpRoute: Forbidden: at most one of ingress or httpRoute may be set',
  ],
];
for (const [name, bad, message] of refused)
  test(`admission refuses a bad exposure (${name}) with the exact message`, () => {
    const r = kubectl(
      ['apply', '-f', '-'],
      registry(ns, `bad-${name}`, { sources: source, api: bad } as never),
    );
    assert.equal(r.code, 1, r.stdout);
    assert.equal(r.stderr, `The MCPRegistry "bad-${name}" is invalid: ${message}`);
  });

/** A tenant who may write MCPRegistries in the namespace, and with `ingresses` also create Ingresses. */
function tenant(user: string, ingresses: boolean): void {
  grantUser(ns, user, [
    {
      apiGroups: ['toolhive.stacklok.io'],
      resources: ['mcpregistries'],
      verbs: ['get', 'list', 'create', 'update', 'patch'],
    },
    ...(ingresses ? [{ apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['create'] }] : []),
  ]);
}

test('only an author who may create an Ingress (HTTPRoute) may have the operator create one', async () => {
  tenant('alice', false);
  tenant('bob', true);
  const withApi = (name: string, api: unknown) => registry(ns, name, { sources: source, api } as never);
  const as = (user: string, obj: object) =>
    kubectl(['create', '--dry-run=server', '--as', user, '-f', '-'], obj);
  // The webhook loads its Kubernetes client on the first question: a refusal saying so is retried.
  const first = await eventually('a loaded client', () => {
    const r = as('alice', withApi('tenant-ing', { ingress: { host: 'r.example.com' } }));
    return /still loading|did not answer/.test(r.stderr) ? undefined : r;
  });
  assert.equal(first.code, 1);
  assert.equal(
    first.stderr,
    `The MCPRegistry "tenant-ing" is invalid: spec.api.ingress: Forbidden: user "alice" cannot create ingresses.networking.k8s.io in namespace "${ns}" (missing permission: create ingresses): a registry may ask the operator for an exposure only its author could create`,
  );
  const route = as('bob', withApi('tenant-route', { httpRoute: { parentRefs: [{ name: 'gw' }] } }));
  assert.equal(route.code, 1);
  assert.equal(
    route.stderr,
    `The MCPRegistry "tenant-route" is invalid: spec.api.httpRoute: Forbidden: user "bob" cannot create httproutes.gateway.networking.k8s.io in namespace "${ns}" (missing permission: create httproutes): a registry may ask the operator for an exposure only its author could create`,
  );
  assert.equal(as('bob', withApi('tenant-ing', { ingress: { host: 'r.example.com' } })).code, 0);
  assert.equal(
    as('alice', withApi('tenant-base', { basePath: '/r' })).code,
    0,
    'a base path exposes nothing',
  );
  // An exposure someone else asked for is not alice's question when she edits something else.
  await client().create({ ...REGISTRIES, namespace: ns }, withApi('admin-ing', { ingress: {} }));
  const label = kubectl(['label', '--as', 'alice', 'mcpregistry', 'admin-ing', '-n', ns, 'team=a']);
  assert.equal(label.code, 0, label.stderr);
  const change = kubectl([
    'patch',
    '--as',
    'alice',
    'mcpregistry',
    'admin-ing',
    '-n',
    ns,
    '--type=merge',
    '-p',
    '{"spec":{"api":{"ingress":{"host":"x.example.com"}}}}',
  ]);
  assert.equal(change.code, 1);
  assert.match(change.stderr, /spec\.api\.ingress: Forbidden: user "alice" cannot create ingresses/);
});

type Ingress = {
  metadata: {
    labels: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences: { name: string }[];
  };
  spec: Record<string, unknown> & { rules: { host?: string }[] };
};

test('spec.api.ingress: created under the base path, a hand edit reverted by a resync, removed with the field', async () => {
  const api = {
    basePath: '/registry',
    ingress: {
      host: 'registry.example.com',
      tls: { secretName: 'registry-tls' },
      annotations: { 'example.com/owner': 'platform' },
    },
  };
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'ing', { sources: source, api } as never),
  );
  await waitPhase(ns, 'ing', 'Ready');
  await eventually('the Ingress', () => exists('ingress', 'ing-api') || undefined, 60_000);
  const ing = get<Ingress>('ingress', 'ing-api');
  assert.deepEqual(ing.spec, {
    ingressClassName: 'platform-nginx',
    tls: [{ hosts: ['registry.example.com'], secretName: 'registry-tls' }],
    rules: [
      {
        host: 'registry.example.com',
        http: {
          paths: [
            {
              path: '/registry',
              pathType: 'Prefix',
              backend: { service: { name: 'ing-api', port: { number: 8080 } } },
            },
          ],
        },
      },
    ],
  });
  assert.equal(ing.metadata.annotations?.['example.com/owner'], 'platform');
  assert.equal(ing.metadata.labels['toolhive.stacklok.io/registry'], 'ing');
  assert.deepEqual(
    ing.metadata.ownerReferences.map((o) => o.name),
    ['ing'],
  );
  const args = get<{ spec: { template: { spec: { containers: { args: string[] }[] } } } }>(
    'deployment',
    'ing-api',
  ).spec.template.spec.containers[0]!.args;
  assert.equal(args[args.indexOf('--base-path') + 1], '/registry');
  // The in-cluster address said in status (and used by registryRef readers) is under the base path too.
  await eventually(
    'status.api.endpoint under the base path',
    async () =>
      (await getReg(ns, 'ing')).status?.api?.endpoint === `http://ing-api.${ns}.svc:8080/registry`
        ? true
        : undefined,
    60_000,
  );

  kubectlOk([
    'patch',
    'ingress',
    'ing-api',
    '-n',
    ns,
    '--type=json',
    '-p',
    JSON.stringify([{ op: 'replace', path: '/spec/rules/0/host', value: 'evil.example.com' }]),
  ]);
  trigger('ing', '1');
  await eventually(
    'the hand edit reverted',
    () =>
      get<Ingress>('ingress', 'ing-api').spec.rules[0]!.host === 'registry.example.com' ? true : undefined,
    60_000,
  );

  // An edit made while no operator runs is reverted by the next one without a sync: a new process
  // applies the exposure before it says anything about it.
  await ctrl.stop();
  kubectlOk([
    'patch',
    'ingress',
    'ing-api',
    '-n',
    ns,
    '--type=json',
    '-p',
    JSON.stringify([{ op: 'replace', path: '/spec/rules/0/host', value: 'evil.example.com' }]),
  ]);
  ctrl = controller();
  await eventually(
    'the edit reverted by the new process',
    () =>
      get<Ingress>('ingress', 'ing-api').spec.rules[0]!.host === 'registry.example.com' ? true : undefined,
    60_000,
  );

  // A class named in the spec wins over the operator's; the path follows the base path.
  patchRegistry('ing', {
    api: { basePath: '/r2', ingress: { className: 'other', tls: null, annotations: null } },
  });
  await eventually(
    'the new class and path',
    () => {
      const now = get<Ingress>('ingress', 'ing-api');
      const path = (now.spec.rules[0] as { http: { paths: { path: string }[] } }).http.paths[0]!.path;
      return now.spec.ingressClassName === 'other' &&
        path === '/r2' &&
        !now.spec.tls &&
        !now.metadata.annotations?.['example.com/owner']
        ? true
        : undefined;
    },
    60_000,
  );

  patchRegistry('ing', { api: { ingress: null } });
  await eventually('the Ingress removed', () => (!exists('ingress', 'ing-api') ? true : undefined), 60_000);
  assert.ok(exists('deployment', 'ing-api'), 'the API itself stays');
});

type Route = { spec: Record<string, unknown> & { hostnames?: string[] } };

test('spec.api.httpRoute: a readable condition without the Gateway API, the route once its CRD is installed, reverted, removed', async () => {
  const api = {
    basePath: '/registry',
    httpRoute: {
      parentRefs: [{ name: 'public', namespace: 'gateways', sectionName: 'https' }],
      host: 'registry.example.com',
      annotations: { 'example.com/owner': 'platform' },
    },
  };
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'route', { sources: source, api } as never),
  );
  await waitPhase(ns, 'route', 'Ready');
  const missing = await eventually(
    'APIReady GatewayAPIMissing',
    async () => ((await apiReady('route'))?.reason === 'GatewayAPIMissing' ? apiReady('route') : undefined),
    60_000,
  );
  assert.equal(missing?.status, 'False');
  assert.equal(
    missing?.message,
    `spec.api.httpRoute needs the Gateway API, which this cluster does not serve (no CRD ${ROUTE_CRD} with version v1): install the Gateway API CRDs and the route is created without a restart`,
  );
  assert.ok(exists('deployment', 'route-api'), 'the rest of the workload is applied');

  // The released CRD, unchanged; the controller notices it without a sync or a restart.
  const dir = execFileSync('bash', [join(import.meta.dirname, '../../gateway-api/crds.sh')], {
    encoding: 'utf8',
  }).trim();
  kubectlOk(['apply', '--server-side', '-f', join(dir, `gateway.networking.k8s.io_httproutes.yaml`)]);
  await eventually(
    'the HTTPRoute',
    () => exists('httproute.gateway.networking.k8s.io', 'route-api') || undefined,
    60_000,
  );
  const route = get<Route>('httproute.gateway.networking.k8s.io', 'route-api');
  assert.deepEqual(route.spec.parentRefs, [
    {
      group: 'gateway.networking.k8s.io',
      kind: 'Gateway',
      name: 'public',
      namespace: 'gateways',
      sectionName: 'https',
    },
  ]);
  assert.deepEqual(route.spec.hostnames, ['registry.example.com']);
  assert.deepEqual(route.spec.rules, [
    {
      matches: [{ path: { type: 'PathPrefix', value: '/registry' } }],
      backendRefs: [{ group: '', kind: 'Service', name: 'route-api', port: 8080, weight: 1 }],
    },
  ]);
  await eventually('APIReady no longer GatewayAPIMissing', async () =>
    (await apiReady('route'))?.reason !== 'GatewayAPIMissing' ? true : undefined,
  );

  kubectlOk([
    'patch',
    'httproute.gateway.networking.k8s.io',
    'route-api',
    '-n',
    ns,
    '--type=merge',
    '-p',
    '{"spec":{"hostnames":["evil.example.com"]}}',
  ]);
  trigger('route', '1');
  await eventually(
    'the hand edit reverted',
    () =>
      get<Route>('httproute.gateway.networking.k8s.io', 'route-api').spec.hostnames?.[0] ===
      'registry.example.com'
        ? true
        : undefined,
    60_000,
  );

  patchRegistry('route', { api: { httpRoute: null } });
  await eventually(
    'the HTTPRoute removed',
    () => (!exists('httproute.gateway.networking.k8s.io', 'route-api') ? true : undefined),
    60_000,
  );
});

test('the exposure fields survive the v1alpha1 view: read as v1alpha1, replaced through it, read back', async () => {
  const api = {
    basePath: '/a/b',
    httpRoute: { parentRefs: [{ name: 'g', port: 443 }], host: '*.example.com', path: '/a' },
  };
  await client().create(
    { ...REGISTRIES, namespace: ns },
    registry(ns, 'conv', { sources: source, api } as never),
  );
  type Alpha = { spec: Record<string, unknown>; metadata: { annotations: Record<string, string> } };
  const readAlpha = () =>
    JSON.parse(
      kubectlOk(['get', 'mcpregistries.v1alpha1.toolhive.stacklok.io', 'conv', '-n', ns, '-o', 'json']),
    ) as Alpha;
  assert.deepEqual(JSON.parse(readAlpha().metadata.annotations[ANNOTATION_V1BETA1_SPEC]!).api, api);
  await eventually('the v1alpha1 replace to go through', () => {
    const now = readAlpha();
    const r = kubectl(['replace', '-f', '-'], { ...now, spec: { ...now.spec, displayName: 'Edited' } });
    if (r.code === 0) return true;
    assert.match(r.stderr, /the object has been modified/, r.stderr);
    return undefined;
  });
  const back: MCPRegistryV1beta1 = await getReg(ns, 'conv');
  assert.equal(back.spec.displayName, 'Edited');
  assert.deepEqual(back.spec.api, api);
});
