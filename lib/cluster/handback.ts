/**
 * Hands an object back to whoever had it before us, instead of deleting it: an object taken
 * over with --adopt that a rollback or a prune lets go of, or a Namespace (or CRD) that prune
 * keeps because it holds objects that are not ours. Our ownership labels and cluster
 * annotation come off (the values the object had before are put back), our field manager's
 * managedFields entry is removed so a later apply by its owner meets no conflict, and the
 * object leaves the ApplySet (no part-of label: no LIST by our label finds it again).
 * With `restore`, the object's content goes back to what it was before we adopted it (the
 * rollback of the revision that adopted it).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- live objects and their managedFields are untyped JSON of any kind */
import { SERVER_METADATA } from '../kube/normalize';
import { KubeObject, ObjectRef } from '../kube/object';
import { FIELD_MANAGER, HANDBACK_MANAGER, OWNERSHIP_ANNOTATION_KEYS, OWNERSHIP_LABEL_KEYS } from '../kube/ownership';
import { ClusterClient } from './client';

/** An object this federation took over (--adopt), and what it was before. */
export interface AdoptedObject {
  readonly ref: ObjectRef;
  readonly apiVersion: string;
  /** The live object before adoption, without status and server-populated metadata. */
  readonly before: Record<string, any>;
}

/** The object as recorded for a later hand-back: no status, no server-populated metadata (its annotations kept whole, last-applied included). */
export function adoptionSnapshot(live: Record<string, any>): Record<string, any> {
  const { status: _status, ...rest } = live;
  const metadata = { ...(live.metadata ?? {}) };
  for (const k of SERVER_METADATA) delete metadata[k];
  return JSON.parse(JSON.stringify({ ...rest, metadata }));
}

/** `keys` removed from `now`, then the values `before` had for them put back. Pure. */
export function restoreKeys(now: Record<string, string> | undefined, before: Record<string, string> | undefined, keys: readonly string[]): Record<string, string> | undefined {
  const out = { ...(now ?? {}) };
  for (const k of keys) {
    delete out[k];
    if (before?.[k] !== undefined) out[k] = before[k];
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The body of the hand-back update for `live`. Pure. */
export function handBackBody(live: Record<string, any>, before: Record<string, any> | undefined, restore: boolean): Record<string, any> {
  const base = restore && before ? before : live;
  const { status: _status, ...content } = base;
  const labels = restoreKeys(base.metadata?.labels, before?.metadata?.labels, OWNERSHIP_LABEL_KEYS);
  const annotations = restoreKeys(base.metadata?.annotations, before?.metadata?.annotations, OWNERSHIP_ANNOTATION_KEYS);
  const managed = (live.metadata?.managedFields ?? []).filter((m: { manager?: string }) => m.manager !== FIELD_MANAGER);
  const metadata: Record<string, any> = { ...base.metadata, resourceVersion: live.metadata?.resourceVersion, uid: live.metadata?.uid };
  delete metadata.labels;
  delete metadata.annotations;
  if (labels) metadata.labels = labels;
  if (annotations) metadata.annotations = annotations;
  // An empty list leaves managedFields unchanged (by design of the API server); one empty entry clears it.
  metadata.managedFields = managed.length > 0 ? managed : [{}];
  return { ...content, apiVersion: live.apiVersion, kind: live.kind, metadata };
}

/** Replaces the object with its handed-back form (optimistic: fails if it changed since `live` was read). */
export async function handBack(client: ClusterClient, live: Record<string, any>, before: Record<string, any> | undefined, restore: boolean): Promise<void> {
  const o = live as KubeObject;
  const p = await client.pathOf(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name);
  await client.request('PUT', p, handBackBody(live, before, restore), { fieldManager: HANDBACK_MANAGER });
}
