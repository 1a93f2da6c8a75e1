import { FederationModel } from './model';
import { contentDigest, manifestFileName } from './objects';

export const PLAN_API_VERSION = 'cdk-federation.io/v1alpha1';
export const PLAN_FILE = 'federation.json';

/** One object of a cluster's inventory: its identity, file and content digest. */
export interface PlanObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** Path relative to dist/. */
  readonly file: string;
  readonly digest: string;
}

export interface PlanCluster {
  readonly name: string;
  readonly context: string;
  readonly kubeconfig?: string;
  readonly region: string;
  readonly jurisdiction: string;
  readonly role: string;
  readonly wave: string;
  /** Objects in apply order. */
  readonly objects: readonly PlanObject[];
}

/**
 * dist/federation.json: everything `cdkfed plan|deploy|drift` needs besides the manifests
 * themselves: which clusters, how to reach them, in which waves, and each cluster's
 * inventory with digests (for pruning and drift).
 */
export interface FederationPlan {
  readonly apiVersion: typeof PLAN_API_VERSION;
  readonly kind: 'FederationPlan';
  readonly federation: string;
  readonly waves: FederationModel['waves'];
  readonly clusters: readonly PlanCluster[];
}

export function buildPlan(model: FederationModel): FederationPlan {
  return {
    apiVersion: PLAN_API_VERSION,
    kind: 'FederationPlan',
    federation: model.name,
    waves: model.waves,
    clusters: model.clusters.map(({ cluster, wave, objects }) => ({
      name: cluster.name,
      context: cluster.context,
      ...(cluster.kubeconfig ? { kubeconfig: cluster.kubeconfig } : {}),
      region: cluster.region,
      jurisdiction: cluster.jurisdiction,
      role: cluster.role,
      wave,
      objects: objects.map((o) => ({
        apiVersion: o.apiVersion,
        kind: o.kind,
        ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
        name: o.metadata.name,
        file: `${cluster.name}/${manifestFileName(o)}`,
        digest: contentDigest(o),
      })),
    })),
  };
}
