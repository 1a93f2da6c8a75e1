import { ClusterSpec } from '../registry/types';

import type { IgnoreDifference, InventoryWave } from '../inventory/types';
import { KubeObject } from '../kube/object';

export type { KubeObject };

/** Who declared an object: the app it belongs to and that app's data-residency rule. */
export interface ObjectOrigin {
  /** The FederatedApp, FederatedResource or fronted app the object belongs to; none for shared objects (Namespaces). */
  readonly app?: string;
  /** Jurisdiction the object may only go to. */
  readonly residency?: string;
}

/** A cluster that receives objects, and its rollout wave. */
export interface ClusterOutline {
  readonly cluster: ClusterSpec;
  /** Name of the rollout wave the cluster belongs to. */
  readonly wave: string;
}

/** What one cluster gets: its objects in apply order (namespaces and CRDs first). */
export interface ClusterManifests extends ClusterOutline {
  readonly objects: readonly KubeObject[];
  /** Origin of each object, by objectKey. @default - objects have no recorded origin */
  readonly origins?: ReadonlyMap<string, ObjectOrigin>;
}

/**
 * What one cluster's chart renders, before it is finalized (objects.ts: ownership stamped,
 * checked, in apply order): plain data, so it can be finalized on the thread that writes it.
 */
export interface RenderedCluster extends ClusterOutline {
  /** As rendered, in any order. */
  readonly objects: readonly KubeObject[];
  readonly origins?: ReadonlyMap<string, ObjectOrigin>;
  /** Construct path of the cluster's chart, for messages. */
  readonly where: string;
}

/** Where each per-cluster Terraform stack keeps its state. The key/prefix gets the cluster name appended. */
export type TerraformBackend =
  | { readonly type: 'local' }
  | { readonly type: 's3'; readonly bucket: string; readonly region: string; readonly keyPrefix?: string; readonly dynamodbTable?: string }
  | { readonly type: 'gcs'; readonly bucket: string; readonly prefix?: string }
  | { readonly type: 'kubernetes'; readonly namespace?: string; readonly secretSuffixPrefix?: string; readonly configPath?: string; readonly configContext?: string };

/**
 * API endpoint of one cluster for in-pipeline provider auth (no kubeconfig): the
 * defaults of the stack's `<cluster>_host` / `<cluster>_cluster_ca_certificate`
 * variables; the token comes from the sensitive variable `<cluster>_token`.
 */
export interface TerraformClusterEndpoint {
  readonly host: string;
  /** PEM. @default - system trust store */
  readonly clusterCaCertificate?: string;
}

/** Terraform output options of a federation. */
export interface TerraformOptions {
  /** @default { type: 'local' } */
  readonly backend?: TerraformBackend;
  /** Per cluster name. @default - every stack reaches its cluster via kubeconfig and context */
  readonly endpoints?: Readonly<Record<string, TerraformClusterEndpoint>>;
}

/** The federation without its objects: what every writer needs before the first cluster. Clusters are sorted by name. */
export interface FederationOutline {
  readonly name: string;
  readonly clusters: readonly ClusterOutline[];
  /** The waves as federation.json holds them: only clusters that receive objects. */
  readonly waves: readonly InventoryWave[];
  readonly terraform: TerraformOptions;
  /** Fields `cdkfed drift` ignores, sorted. @default - none */
  readonly ignoreDifferences?: readonly IgnoreDifference[];
}

/**
 * The whole synthesized federation as plain data: the single input of every writer
 * (dist/ manifests, federation.json, cdktf.out/). Clusters are sorted by name.
 */
export interface FederationModel extends FederationOutline {
  readonly clusters: readonly ClusterManifests[];
}

/**
 * The model, one cluster at a time: the outline, and each cluster's manifests rendered on
 * request. Writers stream from it, so a fleet's objects need not all be in memory at once;
 * `render` of every outline cluster in order gives exactly the FederationModel's clusters.
 */
export interface FederationSource {
  readonly outline: FederationOutline;
  render(cluster: ClusterOutline): ClusterManifests;
  /**
   * The cluster's objects as rendered, not yet finalized: `finalizeObjects` of them gives
   * render()'s objects. Writers that finalize on worker threads use it. @default - absent: render only
   */
  renderUnfinalized?(cluster: ClusterOutline): RenderedCluster;
}

/** A source over a model already in memory. */
export function sourceOf(model: FederationModel): FederationSource {
  const byName = new Map(model.clusters.map((c) => [c.cluster.name, c]));
  return { outline: model, render: (c) => byName.get(c.cluster.name)! };
}
