import { createHash } from 'crypto';
import { FederationError } from '../errors';
import { KubeObject } from './model';

/** Ownership metadata stamped on every object, so that prune and drift only touch our own. */
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'cdk-federation';
export const LABEL_FEDERATION = 'cdk-federation.io/federation';
export const LABEL_APP = 'cdk-federation.io/app';
export const ANNOTATION_CLUSTER = 'cdk-federation.io/cluster';

/**
 * Apply order: namespaces and CRDs first (so later objects have somewhere to go and a
 * schema), then the order Helm installs built-in kinds; unknown kinds (custom resources) last.
 */
const APPLY_ORDER = [
  'Namespace', 'CustomResourceDefinition', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodDisruptionBudget',
  'ServiceAccount', 'Secret', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim',
  'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Service', 'DaemonSet', 'Pod', 'ReplicaSet',
  'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService',
];

/** Position of a kind in apply order; custom resources come after every built-in kind. */
export function applyRank(kind: string): number {
  const i = APPLY_ORDER.indexOf(kind);
  return i >= 0 ? i : APPLY_ORDER.length;
}

/** The API group of an apiVersion ('' for the core group). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash >= 0 ? apiVersion.slice(0, slash) : '';
}

/** A stable identity of an object within one cluster: group, kind, namespace, name. */
export function objectKey(o: KubeObject): string {
  return `${apiGroup(o.apiVersion)}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** Stable file name under dist/<cluster>/: apply rank first, so `kubectl apply -f dir/` keeps the order. */
export function manifestFileName(o: KubeObject): string {
  const group = apiGroup(o.apiVersion);
  const kind = o.kind.toLowerCase() + (group ? `.${group}` : '');
  const ns = o.metadata.namespace ? `_${o.metadata.namespace}` : '';
  return `${String(applyRank(o.kind)).padStart(2, '0')}-${kind}${ns}_${o.metadata.name}.yaml`;
}

/** JSON with object keys sorted at every level: the input of content digests. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** sha256 of the canonical JSON of an object: equal objects, equal digests, whatever the key order. */
export function contentDigest(o: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(o)).digest('hex')}`;
}

function sortedRecord(r: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!r) return undefined;
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export interface FinalizeOptions {
  readonly federation: string;
  readonly cluster: string;
  /** Construct path of the cluster's chart, for messages. */
  readonly where: string;
}

/**
 * Turns a chart's rendered objects into what is written and applied: ownership labels and
 * the cluster annotation stamped, no duplicate identities, no inline secret values, in
 * apply order. Pure: the same objects give the same result.
 */
export function finalizeObjects(objects: readonly KubeObject[], opts: FinalizeOptions): KubeObject[] {
  const seen = new Set<string>();
  const out = objects.map((o) => {
    if (!o || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string' || !o.metadata || typeof o.metadata.name !== 'string') {
      throw new FederationError('INVALID_OBJECT', opts.where, `an object lacks apiVersion, kind or metadata.name: ${JSON.stringify(o).slice(0, 120)}`,
        'every Kubernetes object needs apiVersion, kind and metadata.name');
    }
    if (o.kind === 'Secret' && apiGroup(o.apiVersion) === '' && (o.data !== undefined || o.stringData !== undefined)) {
      throw new FederationError('SECRET_VALUE_INLINE', opts.where, `Secret "${o.metadata.name}" carries data; secret values never go into synthesized output`,
        'create the Secret outside cdk-federation (e.g. External Secrets, sealed-secrets) and reference it by name (env secretKeyRef)');
    }
    const key = objectKey(o);
    if (seen.has(key)) {
      throw new FederationError('DUPLICATE_OBJECT', opts.where, `two objects are ${o.kind} "${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}" in cluster "${opts.cluster}"`,
        'give each object a unique name per kind and namespace');
    }
    seen.add(key);
    const labels = sortedRecord({ ...o.metadata.labels, [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_FEDERATION]: opts.federation });
    const annotations = sortedRecord({ ...o.metadata.annotations, [ANNOTATION_CLUSTER]: opts.cluster });
    return { ...o, metadata: { ...o.metadata, labels, annotations } } as KubeObject;
  });
  return out.sort((a, b) => applyRank(a.kind) - applyRank(b.kind) || cmp(objectKey(a), objectKey(b)));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
