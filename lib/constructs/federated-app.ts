import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { FederationError } from '../errors';
import { Federation } from '../federation';
import { isDnsLabel } from '../k8s-names';
import { place } from '../placement';
import { PlacementDecision, ReplicaPolicy } from '../placement/types';
import { ClusterSpec } from '../registry/types';
import { ContainerPortProps, FederatedAppOverride, FederatedAppProps, FederatedAppSpec, OverridesProps } from './app-spec';
import { applyAppOverrides, replicasOverride } from './overrides';
import { renderApp } from './render-app';
import { literalCredentialNames } from './secret-env';
import { checkCount, validateAppSpec } from './validate-app';
import { compareStrings } from '../kube/sort';
import { contentDigest } from '../kube/digest';

/** The overrides that apply to one cluster, lowest precedence first: region, then cluster. */
export function overridesFor<T>(overrides: OverridesProps<T> | undefined, cluster: ClusterSpec): (T | undefined)[] {
  return [overrides?.regions?.[cluster.region], overrides?.clusters?.[cluster.name]];
}

/**
 * Checks that overrides only name regions of the registry and clusters the app is placed
 * on: a typo must fail synth, not silently change nothing.
 */
export function checkOverrideTargets(fed: Federation, overrides: OverridesProps<unknown> | undefined, placed: readonly PlacementDecision[], where: string): void {
  const regions = new Set(fed.registry.clusters.map((c) => c.region));
  for (const r of Object.keys(overrides?.regions ?? {})) {
    if (!regions.has(r)) {
      throw new FederationError('UNKNOWN_OVERRIDE_TARGET', where, `prop "overrides.regions" names region "${r}", which no cluster of the registry has`,
        `use one of: ${[...regions].sort().join(', ')}`);
    }
  }
  const names = placed.map((d) => d.cluster.name);
  for (const c of Object.keys(overrides?.clusters ?? {})) {
    if (!names.includes(c)) {
      throw new FederationError('UNKNOWN_OVERRIDE_TARGET', where, `prop "overrides.clusters" names cluster "${c}", where this is not placed`,
        `use one of the placed clusters: ${names.join(', ')}`);
    }
  }
}

/**
 * An application declared once and placed on many clusters: per placed cluster a
 * Deployment, and as applicable a Service, ConfigMap, HPA and PDB, in the app's namespace.
 *
 * Replicas come from placement (duplicated or divided, standbys at `standbyReplicas`);
 * overrides adjust the spec per region, then per cluster. With `autoscaling`, a cluster's
 * replica count (its share of a divided total, its duplicated count or overrides.replicas)
 * becomes its HPA floor: minReplicas = max(autoscaling.minReplicas, replicas), and
 * maxReplicas must be at least that count. The Deployment then carries no `replicas` (the
 * HPA owns them and raises the Deployment to the floor on its first sync).
 */
export class FederatedApp extends Construct {
  /** App name: the construct id. Used as the Deployment and Service name. */
  public readonly name: string;
  public readonly namespace: string;
  /** Where the app runs and with how many replicas (after overrides), sorted by cluster. */
  public readonly placements: readonly PlacementDecision[];
  /** Every port the app's Service exposes. */
  public readonly ports: readonly ContainerPortProps[];
  /** Jurisdiction every placed cluster must have, if any. */
  public readonly residency?: string;
  private readonly fed: Federation;

