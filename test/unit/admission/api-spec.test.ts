/** `spec.api` (SPEC §13): every refusal, with the exact message a user reads. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ANNOTATION_V1BETA1_SPEC } from '../../../src/api/constants.ts';
import { alpha, beta, messages, policy, warnings } from './helpers.ts';

const source = { name: 'main', type: 'configmap', configMapRef: { name: 'cm' } };
const withApi = (api: unknown) => beta({ sources: [source], api });

const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const CASES: { name: string; api: unknown; want: string[] }[] = [
  {
    name: 'a full, valid spec.api',
    api: {
      enabled: true,
      replicas: 3,
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      imagePullSecrets: [{ name: 'pull' }],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'api', effect: 'NoSchedule' }],
      affinity: { podAntiAffinity: {} },
      priorityClassName: 'high',
      service: { type: 'LoadBalancer', annotations: { 'example.com/lb': 'internal' } },
      cors: { origins: ['https://app.example.com'] },
      auth: { mode: 'kubernetes' },
    },
    want: [],
  },
  {
    name: 'replicas 0',
    api: { replicas: 0 },
    want: ['spec.api.replicas: Invalid value: 0: must be greater than or equal to 1'],
  },
  {
    name: 'replicas 51',
    api: { replicas: 51 },
    want: ['spec.api.replicas: Invalid value: 51: must be less than or equal to 50'],
  },
  {
    name: 'a bad quantity',
    api: { resources: { limits: { memory: '1 GB' } } },
    want: [
      `spec.api.resources.limits.memory: Invalid value: "1 GB": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    ],
  },
  {
    name: 'a request above its limit',
    api: { resources: { requests: { cpu: '2' }, limits: { cpu: '500m' } } },
    want: [
      'spec.api.resources.requests.cpu: Invalid value: "2": must be less than or equal to cpu limit of 500m',
    ],
  },
  {
    name: 'a zero quantity',
    api: { resources: { limits: { cpu: '0' } } },
    want: ['spec.api.resources.limits.cpu: Invalid value: "0": must be greater than 0'],
  },
  {
    name: 'an unknown resource',
    api: { resources: { limits: { gpu: '1' } } },
    want: ['spec.api.resources.limits.gpu: Forbidden: unknown field'],
  },
  {
    name: 'a bad nodeSelector key',
    api: { nodeSelector: { 'bad key': 'x' } },
    want: [
      `spec.api.nodeSelector[bad key]: Invalid value: "bad key": must be a qualified name: an optional DNS subdomain prefix and '/', then a name of at most 63 alphanumeric characters, '-', '_' or '.', starting and ending with an alphanumeric character`,
    ],
  },
  {
    name: 'a nodeSelector value that is not a string',
    api: { nodeSelector: { zone: 3 } },
    want: ['spec.api.nodeSelector.zone: Invalid value: 3: must be of type string'],
  },
  {
    name: 'nodeSelector values a Pod cannot carry',
    api: { nodeSelector: { zone: 'a b', rack: 'x'.repeat(64), os: '', 'x/y': '-a.' } },
    want: [
      `spec.api.nodeSelector[zone]: Invalid value: "a b": ${LABEL_VALUE}`,
      `spec.api.nodeSelector[rack]: Invalid value: "${'x'.repeat(64)}": must be no more than 63 bytes`,
      `spec.api.nodeSelector[x/y]: Invalid value: "-a.": ${LABEL_VALUE}`,
    ],
  },
  {
    name: 'Service annotations over the apiserver’s total size',
    api: {
      service: {
        annotations: Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, 'v'.repeat(4096)])),
      },
    },
    want: ['spec.api.service.annotations: Too long: must have at most 262144 bytes'],
  },
  {
    name: 'a bad Service annotation key',
    api: { service: { annotations: { '-x': 'y' } } },
    want: [
      `spec.api.service.annotations[-x]: Invalid value: "-x": must be a qualified name: an optional DNS subdomain prefix and '/', then a name of at most 63 alphanumeric characters, '-', '_' or '.', starting and ending with an alphanumeric character`,
    ],
  },
  {
    name: 'an unknown Service type',
    api: { service: { type: 'ExternalName' } },
    want: [
      'spec.api.service.type: Unsupported value: "ExternalName": supported values: "ClusterIP", "NodePort", "LoadBalancer"',
    ],
  },
  {
    name: 'tolerations the apiserver refuses',
    api: {
      tolerations: [
        { value: 'x' },
        { key: 'k', operator: 'Exists', value: 'v' },
        { key: 'k', effect: 'NoSchedule', tolerationSeconds: 5 },
      ],
    },
    want: [
      'spec.api.tolerations[0].operator: Invalid value: "": operator must be Exists when `key` is empty, which means "match all values and all keys"',
      'spec.api.tolerations[1].operator: Invalid value: "v": value must be empty when `operator` is \'Exists\'',
      'spec.api.tolerations[2].effect: Invalid value: "NoSchedule": effect must be \'NoExecute\' when `tolerationSeconds` is set',
    ],
  },
  {
    name: 'an unknown affinity kind',
    api: { affinity: { nodeAffinity: 'x', zoneAffinity: {} } },
    want: [
      'spec.api.affinity.nodeAffinity: Invalid value: "x": must be of type object',
      'spec.api.affinity.zoneAffinity: Unsupported value: "zoneAffinity": supported values: "nodeAffinity", "podAffinity", "podAntiAffinity"',
    ],
  },
  {
    name: 'a bad priorityClassName',
    api: { priorityClassName: 'High' },
    want: [
      `spec.api.priorityClassName: Invalid value: "High": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    ],
  },
  {
    name: 'a bad pull secret name',
    api: { imagePullSecrets: [{ name: 'Pull_Secret' }] },
    want: [
      `spec.api.imagePullSecrets[0].name: Invalid value: "Pull_Secret": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    ],
  },
  {
    name: 'CORS origins that are not origins',
    api: { cors: { origins: ['https://a.example/path', 'ftp://b.example', 'nope'] } },
    want: [
      'spec.api.cors.origins[0]: Invalid value: "https://a.example/path": not an origin (no path, query or fragment); use scheme://host[:port], e.g. https://app.example.com',
      'spec.api.cors.origins[1]: Invalid value: "ftp://b.example": not an origin (only http and https); use scheme://host[:port], e.g. https://app.example.com',
      'spec.api.cors.origins[2]: Invalid value: "nope": not an origin (not a URL); use scheme://host[:port], e.g. https://app.example.com',
    ],
  },
  {
    name: '"*" with other origins',
    api: { cors: { origins: ['*', 'https://a.example'] } },
    want: ['spec.api.cors.origins[0]: Invalid value: "*": "*" cannot be combined with other origins'],
  },
  {
    name: '"*" with kubernetes auth',
    api: { cors: { origins: ['*'] }, auth: { mode: 'kubernetes' } },
    want: [
      'spec.api.cors.origins[0]: Invalid value: "*": "*" cannot be used with authentication: list the origins that may send credentials',
    ],
  },
  {
    name: 'an unknown auth mode',
    api: { auth: { mode: 'saml' } },
    want: [
      'spec.api.auth.mode: Unsupported value: "saml": supported values: "anonymous", "kubernetes", "oidc", "api-keys"',
    ],
  },
  { name: 'an unknown field', api: { gateway: {} }, want: ['spec.api.gateway: Forbidden: unknown field'] },
];

for (const c of CASES)
  test(`spec.api: ${c.name}`, () => {
    assert.deepEqual(messages(withApi(c.api)), c.want);
  });

test('spec.api in a v1alpha1 stash is validated and named by its path in the annotation', () => {
  const stash = JSON.stringify({ api: { replicas: 0, service: { type: 'Headless' } } });
  const obj = alpha(
    { source: { type: 'configmap', configmap: { name: 'cm', key: 'registry.json' } }, format: 'toolhive' },
    { annotations: { [ANNOTATION_V1BETA1_SPEC]: stash } },
  );
  const where = `metadata.annotations[${ANNOTATION_V1BETA1_SPEC}].api`;
  assert.deepEqual(messages(obj), [
    `${where}.replicas: Invalid value: 0: must be greater than or equal to 1`,
    `${where}.service.type: Unsupported value: "Headless": supported values: "ClusterIP", "NodePort", "LoadBalancer"`,
  ]);
});

test('a stash whose api is not an object is refused with the conversion’s message', () => {
  const obj = alpha(
    { source: { type: 'configmap', configmap: { name: 'cm', key: 'registry.json' } }, format: 'toolhive' },
    { annotations: { [ANNOTATION_V1BETA1_SPEC]: '{"api":[]}' } },
  );
  assert.deepEqual(messages(obj), [
    `metadata.annotations[${ANNOTATION_V1BETA1_SPEC}]: Invalid value: api must be an object`,
  ]);
});

const capped = policy(`api:
  maxReplicas: 3
  maxResources: { cpu: "1", memory: 1Gi }
`);

test('the platform policy caps replicas and resources, with the policy named', () => {
  assert.deepEqual(
    messages(
      withApi({
        replicas: 4,
        resources: { requests: { cpu: '1500m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } },
      }),
      capped,
    ),
    [
      'spec.api.replicas: Forbidden: at most 3 replicas are allowed by the platform policy (api.maxReplicas)',
      'spec.api.resources.requests.cpu: Forbidden: more than 1 is not allowed by the platform policy (api.maxResources.cpu)',
      'spec.api.resources.limits.cpu: Forbidden: more than 1 is not allowed by the platform policy (api.maxResources.cpu)',
      'spec.api.resources.limits.memory: Forbidden: more than 1Gi is not allowed by the platform policy (api.maxResources.memory)',
    ],
  );
  assert.deepEqual(
    messages(withApi({ replicas: 3, resources: { limits: { memory: '1024Mi' } } }), capped),
    [],
  );
});

test('a capped value the update leaves unchanged is kept with a warning', () => {
  const old = withApi({ replicas: 5 });
  const now = { ...old, metadata: { ...old.metadata, labels: { a: 'b' } } };
  assert.deepEqual(messages(now, capped, old), []);
  assert.deepEqual(warnings(now, capped, old), [
    'spec.api.replicas: Forbidden: at most 3 replicas are allowed by the platform policy (api.maxReplicas) (kept because this update does not change it)',
  ]);
});

test('policy api caps that are not caps are refused with the field named', () => {
  assert.throws(
    () => policy('api:\n  maxReplicas: 0\n  maxResources: { cpu: lots, gpu: 1 }\n'),
    (e: Error) =>
      e.message ===
      [
        'api.maxReplicas: Invalid value: 0: must be a whole number of at least 1',
        'api.maxResources.gpu: Forbidden: unknown field; known fields: cpu, memory',
        'api.maxResources.cpu: Invalid value: "lots": must be a Kubernetes quantity greater than 0 (`2`, `500m`, `1Gi`)',
      ].join('; '),
  );
});

const closed = policy('api:\n  allowAnonymous: false\n');

test('api.allowAnonymous: false refuses anonymous APIs (stated or by default), not disabled or kubernetes ones', () => {
  const refusal =
    'spec.api.auth.mode: Forbidden: anonymous access is not allowed by the platform policy (api.allowAnonymous); use kubernetes, oidc or api-keys';
  assert.deepEqual(messages(beta({ sources: [source] }), closed), [refusal]);
  assert.deepEqual(messages(withApi({ auth: { mode: 'anonymous' } }), closed), [refusal]);
  assert.deepEqual(messages(withApi({ auth: { mode: 'kubernetes' } }), closed), []);
  assert.deepEqual(messages(withApi({ enabled: false }), closed), []);
  // A registry from before the policy: updates that leave its spec alone pass, with a warning.
  const old = beta({ sources: [source] });
  const labelled = { ...old, metadata: { ...old.metadata, labels: { a: 'b' } } };
  assert.deepEqual(messages(labelled, closed, old), []);
  assert.deepEqual(warnings(labelled, closed, old), [
    `${refusal} (kept because this update does not change it)`,
  ]);
  assert.deepEqual(messages(withApi({ replicas: 2 }), closed, old), [refusal]);
});
