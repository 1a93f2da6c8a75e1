/**
 * Deletes the members of a federation's ApplySet that the new revision no longer holds,
 * found by label (one LIST per group-kind), never by name: an object without our part-of
 * label is never touched, even in our namespace. Only what this federation created is
 * deleted, and prune fails closed:
 * - an object we adopted (--adopt) is handed back, never deleted;
 * - a Namespace that holds objects that are not ours, or a CRD with custom resources that
 *   are not ours, is kept and handed over (our labels come off, it leaves the set);
 * - when what a Namespace or CRD holds cannot be read (a failed LIST or discovery), it is
 *   kept as ours and the entry says why; the next run checks again.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- listed members are untyped JSON of any kind */
import pLimit from 'p-limit';
import { APPLYSET_PART_OF } from '../kube/ownership';
import { applyRank } from '../kube/order';
import { apiGroup, groupKind, KubeObject, ObjectRef, objectKey, refKey } from '../kube/object';
import { compareStrings } from '../kube/sort';
import { ChangeSetEntry, changeSet, ChangeSet } from './changeset';
import { ClusterClient } from './client';
import { errorMessage } from './apply';
import { AdoptedObject, handBack } from './handback';

export type Cascade = 'background' | 'foreground' | 'orphan';

export interface Member extends ObjectRef {
  readonly apiVersion: string;
  /** The live object. */
  readonly live: any;
}

/**
 * Every live member of the ApplySet among the given group-kinds. A group-kind is read at the
 * version in `versions` (the one its objects were applied at, so they compare field by field
 * with what was applied), else at the group's preferred version.
 */
export async function listMembers(client: ClusterClient, applySetId: string, groupKinds: readonly string[], versions: ReadonlyMap<string, string> = new Map()): Promise<Member[]> {
  const limit = pLimit(8);
  const lists = await Promise.all(groupKinds.map((gk) => limit(async (): Promise<Member[]> => {
    const dot = gk.indexOf('.');
    const kind = dot < 0 ? gk : gk.slice(0, dot);
    const group = dot < 0 ? '' : gk.slice(dot + 1);
    let apiVersion = versions.get(gk);
    if (!apiVersion || !(await client.serves(apiVersion, kind))) apiVersion = await client.preferredVersion(group);
    if (!apiVersion || !(await client.serves(apiVersion, kind))) return []; // a CRD removed with its objects
    return (await client.list(apiVersion, kind, { labelSelector: `${APPLYSET_PART_OF}=${applySetId}` }))
      .map((live) => ({ apiVersion: apiVersion!, group, kind, ...(live.metadata.namespace ? { namespace: live.metadata.namespace } : {}), name: live.metadata.name, live }));
  })));
  return sortMembers(lists.flat());
}

/** Members in the order listMembers gives them: by refKey. */
export function sortMembers(members: Member[]): Member[] {
  const keyed = members.map((m) => ({ m, key: refKey(m) })).sort((a, b) => compareStrings(a.key, b.key)); // each key built once
  return keyed.map(({ m }) => m);
}

/** `Kind.group` → apiVersion of the given objects (the first one of each group-kind). */
export function appliedVersions(objects: readonly Pick<KubeObject, 'apiVersion' | 'kind'>[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of objects) {
    const gk = groupKind({ group: apiGroup(o.apiVersion), kind: o.kind });
    if (!out.has(gk)) out.set(gk, o.apiVersion);
  }
  return out;
}

/** Members not in `keep`, in delete order: reverse apply order, namespaces last. */
export function staleMembers(members: readonly Member[], keep: readonly Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>[]): Member[] {
  const wanted = new Set(keep.map(objectKey));
  return members.filter((m) => !wanted.has(refKey(m)))
    .sort((a, b) => applyRank(b.kind) - applyRank(a.kind) || compareStrings(refKey(a), refKey(b)));
}

const notOurs = (o: any, applySetId: string) => o.metadata?.labels?.[APPLYSET_PART_OF] !== applySetId;

/**
 * Objects in `namespace` that are not ours and not owned by another object (those go with
 * their owner). Throws when any kind cannot be listed: what could not be read may hold
 * another team's objects.
 */
export async function foreignObjects(client: ClusterClient, namespace: string, applySetId: string): Promise<string[]> {
  const found: string[] = [];
  for (const r of await client.namespacedListable()) {
    if (r.kind === 'Event' || r.plural === 'events') continue;
    let items: any[];
    try {
      items = await client.list(r.apiVersion, r.kind, { namespace });
    } catch (e) {
      throw new Error(`cannot list ${groupKind(r)} in namespace ${namespace}: ${errorMessage(e)}`, { cause: e });
    }
    for (const o of items) {
      const m = o.metadata ?? {};
      if (!notOurs(o, applySetId) || (m.ownerReferences ?? []).length > 0) continue;
      if ((r.kind === 'ConfigMap' && m.name === 'kube-root-ca.crt') || (r.kind === 'ServiceAccount' && m.name === 'default')) continue;
      found.push(`${groupKind({ group: r.group, kind: r.kind })} ${m.name}`);
    }
  }
  return [...new Set(found)].sort(compareStrings);
}

