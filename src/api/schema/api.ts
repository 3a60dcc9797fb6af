/**
 * `spec.api` (SPEC §13, v1beta1 only; v1alpha1 keeps it in the conversion stash): how the operator runs
 * the registry's own API. The Kubernetes-shaped fields are typed as far as admission needs to refuse a
 * value before the Deployment apply would (a refused apply surfaces minutes later, as a condition).
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  CONFIGMAP_KEY_PATTERN,
  DNS_SUBDOMAIN_PATTERN,
  configMapName,
  list,
  obj,
  secretKeyRef,
  str,
  stringEnum,
} from './common.ts';
import { basePath, httpRoute, ingress, oneExposure } from './api-exposure.ts';

export const API_LIMITS = {
  replicas: 50,
  pullSecrets: 16,
  tolerations: 32,
  mapEntries: 64,
  mapValue: 4096,
  corsOrigins: 32,
  audiences: 8,
  clockSkewSeconds: 300,
} as const;

export const AUTH_MODES = ['anonymous', 'kubernetes', 'oidc', 'api-keys'] as const;
export const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer'] as const;
export const TOLERATION_OPERATORS = ['Exists', 'Equal'] as const;
export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

/** A string→string map: CRDs have no patternProperties, so keys are checked by admission. */
function stringMap(description: string) {
  return Type.Unsafe<Record<string, string>>({
    type: 'object',
    description,
    maxProperties: API_LIMITS.mapEntries,
    additionalProperties: { type: 'string', maxLength: API_LIMITS.mapValue },
  });
}

const quantity = (description: string) => str(description, { minLength: 1, maxLength: 64 });

const resourceList = (what: string) =>
  obj(
    {
      cpu: Type.Optional(quantity(`CPU ${what}, a Kubernetes quantity (\`100m\`, \`1\`).`)),
      memory: Type.Optional(quantity(`Memory ${what}, a Kubernetes quantity (\`128Mi\`, \`1Gi\`).`)),
    },
    `Resource ${what} of the API container.`,
  );

const toleration = obj(
  {
    key: Type.Optional(
      str('Taint key; empty with operator `Exists` tolerates every taint.', { maxLength: 316 }),
    ),
    operator: Type.Optional(stringEnum(TOLERATION_OPERATORS, '`Exists` or `Equal` (the default).')),
    value: Type.Optional(str('Taint value matched with operator `Equal`.', { maxLength: 63 })),
    effect: Type.Optional(stringEnum(TAINT_EFFECTS, 'Taint effect to tolerate; empty tolerates all.')),
    tolerationSeconds: Type.Optional(
      Type.Integer({ description: 'How long a `NoExecute` taint is tolerated.', format: 'int64' }),
    ),
  },
  'A Pod toleration, as in a Pod spec.',
);

