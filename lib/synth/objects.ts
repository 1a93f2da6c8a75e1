import { FederationError } from '../errors';
import { apiGroup, compareStrings, KubeObject, objectKey } from '../kube/object';
import { applyRank } from '../kube/order';
import { ANNOTATION_CLUSTER, APPLYSET_PART_OF, applySetId, applySetParent, LABEL_FEDERATION, LABEL_MANAGED_BY, MANAGED_BY } from '../kube/ownership';

function sortedRecord(r: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!r) return undefined;
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const METADATA_ORDER = ['name', 'namespace', 'labels', 'annotations'];

/**
 * Metadata in one order for every object: name, namespace, labels, annotations, then any
 * other keys sorted (renderers build metadata in different orders; a reviewer should not
 * see that).
 */
export function orderedMetadata(m: Record<string, unknown>): Record<string, unknown> {
  const first = METADATA_ORDER.filter((k) => m[k] !== undefined).map((k) => [k, m[k]] as const);
  const rest = Object.entries(m).filter(([k, v]) => !METADATA_ORDER.includes(k) && v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries([...first, ...rest]);
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
  const partOf = applySetId(applySetParent(opts.federation));
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
    const labels = sortedRecord({ ...o.metadata.labels, [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_FEDERATION]: opts.federation, [APPLYSET_PART_OF]: partOf });
    const annotations = sortedRecord({ ...o.metadata.annotations, [ANNOTATION_CLUSTER]: opts.cluster });
    return { ...o, metadata: orderedMetadata({ ...o.metadata, labels, annotations }) } as KubeObject;
  });
  return out.sort((a, b) => applyRank(a.kind) - applyRank(b.kind) || compareStrings(objectKey(a), objectKey(b)));
}