/** Custom resources of a CRD (any namespace) that are not ours; throws when they cannot be listed. */
export async function foreignCustomResources(client: ClusterClient, crd: any, applySetId: string): Promise<string[]> {
  const group = crd?.spec?.group;
  const kind = crd?.spec?.names?.kind;
  const version = (crd?.spec?.versions ?? []).find((v: any) => v.storage)?.name ?? crd?.spec?.versions?.[0]?.name;
  if (!group || !kind || !version) return [];
  const apiVersion = `${group}/${version}`;
  if (!(await client.serves(apiVersion, kind))) return [];
  let items: any[];
  try {
    items = await client.list(apiVersion, kind);
  } catch (e) {
    throw new Error(`cannot list ${kind}.${group}: ${errorMessage(e)}`, { cause: e });
  }
  return items.filter((o) => notOurs(o, applySetId)).map((o) => `${kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`).sort(compareStrings);
}

/** What a Namespace or CRD holds that is not ours (the two kinds whose delete takes other objects with it); [] for any other kind. */
export async function blastRadius(client: ClusterClient, m: Member, applySetId: string): Promise<string[]> {
  if (m.kind === 'Namespace' && m.group === '') return foreignObjects(client, m.name, applySetId);
  if (m.kind === 'CustomResourceDefinition' && m.group === 'apiextensions.k8s.io') return foreignCustomResources(client, m.live, applySetId);
  return [];
}

export interface PruneOptions {
  readonly cascade?: Cascade;
  /** Objects this federation adopted: handed back, never deleted. */
  readonly adopted?: readonly AdoptedObject[];
  readonly onEntry?: (e: ChangeSetEntry) => void;
  /** Called right before each write; throwing leaves that member (and the rest) in the set (the deploy lease was lost). */
  readonly beforeWrite?: () => void;
}

/**
 * Deletes (or hands back) the stale members; a failure is recorded and the rest still tried
 * (they stay in the set and are retried next run). `released` entries left the set without
 * being deleted.
 */
export async function prune(client: ClusterClient, applySetId: string, stale: readonly Member[], opts: PruneOptions = {}): Promise<ChangeSet> {
  const policy = ({ background: 'Background', foreground: 'Foreground', orphan: 'Orphan' } as const)[opts.cascade ?? 'background'];
  const adopted = new Map((opts.adopted ?? []).map((a) => [refKey(a.ref), a]));
  const entries: ChangeSetEntry[] = [];
  for (const m of stale) {
    const ref: ObjectRef = { group: m.group, kind: m.kind, ...(m.namespace ? { namespace: m.namespace } : {}), name: m.name };
    let e: ChangeSetEntry;
    try {
      e = await pruneOne(client, applySetId, m, ref, adopted.get(refKey(ref)), policy, opts.beforeWrite ?? (() => undefined));
    } catch (err) {
      e = { ref, action: 'failed', message: `delete failed: ${errorMessage(err)}` };
    }
    entries.push(e);
    opts.onEntry?.(e);
  }
  return changeSet(entries);
}

async function pruneOne(client: ClusterClient, applySetId: string, m: Member, ref: ObjectRef, adopted: AdoptedObject | undefined, policy: 'Background' | 'Foreground' | 'Orphan', beforeWrite: () => void): Promise<ChangeSetEntry> {
  if (adopted) {
    beforeWrite();
    await handBack(client, m.live, adopted.before, false);
    return { ref, action: 'released', message: 'handed back: it existed before this federation adopted it, so it is never deleted; our labels were removed' };
  }
  let foreign: string[];
  try {
    foreign = await blastRadius(client, m, applySetId);
  } catch (err) {
    return { ref, action: 'skipped', message: `kept: could not check what it holds (${errorMessage(err)}); it stays in the set and the next deploy checks again` };
  }
  beforeWrite();
  if (foreign.length > 0) {
    await handBack(client, m.live, undefined, false);
    return { ref, action: 'released', message: `kept and handed over: holds ${foreign.length} object(s) that are not ours (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}); our labels were removed, so it is no longer part of this federation` };
  }
  const existed = await client.delete({ ...ref, apiVersion: m.apiVersion }, policy);
  return { ref, action: existed ? 'deleted' : 'unchanged' };
}
