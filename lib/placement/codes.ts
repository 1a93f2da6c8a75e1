/**
 * Error codes raised by placement. Every code is distinct so that callers and tests can
 * tell the failures apart without parsing messages.
 */
export const PlacementErrorCode = {
  /** A selector is not an object, or has a field other than matchLabels/matchExpressions. */
  SELECTOR_INVALID: 'SELECTOR_INVALID',
  /** A matchExpressions operator is not In, NotIn, Exists or DoesNotExist. */
  SELECTOR_BAD_OPERATOR: 'SELECTOR_BAD_OPERATOR',
  /** In/NotIn without a non-empty values list. */
  SELECTOR_VALUES_REQUIRED: 'SELECTOR_VALUES_REQUIRED',
  /** Exists/DoesNotExist with values. */
  SELECTOR_VALUES_FORBIDDEN: 'SELECTOR_VALUES_FORBIDDEN',
  /** A key that is not a valid Kubernetes label key. */
  SELECTOR_BAD_KEY: 'SELECTOR_BAD_KEY',
  /** A value that is not a valid Kubernetes label value. */
  SELECTOR_BAD_VALUE: 'SELECTOR_BAD_VALUE',

  /** The registry handed to placement holds two clusters with the same name. */
  PLACEMENT_DUPLICATE_REGISTRY_CLUSTER: 'PLACEMENT_DUPLICATE_REGISTRY_CLUSTER',
  /** selection.clusters names a cluster that is not registered. */
  PLACEMENT_UNKNOWN_CLUSTER: 'PLACEMENT_UNKNOWN_CLUSTER',
  /** selection.exclude names a cluster that is not registered. */
  PLACEMENT_UNKNOWN_EXCLUDED_CLUSTER: 'PLACEMENT_UNKNOWN_EXCLUDED_CLUSTER',
  /** A cluster name appears twice in selection.clusters or selection.exclude. */
  PLACEMENT_DUPLICATE_CLUSTER: 'PLACEMENT_DUPLICATE_CLUSTER',
  /** selection.clusters / selection.exclude is not a list of strings. */
  PLACEMENT_INVALID_SELECTION: 'PLACEMENT_INVALID_SELECTION',
  /** The selection matched no cluster. */
  PLACEMENT_EMPTY: 'PLACEMENT_EMPTY',

  /** A spread constraint has a bad topologyKey, min or max. */
  SPREAD_INVALID: 'SPREAD_INVALID',
  /** A selected cluster has no value for a spread constraint's topology key. */
  SPREAD_KEY_MISSING: 'SPREAD_KEY_MISSING',
  /** A domain has selected clusters, but fewer than minPerDomain. */
  SPREAD_MIN_NOT_MET: 'SPREAD_MIN_NOT_MET',

  /** The replica policy's mode is neither 'duplicated' nor 'divided'. */
  REPLICAS_INVALID_MODE: 'REPLICAS_INVALID_MODE',
  /** A replica count (replicas, total, standbyReplicas) is not a non-negative integer. */
  REPLICAS_INVALID_COUNT: 'REPLICAS_INVALID_COUNT',
  /** A weight is not a positive finite number. */
  REPLICAS_INVALID_WEIGHT: 'REPLICAS_INVALID_WEIGHT',
  /** A per-cluster min/max is not a non-negative integer, or min > max. */
  REPLICAS_INVALID_BOUND: 'REPLICAS_INVALID_BOUND',
  /** Two members of a division share a name. */
  REPLICAS_DUPLICATE_MEMBER: 'REPLICAS_DUPLICATE_MEMBER',
  /** The total cannot be divided within the bounds (sum of mins > total, or sum of maxes < total). */
  REPLICAS_INFEASIBLE: 'REPLICAS_INFEASIBLE',
  /** A static weight map has no entry for a selected non-standby cluster. */
  REPLICAS_MISSING_WEIGHT: 'REPLICAS_MISSING_WEIGHT',
  /** A weight/min/max map names a cluster that is not registered. */
  REPLICAS_UNKNOWN_CLUSTER: 'REPLICAS_UNKNOWN_CLUSTER',
  /** Divided mode with a positive total, but every selected cluster is a standby. */
  REPLICAS_NO_ACTIVE_CLUSTER: 'REPLICAS_NO_ACTIVE_CLUSTER',

  /** The residency rule itself is not a non-empty string. */
  RESIDENCY_INVALID: 'RESIDENCY_INVALID',
  /** A placed cluster's jurisdiction differs from the app's residency. */
  RESIDENCY_VIOLATION: 'RESIDENCY_VIOLATION',

  /** A wave name is missing or not a DNS label. */
  WAVE_INVALID_NAME: 'WAVE_INVALID_NAME',
  /** Two waves share a name. */
  WAVE_DUPLICATE_NAME: 'WAVE_DUPLICATE_NAME',
  /** A wave (or the placed list) names a cluster that is not registered. */
  WAVE_UNKNOWN_CLUSTER: 'WAVE_UNKNOWN_CLUSTER',
  /** A cluster belongs to two waves. */
  WAVE_OVERLAP: 'WAVE_OVERLAP',
  /** A placed cluster belongs to no wave. */
  WAVE_MISSING_CLUSTER: 'WAVE_MISSING_CLUSTER',
  /** A wave resolves to no cluster. */
  WAVE_EMPTY: 'WAVE_EMPTY',
  /** maxParallel, healthTimeoutSeconds or bakeTimeSeconds out of range, or a malformed wave. */
  WAVE_INVALID_SETTING: 'WAVE_INVALID_SETTING',
} as const;

export type PlacementErrorCode = (typeof PlacementErrorCode)[keyof typeof PlacementErrorCode];
