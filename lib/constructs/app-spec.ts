import type { IgnoreDifferenceProps } from '../federation';
import { ClusterSelection, ReplicaPolicy, SpreadConstraint } from '../placement/types';

/** An environment variable: a literal, or a reference. Secrets are only ever referenced. */
export type EnvValue =
  | string
  | { readonly secretKeyRef: { readonly name: string; readonly key: string; readonly optional?: boolean } }
  | { readonly configMapKeyRef: { readonly name: string; readonly key: string; readonly optional?: boolean } }
  | { readonly fieldRef: { readonly fieldPath: string } };

/** A probe with exactly one handler, as in the Kubernetes Probe. */
export interface ProbeProps {
  /** @default - no HTTP handler */
  readonly httpGet?: { readonly path: string; readonly port: number | string };
  /** @default - no TCP handler */
  readonly tcpSocket?: { readonly port: number | string };
  /** @default - no exec handler */
  readonly exec?: { readonly command: readonly string[] };
  /** @default - Kubernetes default (0) */
  readonly initialDelaySeconds?: number;
  /** @default - Kubernetes default (10) */
  readonly periodSeconds?: number;
  /** @default - Kubernetes default (1) */
  readonly timeoutSeconds?: number;
  /** @default - Kubernetes default (3) */
  readonly failureThreshold?: number;
}

export interface ContainerPortProps {
  readonly containerPort: number;
  /** Port name, also the Service port name. @default `port-<containerPort>` */
  readonly name?: string;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  /** Port the Service exposes. @default - containerPort */
  readonly servicePort?: number;
}

export interface ResourceListProps {
  /** e.g. '250m'. @default - none */
  readonly cpu?: string;
  /** e.g. '256Mi'. @default - none */
  readonly memory?: string;
}

export interface ContainerProps {
  /** Container name. @default - the app name (only allowed when the app has one container) */
  readonly name?: string;
  readonly image: string;
  /** @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** @default - the image's cmd */
  readonly args?: readonly string[];
  /** Ports; they also make the app's Service. @default - none (then no Service is emitted) */
  readonly ports?: readonly ContainerPortProps[];
  /** Environment; secrets by reference (`{ secretKeyRef: { name, key } }`). @default {} */
  readonly env?: Readonly<Record<string, EnvValue>>;
  /** Names of existing Secrets whose keys all become env vars. @default - none */
  readonly envFromSecrets?: readonly string[];
  /** @default - no requests or limits */
  readonly resources?: { readonly requests?: ResourceListProps; readonly limits?: ResourceListProps };
  /** @default - no readiness probe */
  readonly readiness?: ProbeProps;
  /** @default - no liveness probe */
  readonly liveness?: ProbeProps;
}

export interface AutoscalingProps {
  /** Lower bound of the HPA; a cluster's replica count raises it (HPA minReplicas = max(minReplicas, replicas)). */
  readonly minReplicas: number;
  /** Upper bound of the HPA; must be at least minReplicas and at least the cluster's replica count. */
  readonly maxReplicas: number;
  /** Target average CPU utilization in percent. @default 80 */
  readonly targetCpuUtilization?: number;
}

/** Exactly one of minAvailable and maxUnavailable. */
export interface DisruptionBudgetProps {
  /** @default - not set */
  readonly minAvailable?: number | string;
  /** @default - not set */
  readonly maxUnavailable?: number | string;
}

/** The part of an app that can differ per region and per cluster. */
export interface FederatedAppSpec {
  readonly containers: readonly ContainerProps[];
  /** Non-secret configuration, emitted as ConfigMap `<app>-config` and mounted as env. @default - no ConfigMap */
  readonly config?: Readonly<Record<string, string>>;
  /**
   * HPA bounds. The cluster's replica count (its share of a divided total, its duplicated
   * count or `overrides.replicas`) becomes the HPA's floor, minReplicas = max(minReplicas,
   * replicas); maxReplicas must be at least that count. The Deployment leaves `replicas`
   * to the HPA. Standbys and clusters running 0 replicas get no HPA.
   * @default - no HPA
   */
  readonly autoscaling?: AutoscalingProps;
  /** @default - no PodDisruptionBudget */
  readonly disruptionBudget?: DisruptionBudgetProps;
  /** @default 'ClusterIP' */
  readonly serviceType?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** Extra labels on every object and pod. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Extra annotations on the pod template. @default {} */
  readonly podAnnotations?: Readonly<Record<string, string>>;
}

