/** Labels on the engine objects `cdkfed gitops` writes, and the Secrets they reference. */
export const LABEL_WAVE = 'cdk-federation.io/wave';
export const LABEL_CLUSTER = 'cdk-federation.io/cluster';

/** Secret on the hub holding a self-contained kubeconfig for `cluster` (key `value`), shared by every federation. */
export function kubeconfigSecretName(cluster: string): string {
  return `${cluster}-kubeconfig`;
}
