import type { IgnoreDifferenceProps } from '../federation';
import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { FederationError } from '../errors';
import { Federation } from '../federation';
import { crdScopes, knownNamespaced, scopeProblem } from '../kube/scope';
import { carriesSecretValues } from '../kube/secrets';
import { place } from '../placement';
import { PlacementDecision } from '../placement/types';
import { PlacementProps, OverridesProps } from './app-spec';
import { checkOverrideTargets, overridesFor } from './federated-app';

/** One RFC 6902 operation, as plain data. */
export type JsonPatchOperation =
  | { readonly op: 'add' | 'replace' | 'test'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string }
  | { readonly op: 'move' | 'copy'; readonly from: string; readonly path: string };

/** A Kubernetes object as plain JSON. */
export interface ManifestProps {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [k: string]: unknown };
  readonly [k: string]: unknown;
}

export interface FederatedResourceProps extends PlacementProps {
  /** The object to propagate (any kind, custom resources included). Secret values are refused. */
  readonly manifest: ManifestProps;
  /** JSON patches per region, then per cluster (applied in that order). @default - none */
  readonly overrides?: OverridesProps<readonly JsonPatchOperation[]>;
  /** Fields of this object that `cdkfed drift` ignores (its kind, name and namespace are filled in). @default - none */
  readonly ignoreDifferences?: readonly Pick<IgnoreDifferenceProps, 'jsonPointers' | 'clusters' | 'reason'>[];
}

/**
 * The escape hatch: any Kubernetes object, propagated with the same placement rules as
 * apps (selection, spread, residency) and adjusted per region and cluster by JSON patch.
 */
export class FederatedResource extends Construct {
  public readonly placements: readonly PlacementDecision[];
  /** The object as given. */
  public readonly manifest: ManifestProps;

  constructor(scope: Construct, id: string, props: FederatedResourceProps) {
    super(scope, id);
    const where = this.node.path;
    const fed = Federation.of(this);
    const m = props.manifest;
    if (!m || typeof m.apiVersion !== 'string' || !m.apiVersion || typeof m.kind !== 'string' || !m.kind || typeof m.metadata?.name !== 'string' || !m.metadata.name) {
      throw new FederationError('INVALID_PROP', where, `prop "manifest" lacks apiVersion, kind or metadata.name: ${JSON.stringify(m)?.slice(0, 120)}`,
        'give a full object: { apiVersion, kind, metadata: { name } , ... }');
    }
    if (carriesSecretValues(m)) {
      throw new FederationError('SECRET_VALUE_INLINE', where, `prop "manifest" is Secret "${m.metadata.name}" with data; secret values never go into synthesized output`,
        'create the Secret outside cdk-federation (e.g. External Secrets, sealed-secrets) and reference it by name');
    }
    this.manifest = m;
    // A cluster-scoped object is stored without a namespace: one that names a namespace could never be
    // matched with its live copy again, and prune would delete it right after applying it.
    const scopeFix = 'remove metadata.namespace from the manifest: the kind is cluster-scoped';
    const builtIn = scopeProblem(m, knownNamespaced(m.apiVersion, m.kind));
    if (builtIn) throw new FederationError('CLUSTER_SCOPED_NAMESPACE', `${where}: prop "manifest" field metadata.namespace`, builtIn, scopeFix);
    // Custom kinds: checked once every construct exists, against the CRDs the federation itself creates.
    this.node.addValidation({
      validate: () => {
        const crds = crdScopes(fed.node.findAll().filter((c): c is FederatedResource => c instanceof FederatedResource).map((c) => c.manifest));
        const problem = scopeProblem(m, knownNamespaced(m.apiVersion, m.kind, crds));
        return problem ? [`prop "manifest" field metadata.namespace: ${problem}; fix: ${scopeFix}`] : [];
      },
    });
    fed.addIgnoreDifferences((props.ignoreDifferences ?? []).map((r) => ({
      ...r, kind: m.kind, name: m.metadata.name, ...(m.metadata.namespace ? { namespace: m.metadata.namespace } : {}),
    })), `${where}: prop "ignoreDifferences"`);
    this.placements = place(fed.registry.clusters, {
      path: where, selection: props.placement, spread: props.spread, residency: props.residency,
      replicas: { mode: 'duplicated', replicas: 0 },
    });
    checkOverrideTargets(fed, props.overrides, this.placements, where);
    for (const d of this.placements) {
      const namespace = m.metadata.namespace;
      if (namespace) fed.ensureNamespace(d.cluster, namespace);
      const obj = new ApiObject(fed.scopeFor(d.cluster, this, { app: id, residency: props.residency }), 'Resource', JSON.parse(JSON.stringify(m)));
      const ops = overridesFor(props.overrides, d.cluster).flatMap((o) => o ?? []);
      if (ops.length > 0) {
        // Patches are checked now, on a copy, so a bad path names this construct rather than failing at synth.
        try {
          JsonPatch.apply(JSON.parse(JSON.stringify(obj.toJson())), ...ops.map(toPatch));
        } catch (e) {
          throw new FederationError('INVALID_PATCH', `${where} (cluster ${d.cluster.name})`, `a JSON patch in prop "overrides" does not apply: ${(e as Error).message}`,
            'check each op\'s path against the manifest (paths start at the object root, e.g. /spec/replicas)');
        }
        obj.addJsonPatch(...ops.map(toPatch));
      }
    }
  }
}

function toPatch(op: JsonPatchOperation): JsonPatch {
  switch (op.op) {
    case 'add': return JsonPatch.add(op.path, op.value);
    case 'replace': return JsonPatch.replace(op.path, op.value);
    case 'test': return JsonPatch.test(op.path, op.value);
    case 'remove': return JsonPatch.remove(op.path);
    case 'move': return JsonPatch.move(op.from, op.path);
    case 'copy': return JsonPatch.copy(op.from, op.path);
    default: throw new FederationError('INVALID_PATCH', 'overrides', `unknown JSON patch op ${JSON.stringify(op)}`, 'use add, remove, replace, move, copy or test');
  }
}
