import { FederationError } from '../errors';
import { KubeObject, objectKey } from '../kube/object';
import { carriesSecretValues } from '../kube/secrets';
import { applyRank } from '../kube/order';
import { compareStrings, sortedRecord } from '../kube/sort';
import { ownershipAnnotations, ownershipLabels } from '../kube/ownership';
import { orderedMetadata, withOrderedTemplates } from './metadata-order';

export interface FinalizeOptions {
  readonly federation: string;
  readonly cluster: string;
  /** Construct path of the cluster's chart, for messages. */
  readonly where: string;
}

/**
 * Turns a chart's rendered objects into what is written and applied: ownership labels and
 * the cluster annotation stamped, every metadata (pod templates' too) in one order
 * (metadata-order.ts), no duplicate identities, no inline secret values, in apply order.
 * Pure: the same objects give the same result.
 */
export function finalizeObjects(objects: readonly KubeObject[], opts: FinalizeOptions): KubeObject[] {
  const seen = new Set<string>();
  const ownLabels = ownershipLabels(opts.federation);
  const ownAnnotations = ownershipAnnotations(opts.cluster);
  const ranked = objects.map((o) => {
    if (!o || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string' || !o.metadata || typeof o.metadata.name !== 'string') {
      throw new FederationError('INVALID_OBJECT', opts.where, `an object lacks apiVersion, kind or metadata.name: ${JSON.stringify(o).slice(0, 120)}`,
        'every Kubernetes object needs apiVersion, kind and metadata.name');
    }
    if (carriesSecretValues(o)) {
      throw new FederationError('SECRET_VALUE_INLINE', opts.where, `Secret "${o.metadata.name}" carries data; secret values never go into synthesized output`,
        'create the Secret outside cdk-federation (e.g. External Secrets, sealed-secrets) and reference it by name (env secretKeyRef)');
    }
    const key = objectKey(o);
    if (seen.has(key)) {
      throw new FederationError('DUPLICATE_OBJECT', opts.where, `two objects are ${o.kind} "${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}" in cluster "${opts.cluster}"`,
        'give each object a unique name per kind and namespace');
    }
    seen.add(key);
    const labels = sortedRecord({ ...o.metadata.labels, ...ownLabels });
    const annotations = sortedRecord({ ...o.metadata.annotations, ...ownAnnotations });
    const object = withOrderedTemplates({ ...o, metadata: orderedMetadata(o.metadata, labels, annotations) } as KubeObject);
    return { object, rank: applyRank(o.kind), key };
  });
  ranked.sort((a, b) => a.rank - b.rank || compareStrings(a.key, b.key));
  return ranked.map((r) => r.object);
}
