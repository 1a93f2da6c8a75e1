import { createHash } from 'crypto';

/** Ownership metadata stamped on every object, so that prune and drift only touch our own. */
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'cdk-federation';
export const LABEL_FEDERATION = 'cdk-federation.io/federation';
export const LABEL_APP = 'cdk-federation.io/app';
export const ANNOTATION_CLUSTER = 'cdk-federation.io/cluster';

/** Field manager of every server-side apply of `cdkfed deploy` (and of plan's dry runs). */
export const FIELD_MANAGER = 'cdk-federation';

/** KEP-3659 ApplySet keys, spelled as kubectl implements them (applyset.kubernetes.io, not .k8s.io). */
export const APPLYSET_PART_OF = 'applyset.kubernetes.io/part-of';
export const APPLYSET_ID = 'applyset.kubernetes.io/id';
export const APPLYSET_TOOLING = 'applyset.kubernetes.io/tooling';
export const APPLYSET_GROUP_KINDS = 'applyset.kubernetes.io/contains-group-kinds';
export const APPLYSET_NAMESPACES = 'applyset.kubernetes.io/additional-namespaces';

/**
 * Namespace of deploy's own records in each cluster: the ApplySet parent, revision records
 * and the lease. Not part of dist/, never pruned.
 */
export const SYSTEM_NAMESPACE = 'cdk-federation-system';

/** Where a federation's ApplySet parent lives in each cluster: a Secret, kubectl's default parent kind. */
export interface ApplySetParentRef {
  readonly kind: 'Secret';
  readonly namespace: string;
  readonly name: string;
}

export function applySetParent(federation: string): ApplySetParentRef {
  return { kind: 'Secret', namespace: SYSTEM_NAMESPACE, name: `applyset-${federation}` };
}

/** KEP-3659 id: applyset-<base64url(sha256(<name>.<namespace>.<Kind>.<group>))>-v1. */
export function applySetId(parent: ApplySetParentRef): string {
  const hash = createHash('sha256').update(`${parent.name}.${parent.namespace}.${parent.kind}.`).digest('base64url');
  return `applyset-${hash}-v1`;
}

/** Names of deploy's records in SYSTEM_NAMESPACE. */
export function leaseName(federation: string): string {
  return `cdkfed-${federation}`;
}

export function revisionSecretName(federation: string, revision: number): string {
  return `cdkfed.${federation}.v${revision}`;
}
