/**
 * Revision records kept in each cluster, like Helm's release Secrets: what was applied
 * (the whole object set, gzipped), its digest and its status. Rollback, resume and drift
 * read them, so a second pipeline runner with no local files still knows the state.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- revision Secrets are read back as untyped JSON from the API server and checked field by field */
import { gunzipSync, gzipSync } from 'zlib';
import { FederationError } from '../errors';
import { contentDigest, objectSetDigest, sha256Hex } from '../kube/digest';
import { KubeObject, ObjectRef } from '../kube/object';
import { FIELD_MANAGER, LABEL_FEDERATION, LABEL_RECORD, LABEL_REVISION, LABEL_STATUS, recordLabels, REVISION_SECRET_TYPE, revisionSecretName, SYSTEM_NAMESPACE } from '../kube/ownership';
import { ClusterClient, KubeApiError } from './client';
import type { AdoptedObject } from './handback';
import type { ChangeSet } from './changeset';
import { assertLeaseHeld } from './lease';

/** pending: being applied (a run that dies leaves it); deployed: healthy and pruned; failed: gate failed, rolled back or interrupted. */
export type RevisionStatus = 'pending' | 'deployed' | 'failed';

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

/** The API server rejects a Secret whose data values add up to more than 1 MiB (decoded bytes). */
export const SECRET_DATA_LIMIT = 1024 * 1024;
/** Room left for what a record gains later (a failed record's reason, capped below), so a record that fits when pending fits when failed. */
const RECORD_HEADROOM = 8 * 1024;
const MAX_REASON = 4000;

/**
 * `data.digests` of a record (gzipped JSON): the sha256 of `data.objects`' bytes and each
 * object's content digest, in order. Reading a record then checks two digests instead of
 * computing one per object; a record without it (written before) or whose digests do not
 * hold is checked object by object, as before.
 */
interface StoredDigests {
  /** `sha256:` of data.objects (the gzipped bytes). */
  readonly objects: string;
  /** contentDigest of each object, in order: their objectSetDigest is the record's digest. */
  readonly each: readonly string[];
}

function encode(r: RevisionRecord): { meta: Buffer; objects: Buffer; digests: Buffer } {
  const { objects, ...meta } = r;
  const m = meta.reason && meta.reason.length > MAX_REASON ? { ...meta, reason: `${meta.reason.slice(0, MAX_REASON)}…` } : meta;
  const gz = gzipSync(Buffer.from(JSON.stringify(objects)));
  const stored: StoredDigests = { objects: `sha256:${sha256Hex(gz)}`, each: recordedDigests(objects) };
  return { meta: Buffer.from(JSON.stringify(m)), objects: gz, digests: gzipSync(Buffer.from(JSON.stringify(stored))) };
}

/** The Secret that stores a record. */
export function revisionSecret(r: RevisionRecord): any {
  const data = encode(r);
  return {
    apiVersion: 'v1', kind: 'Secret', type: REVISION_SECRET_TYPE,
    metadata: {
      name: revisionSecretName(r.federation, r.revision), namespace: SYSTEM_NAMESPACE,
      labels: { ...recordLabels(r.federation), [LABEL_RECORD]: 'revision', [LABEL_REVISION]: String(r.revision), [LABEL_STATUS]: r.status },
    },
    data: { meta: data.meta.toString('base64'), objects: data.objects.toString('base64'), digests: data.digests.toString('base64') },
  };
}

/** Bytes of a record's Secret data as the API server counts them (decoded). */
export function revisionRecordSize(r: RevisionRecord): number {
  const { meta, objects, digests } = encode(r);
  return meta.length + objects.length + digests.length;
}

/**
 * Whether the record of objects whose JSON takes at most `jsonBytes` bytes surely fits, without
 * compressing it: gzip never grows data by more than a few bytes per 16 KiB block.
 */
export function revisionFits(jsonBytes: number, count: number): boolean {
  return jsonBytes + jsonBytes / 1000 + count * DIGEST_JSON_BYTES + 2048 + RECORD_HEADROOM <= SECRET_DATA_LIMIT;
}

/** At most what one object's digest adds to data.digests, even uncompressed: `"sha256:<64 hex>",`. */
const DIGEST_JSON_BYTES = 80;

