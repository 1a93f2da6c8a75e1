import { contentDigest } from '../kube/digest';
import { objectKey } from '../kube/object';
import { manifestFileName } from '../kube/order';
import { applySetId, applySetParent } from '../kube/ownership';
import { FederationPlan, PLAN_API_VERSION, PLAN_KIND, SCHEMA_VERSION } from '../inventory/types';
import { ClusterManifests, FederationOutline } from './model';

type PlanCluster = FederationPlan['clusters'][number];

/**
 * dist/federation.json: everything `cdkfed plan|deploy|drift` needs besides the manifests
 * themselves: which clusters, how to reach them, in which waves, the ApplySet, and each
 * cluster's inventory with digests and each object's app and residency.
 */
export function buildPlan(outline: FederationOutline, clusters: readonly PlanCluster[]): FederationPlan {
  const parent = applySetParent(outline.name);
  return {
    apiVersion: PLAN_API_VERSION,
    kind: PLAN_KIND,
    schemaVersion: SCHEMA_VERSION,
    federation: outline.name,
    applySet: { id: applySetId(parent), parent },
    waves: outline.waves.map((w) => ({ ...w, clusters: [...w.clusters] })),
    clusters: [...clusters],
  };
}

/** One cluster's entry of federation.json: how to reach it, its wave, its inventory with digests. */
export function planCluster({ cluster, wave, objects, origins }: ClusterManifests): PlanCluster {
  return {
    name: cluster.name,
    context: cluster.context,
    ...(cluster.kubeconfig ? { kubeconfig: cluster.kubeconfig } : {}),
    region: cluster.region,
    jurisdiction: cluster.jurisdiction,
    role: cluster.role,
    wave,
    objects: objects.map((o) => {
      const origin = origins?.get(objectKey(o));
      return {
        apiVersion: o.apiVersion,
        kind: o.kind,
        ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
        name: o.metadata.name,
        file: `${cluster.name}/${manifestFileName(o)}`,
        digest: contentDigest(o),
        ...(origin?.app ? { app: origin.app } : {}),
        ...(origin?.residency ? { residency: origin.residency } : {}),
      };
    }),
  };
}
