/**
 * A control plane of the test file's own, with the CRD but without our admission webhooks, for
 * controller tests whose sources are loopback servers and file:// repositories that the shared
 * stack's default policy rightly refuses. Call before any other cluster helper.
 */
import { startControlPlane, type ControlPlane } from '../../../src/local/control-plane.ts';
import { installCrd } from '../../support/cluster.ts';

export async function useIsolatedCluster(): Promise<{
  kubeconfig: string;
  stop: () => Promise<void>;
  cp: ControlPlane;
}> {
  const cp = await startControlPlane();
  process.env.MCPR_TEST_KUBECONFIG = cp.kubeconfigPath;
  // Only v1beta1 objects are created here, so no conversion webhook is needed.
  await installCrd({ kind: 'none' });
  return { kubeconfig: cp.kubeconfigPath, stop: () => cp.stop(), cp };
}
