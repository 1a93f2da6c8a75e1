import { FederationError } from '../errors';
import type { InventoryOutline } from '../inventory/read';
import { ClusterClient, ConnectOptions } from '../cluster/client';
import { apiGroup } from '../kube/object';

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
 * its objects use: reads only, whose answers the preflight then finds cached (ClusterClient
 * keeps discovery), sent while dist/'s files are verified. Group versions that a CRD of the
 * set defines are left out: not served yet, and read when they are. Failures are the
 * preflight's to report.
 */
export function warmUp(inv: InventoryOutline, names: readonly string[], clients: ReadonlyMap<string, ClusterClient>): void {
  for (const name of names) {
    const objects = inv.clusters.get(name)!.spec.objects;
    // A CRD is named <plural>.<group>.
    const defined = new Set(objects.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.name.slice(o.name.indexOf('.') + 1)));
    const versions = new Map<string, string>();
    for (const o of objects) if (!defined.has(apiGroup(o.apiVersion)) && !versions.has(o.apiVersion)) versions.set(o.apiVersion, o.kind);
    for (const [apiVersion, kind] of versions) clients.get(name)!.serves(apiVersion, kind).catch(() => undefined);
  }
}
