// Public API of cdk-federation.
export { FederationApp } from './app';
export type { FederationAppProps } from './app';
export { Federation } from './federation';
export type { FederationProps, IgnoreDifferenceProps, RolloutProps, WaveProps } from './federation';
export { FederationError, isFederationError, formatWarning } from './errors';
export type { FederationWarning } from './errors';
export { ClusterRegistry } from './registry/registry';
export type { ClusterInput } from './registry/registry';
export type { ClusterSpec, ClusterRole } from './registry/types';
export type * from './placement/types';
// Placement as pure functions: unit-test where an app goes without synthesizing.
export { place, divideReplicas, selectClusters, applySpread, checkResidency, resolveWaves, matchesSelector, validateSelector, PlacementErrorCode } from './placement';
export type { ReplicaMember, ReplicaBound } from './placement';
export { effectiveLabels } from './registry/types';
export type * from './constructs/app-spec';
export { FederatedApp } from './constructs/federated-app';
export { GlobalService } from './constructs/global-service';
export type { GlobalServiceProps, RoutingPolicy, GeoRouting, WeightedRouting, FailoverRouting, GeoLocation } from './constructs/global-service';
export { FederatedResource } from './constructs/federated-resource';
export type { FederatedResourceProps, JsonPatchOperation, ManifestProps } from './constructs/federated-resource';
export type { FederationModel, FederationOutline, FederationSource, ClusterOutline, ClusterManifests, KubeObject, TerraformOptions, TerraformBackend, TerraformClusterEndpoint } from './synth/model';
// The inventory (dist/federation.json); FederationPlan, PlanCluster, PlanObject and PlanWave are its deprecated old names.
export type { InventoryDocument, InventoryClusterEntry, InventoryObjectEntry, InventoryWave, FederationPlan, PlanCluster, PlanObject, PlanWave } from './inventory/types';
export { Duration } from 'cdk8s';
