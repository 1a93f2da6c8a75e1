import { FederationError } from '../errors';
import type { InventoryOutline } from '../inventory/read';
import { ClusterClient, ConnectOptions } from '../cluster/client';
import { warmDiscovery } from '../cluster/warm';

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

/**
 * Starts, for each selected cluster, its connection and the discovery of the group versions
 * its objects use (warmDiscovery), sent while dist/'s files are verified: the preflight then
 * finds them cached. Failures are the preflight's to report.
 */
export function warmUp(inv: InventoryOutline, names: readonly string[], clients: ReadonlyMap<string, ClusterClient>): void {
  for (const name of names) warmDiscovery(clients.get(name)!, inv.clusters.get(name)!.spec.objects);
}