/**
 * A map in an override: merged key by key into the inherited map; a key set to `null`
 * removes the inherited key.
 */
export type MapOverride<T> = Readonly<Record<string, T | null>>;

/** Requests or limits in an override: each key replaces the inherited one, `null` removes it. */
export interface ResourceListOverride {
  /** @default - inherited */
  readonly cpu?: string | null;
  /** @default - inherited */
  readonly memory?: string | null;
}

/**
 * Changes to one container, found by name. `env` merges key by key and `resources` two
 * levels deep (requests/limits, then cpu/memory); `null` removes a key; every other field
 * (image, command, args, ports, envFromSecrets, probes) replaces the inherited one whole.
 */
export interface ContainerOverride extends Partial<Omit<ContainerProps, 'name' | 'env' | 'resources'>> {
  /** Name of the container to change. */
  readonly name: string;
  /** Env vars to add or replace (a value replaces whole); `null` removes one. @default - no env changes */
  readonly env?: MapOverride<EnvValue>;
  /**
   * Merged per key: `{ requests: { cpu: '1' } }` keeps the inherited requests.memory and
   * limits; `{ limits: null }` removes every limit. @default - no resource changes
   */
  readonly resources?: { readonly requests?: ResourceListOverride | null; readonly limits?: ResourceListOverride | null };
}

/**
 * A partial FederatedAppSpec for one region or cluster. Precedence: app defaults <
 * region override < cluster override. Maps (config, labels, podAnnotations, a container's
 * env) merge key by key, a container's resources two levels deep; a key set to `null`
 * removes it. Containers merge by name; autoscaling merges field by field; anything else
 * (lists included) replaces.
 */
export interface FederatedAppOverride {
  /** Replicas in this cluster, replacing the placement's share. @default - the placement's value */
  readonly replicas?: number;
  /** @default - no container changes */
  readonly containers?: readonly ContainerOverride[];
  /** Keys to add or replace; `null` removes one. @default - no config changes */
  readonly config?: MapOverride<string>;
  /** @default - no autoscaling changes */
  readonly autoscaling?: Partial<AutoscalingProps>;
  /** @default - no change */
  readonly disruptionBudget?: DisruptionBudgetProps;
  /** @default - no change */
  readonly serviceType?: FederatedAppSpec['serviceType'];
  /** Labels to add or replace; `null` removes one. @default - no change */
  readonly labels?: MapOverride<string>;
  /** Pod annotations to add or replace; `null` removes one. @default - no change */
  readonly podAnnotations?: MapOverride<string>;
}

export interface OverridesProps<T> {
  /** By region name. @default - none */
  readonly regions?: Readonly<Record<string, T>>;
  /** By cluster name. @default - none */
  readonly clusters?: Readonly<Record<string, T>>;
}

/** Where an app or resource goes; shared by FederatedApp and FederatedResource. */
export interface PlacementProps {
  /** Which clusters. @default - every cluster of the registry */
  readonly placement?: ClusterSelection;
  /** Spread constraints over topology domains. @default - none */
  readonly spread?: readonly SpreadConstraint[];
  /** Jurisdiction every placed cluster must have; a placement crossing it fails synth. @default - no residency rule */
  readonly residency?: string;
}

export interface FederatedAppProps extends FederatedAppSpec, PlacementProps {
  /** @default - the federation's defaultNamespace */
  readonly namespace?: string;
  /** A number means `{ mode: 'duplicated', replicas: n }`. @default 1 per cluster (duplicated) */
  readonly replicas?: number | ReplicaPolicy;
  /** Replicas on standby clusters (warm, scaled to zero by default). @default 0 */
  readonly standbyReplicas?: number;
  /** Per-region and per-cluster overrides. @default - none */
  readonly overrides?: OverridesProps<FederatedAppOverride>;
  /**
   * Env var names that look like credentials (…PASSWORD, …SECRET, …TOKEN, …API_KEY) but
   * hold no secret, e.g. `TOKEN_URL`: synth does not warn about their literal values.
   * @default - synth warns about every literal env value under a credential-like name
   */
  readonly nonSecretEnv?: readonly string[];
  /**
   * Fields of this app's objects that `cdkfed drift` ignores, e.g. `{ kind: 'Deployment',
   * jsonPointers: ['/spec/template/metadata/annotations/restartedAt'] }`. Written to
   * federation.json. `spec.replicas` under an HPA is always ignored. @default - none
   */
  readonly ignoreDifferences?: readonly Omit<IgnoreDifferenceProps, 'app' | 'namespace'>[];
}
