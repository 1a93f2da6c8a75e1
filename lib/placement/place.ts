import { FederationError } from '../errors';
import { ClusterSpec } from '../registry/types';
import { PlacementErrorCode as E } from './codes';
import { divideReplicas, ReplicaBound } from './replicas';
import { checkResidency } from './residency';
import { indexRegistry, selectClusters } from './select';
import { applySpread } from './spread';
import { DividedReplicas, PlacementDecision, PlacementIntent } from './types';
import { isNonNegativeInteger, isPlainObject, list, show } from './util';
import { compareStrings } from '../kube/sort';

function checkCount(v: unknown, field: string, where: string): number {
  if (!isNonNegativeInteger(v)) {
    throw new FederationError(E.REPLICAS_INVALID_COUNT, where, `${field} must be a non-negative integer, got ${show(v)}`,
      `use a whole number of replicas, e.g. ${field}: 3`);
  }
  return v;
}

function checkMapKeys(map: unknown, field: string, known: Map<string, ClusterSpec>, where: string): void {
  if (!isPlainObject(map)) return;
  for (const name of Object.keys(map)) {
    if (!known.has(name)) {
      throw new FederationError(E.REPLICAS_UNKNOWN_CLUSTER, where, `${field} names unknown cluster ${show(name)}; known clusters: ${list([...known.keys()].sort(compareStrings))}`,
        'fix the cluster name, or remove the entry');
    }
  }
}

/**
 * Places one app: which clusters it runs on and how many replicas each gets.
 *
 * Steps, in order: select (selectClusters) → spread (applySpread) → residency
 * (checkResidency, when `intent.residency` is set) → replicas. Clusters with role
 * `standby` get `intent.standbyReplicas` (default 0) and take no part in the division. In
 * `duplicated` mode every other cluster gets `replicas`. In `divided` mode `total` is
 * divided over the other clusters by divideReplicas, weighted by cluster capacity
 * (`weights: 'capacity'`, the default) or by a static map that must have an entry for every
 * placed non-standby cluster. Names in the weights/min/max maps must be registered
 * clusters; entries for clusters that are not placed (or are standbys) are not used.
 * Divided mode with a positive total and only standby clusters is an error.
 *
 * Pure and public: `place(ClusterRegistry.fromFile('clusters.yaml').clusters, { replicas:
 * { mode: 'divided', total: 18 } })` gives what a FederatedApp with the same props is
 * placed on, before per-cluster `overrides.replicas`, so placements can be unit-tested
 * without synthesizing.
 *
 * @param registry the registry's clusters (`ClusterRegistry.clusters`)
 * @param intent the app's placement props as plain data
 * @returns one decision per placed cluster, sorted by cluster name
 * @throws FederationError with a PlacementErrorCode when the intent cannot be placed
 */
export function place(registry: readonly ClusterSpec[], intent: PlacementIntent): PlacementDecision[] {
  const where = intent.path ?? 'place';
  const standbyReplicas = checkCount(intent.standbyReplicas ?? 0, 'standbyReplicas', where);
  const policy = intent.replicas;
  if (!isPlainObject(policy) || (policy.mode !== 'duplicated' && policy.mode !== 'divided')) {
    throw new FederationError(E.REPLICAS_INVALID_MODE, where, `replicas.mode must be "duplicated" or "divided", got ${show(isPlainObject(policy) ? policy.mode : policy)}`,
      'use { mode: "duplicated", replicas: 3 } (each cluster runs 3) or { mode: "divided", total: 12 } (12 split over the clusters)');
  }
  if (policy.mode === 'duplicated') checkCount(policy.replicas, 'replicas.replicas', where);
  else checkCount(policy.total, 'replicas.total', where);

  const selected = selectClusters(registry, intent.selection, where);
  const placed = applySpread(selected, intent.spread ?? [], where);
  if (intent.residency !== undefined) checkResidency(placed, intent.residency, where);

  const active = placed.filter((c) => c.role !== 'standby');
  let counts: Record<string, number>;
  if (policy.mode === 'duplicated') {
    counts = Object.fromEntries(active.map((c) => [c.name, policy.replicas]));
  } else {
    counts = divide(registry, policy, active, placed, where);
  }
  return placed.map((c) => ({ cluster: c, replicas: c.role === 'standby' ? standbyReplicas : counts[c.name] }));
}

function divide(registry: readonly ClusterSpec[], policy: DividedReplicas, active: ClusterSpec[], placed: ClusterSpec[], where: string): Record<string, number> {
  const known = indexRegistry(registry, where);
  const weights = policy.weights ?? 'capacity';
  if (weights !== 'capacity' && !isPlainObject(weights)) {
    throw new FederationError(E.REPLICAS_INVALID_WEIGHT, where, `replicas.weights must be "capacity" or a map of cluster name to weight, got ${show(weights)}`,
      'use weights: "capacity" or weights: { "eu-west-1a": 2, "us-east-1a": 1 }');
  }
  checkMapKeys(weights, 'replicas.weights', known, where);
  checkMapKeys(policy.min, 'replicas.min', known, where);
  checkMapKeys(policy.max, 'replicas.max', known, where);
  if (active.length === 0 && policy.total > 0) {
    throw new FederationError(E.REPLICAS_NO_ACTIVE_CLUSTER, where,
      `cannot divide ${policy.total} replicas: every placed cluster is a standby (${placed.map((c) => c.name).join(', ')})`,
      'select at least one primary or canary cluster, set total: 0, or use standbyReplicas for the standbys');
  }
  const members = active.map((c) => {
    if (weights === 'capacity') return { name: c.name, weight: c.capacity };
    if (!Object.prototype.hasOwnProperty.call(weights, c.name)) {
      throw new FederationError(E.REPLICAS_MISSING_WEIGHT, where, `replicas.weights has no weight for placed cluster ${show(c.name)}`,
        `add ${JSON.stringify(c.name)}: <weight> to replicas.weights, exclude the cluster, or use weights: "capacity"`);
    }
    return { name: c.name, weight: weights[c.name] };
  });
  return divideReplicas(policy.total, members, policy.min as ReplicaBound | undefined, policy.max as ReplicaBound | undefined, where);
}
