// Public API of cdk-federation.
export { FederationApp, FederationAppProps } from './app';
export { Federation, FederationProps, RolloutProps, WaveProps } from './federation';
export { FederationError, isFederationError } from './errors';
export { ClusterRegistry, ClusterInput } from './registry/registry';
export { ClusterSpec, ClusterRole } from './registry/types';
export * from './placement/types';
export * from './constructs/app-spec';
export { FederatedApp } from './constructs/federated-app';
export { GlobalService, GlobalServiceProps, RoutingPolicy, GeoRouting, WeightedRouting, FailoverRouting, GeoLocation } from './constructs/global-service';
export { FederatedResource, FederatedResourceProps, JsonPatchOperation, ManifestProps } from './constructs/federated-resource';
export { FederationModel, ClusterManifests, KubeObject, TerraformOptions, TerraformBackend } from './synth/model';
export { FederationPlan, PlanCluster, PlanObject } from './synth/federation-plan';
export { Duration } from 'cdk8s';
