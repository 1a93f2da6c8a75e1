/**
 * Flux objects for the hub: GitRepository sources and one Kustomization per cluster
 * (kustomize.toolkit.fluxcd.io/v1, source.toolkit.fluxcd.io/v1), hub and spoke as in
 * fluxcd/flux2-hub-spoke-example: every Kustomization lives on the hub and applies into
 * its cluster through a kubeconfig Secret (except the hub's own).
 *
 * Prune removes what a cluster's folder no longer holds, but deleting a Kustomization
 * orphans its objects (deletionPolicy Orphan) instead of deleting the workloads with it.
 *
 * With promotion by the engine the waves become dependsOn: a batch waits for every
 * cluster of the batch before it to be Ready at the same source revision (Flux checks
 * the revision when both use one source), batches of maxParallel clusters inside a wave
 * too. With promotion by cdkfed each batch reads its own release branch and
 * `cdkfed gitops promote` orders them, so there is no dependsOn.
 */
import { Inventory } from '../inventory/read';
import { LABEL_FEDERATION } from '../kube/ownership';
import { Batch, clusterPath, sourceBranch, sourceName } from './batches';
import { fluxIgnores } from './ignore';
import { goDuration, ResolvedOptions } from './options';
import { LABEL_CLUSTER, LABEL_WAVE, kubeconfigSecretName } from './labels';

export const FLUX_KUSTOMIZATION_API = 'kustomize.toolkit.fluxcd.io/v1';
export const FLUX_SOURCE_API = 'source.toolkit.fluxcd.io/v1';

/** Name of the Kustomization of one cluster (a dot cannot occur in either part, so two federations never collide). */
export function kustomizationName(federation: string, cluster: string): string {
  return `${federation}.${cluster}`;
}

export function fluxObjects(inv: Inventory, batches: readonly Batch[], opts: ResolvedOptions): { sources: object[]; kustomizations: Map<string, object> } {
  const fed = inv.document.federation;
  const sources = new Map<string, object>();
  const kustomizations = new Map<string, object>();
  batches.forEach((batch, i) => {
    const source = sourceName(fed, batch, opts);
    if (!sources.has(source)) {
      sources.set(source, {
        apiVersion: FLUX_SOURCE_API,
        kind: 'GitRepository',
        metadata: { name: source, namespace: opts.namespace, labels: { [LABEL_FEDERATION]: fed, ...(opts.promotion === 'cdkfed' ? { [LABEL_WAVE]: batch.wave.name } : {}) } },
        spec: { interval: opts.interval, url: opts.repoUrl, ref: { branch: sourceBranch(fed, batch, opts) } },
      });
    }
    const before = opts.promotion === 'engine' && i > 0 ? batches[i - 1].clusters : [];
    for (const cluster of batch.clusters) {
      const ignore = fluxIgnores(inv.document.ignoreDifferences ?? [], cluster);
      kustomizations.set(cluster, {
        apiVersion: FLUX_KUSTOMIZATION_API,
        kind: 'Kustomization',
        metadata: { name: kustomizationName(fed, cluster), namespace: opts.namespace, labels: { [LABEL_FEDERATION]: fed, [LABEL_WAVE]: batch.wave.name, [LABEL_CLUSTER]: cluster } },
        spec: {
          interval: opts.interval,
          sourceRef: { kind: 'GitRepository', name: source },
          path: `./${clusterPath(opts, cluster)}`,
          prune: true,
          // Deleting the Kustomization (to hand the cluster back to deploy, or by mistake) leaves what runs alone.
          deletionPolicy: 'Orphan',
          wait: true,
          ...(batch.wave.healthTimeoutSeconds > 0 ? { timeout: goDuration(batch.wave.healthTimeoutSeconds) } : {}),
          ...(cluster === opts.hub ? {} : { kubeConfig: { secretRef: { name: kubeconfigSecretName(cluster), key: 'value' } } }),
          ...(before.length ? { dependsOn: before.map((c) => ({ name: kustomizationName(fed, c) })) } : {}),
          ...(ignore.length ? { ignore } : {}),
        },
      });
    }
  });
  return { sources: [...sources.values()], kustomizations };
}
