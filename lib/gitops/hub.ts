import { ClusterClient, ConnectOptions } from '../cluster/client';

/** The client of the hub, where the engine's objects live: a context of --kubeconfig, else of $KUBECONFIG (handed in by the CLI) or ~/.kube/config. */
export function connectHub(context: string, kubeconfig: Pick<ConnectOptions, 'kubeconfig' | 'kubeconfigEnv'>): ClusterClient {
  return ClusterClient.connect({ name: `hub (${context})`, context }, kubeconfig);
}
