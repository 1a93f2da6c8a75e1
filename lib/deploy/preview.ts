/**
 * What a deploy would do to one cluster, from its revision record alone (one LIST, no
 * dry run): objects to create, update and prune relative to the revision in force, as a
 * dry-run ChangeSet (`cdkfed plan`'s vocabulary, without the field-level diff). Shown before
 * the confirmation question; `cdkfed plan` gives the field-level diff.
 */
import { contentDigest } from '../kube/digest';
import { objectKey, refOf } from '../kube/object';
import type { InventoryCluster } from '../inventory/read';
import type { Inventory } from '../inventory/read';
import { errorMessage } from '../cluster/apply';
import { ChangeSet, changeSet, ChangeSetEntry } from '../cluster/changeset';
import type { ClusterClient } from '../cluster/client';
import { currentRevision, listRevisions, RevisionRecord } from '../cluster/revisions';

export interface ClusterPreview {
  readonly cluster: string;
  readonly currentRevision?: number;
  readonly upToDate: boolean;
  /** `created`, `configured` or `unchanged` per object of dist/ (in its order), then `deleted` per object prune would remove (in the record's order). */
  readonly changes: ChangeSet;
}

/** Pure: the target against the revision in force. */
export function previewCluster(cluster: InventoryCluster, current: RevisionRecord | undefined): ClusterPreview {
  const before = new Map((current?.objects ?? []).map((o) => [objectKey(o), o]));
  const entries: ChangeSetEntry[] = cluster.objects.map(({ entry, target }) => {
    const old = before.get(objectKey(target));
    return { ref: refOf(target), action: !old ? 'created' : contentDigest(old) !== entry.digest ? 'configured' : 'unchanged' };
  });
  const keep = new Set(cluster.objects.map((o) => objectKey(o.target)));
  for (const [k, o] of before) if (!keep.has(k)) entries.push({ ref: refOf(o), action: 'deleted' });
  return { cluster: cluster.spec.name, currentRevision: current?.revision, upToDate: current?.digest === cluster.digest, changes: changeSet(entries, { dryRun: true }) };
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
