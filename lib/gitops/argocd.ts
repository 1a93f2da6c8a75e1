/**
 * Argo CD objects: one ApplicationSet (list generator, one element per cluster) or one
 * Application per cluster. Applications sync by server-side apply and honour our ignore
 * rules during sync too (RespectIgnoreDifferences). No resources finalizer and
 * preserveResourcesOnDeletion: deleting the Argo CD objects never deletes what runs.
 *
 * With promotion by the engine an ApplicationSet orders the waves by RollingSync, one step
 * per wave (maxUpdate = maxParallel). RollingSync needs the ApplicationSet controller's
 * progressive syncs enabled and turns off self-heal on every Application it manages.
 */
import { FederationError } from '../errors';
import { Inventory } from '../inventory/read';
import { INVENTORY_FILE } from '../inventory/format';
import { LABEL_FEDERATION } from '../kube/ownership';
import { Batch, clusterPath, sourceBranch } from './batches';
import { argoIgnores, KnownObject } from './ignore';
import { LABEL_CLUSTER, LABEL_WAVE } from './labels';
import { ResolvedOptions } from './options';

export const ARGO_API = 'argoproj.io/v1alpha1';
/** Argo CD's name for the cluster it runs in. */
const IN_CLUSTER = 'in-cluster';

export function applicationName(federation: string, cluster: string): string {
  return `${federation}.${cluster}`;
}

function knownObjects(inv: Inventory): KnownObject[] {
  return [...inv.clusters.values()].flatMap((c) => c.spec.objects.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.name, ...(o.namespace ? { namespace: o.namespace } : {}), ...(o.app ? { app: o.app } : {}) })));
}

function syncPolicy(inv: Inventory): object {
  const hasCrd = [...inv.clusters.values()].some((c) => c.spec.objects.some((o) => o.kind === 'CustomResourceDefinition'));
  return {
    automated: { prune: true, selfHeal: true },
    // Custom objects of a CRD the same sync creates cannot be dry-run before it exists.
    syncOptions: ['RespectIgnoreDifferences=true', 'ServerSideApply=true', ...(hasCrd ? ['SkipDryRunOnMissingResource=true'] : [])],
  };
}

function labels(fed: string, wave: string, cluster: string): Record<string, string> {
  return { [LABEL_CLUSTER]: cluster, [LABEL_FEDERATION]: fed, [LABEL_WAVE]: wave };
}

/** One Application per cluster, in `applications` mode. */
export function argoApplications(inv: Inventory, batches: readonly Batch[], opts: ResolvedOptions): Map<string, object> {
  const fed = inv.document.federation;
  if (opts.promotion === 'engine' && inv.waves.filter((w) => w.clusters.length > 0).length > 1) {
    throw new FederationError('GITOPS_NO_WAVE_ORDER', `${inv.dir}/${INVENTORY_FILE}`, `the federation has ${inv.waves.length} waves, but plain Applications promoted by the engine would sync every cluster at once`,
      'use --argocd-mode applicationset (RollingSync orders the waves) or --promotion cdkfed (`cdkfed gitops promote` does)');
  }
  const objects = knownObjects(inv);
  const out = new Map<string, object>();
  for (const batch of batches) {
    for (const cluster of batch.clusters) {
      const ignore = argoIgnores(inv.document.ignoreDifferences ?? [], objects, cluster);
      out.set(cluster, {
        apiVersion: ARGO_API,
        kind: 'Application',
        metadata: { name: applicationName(fed, cluster), namespace: opts.namespace, labels: labels(fed, batch.wave.name, cluster) },
        spec: {
          project: 'default',
          source: { repoURL: opts.repoUrl, targetRevision: sourceBranch(fed, batch, opts), path: clusterPath(opts, cluster) },
          destination: { name: cluster === opts.hub ? IN_CLUSTER : cluster },
          syncPolicy: syncPolicy(inv),
          ...(ignore.length ? { ignoreDifferences: ignore } : {}),
        },
      });
    }
  }
  return out;
}

/** One ApplicationSet for every cluster, in `applicationset` mode. */
export function argoApplicationSet(inv: Inventory, batches: readonly Batch[], opts: ResolvedOptions): object {
  const fed = inv.document.federation;
  const ignore = argoIgnores(inv.document.ignoreDifferences ?? [], knownObjects(inv));
  const elements = batches.flatMap((batch) => batch.clusters.map((cluster) => ({
    cluster,
    destination: cluster === opts.hub ? IN_CLUSTER : cluster,
    path: clusterPath(opts, cluster),
    targetRevision: sourceBranch(fed, batch, opts),
    wave: batch.wave.name,
  })));
  const steps = inv.waves.filter((w) => w.clusters.length > 0).map((w) => ({
    matchExpressions: [{ key: LABEL_WAVE, operator: 'In', values: [w.name] }],
    maxUpdate: w.maxParallel,
  }));
  return {
    apiVersion: ARGO_API,
    kind: 'ApplicationSet',
    metadata: { name: fed, namespace: opts.namespace, labels: { [LABEL_FEDERATION]: fed } },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{ list: { elements } }],
      ...(opts.promotion === 'engine' ? { strategy: { type: 'RollingSync', rollingSync: { steps } } } : {}),
      syncPolicy: { preserveResourcesOnDeletion: true },
      template: {
        metadata: { name: `${fed}.{{.cluster}}`, labels: { [LABEL_CLUSTER]: '{{.cluster}}', [LABEL_FEDERATION]: fed, [LABEL_WAVE]: '{{.wave}}' } },
        spec: {
          project: 'default',
          source: { repoURL: opts.repoUrl, targetRevision: '{{.targetRevision}}', path: '{{.path}}' },
          destination: { name: '{{.destination}}' },
          syncPolicy: syncPolicy(inv),
          ...(ignore.length ? { ignoreDifferences: ignore } : {}),
        },
      },
    },
  };
}
