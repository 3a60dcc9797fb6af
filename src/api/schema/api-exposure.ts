/**
 * `spec.api.basePath`, `spec.api.ingress` and `spec.api.httpRoute` (SPEC §13): where the registry API
 * is served and how it is reached from outside the cluster. Shaped after the objects they become
 * (an Ingress with one rule, an HTTPRoute with one PathPrefix match) so a Kubernetes user reads them
 * as what they already know. The grammar of hosts and paths is admission's (api-exposure.ts there),
 * which says what is wrong in the apiserver's words instead of a regular expression.
 */
import { Type } from '@sinclair/typebox';
import { DNS_LABEL_PATTERN, DNS_SUBDOMAIN_PATTERN, list, obj, str } from './common.ts';

export const EXPOSURE_LIMITS = {
  path: 200,
  host: 253,
  parentRefs: 32,
  annotations: 64,
  annotationValue: 4096,
} as const;

const annotations = (of: string) =>
  Type.Unsafe<Record<string, string>>({
    type: 'object',
    description: `Annotations of the ${of} (controller settings); a platform may restrict them by policy.`,
    maxProperties: EXPOSURE_LIMITS.annotations,
    additionalProperties: { type: 'string', maxLength: EXPOSURE_LIMITS.annotationValue },
  });

const host = (of: string) =>
  str(
    `Host name the ${of} routes, a DNS name (\`registry.example.com\`) or a wildcard (\`*.example.com\`); absent: every host.`,
    { minLength: 1, maxLength: EXPOSURE_LIMITS.host },
  );

const path = (of: string) =>
  str(`Path prefix the ${of} routes to the API (\`/registry\`); defaults to \`basePath\`, else \`/\`.`, {
    minLength: 1,
    maxLength: EXPOSURE_LIMITS.path,
  });

export const basePath = str(
  'Path prefix the API, the catalog page, `/mcp` and `/openapi.json` are served under (`thv-registry-api --base-path`), e.g. `/registry`; `/healthz`, `/readyz` and `/metrics` stay at the root for probes and scraping. Absent: the root.',
  { minLength: 1, maxLength: EXPOSURE_LIMITS.path },
);

export const ingress = obj(
  {
    className: Type.Optional(
      str(
        'IngressClass (`spec.ingressClassName`); absent: the operator’s default (`--registry-api-ingress-class`), else the cluster’s default class.',
        { minLength: 1, maxLength: 253, pattern: DNS_SUBDOMAIN_PATTERN },
      ),
    ),
    host: Type.Optional(host('Ingress')),
    path: Type.Optional(path('Ingress')),
    tls: Type.Optional(
      obj(
        {
          secretName: str('A `kubernetes.io/tls` Secret in the registry’s namespace.', {
            minLength: 1,
            maxLength: 253,
          }),
        },
        'Serve HTTPS for `host` with this certificate (needs `host`).',
      ),
    ),
    annotations: Type.Optional(annotations('Ingress')),
  },
  'An Ingress `<name>-api` routing `host` + `path` to the API Service. At most one of ingress and httpRoute.',
);

export const httpRoute = obj(
  {
    parentRefs: list(
      obj(
        {
          name: str('Name of the Gateway.', { minLength: 1, maxLength: 253 }),
          namespace: Type.Optional(
            str(
              'Namespace of the Gateway; defaults to the registry’s. The Gateway’s listener must allow routes from this namespace.',
              { minLength: 1, maxLength: 63, pattern: DNS_LABEL_PATTERN },
            ),
          ),
          sectionName: Type.Optional(
            str('Listener of the Gateway to attach to; absent: every listener that allows the route.', {
              minLength: 1,
              maxLength: 253,
              pattern: DNS_SUBDOMAIN_PATTERN,
            }),
          ),
          port: Type.Optional(
            Type.Integer({
              description: 'Port of the Gateway’s listener to attach to.',
              minimum: 1,
              maximum: 65535,
              format: 'int32',
            }),
          ),
        },
        'A Gateway (`gateway.networking.k8s.io`) to attach the route to.',
      ),
      'Gateways the route attaches to (Gateway API `parentRefs`).',
      { minItems: 1, maxItems: EXPOSURE_LIMITS.parentRefs },
    ),
    host: Type.Optional(host('HTTPRoute')),
    path: Type.Optional(path('HTTPRoute')),
    annotations: Type.Optional(annotations('HTTPRoute')),
  },
  'A Gateway API HTTPRoute `<name>-api` routing `host` + `path` to the API Service (needs the Gateway API CRDs; without them the APIReady condition says so). At most one of ingress and httpRoute.',
);

/** CEL on spec.api: one way out at a time. */
export const oneExposure = {
  rule: '!has(self.ingress) || !has(self.httpRoute)',
  message: 'at most one of ingress or httpRoute may be set',
  fieldPath: '.httpRoute',
  reason: 'FieldValueForbidden',
};
