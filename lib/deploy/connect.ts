import { FederationError } from '../errors';
import type { InventoryOutline } from '../inventory/read';
import { ClusterClient, ConnectOptions } from '../cluster/client';

/**
 * The CLI's one way to reach clusters (it talks to deploy/ and drift/, never to cluster/):
 * one client per selected cluster, every kubeconfig and context resolved before anything
 * is written anywhere. Warns (stderr) for a kubeconfig that turns TLS verification off.
 */
export function connectAll(inv: InventoryOutline, names: readonly string[], kubeconfig: Pick<ConnectOptions, 'kubeconfig' | 'kubeconfigEnv'>, warn: (line: string) => void): Map<string, ClusterClient> {
  const clients = new Map<string, ClusterClient>();
  for (const name of names) {
    const spec = inv.clusters.get(name)?.spec;
    if (!spec) throw new FederationError('UNKNOWN_CLUSTER', name, 'not in federation.json', 'synth again');
    const c = ClusterClient.connect({ name, context: spec.context, kubeconfig: spec.kubeconfig }, kubeconfig);
    if (c.insecure) warn(`warning: cluster ${name}: the kubeconfig sets insecure-skip-tls-verify; the server's certificate is not verified`);
    clients.set(name, c);
  }
  return clients;
}
