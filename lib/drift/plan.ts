/**
 * `cdkfed plan`: what a deploy would change, per cluster: the set manager's dry-run diff of
 * every object (cluster/diff.ts), plus the ApplySet members prune would delete, and for a
 * Namespace or CRD what it holds that is not ours (prune then keeps it). Writes nothing.
 */
import pLimit from 'p-limit';
import { isFederationError } from '../errors';
import { entryTargets } from '../inventory/read';
import type { Inventory, InventoryCluster, InventoryOutline } from '../inventory/read';
import type { InventoryWave } from '../inventory/types';
import { contentDigest } from '../kube/digest';
import { describeRef, KubeObject, objectKey, refKey, refOf } from '../kube/object';
import { maskPair, stripServerFields } from '../kube/normalize';
import { applyStage } from '../kube/order';
import { errorMessage } from '../cluster/apply';
import { CLUSTERS_READ_AT_ONCE, type ClusterClient } from '../cluster/client';
import { ChangeSet, changeSet, ChangeSetEntry } from '../cluster/changeset';
import { unifiedDiff } from '../cluster/diff';
import { blastRadius, staleMembers } from '../cluster/prune';
import { currentRevision, listRevisions, recordedDigests } from '../cluster/revisions';
import { ObjectSet } from '../cluster/set';
import { warmDiscovery } from '../cluster/warm';
import { driftedFields } from './drift';
import { holdsEveryValue } from './live-match';

export { unifiedDiff };

/** A Namespace or CRD prune would remove, and what it holds that is not ours. */
export interface BlastRadius {
  /** `Namespace shop`, `CustomResourceDefinition widgets.example.com`. */
  readonly object: string;
  /** Objects it holds that are not ours: prune then keeps it and hands it over instead of deleting it. */
  readonly foreign: readonly string[];
  /** What it holds could not be read: prune keeps it (fails closed). */
  readonly error?: string;
}

/**
 * What a deploy would do to one cluster, in the deploy's own vocabulary: a dry-run ChangeSet
 * with an entry per object of the set (`created`, `configured` with fields and diff,
 * `unchanged`, `failed` with why) and per member prune would remove (`deleted`, or `released`
 * / `skipped` as prune would leave it, with why).
 */
export interface ClusterPlan {
  readonly cluster: string;
  readonly wave: string;
  readonly error?: string;
  readonly currentRevision?: number;
  readonly changes: ChangeSet;
  readonly blastRadius: readonly BlastRadius[];
}

export interface FleetPlan {
  readonly federation: string;
  readonly waves: readonly InventoryWave[];
  readonly clusters: readonly ClusterPlan[];
}

/** Whether any cluster would change: an object created, configured, or removed from the set. */
export function hasChanges(p: FleetPlan): boolean {
  return p.clusters.some((c) => c.changes.entries.some((e) => e.action !== 'unchanged' && e.action !== 'failed'));
}

export interface PlanOptions {
  /** Dry-run every object, even those the revision in force shows unchanged (`--dry-run-all`). @default false */
  readonly dryRunAll?: boolean;
}

/**
 * The plan of the selected clusters: given the outline and the inventory being verified
 * (verifyInventory, or readInventory's result, resolved), each cluster's reads start at once and its objects are compared once
 * dist/ is verified; if it is not, that error is the command's and no plan is made.
 */
export async function planFleet(outline: InventoryOutline, verified: Promise<Inventory>, clusters: readonly string[], clients: ReadonlyMap<string, ClusterClient>, opts: PlanOptions = {}): Promise<FleetPlan> {
  const limit = pLimit(CLUSTERS_READ_AT_ONCE);
  const plans = Promise.all(clusters.map((name) => limit(() => planForCluster(outline, name, verified, clients.get(name)!, opts))));
  await verified; // its error first: a plan is only made of a verified dist/
  return { federation: outline.document.federation, waves: outline.waves, clusters: await plans };
}