export const apiSpec = obj(
  {
    enabled: Type.Optional(
      Type.Boolean({
        description:
          'Whether the operator runs this registry’s API. `false`: no Deployment, Service, NetworkPolicy or PodDisruptionBudget (existing ones are removed); the catalog is still synced and stored. Defaults to `true`.',
      }),
    ),
    replicas: Type.Optional(
      Type.Integer({
        description: `API replicas, 1 to ${API_LIMITS.replicas}; from 2 a PodDisruptionBudget keeps one available. Defaults to the operator's default (1).`,
        minimum: 1,
        maximum: API_LIMITS.replicas,
        format: 'int32',
      }),
    ),
    resources: Type.Optional(
      obj(
        { requests: Type.Optional(resourceList('requests')), limits: Type.Optional(resourceList('limits')) },
        'Resources of the API container; defaults to the operator’s (requests 50m CPU / 64Mi, limit 256Mi).',
      ),
    ),
    imagePullSecrets: Type.Optional(
      list(
        obj(
          {
            name: str('Name of a Secret in the registry’s namespace.', {
              minLength: 1,
              maxLength: 253,
              pattern: DNS_SUBDOMAIN_PATTERN,
            }),
          },
          'A Secret of type `kubernetes.io/dockerconfigjson`.',
        ),
        'Secrets to pull the API image with.',
        { maxItems: API_LIMITS.pullSecrets },
      ),
    ),
    nodeSelector: Type.Optional(stringMap('Node labels the API Pods must run on, as in a Pod spec.')),
    tolerations: Type.Optional(
      list(toleration, 'Taints the API Pods tolerate.', { maxItems: API_LIMITS.tolerations }),
    ),
    affinity: Type.Optional(
      Type.Unsafe<Record<string, unknown>>({
        type: 'object',
        description:
          'Pod affinity, as in a Pod spec (`nodeAffinity`, `podAffinity`, `podAntiAffinity`); checked by the apiserver when the Deployment is applied.',
        'x-kubernetes-preserve-unknown-fields': true,
      }),
    ),
    priorityClassName: Type.Optional(
      str('PriorityClass of the API Pods.', { minLength: 1, maxLength: 253, pattern: DNS_SUBDOMAIN_PATTERN }),
    ),
    service: Type.Optional(
      obj(
        {
          type: Type.Optional(
            stringEnum(SERVICE_TYPES, '`ClusterIP` (the default), `NodePort` or `LoadBalancer`.'),
          ),
          annotations: Type.Optional(stringMap('Annotations of the API Service (load balancer settings).')),
        },
        'The API Service `<name>-api`.',
      ),
    ),
    basePath: Type.Optional(basePath),
    ingress: Type.Optional(ingress),
    httpRoute: Type.Optional(httpRoute),
    cors: Type.Optional(
      obj(
        {
          origins: Type.Optional(
            list(
              str('`*` or an origin `scheme://host[:port]`.', { minLength: 1, maxLength: 2048 }),
              'Origins browsers may read the API from (`--cors-origins`).',
              { maxItems: API_LIMITS.corsOrigins },
            ),
          ),
        },
        'Cross-origin access to the API.',
      ),
    ),
    auth: Type.Optional(
      obj(
        {
          mode: Type.Optional(
            stringEnum(
              AUTH_MODES,
              '`anonymous` (the default: anyone who reaches the Service reads the catalog), `kubernetes` (a bearer token checked with TokenReview; reading needs `get` on `mcpregistries/catalog` named after this registry, in its namespace), `oidc` (a JWT from `oidc.issuer`) or `api-keys` (a key from `apiKeysSecretRef`).',
            ),
          ),
          oidc: Type.Optional(
            obj(
              {
                issuer: str(
                  'The issuer URL (https, no query or fragment): its `/.well-known/openid-configuration` names the JWKS. Judged by the platform policy like a source URL, when admitted and when fetched.',
                  { minLength: 1, maxLength: 2048 },
                ),
                audiences: list(
                  str('An accepted `aud` value.', { minLength: 1, maxLength: 256 }),
                  'A token must carry at least one of these audiences.',
                  { minItems: 1, maxItems: API_LIMITS.audiences },
                ),
                clockSkewSeconds: Type.Optional(
                  Type.Integer({
                    description: `Tolerated clock difference with the issuer for \`exp\`/\`nbf\`, 0 to ${API_LIMITS.clockSkewSeconds}. Defaults to 30.`,
                    minimum: 0,
                    maximum: API_LIMITS.clockSkewSeconds,
                    format: 'int32',
                  }),
                ),
                groupsClaim: Type.Optional(
                  str('A claim (a string or a list of strings) whose values are the caller’s groups.', {
                    minLength: 1,
                    maxLength: 256,
                  }),
                ),
              },
              'OpenID Connect: required with mode `oidc`, refused otherwise.',
            ),
          ),
          apiKeysSecretRef: Type.Optional(
            secretKeyRef(
              'The Secret holding the API keys, one per line (key defaults to `keys`); mounted into the API pods, so edits apply without a restart. Required with mode `api-keys`, refused otherwise. Its author must be allowed to read it.',
            ),
          ),
        },
        'Who may read the API.',
      ),
    ),
    authorization: Type.Optional(
      obj(
        {
          policiesConfigMapRef: obj(
            {
              name: configMapName,
              key: Type.Optional(
                str('Key holding the Cedar policies. Defaults to `policies.cedar`.', {
                  minLength: 1,
                  maxLength: 253,
                  pattern: CONFIGMAP_KEY_PATTERN,
                }),
              ),
            },
            'The ConfigMap (in the registry’s namespace) holding Cedar policies; mounted into the API pods, so edits apply without a restart. Checked when this registry is admitted; a later invalid edit keeps the last valid policies (logged), and with none valid every read is refused.',
          ),
        },
        'Per-entry authorization (SPEC §13): Cedar policies decide which entries each caller may read. Lists, search, counts, the catalog page and `/mcp` show only those; any other entry is a 404 like a missing one. docs/security.md describes the entities.',
      ),
    ),
    audit: Type.Optional(
      obj(
        {
          enabled: Type.Optional(
            Type.Boolean({
              description:
                'One JSON line per request on the API’s stdout (`"logger":"audit"`): time, principal, source address, method, path, status, entries returned, policy decision and policy ids. Never a credential. Defaults to `false`.',
            }),
          ),
        },
        'The API’s audit log.',
      ),
    ),
  },
  'The registry’s REST API workload: scaling, scheduling, exposure and authentication.',
  { 'x-kubernetes-validations': [oneExposure] },
);

export type ApiSpec = Static<typeof apiSpec>;

/** What an API container gets when neither spec.api nor the operator's `--registry-api-resources` say otherwise. */
export const DEFAULT_API_RESOURCES: NonNullable<ApiSpec['resources']> = Object.freeze({
  requests: Object.freeze({ cpu: '50m', memory: '64Mi' }),
  limits: Object.freeze({ memory: '256Mi' }),
});