/**
 * Throws REVISION_TOO_LARGE if the record of this object set cannot be stored: called before
 * the first write of a deploy, so an oversized set fails with its size instead of half deployed.
 */
export function checkRevisionSize(federation: string, cluster: string, digest: string, objects: readonly KubeObject[]): void {
  if (revisionFits(Buffer.byteLength(JSON.stringify(objects)), objects.length)) return;
  const at = new Date(0).toISOString();
  const size = revisionRecordSize({ federation, cluster, revision: 1_000_000, status: 'deployed', digest, objects, started: at, updated: at, reason: `rollback to revision 1000000` });
  if (size + RECORD_HEADROOM <= SECRET_DATA_LIMIT) return;
  throw new FederationError('REVISION_TOO_LARGE', `cluster ${cluster}`,
    `the revision record of its ${objects.length} objects would hold ${size} bytes (gzipped), over the ${SECRET_DATA_LIMIT}-byte limit of a Secret (less ${RECORD_HEADROOM} bytes kept free); nothing was written`,
    'make the objects of this cluster smaller: large ConfigMap or Secret data (files, bundles) belongs in an image or a volume; or split the app into more than one federation');
}

/** A record that is there but cannot be trusted: its name, so the user can repair or delete it. */
export interface UnreadableRecord {
  readonly namespace: string;
  readonly name: string;
  /** From its label (or name); NaN when neither says. */
  readonly revision: number;
  readonly status?: string;
  readonly reason: string;
}

function labelledRevision(s: any): number {
  const label = s?.metadata?.labels?.[LABEL_REVISION];
  const fromName = /\.v(\d+)$/.exec(s?.metadata?.name ?? '')?.[1];
  const n = Number(label ?? fromName);
  return Number.isInteger(n) && n > 0 ? n : NaN;
}

// The objects' digests of each record checked, kept from its check so plan does not compute them again
// (records read are never changed). A check always computes them afresh, or takes them from data.digests.
const checkedDigests = new WeakMap<readonly KubeObject[], readonly string[]>();
// A decoded record's data.digests, when they hold for its data.objects bytes: its check takes them if their set digest is the record's.
const storedDigests = new WeakMap<readonly KubeObject[], readonly string[]>();

/** The content digest of each of a record's objects, in order (from its digest check when it had one). */
export function recordedDigests(objects: readonly KubeObject[]): readonly string[] {
  return checkedDigests.get(objects) ?? objects.map((o) => contentDigest(o));
}

/** Digest of a record's objects, computed as the inventory computes a cluster's digest (its objects' digests, in order). */
export function recordedSetDigest(objects: readonly KubeObject[]): string {
  return objectSetDigest(objects.map((o) => contentDigest(o)));
}

function unreadableOf(s: any, reason: string): UnreadableRecord {
  return { namespace: s?.metadata?.namespace ?? SYSTEM_NAMESPACE, name: s?.metadata?.name ?? '?', revision: labelledRevision(s), status: s?.metadata?.labels?.[LABEL_STATUS], reason };
}

/** Pure: whether a decoded record's objects match its digest; why not if they do not. */
export function digestMismatch(r: RevisionRecord): string | undefined {
  const stored = storedDigests.get(r.objects);
  if (stored && objectSetDigest(stored) === r.digest) {
    checkedDigests.set(r.objects, stored);
    return undefined;
  }
  const each = r.objects.map((o) => contentDigest(o));
  checkedDigests.set(r.objects, each);
  const digest = objectSetDigest(each);
  return digest === r.digest ? undefined : `its objects do not match its digest (recorded ${String(r.digest).slice(0, 19)}…, computed ${digest.slice(0, 19)}…)`;
}

