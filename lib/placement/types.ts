import type { InventoryWave } from '../inventory/types';
import { ClusterSpec } from '../registry/types';

/** A Kubernetes-style label selector over a cluster's effective labels (see effectiveLabels). */
export interface LabelSelector {
  /** @default - no equality requirement */
  readonly matchLabels?: Readonly<Record<string, string>>;
  /** @default - no expression requirement */
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  /** Required (non-empty) for In/NotIn, forbidden for Exists/DoesNotExist. */
  readonly values?: readonly string[];
}

/** Which clusters an app goes to. Name list and selector are ANDed when both are given. */
export interface ClusterSelection {
  /** @default - every cluster (subject to selector and exclude) */
  readonly clusters?: readonly string[];
  /** @default - every cluster */
  readonly selector?: LabelSelector;
  /** Cluster names removed after selection. @default - none */
  readonly exclude?: readonly string[];
}

/** How many clusters per topology domain (e.g. per region) an app may run in. */
export interface SpreadConstraint {
  /** Effective-label key that defines a domain. @default 'region' */
  readonly topologyKey?: string;
  /** Each domain that has selected clusters must keep at least this many. @default - no minimum */
  readonly minPerDomain?: number;
  /** Each domain keeps at most this many (chosen deterministically). @default - no maximum */
  readonly maxPerDomain?: number;
}

/** Each selected (non-standby) cluster runs `replicas`. */
export interface DuplicatedReplicas {
  readonly mode: 'duplicated';
  readonly replicas: number;
}

/** A total split over the selected (non-standby) clusters. */
export interface DividedReplicas {
  readonly mode: 'divided';
  readonly total: number;
  /** 'capacity' uses each cluster's capacity; a map gives static weights by cluster name. @default 'capacity' */
  readonly weights?: 'capacity' | Readonly<Record<string, number>>;
  /** Per-cluster lower bound, a number for all or a map by cluster. @default 0 */
  readonly min?: number | Readonly<Record<string, number>>;
  /** Per-cluster upper bound, a number for all or a map by cluster. @default - unbounded */
  readonly max?: number | Readonly<Record<string, number>>;
}

export type ReplicaPolicy = DuplicatedReplicas | DividedReplicas;

/** Everything placement needs to know about one app. Plain data: placement is pure. */
export interface PlacementIntent {
  /** Construct path (or any name) of the app, named in error messages. @default 'place' */
  readonly path?: string;
  readonly selection?: ClusterSelection;
  readonly spread?: readonly SpreadConstraint[];
  readonly replicas: ReplicaPolicy;
  /** Replicas on clusters with role `standby` (active-passive). @default 0 */
  readonly standbyReplicas?: number;
  /** Jurisdiction every placed cluster must have. @default - none */
  readonly residency?: string;
}

/** Per-cluster outcome of placement, sorted by cluster name. */
export interface PlacementDecision {
  readonly cluster: ClusterSpec;
  readonly replicas: number;
}

/**
 * A rollout wave as declared, in plain data (Federation's WaveProps is this with Durations):
 * clusters by name and/or selector, plus its gates. As in a placement, name list and
 * selector are ANDed when both are given. resolveWaves turns it into the one wave type,
 * InventoryWave (lib/inventory/types.ts), the wave as federation.json holds it.
 */
export interface WaveSpec {
  readonly name: string;
  /** Cluster names; with a selector, only those it also matches. @default - every cluster the selector matches */
  readonly clusters?: readonly string[];
  /** Label selector; with a name list, ANDed with it. @default - every named cluster */
  readonly selector?: LabelSelector;
  /** Clusters of this wave applied at once. @default 1 */
  readonly maxParallel?: number;
  /**
   * How long a cluster may take to become healthy before the wave fails. The same value
   * also bounds how long an object may take to settle after the bake, and how long a rolled
   * back cluster may take to become healthy again (see lib/inventory/wave.ts). @default 300
   */
  readonly healthTimeoutSeconds?: number;
  /** How long to wait after the wave is healthy before the next wave starts. @default 0 */
  readonly bakeTimeSeconds?: number;
}

/** @deprecated use InventoryWave: a resolved wave is the inventory's wave (before synth leaves out clusters that receive nothing). */
export type ResolvedWave = InventoryWave;