/**
 * Whether an object is unchanged without asking the API server: the revision in force (and
 * no later record: nothing else of ours may own fields there) applied exactly this manifest,
 * and its live copy still has every value we set (drift's comparison). Applying the same
 * configuration again over values that all match changes nothing, so a dry run would report
 * it unchanged too; anything else (new, changed, drifted, a later failed revision) is dry-run.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a live object is untyped JSON of any kind
export function unchangedSinceRecord(entryDigest: string, recorded: KubeObject | undefined, live: Record<string, any> | undefined, recordedDigest?: string): boolean {
  if (!recorded || !live || (recordedDigest ?? contentDigest(recorded)) !== entryDigest) return false;
  // Identical values (the common case) without copying either object; anything else is drift's full comparison.
  return holdsEveryValue(recorded, live) || driftedFields(recorded, live).length === 0;
}

async function planForCluster(outline: InventoryOutline, name: string, verified: Promise<Inventory>, client: ClusterClient, opts: PlanOptions): Promise<ClusterPlan> {
  const base = { cluster: name, wave: outline.clusters.get(name)!.spec.wave };
  try {
    // Objects by the identities of their entries: a manifest is parsed (and checked) only to be dry-run.
    const targets = entryTargets(outline, name);
    warmDiscovery(client, outline.clusters.get(name)!.spec.objects);
    // The records and the live objects of the set (one LIST per kind) are read at once, while dist/ is verified.
    const set = new ObjectSet(client, outline.document.federation, outline.document.applySet);
    const [records, members] = await Promise.all([listRevisions(client, outline.document.federation), set.members(targets)]);
    const inv = await verified;
    const cluster: InventoryCluster = inv.clusters.get(name)!;
    const current = currentRevision(records);
    const live = new Map(members.map((m) => [refKey(m), m.live]));
    const trusted = !opts.dryRunAll && current && records[records.length - 1] === current;
    // The record's objects with their digests, from the check listRevisions made of it.
    const digests = trusted ? recordedDigests(current.objects) : [];
    const recorded = new Map(trusted ? current.objects.map((o, i) => [objectKey(o), { o, digest: digests[i] }]) : []);
    // Only objects that may change are dry-run: the cost follows what changed, not the fleet's size.
    const same = cluster.objects.map(({ entry, target }) => {
      const r = recorded.get(objectKey(target));
      return unchangedSinceRecord(entry.digest, r?.o, live.get(objectKey(target)), r?.digest);
    });
    const diffs = await set.diff(cluster.objects.filter((_, i) => !same[i]).map((o) => o.manifest), members);
    let next = 0;
    const objects: ChangeSetEntry[] = targets.map((t, i) => (same[i] ? { ref: refOf(t), action: 'unchanged' as const } : diffs[next++]));
    const blast: BlastRadius[] = [];
    const adopted = new Set((current?.adopted ?? []).map((a) => refKey(a.ref)));
    for (const m of staleMembers(members, targets)) {
      const [, masked] = maskPair(undefined, stripServerFields(m.live));
      const ref = { group: m.group, kind: m.kind, ...(m.namespace ? { namespace: m.namespace } : {}), name: m.name };
      // What prune would do: delete it, or (as prune.ts) release or keep it, saying why.
      let outcome: Pick<ChangeSetEntry, 'action' | 'message'> = { action: 'deleted' };
      if (adopted.has(refKey(ref))) outcome = { action: 'released', message: 'not deleted: it was adopted, so prune hands it back to its owner' };
      else if (applyStage(m) === 'definitions') { // a Namespace or CRD: what it holds goes with it
        const b: BlastRadius = await blastRadius(client, m, inv.document.applySet.id)
          .then((foreign) => ({ object: describeRef(ref), foreign }), (e) => ({ object: describeRef(ref), foreign: [], error: errorMessage(e) }));
        blast.push(b);
        if (b.error) outcome = { action: 'skipped', message: 'not deleted: what it holds cannot be read, so prune keeps it' };
        else if (b.foreign.length > 0) outcome = { action: 'released', message: `not deleted: holds ${b.foreign.length} object(s) that are not ours, so prune hands it over` };
      }
      objects.push({ ref, ...outcome, diff: unifiedDiff(masked, undefined) });
    }
    return { ...base, currentRevision: current?.revision, changes: changeSet(objects, { dryRun: true }), blastRadius: blast };
  } catch (e) {
    return { ...base, error: isFederationError(e) ? e.message : errorMessage(e), changes: changeSet([], { dryRun: true }), blastRadius: [] };
  }
}