/** Pure: a record Secret, decoded (and, unless verify is false, checked against its digest), or why it cannot be trusted. */
export function decodeRevision(s: any, federation: string, verify = true): { record: RevisionRecord } | { unreadable: UnreadableRecord } {
  const bad = (reason: string) => ({ unreadable: unreadableOf(s, reason) });
  let meta: any;
  let objects: any;
  try {
    meta = JSON.parse(Buffer.from(s.data.meta, 'base64').toString('utf8'));
  } catch {
    return bad('data.meta is not base64-encoded JSON');
  }
  let gz: Buffer;
  try {
    gz = Buffer.from(s.data.objects, 'base64');
    objects = JSON.parse(gunzipSync(gz).toString('utf8'));
  } catch {
    return bad('data.objects is not gzipped JSON');
  }
  if (!meta || typeof meta !== 'object' || !Array.isArray(objects)) return bad('it does not hold a record (meta object and object list)');
  const each = storedDigestsOf(s.data.digests, gz, objects.length);
  if (each) storedDigests.set(objects, each);
  if (meta.federation !== federation) return bad(`it records federation "${meta.federation}"`);
  if (meta.revision !== labelledRevision(s)) return bad(`it records revision ${meta.revision} under revision label ${s?.metadata?.labels?.[LABEL_REVISION]}`);
  if (!['pending', 'deployed', 'failed'].includes(meta.status)) return bad(`unknown status "${meta.status}"`);
  const record: RevisionRecord = { ...meta, objects };
  const mismatch = verify ? digestMismatch(record) : undefined;
  return mismatch ? bad(mismatch) : { record };
}

/** The per-object digests of data.digests if they are well-formed and were written for exactly these data.objects bytes; else undefined (the record is then checked object by object). */
function storedDigestsOf(data: unknown, gz: Buffer, count: number): readonly string[] | undefined {
  if (typeof data !== 'string') return undefined;
  let stored: Partial<StoredDigests>;
  try {
    stored = JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8'));
  } catch {
    return undefined;
  }
  const { each } = stored ?? {};
  if (!Array.isArray(each) || each.length !== count || !each.every((d) => typeof d === 'string')) return undefined;
  return stored.objects === `sha256:${sha256Hex(gz)}` ? each : undefined;
}

/**
 * Pure: the unreadable records that may matter. One newer than the readable record in force
 * (or any, if none is in force) could itself be the revision in force or the one to resume, so
 * reading past it would mistake the cluster's state; older ones are only history (trimmed in turn).
 */
export function blockingUnreadable(records: readonly RevisionRecord[], unreadable: readonly UnreadableRecord[]): UnreadableRecord[] {
  const current = currentRevision(records);
  return unreadable.filter((u) => !Number.isFinite(u.revision) || !current || u.revision > current.revision);
}

/** All records of a federation in the cluster, readable ones oldest first, and the ones that are not. One LIST. */
export async function readRevisions(client: ClusterClient, federation: string): Promise<{ records: RevisionRecord[]; unreadable: UnreadableRecord[] }> {
  let items: any[];
  try {
    items = await client.list('v1', 'Secret', { namespace: SYSTEM_NAMESPACE, labelSelector: `${LABEL_FEDERATION}=${federation},${LABEL_RECORD}=revision` });
  } catch (e) {
    if (e instanceof KubeApiError && e.status === 404) return { records: [], unreadable: [] };
    throw e;
  }
  const unreadable: UnreadableRecord[] = [];
  const decoded: Array<{ s: any; record: RevisionRecord }> = [];
  for (const s of items.filter((x) => x.type === REVISION_SECRET_TYPE)) {
    const d = decodeRevision(s, federation, false);
    if ('record' in d) decoded.push({ s, record: d.record });
    else unreadable.push(d.unreadable);
  }
  const checked = checkDigests(decoded);
  return { records: checked.records, unreadable: [...unreadable, ...checked.unreadable] };
}

/** Pure: decoded records (Secret and record) sorted into trusted ones, oldest first, and those failing their digest. */
export function checkDigests(decoded: ReadonlyArray<{ s: any; record: RevisionRecord }>): { records: RevisionRecord[]; unreadable: UnreadableRecord[] } {
  const records: RevisionRecord[] = [];
  const unreadable: UnreadableRecord[] = [];
  // Digests are checked newest first down to the first deployed record that passes (the one in force): those are the
  // records deploy, rollback and drift use. Older ones are history, used for their numbers only; checking them too
  // would cost a digest of every object of every kept record on every plan, drift and deploy.
  let inForce = false;
  for (const { s, record } of [...decoded].sort((a, b) => b.record.revision - a.record.revision)) {
    const mismatch = inForce ? undefined : digestMismatch(record);
    if (mismatch) {
      unreadable.push(unreadableOf(s, mismatch));
      continue;
    }
    records.push(record);
    if (record.status === 'deployed') inForce = true;
  }
  records.sort((a, b) => a.revision - b.revision);
  return { records, unreadable };
}

