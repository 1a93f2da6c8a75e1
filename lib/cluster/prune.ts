/**
 * Deletes the members of a federation's ApplySet that the new revision no longer holds,
 * found by label (one LIST per group-kind), never by name: an object without our part-of
 * label is never touched, even in our namespace. A Namespace that holds objects that are
 * not ours is kept, and the entry says why.
 */
import pLimit from 'p-limit';
import { APPLYSET_PART_OF } from '../kube/ownership';
import { applyRank } from '../kube/order';
import { compareStrings, groupKind, KubeObject, ObjectRef, objectKey, refKey } from '../kube/object';
import { ChangeSetEntry, changeSet, ChangeSet } from './changeset';
import { ClusterClient } from './client';
import { errorMessage } from './apply';

export type Cascade = 'background' | 'foreground' | 'orphan';

export interface Member extends ObjectRef {
  readonly apiVersion: string;
  /** The live object. */
  readonly live: any;
}

/** Every live member of the ApplySet among the given group-kinds. */
export async function listMembers(client: ClusterClient, applySetId: string, groupKinds: readonly string[]): Promise<Member[]> {
  const limit = pLimit(8);
  const lists = await Promise.all(groupKinds.map((gk) => limit(async (): Promise<Member[]> => {
    const dot = gk.indexOf('.');
    const kind = dot < 0 ? gk : gk.slice(0, dot);
    const group = dot < 0 ? '' : gk.slice(dot + 1);
    const apiVersion = await client.preferredVersion(group);
    if (!apiVersion || !(await client.serves(apiVersion, kind))) return []; // a CRD removed with its objects
    return (await client.list(apiVersion, kind, { labelSelector: `${APPLYSET_PART_OF}=${applySetId}` }))
      .map((live) => ({ apiVersion, group, kind, ...(live.metadata.namespace ? { namespace: live.metadata.namespace } : {}), name: live.metadata.name, live }));
  })));
  return lists.flat().sort((a, b) => compareStrings(refKey(a), refKey(b)));
}

/** Members not in `keep`, in delete order: reverse apply order, namespaces last. */
export function staleMembers(members: readonly Member[], keep: readonly Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>[]): Member[] {
  const wanted = new Set(keep.map(objectKey));
  return members.filter((m) => !wanted.has(refKey(m)))
    .sort((a, b) => applyRank(b.kind) - applyRank(a.kind) || compareStrings(refKey(a), refKey(b)));
}

/** Objects in `namespace` that are not ours and not owned by another object (those go with their owner). */
export async function foreignObjects(client: ClusterClient, namespace: string, applySetId: string): Promise<string[]> {
  const found: string[] = [];
  for (const r of await client.namespacedListable()) {
    if (r.kind === 'Event' || r.plural === 'events') continue;
    let items: any[];
    try {
      items = await client.list(r.apiVersion, r.kind, { namespace });
    } catch {
      continue;
    }
    for (const o of items) {
      const m = o.metadata ?? {};
      if (m.labels?.[APPLYSET_PART_OF] === applySetId || (m.ownerReferences ?? []).length > 0) continue;
      if ((r.kind === 'ConfigMap' && m.name === 'kube-root-ca.crt') || (r.kind === 'ServiceAccount' && m.name === 'default')) continue;
      found.push(`${groupKind({ group: r.group, kind: r.kind })} ${m.name}`);
    }
  }
  return [...new Set(found)].sort(compareStrings);
}

/** Deletes the stale members; a failure is recorded and the rest still tried (they stay in the set and are retried next run). */
export async function prune(client: ClusterClient, applySetId: string, stale: readonly Member[], opts: { cascade?: Cascade; onEntry?: (e: ChangeSetEntry) => void } = {}): Promise<ChangeSet> {
  const policy = ({ background: 'Background', foreground: 'Foreground', orphan: 'Orphan' } as const)[opts.cascade ?? 'background'];
  const entries: ChangeSetEntry[] = [];
  for (const m of stale) {
    const ref: ObjectRef = { group: m.group, kind: m.kind, ...(m.namespace ? { namespace: m.namespace } : {}), name: m.name };
    let e: ChangeSetEntry;
    try {
      if (m.kind === 'Namespace' && m.group === '') {
        const foreign = await foreignObjects(client, m.name, applySetId);
        if (foreign.length > 0) {
          e = { ref, action: 'skipped', message: `kept: holds ${foreign.length} object(s) that are not ours (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''})` };
          entries.push(e);
          opts.onEntry?.(e);
          continue;
        }
      }
      const existed = await client.delete({ ...ref, apiVersion: m.apiVersion }, policy);
      e = { ref, action: existed ? 'deleted' : 'unchanged' };
    } catch (err) {
      e = { ref, action: 'failed', message: `delete failed: ${errorMessage(err)}` };
    }
    entries.push(e);
    opts.onEntry?.(e);
  }
  return changeSet(entries);
}
