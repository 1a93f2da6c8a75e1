import { ClusterClient } from '../cluster/client';

/** The client of the hub, where the engine's objects live: a context of the kubeconfig (--kubeconfig, else $KUBECONFIG or ~/.kube/config). */
export function connectHub(context: string, kubeconfig?: string): ClusterClient {
  return ClusterClient.connect({ name: `hub (${context})`, context }, kubeconfig ? { kubeconfig } : {});
}