/**
 * The readable records of a federation in the cluster, oldest first. Throws REVISION_UNREADABLE
 * naming the record if one that may be in force cannot be read or fails its digest: the cluster
 * must never be taken for one with no (or an older) previous revision.
 */
export async function listRevisions(client: ClusterClient, federation: string): Promise<RevisionRecord[]> {
  const { records, unreadable } = await readRevisions(client, federation);
  const blocking = blockingUnreadable(records, unreadable);
  if (blocking.length > 0) {
    const u = blocking[blocking.length - 1];
    const more = blocking.length > 1 ? ` (and ${blocking.length - 1} more: ${blocking.slice(0, -1).map((x) => x.name).join(', ')})` : '';
    throw new FederationError('REVISION_UNREADABLE', `cluster ${client.name}`,
      `revision record ${u.namespace}/${u.name}${Number.isFinite(u.revision) ? ` (revision ${u.revision}${u.status ? `, ${u.status}` : ''})` : ''} cannot be trusted: ${u.reason}${more}; this cluster is left as it is`,
      `restore the record from a backup, or delete it (kubectl -n ${u.namespace} delete secret ${u.name}) and deploy again: the cluster is then compared with the readable revision before it, and server-side apply converges it`);
  }
  return records;
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
  assertLeaseHeld(client); // a run that lost the lease never writes a record
  await client.apply(revisionSecret(r), { fieldManager: FIELD_MANAGER, force: true });
}

/** A record as its labels describe it: enough to trim it, readable or not. */
export interface RecordEntry {
  readonly name: string;
  readonly revision: number;
  readonly status?: string;
}

/**
 * Pure: the records to delete so that `keep` remain: the oldest first, failed and unreadable ones
 * included (one without a number counts as oldest), never the one in force (the highest deployed).
 */
export function recordsToTrim(entries: readonly RecordEntry[], keep = KEEP_REVISIONS): RecordEntry[] {
  const order = (e: RecordEntry) => (Number.isFinite(e.revision) ? e.revision : -1);
  const sorted = [...entries].sort((a, b) => order(a) - order(b));
  const inForce = [...sorted].reverse().find((e) => e.status === 'deployed' && Number.isFinite(e.revision));
  return sorted.filter((e) => e !== inForce).slice(0, Math.max(0, entries.length - keep));
}

/** Deletes the oldest records beyond KEEP_REVISIONS, readable or not, never the one in force. Reads the records' labels afresh (one LIST). */
export async function trimRevisions(client: ClusterClient, federation: string): Promise<void> {
  const items = await client.list('v1', 'Secret', { namespace: SYSTEM_NAMESPACE, labelSelector: `${LABEL_FEDERATION}=${federation},${LABEL_RECORD}=revision` });
  const entries = items.filter((s) => s.type === REVISION_SECRET_TYPE)
    .map((s): RecordEntry => ({ name: s.metadata.name, revision: labelledRevision(s), status: s.metadata.labels?.[LABEL_STATUS] }));
  for (const e of recordsToTrim(entries)) {
    await client.delete({ apiVersion: 'v1', group: '', kind: 'Secret', namespace: SYSTEM_NAMESPACE, name: e.name });
  }
}

/** Whether the namespace of the records and leases exists: one read. */
export async function hasSystemNamespace(client: ClusterClient): Promise<boolean> {
  return !!(await client.get('v1', 'Namespace', undefined, SYSTEM_NAMESPACE));
}

/** The namespace of our records; created on first deploy, never pruned. */
export async function ensureSystemNamespace(client: ClusterClient): Promise<void> {
  if (await hasSystemNamespace(client)) return;
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: SYSTEM_NAMESPACE, labels: recordLabels() } } as any,
    { fieldManager: FIELD_MANAGER });
}