  constructor(scope: Construct, id: string, props: FederatedAppProps) {
    super(scope, id);
    const where = this.node.path;
    this.fed = Federation.of(this);
    this.name = id;
    if (!isDnsLabel(id)) {
      throw new FederationError('INVALID_NAME', where, `app name "${id}" is not a DNS label`, 'use lower-case letters, digits and "-" (it names the Deployment and Service)');
    }
    this.namespace = props.namespace ?? this.fed.defaultNamespace;
    if (!isDnsLabel(this.namespace)) {
      throw new FederationError('INVALID_PROP', where, `prop "namespace" has invalid value "${this.namespace}"`, 'use a DNS label');
    }
    checkCount(where, 'standbyReplicas', props.standbyReplicas);
    const base = normalizeSpec(props, id, where);
    validateAppSpec(where, base);
    this.ports = base.containers.flatMap((c) => c.ports ?? []);
    this.residency = props.residency;

    const decisions = place(this.fed.registry.clusters, {
      path: where, selection: props.placement, spread: props.spread, residency: props.residency,
      replicas: replicaPolicy(props.replicas, where), standbyReplicas: props.standbyReplicas,
    });
    checkOverrideTargets(this.fed, props.overrides, decisions, where);
    this.fed.addIgnoreDifferences((props.ignoreDifferences ?? []).map((r) => ({ ...r, app: id, namespace: this.namespace })), `${where}: prop "ignoreDifferences"`);

    const allowed = nonSecretEnv(props.nonSecretEnv, where);
    const literalSecrets = new Map<string, string[]>(); // "container\0name" -> clusters
    // A standby holds its fixed warm count: an HPA would scale it up to minReplicas.
    const standbyBase = { ...base, autoscaling: undefined };
    // A spec is validated once, however many clusters share it (those without overrides).
    const validated = new WeakSet<FederatedAppSpec>([base]);
    const configDigests = new Map<object, string>();
    const configDigest = (config: Readonly<Record<string, string>>) => {
      let d = configDigests.get(config);
      if (d === undefined) configDigests.set(config, (d = contentDigest(config)));
      return d;
    };
    this.placements = decisions.map((d) => {
      const overrides = overridesFor<FederatedAppOverride>(props.overrides, d.cluster);
      const clusterWhere = `${where} (cluster ${d.cluster.name})`;
      const spec = applyAppOverrides(d.cluster.role === 'standby' ? standbyBase : base, overrides, clusterWhere);
      if (!validated.has(spec)) {
        validateAppSpec(clusterWhere, spec);
        validated.add(spec);
      }
      const replicas = replicasOverride(overrides) ?? d.replicas;
      checkCount(clusterWhere, 'overrides.replicas', replicas);
      checkAutoscalingRoom(clusterWhere, spec, replicas, replicasOverride(overrides) !== undefined ? 'overrides.replicas' : policyName(props.replicas));
      for (const c of spec.containers) {
        for (const n of literalCredentialNames(c.env, allowed)) {
          const key = `${c.name}\0${n}`;
          literalSecrets.set(key, [...(literalSecrets.get(key) ?? []), d.cluster.name]);
        }
      }
      this.fed.ensureNamespace(d.cluster, this.namespace);
      const scope = this.fed.scopeFor(d.cluster, this, { app: this.name, residency: this.residency });
      for (const { id: objectId, object } of renderApp({ name: this.name, namespace: this.namespace, spec, replicas, configDigest })) {
        new ApiObject(scope, objectId, object);
      }
      return { cluster: d.cluster, replicas };
    });
    for (const [key, clusters] of [...literalSecrets].sort(([a], [b]) => compareStrings(a, b))) {
      const [container, name] = key.split('\0');
      this.fed.addWarning({
        code: 'LITERAL_SECRET_ENV', where,
        message: `env "${name}" of container "${container}" looks like a credential but is a literal value, written in plain text into the Deployment and the Terraform JSON of ${clusters.length === decisions.length ? 'every cluster of the app' : `cluster(s) ${clusters.join(', ')}`}`,
        hint: `reference a Secret instead: env: { ${name}: { secretKeyRef: { name: '<secret>', key: '<key>' } } }; if it is not a secret, add "${name}" to the app's nonSecretEnv`,
      });
    }
  }
}

function nonSecretEnv(names: readonly string[] | undefined, where: string): ReadonlySet<string> {
  if (names === undefined) return new Set();
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) {
    throw new FederationError('INVALID_PROP', where, `prop "nonSecretEnv" has invalid value ${JSON.stringify(names)}`, 'give a list of env var names, e.g. ["TOKEN_URL"]');
  }
  return new Set(names);
}

function policyName(r: number | ReplicaPolicy | undefined): string {
  if (typeof r === 'object' && r !== null && r.mode === 'divided') return `its share of replicas.total ${r.total}`;
  return 'replicas';
}

/**
 * With autoscaling, a cluster's replica count (placement share or overrides.replicas) is
 * its HPA floor; an HPA whose maxReplicas is below that floor could never hold it.
 */
function checkAutoscalingRoom(where: string, spec: FederatedAppSpec, replicas: number, source: string): void {
  const a = spec.autoscaling;
  if (!a || replicas <= 0 || a.maxReplicas >= replicas) return;
  throw new FederationError('AUTOSCALING_BELOW_REPLICAS', where,
    `this cluster runs ${replicas} replicas (${source}), which become the HPA's minReplicas, but autoscaling.maxReplicas is ${a.maxReplicas}`,
    `raise autoscaling.maxReplicas to at least ${replicas} (per cluster: overrides.clusters.<name>.autoscaling.maxReplicas), or cap the division with replicas.max: ${a.maxReplicas}`);
}

function replicaPolicy(r: number | ReplicaPolicy | undefined, where: string): ReplicaPolicy {
  if (r === undefined) return { mode: 'duplicated', replicas: 1 };
  if (typeof r === 'number') {
    checkCount(where, 'replicas', r);
    return { mode: 'duplicated', replicas: r };
  }
  return r;
}

/** Gives a lone unnamed container the app's name, so overrides can find it by name. */
function normalizeSpec(props: FederatedAppProps, app: string, where: string): FederatedAppSpec {
  if (!Array.isArray(props.containers) || props.containers.length === 0) {
    throw new FederationError('INVALID_PROP', where, `prop "containers" has invalid value ${JSON.stringify(props.containers)}`, 'give at least one container with an image');
  }
  const single = props.containers.length === 1;
  const containers = props.containers.map((c, i) => {
    if (c.name === undefined && !single) {
      throw new FederationError('INVALID_PROP', where, `prop "containers[${i}].name" is missing`, 'name every container when an app has more than one');
    }
    return { ...c, name: c.name ?? app };
  });
  const { containers: _c, config, autoscaling, disruptionBudget, serviceType, labels, podAnnotations } = props;
  return { containers, config, autoscaling, disruptionBudget, serviceType, labels, podAnnotations };
}
