/**
 * Revision records kept in each cluster, like Helm's release Secrets: what was applied
 * (the whole object set, gzipped), its digest and its status. Rollback, resume and drift
 * read them, so a second pipeline runner with no local files still knows the state.
 */
import { gunzipSync, gzipSync } from 'zlib';
import { KubeObject, ObjectRef } from '../kube/object';
import { FIELD_MANAGER, LABEL_FEDERATION, LABEL_MANAGED_BY, MANAGED_BY, revisionSecretName, SYSTEM_NAMESPACE } from '../kube/ownership';
import { ClusterClient, KubeApiError } from './client';
import type { AdoptedObject } from './handback';
import type { ChangeSet } from './changeset';

/** pending: being applied (a run that dies leaves it); deployed: healthy and pruned; failed: gate failed, rolled back or interrupted. */
export type RevisionStatus = 'pending' | 'deployed' | 'failed';

export const REVISION_SECRET_TYPE = 'cdk-federation.io/revision';
const LABEL_REVISION = 'cdk-federation.io/revision';
const LABEL_STATUS = 'cdk-federation.io/status';
const LABEL_KIND = 'cdk-federation.io/record';
/** Records kept per cluster (Helm's default history max is 10). */
export const KEEP_REVISIONS = 10;

export interface RevisionRecord {
  readonly federation: string;
  readonly cluster: string;
  readonly revision: number;
  readonly status: RevisionStatus;
  /** Digest of the object set (Inventory's cluster digest). */
  readonly digest: string;
  readonly objects: readonly KubeObject[];
  /** ISO time the run started applying this revision to the cluster. */
  readonly started: string;
  /** ISO time of the last status change. */
  readonly updated: string;
  /** Why it failed, for failed records. */
  readonly reason?: string;
  /**
   * Objects of this revision that existed before the federation took them over (--adopt), as
   * they were then: rollback and prune hand them back instead of deleting them. Carried from
   * revision to revision while the federation holds them.
   */
  readonly adopted?: readonly AdoptedObject[];
  /**
   * Members this revision no longer holds that prune kept as ours (a failed delete, a Namespace
   * whose contents could not be read): a later deploy of the same target prunes them again.
   */
  readonly unpruned?: readonly ObjectRef[];
}

function toSecret(r: RevisionRecord): object {
  const { objects, ...meta } = r;
  return {
    apiVersion: 'v1', kind: 'Secret', type: REVISION_SECRET_TYPE,
    metadata: {
      name: revisionSecretName(r.federation, r.revision), namespace: SYSTEM_NAMESPACE,
      labels: { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_FEDERATION]: r.federation, [LABEL_KIND]: 'revision', [LABEL_REVISION]: String(r.revision), [LABEL_STATUS]: r.status },
    },
    data: {
      meta: Buffer.from(JSON.stringify(meta)).toString('base64'),
      objects: gzipSync(Buffer.from(JSON.stringify(objects))).toString('base64'),
    },
  };
}

function fromSecret(s: any): RevisionRecord | undefined {
  try {
    const meta = JSON.parse(Buffer.from(s.data.meta, 'base64').toString('utf8'));
    const objects = JSON.parse(gunzipSync(Buffer.from(s.data.objects, 'base64')).toString('utf8'));
    return { ...meta, objects };
  } catch {
    return undefined; // an unreadable record is ignored, never trusted
  }
}

/** All records of a federation in the cluster, oldest first. One LIST. */
export async function listRevisions(client: ClusterClient, federation: string): Promise<RevisionRecord[]> {
  let items: any[];
  try {
    items = await client.list('v1', 'Secret', { namespace: SYSTEM_NAMESPACE, labelSelector: `${LABEL_FEDERATION}=${federation},${LABEL_KIND}=revision` });
  } catch (e) {
    if (e instanceof KubeApiError && e.status === 404) return [];
    throw e;
  }
  return items.filter((s) => s.type === REVISION_SECRET_TYPE).map(fromSecret).filter((r): r is RevisionRecord => !!r && r.federation === federation)
    .sort((a, b) => a.revision - b.revision);
}

/** The record with the members its prune had to keep as ours (so a rerun of the same target prunes them again). */
export function withUnpruned(r: RevisionRecord, pruned: ChangeSet | undefined): RevisionRecord {
  const { unpruned: _previous, ...rest } = r;
  const kept = (pruned?.entries ?? []).filter((e) => e.action === 'failed' || e.action === 'skipped').map((e) => e.ref);
  return kept.length > 0 ? { ...rest, unpruned: kept } : rest;
}

/** The deployed revision in force: the highest-numbered deployed record. */
export function currentRevision(records: readonly RevisionRecord[]): RevisionRecord | undefined {
  return [...records].reverse().find((r) => r.status === 'deployed');
}

/** Writes (creates or replaces) a record with server-side apply. */
export async function writeRevision(client: ClusterClient, r: RevisionRecord): Promise<void> {
  await client.apply(toSecret(r) as any, { fieldManager: FIELD_MANAGER, force: true });
}

/** Deletes the oldest records beyond KEEP_REVISIONS, never the one in force. */
export async function trimRevisions(client: ClusterClient, federation: string, records: readonly RevisionRecord[]): Promise<void> {
  const current = currentRevision(records);
  const excess = records.filter((r) => r !== current).slice(0, Math.max(0, records.length - KEEP_REVISIONS));
  for (const r of excess) {
    await client.delete({ apiVersion: 'v1', group: '', kind: 'Secret', namespace: SYSTEM_NAMESPACE, name: revisionSecretName(federation, r.revision) });
  }
}

/** The namespace of our records; created on first deploy, never pruned. */
export async function ensureSystemNamespace(client: ClusterClient): Promise<void> {
  const ns = await client.get('v1', 'Namespace', undefined, SYSTEM_NAMESPACE);
  if (ns) return;
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: SYSTEM_NAMESPACE, labels: { [LABEL_MANAGED_BY]: MANAGED_BY } } } as any,
    { fieldManager: FIELD_MANAGER });
}
