/**
 * Every label, annotation, field manager and record name that marks what this tool owns:
 * synth stamps them, deploy, prune, drift and hand-back read them. The one home of those
 * spellings, so that "ours" means the same everywhere.
 */
import { createHash } from 'crypto';

/** Ownership metadata stamped on every object, so that prune and drift only touch our own. */
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'cdk-federation';
export const LABEL_FEDERATION = 'cdk-federation.io/federation';
export const LABEL_APP = 'cdk-federation.io/app';
export const ANNOTATION_CLUSTER = 'cdk-federation.io/cluster';
/** On a pod template: the digest of the app's config, so pods roll when it changes. */
export const ANNOTATION_CONFIG_DIGEST = 'cdk-federation.io/config-digest';

/** Field manager of every server-side apply of `cdkfed deploy` (and of plan's dry runs). */
export const FIELD_MANAGER = 'cdk-federation';
/** Field manager of --adopt's take-over of fields another manager holds. */
export const HANDOVER_MANAGER = 'cdk-federation-handover';
/** Field manager of the update that hands an adopted object back to its previous owner (never FIELD_MANAGER, so the object keeps no field of ours). */
export const HANDBACK_MANAGER = 'cdk-federation-handback';

/** KEP-3659 ApplySet keys, spelled as kubectl implements them (applyset.kubernetes.io, not .k8s.io). */
export const APPLYSET_PART_OF = 'applyset.kubernetes.io/part-of';
export const APPLYSET_ID = 'applyset.kubernetes.io/id';
export const APPLYSET_TOOLING = 'applyset.kubernetes.io/tooling';
export const APPLYSET_GROUP_KINDS = 'applyset.kubernetes.io/contains-group-kinds';
export const APPLYSET_NAMESPACES = 'applyset.kubernetes.io/additional-namespaces';

/** The ApplySet tooling annotation's value: `<name>/<version>` of the tool that manages the set. */
export function applySetTooling(version: string): string {
  return `${MANAGED_BY}/${version}`;
}

/** Whether a tooling annotation names this tool (any version). */
export function isOurTooling(tooling: string): boolean {
  return tooling.startsWith(`${MANAGED_BY}/`);
}

/** The labels synth stamps on every object of a federation. */
export function ownershipLabels(federation: string): Record<string, string> {
  return { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_FEDERATION]: federation, [APPLYSET_PART_OF]: applySetId(applySetParent(federation)) };
}

/** The annotations synth stamps on every object of a cluster. */
export function ownershipAnnotations(cluster: string): Record<string, string> {
  return { [ANNOTATION_CLUSTER]: cluster };
}

/** Every label and annotation key of ours on a member: what a hand-back to its previous owner removes. */
export const OWNERSHIP_LABEL_KEYS: readonly string[] = [APPLYSET_PART_OF, LABEL_MANAGED_BY, LABEL_FEDERATION, LABEL_APP];
export const OWNERSHIP_ANNOTATION_KEYS: readonly string[] = [ANNOTATION_CLUSTER];

/**
 * Namespace of deploy's own records in each cluster: the ApplySet parent, revision records
 * and the lease. Not part of dist/, never pruned.
 */
export const SYSTEM_NAMESPACE = 'cdk-federation-system';

/** Labels of deploy's own records (ApplySet parent, revision records, lease); the system namespace has no federation. */
export function recordLabels(federation?: string): Record<string, string> {
  return { [LABEL_MANAGED_BY]: MANAGED_BY, ...(federation !== undefined ? { [LABEL_FEDERATION]: federation } : {}) };
}

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

/** Revision records: Secrets of this type, labelled record=revision, their revision and status as labels. */
export const REVISION_SECRET_TYPE = 'cdk-federation.io/revision';
export const LABEL_REVISION = 'cdk-federation.io/revision';
export const LABEL_STATUS = 'cdk-federation.io/status';
export const LABEL_RECORD = 'cdk-federation.io/record';
