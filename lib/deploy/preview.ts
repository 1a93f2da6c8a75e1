/**
 * What a deploy would do to one cluster, from its revision record alone (one LIST, no
 * dry run): objects to create, update and prune relative to the revision in force. Shown
 * before the confirmation question; `cdkfed plan` gives the field-level diff.
 */
import { contentDigest } from '../kube/digest';
import { objectKey } from '../kube/object';
import type { InventoryCluster } from '../inventory/read';
import type { Inventory } from '../inventory/read';
import { errorMessage } from '../cluster/apply';
import type { ClusterClient } from '../cluster/client';
import { currentRevision, listRevisions, RevisionRecord } from '../cluster/revisions';

export interface ClusterPreview {
  readonly cluster: string;
  readonly currentRevision?: number;
  readonly upToDate: boolean;
  readonly create: readonly string[];
  readonly update: readonly string[];
  readonly prune: readonly string[];
  readonly unchanged: number;
}

const label = (o: { kind: string; metadata: { namespace?: string; name: string } }) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

/** Pure: the target against the revision in force. */
export function previewCluster(cluster: InventoryCluster, current: RevisionRecord | undefined): ClusterPreview {
  const before = new Map((current?.objects ?? []).map((o) => [objectKey(o), o]));
  const create: string[] = [];
  const update: string[] = [];
  let unchanged = 0;
  for (const { entry, target } of cluster.objects) {
    const old = before.get(objectKey(target));
    if (!old) create.push(label(target));
    else if (contentDigest(old) !== entry.digest) update.push(label(target));
    else unchanged++;
  }
  const keep = new Set(cluster.objects.map((o) => objectKey(o.target)));
  const prune = [...before.entries()].filter(([k]) => !keep.has(k)).map(([, o]) => label(o));
  return { cluster: cluster.spec.name, currentRevision: current?.revision, upToDate: current?.digest === cluster.digest, create, update, prune, unchanged };
}

/** Each cluster's preview, from its records (one LIST per cluster); a cluster whose records cannot be read is a line saying so. */
export function previewFleet(inv: Inventory, names: readonly string[], clients: ReadonlyMap<string, ClusterClient>): Promise<Array<ClusterPreview | string>> {
  return Promise.all(names.map(async (n) => {
    try {
      return previewCluster(inv.clusters.get(n)!, currentRevision(await listRevisions(clients.get(n)!, inv.document.federation)));
    } catch (e) {
      return `${n}: cannot read its revision (${errorMessage(e)})`;
    }
  }));
}
