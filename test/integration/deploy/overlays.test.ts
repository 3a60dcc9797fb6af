/**
 * The install manifests against a real apiserver of their own (they install cluster-scoped objects
 * the shared test stack also owns): each overlay applies with `kubectl apply -k`; the operator's pod
 * template is admitted by the apiserver's Pod Security admission at `restricted` (and a
 * non-compliant variant is not, so the check can fail); the ServiceAccount's RBAC is minimal
 * (`kubectl auth can-i`) and sufficient: the self-signed bootstrap and the controller, run with
 * that identity, do their jobs.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startControlPlane, kubeconfigFor, type ControlPlane } from '../../../src/local/control-plane.ts';
import { startOperator } from '../../../src/local/stack.ts';
import { startController } from '../../support/controller.ts';
import { KubeClient } from '../../../src/kube/client.ts';
import { eventually } from '../../support/cluster.ts';
import { kubectlAt } from '../../support/kubectl.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const SA = 'system:serviceaccount:toolhive-system:mcp-registry-operator';
const planes: ControlPlane[] = [];
after(async () => {
  for (const cp of planes) await cp.stop();
});

function k(cp: ControlPlane, args: string[], input?: string) {
  return kubectlAt(cp.kubeconfigPath, args, { input });
}

async function installOverlay(overlay: string): Promise<ControlPlane> {
  const cp = await startControlPlane();
  planes.push(cp);
  if (overlay === 'cert-manager') {
    assert.equal(k(cp, ['apply', '-f', join(ROOT, 'test/fixtures/cert-manager/crds.yaml')]).code, 0);
    assert.equal(
      k(cp, [
        'wait',
        '--for=condition=Established',
        'crd/certificates.cert-manager.io',
        'crd/issuers.cert-manager.io',
        '--timeout=60s',
      ]).code,
      0,
    );
  }
  const r = k(cp, ['apply', '-k', join(ROOT, 'manifests/overlays', overlay)]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /deployment\.apps\/mcp-registry-operator created/);
  assert.match(
    r.stdout,
    /customresourcedefinition\.apiextensions\.k8s\.io\/mcpregistries\.toolhive\.stacklok\.io created/,
  );
  return cp;
}

function podFromTemplate(
  cp: ControlPlane,
  mutate: (spec: Record<string, unknown>) => void = () => {},
): string {
  const d = JSON.parse(
    k(cp, ['get', 'deployment', 'mcp-registry-operator', '-n', 'toolhive-system', '-o', 'json']).stdout,
  ) as {
    spec: { template: { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> } };
  };
  const spec = structuredClone(d.spec.template.spec);
  mutate(spec);
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { generateName: 'operator-template-', namespace: 'toolhive-system', labels: { check: 'psa' } },
    spec,
  });
}

function checkPodSecurity(cp: ControlPlane) {
  assert.equal(
    k(cp, [
      'label',
      'namespace',
      'toolhive-system',
      'pod-security.kubernetes.io/enforce=restricted',
      '--overwrite',
    ]).code,
    0,
  );
  const ok = k(cp, ['create', '-f', '-'], podFromTemplate(cp));
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /pod\/operator-template-\w+ created/);
  const bad = k(
    cp,
    ['create', '-f', '-'],
    podFromTemplate(cp, (spec) => {
      const c = (spec.containers as { securityContext: Record<string, unknown> }[])[0]!;
      c.securityContext = {
        ...c.securityContext,
        allowPrivilegeEscalation: true,
        capabilities: { add: ['NET_ADMIN'] },
      };
    }),
  );
  assert.notEqual(bad.code, 0);
  assert.match(
    bad.stderr,
    /violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false .*unrestricted capabilities/,
  );
}

test('cert-manager overlay: applies; the pod template is admitted at restricted; the CRD and webhooks ask cert-manager for their caBundle', async () => {
  const cp = await installOverlay('cert-manager');
  checkPodSecurity(cp);
  const crd = JSON.parse(
    k(cp, ['get', 'crd', 'mcpregistries.toolhive.stacklok.io', '-o', 'json']).stdout,
  ) as {
    metadata: { annotations: Record<string, string> };
    spec: {
      conversion: { strategy: string; webhook: { clientConfig: { service: Record<string, unknown> } } };
    };
  };
  assert.equal(
    crd.metadata.annotations['cert-manager.io/inject-ca-from'],
    'toolhive-system/mcp-registry-operator-webhook',
  );
  assert.deepEqual(crd.spec.conversion.webhook.clientConfig.service, {
    name: 'mcp-registry-operator-webhook',
    namespace: 'toolhive-system',
    path: '/convert',
    port: 443,
  });
  assert.match(
    k(cp, ['get', 'certificate', '-n', 'toolhive-system']).stdout,
    /mcp-registry-operator-webhook/,
  );
  const dep = JSON.parse(
    k(cp, ['get', 'deploy', 'mcp-registry-operator', '-n', 'toolhive-system', '-o', 'json']).stdout,
  ) as {
    spec: {
      replicas: number;
      template: { spec: { volumes: { name: string; secret?: { secretName: string } }[] } };
    };
  };
  assert.equal(dep.spec.replicas, 2);
  assert.ok(
    dep.spec.template.spec.volumes.some((v) => v.secret?.secretName === 'mcp-registry-operator-webhook-tls'),
  );
});

test('self-signed overlay: applies; restricted pods; RBAC minimal and sufficient for the self-signed bootstrap and the controller', async () => {
  const cp = await installOverlay('self-signed');
  checkPodSecurity(cp);

  const can = (...args: string[]) => k(cp, ['auth', 'can-i', `--as=${SA}`, ...args]).stdout.trim();
  // What it must not do.
  assert.equal(can('list', 'secrets', '--all-namespaces'), 'no');
  assert.equal(can('watch', 'secrets', '-n', 'default'), 'no');
  assert.equal(can('get', 'secrets', '-n', 'toolhive-system', '--subresource='), 'yes');
  assert.equal(can('update', 'secrets/other', '-n', 'toolhive-system'), 'no');
  assert.equal(can('patch', 'customresourcedefinitions/certificates.cert-manager.io'), 'no');
  assert.equal(can('delete', 'customresourcedefinitions/mcpregistries.toolhive.stacklok.io'), 'no');
  assert.equal(can('create', 'customresourcedefinitions'), 'no');
  assert.equal(can('patch', 'validatingwebhookconfigurations/someone-else'), 'no');
  assert.equal(can('create', 'clusterroles'), 'no');
  assert.equal(can('create', 'pods', '-n', 'default'), 'no');
  assert.equal(can('delete', 'mcpregistries', '-n', 'default'), 'no');
  assert.equal(can('update', 'leases/someone-else', '-n', 'toolhive-system'), 'no');
  assert.equal(can('create', 'leases', '-n', 'default'), 'no');
  // What the design needs.
  assert.equal(can('patch', 'mcpregistries/status', '-n', 'default'), 'yes');
  assert.equal(can('create', 'configmaps', '-n', 'default'), 'yes');
  assert.equal(can('update', 'events', '-n', 'default'), 'yes');
  assert.equal(can('delete', 'events', '-n', 'default'), 'no');
  assert.equal(can('patch', 'validatingwebhookconfigurations/mcp-registry-operator-validating'), 'yes');
  assert.equal(can('patch', 'customresourcedefinitions/mcpregistries.toolhive.stacklok.io'), 'yes');
  // kubernetes sources (docs/controller.md, "Discovery RBAC"): ToolHive's workloads read, never
  // written (get is the workload webhook's, #28). Asked by SubjectAccessReview: kubectl cannot name a resource whose CRD is not installed here.
  const toolhive = async (verb: string, resource: string) => {
    const admin = KubeClient.load({ kubeconfig: cp.kubeconfigPath });
    const r = await admin.create<{ status: { allowed: boolean } }>(
      { group: 'authorization.k8s.io', version: 'v1', plural: 'subjectaccessreviews' },
      {
        spec: {
          user: SA,
          resourceAttributes: { group: 'toolhive.stacklok.dev', resource, verb, namespace: 'default' },
        },
      },
    );
    admin.close();
    return r.body.status.allowed ? 'yes' : 'no';
  };
  assert.equal(await toolhive('list', 'mcpservers'), 'yes');
  assert.equal(await toolhive('watch', 'virtualmcpservers'), 'yes');
  assert.equal(await toolhive('update', 'mcpremoteproxies'), 'no');
  assert.equal(await toolhive('delete', 'mcpservers'), 'no');
  assert.equal(can('list', 'namespaces'), 'yes');
  assert.equal(can('update', 'namespaces/default'), 'no');
  // The registry API pods' addresses (docs/security.md): read, never written.
  assert.equal(can('watch', 'endpointslices.discovery.k8s.io', '-n', 'default'), 'yes');
  assert.equal(can('create', 'endpointslices.discovery.k8s.io', '-n', 'default'), 'no');
  // Every Node's addresses (a registry API's node port answers on each): read, never written.
  assert.equal(can('watch', 'nodes'), 'yes');
  assert.equal(can('update', 'nodes'), 'no');

  // Sufficient: run the self-signed bootstrap and the controller as the ServiceAccount.
  const dir = mkdtempSync(join(tmpdir(), 'mcpr-sa-'));
  const saKubeconfig = join(dir, 'kubeconfig');
  writeFileSync(saKubeconfig, await kubeconfigFor(cp, SA));
  const op = await startOperator({
    kubeconfigPath: saKubeconfig,
    dir: join(dir, 'op'),
    enableController: false,
    extraArgs: ['--self-signed=true', '--namespace=toolhive-system'],
  }).catch((e: unknown) => {
    throw new Error(`the operator could not bootstrap as ${SA}: ${(e as Error).message}`);
  });
  try {
    const admin = KubeClient.load({ kubeconfig: cp.kubeconfigPath });
    await eventually(
      'the caBundle in both webhook configurations and the CRD',
      async () => {
        const v = await admin.get<{ webhooks: { clientConfig: { caBundle?: string } }[] }>({
          group: 'admissionregistration.k8s.io',
          version: 'v1',
          plural: 'validatingwebhookconfigurations',
          name: 'mcp-registry-operator-validating',
        });
        const m = await admin.get<{ webhooks: { clientConfig: { caBundle?: string } }[] }>({
          group: 'admissionregistration.k8s.io',
          version: 'v1',
          plural: 'mutatingwebhookconfigurations',
          name: 'mcp-registry-operator-mutating',
        });
        const c = await admin.get<{
          spec: { conversion: { webhook: { clientConfig: { caBundle?: string } } } };
        }>({
          group: 'apiextensions.k8s.io',
          version: 'v1',
          plural: 'customresourcedefinitions',
          name: 'mcpregistries.toolhive.stacklok.io',
        });
        return v.webhooks[0]?.clientConfig.caBundle &&
          m.webhooks[0]?.clientConfig.caBundle &&
          c.spec.conversion.webhook.clientConfig.caBundle
          ? true
          : undefined;
      },
      60_000,
    );
    assert.match(
      k(cp, [
        'get',
        'secret',
        'mcp-registry-operator-webhook-tls',
        '-n',
        'toolhive-system',
        '-o',
        'jsonpath={.data}',
      ]).stdout,
      /tls\.crt/,
    );
    admin.close();
  } finally {
    await op.stop();
  }
  // The registered webhooks point at a Service no pod backs here; remove them so objects can be created.
  k(cp, ['delete', 'validatingwebhookconfiguration', 'mcp-registry-operator-validating']);
  k(cp, ['delete', 'mutatingwebhookconfiguration', 'mcp-registry-operator-mutating']);
  assert.equal(k(cp, ['create', 'namespace', 'team-a']).code, 0);
  assert.equal(
    k(cp, [
      'create',
      'configmap',
      'catalog',
      '-n',
      'team-a',
      `--from-file=registry.json=${join(ROOT, 'test/fixtures/toolhive-registry/registry-2025-10-22.json')}`,
    ]).code,
    0,
  );
  const ctrl = startController({
    kubeconfig: saKubeconfig,
    namespaces: ['team-a'],
    leaderElect: true,
    leaseNamespace: 'toolhive-system',
    extraArgs: [
      '--deploy-registry-api=true',
      '--registry-api-image=example.invalid/mcp-registry-operator:test',
    ],
  });
  try {
    const reg = {
      apiVersion: 'toolhive.stacklok.io/v1beta1',
      kind: 'MCPRegistry',
      metadata: { name: 'team', namespace: 'team-a' },
      spec: { sources: [{ name: 'main', type: 'configmap', configMapRef: { name: 'catalog' } }] },
    };
    assert.equal(k(cp, ['create', '-f', '-'], JSON.stringify(reg)).code, 0);
    const status = await eventually(
      'Ready as the ServiceAccount',
      () => {
        const s = JSON.parse(
          k(cp, ['get', 'mcpregistries.v1beta1.toolhive.stacklok.io', 'team', '-n', 'team-a', '-o', 'json'])
            .stdout || '{}',
        ) as { status?: { phase?: string; sync?: { serverCount?: number }; api?: { endpoint?: string } } };
        return s.status?.phase === 'Ready' && s.status.api?.endpoint ? s.status : undefined;
      },
      90_000,
    ).catch((e: unknown) => {
      throw new Error(
        `${(e as Error).message}\n${ctrl
          .log()
          .split('\n')
          .filter((l) => /error|forbidden/i.test(l))
          .slice(-5)
          .join('\n')}`,
      );
    });
    assert.equal(status.sync?.serverCount, 88);
    assert.equal(status.api?.endpoint, 'http://team-api.team-a.svc:8080');
    assert.match(
      k(cp, ['get', 'role,rolebinding,deploy,svc,sa', '-n', 'team-a', '-o', 'name']).stdout,
      /role\.rbac\.authorization\.k8s\.io\/team-api[\s\S]*deployment\.apps\/team-api/,
    );
    assert.doesNotMatch(ctrl.log(), /forbidden/i);
  } finally {
    await ctrl.stop();
  }
});
