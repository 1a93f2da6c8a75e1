/**
 * `cdkfed plan`: what a deploy would change, per cluster, computed by the API server
 * itself: a server-side dry-run apply (same field manager as deploy) of every object,
 * compared with the live object; plus the ApplySet members prune would delete, and what
 * else would go with a deleted Namespace. Writes nothing.
 */
import pLimit from 'p-limit';
import { createTwoFilesPatch } from 'diff';
import { isFederationError } from '../errors';
import type { Inventory, InventoryCluster } from '../inventory/read';
import type { PlanWave } from '../inventory/types';
import { describeRef, KubeObject, ObjectRef, objectKey, refKey, refOf } from '../kube/object';
import { FIELD_MANAGER } from '../kube/ownership';
import { errorMessage, notOurs } from '../cluster/apply';
import { ClusterClient, KubeApiError } from '../cluster/client';
import { blastRadius, staleMembers } from '../cluster/prune';
import { currentRevision, listRevisions } from '../cluster/revisions';
import { ObjectSet } from '../cluster/set';
import { crdScopes } from '../kube/scope';
import { maskPair, stripServerFields, toYaml } from './normalize';
import { changedPaths, formatPath, valueAt } from './paths';

export type PlanAction = 'create' | 'update' | 'delete' | 'unchanged' | 'error';

export interface PlannedObject {
  readonly ref: ObjectRef;
  readonly action: PlanAction;
  /** Changed field paths (update), e.g. `.spec.template.spec.containers[name=web].image`. */
  readonly fields?: readonly string[];
  /** Unified YAML diff, live → after deploy; secrets masked. */
  readonly diff?: string;
  readonly message?: string;
}

/** A Namespace or CRD prune would remove, and what it holds that is not ours. */
export interface BlastRadius {
  /** `Namespace shop`, `CustomResourceDefinition widgets.example.com`. */
  readonly object: string;
  /** Objects it holds that are not ours: prune then keeps it and hands it over instead of deleting it. */
  readonly foreign: readonly string[];
  /** What it holds could not be read: prune keeps it (fails closed). */
  readonly error?: string;
}

export interface ClusterPlan {
  readonly cluster: string;
  readonly wave: string;
  readonly error?: string;
  readonly currentRevision?: number;
  readonly objects: readonly PlannedObject[];
  readonly blastRadius: readonly BlastRadius[];
  readonly counts: Readonly<Record<PlanAction, number>>;
}

export interface FleetPlan {
  readonly federation: string;
  readonly waves: readonly PlanWave[];
  readonly clusters: readonly ClusterPlan[];
}

export function countPlan(objects: readonly PlannedObject[]): Record<PlanAction, number> {
  const c: Record<PlanAction, number> = { create: 0, update: 0, delete: 0, unchanged: 0, error: 0 };
  for (const o of objects) c[o.action]++;
  return c;
}

export function hasChanges(p: FleetPlan): boolean {
  return p.clusters.some((c) => c.counts.create + c.counts.update + c.counts.delete > 0);
}

/** Unified diff of two (already masked) objects, headers `live` and `after deploy`. */
export function unifiedDiff(before: unknown, after: unknown): string {
  const patch = createTwoFilesPatch('live', 'after deploy', toYaml(before), toYaml(after), undefined, undefined, { context: 3 });
  return patch.split('\n').filter((l) => !l.startsWith('====') && !l.startsWith('\\ No newline')).join('\n').trimEnd();
}

export async function planFleet(inv: Inventory, clusters: readonly string[], clients: ReadonlyMap<string, ClusterClient>): Promise<FleetPlan> {
  const limit = pLimit(4);
  const plans = await Promise.all(clusters.map((name) => limit(() => planCluster(inv, inv.clusters.get(name)!, clients.get(name)!))));
  return { federation: inv.plan.federation, waves: inv.waves, clusters: plans };
}

async function planCluster(inv: Inventory, cluster: InventoryCluster, client: ClusterClient): Promise<ClusterPlan> {
  const base = { cluster: cluster.spec.name, wave: cluster.spec.wave };
  try {
    const current = currentRevision(await listRevisions(client, inv.plan.federation));
    const manifests = cluster.objects.map((o) => o.manifest);
    const crdsInSet = crdScopes(manifests);
    // Live objects of the set come from one LIST per kind; only objects not (yet) in it are read one by one.
    const members = await new ObjectSet(client, inv.plan.federation, inv.plan.applySet).members(manifests);
    const liveByKey = new Map(members.map((m) => [refKey(m), m.live]));
    const limit = pLimit(16);
    const objects: PlannedObject[] = await Promise.all(manifests.map((m) => limit(() => planObject(client, m, crdsInSet, liveByKey.get(objectKey(m))))));
    const blast: BlastRadius[] = [];
    const adopted = new Set((current?.adopted ?? []).map((a) => refKey(a.ref)));
    for (const m of staleMembers(members, manifests)) {
      const [, masked] = maskPair(undefined, stripServerFields(m.live));
      const ref = { group: m.group, kind: m.kind, ...(m.namespace ? { namespace: m.namespace } : {}), name: m.name };
      let message: string | undefined;
      if (adopted.has(refKey(ref))) message = 'not deleted: it was adopted, so prune hands it back to its owner';
      else if ((m.kind === 'Namespace' && m.group === '') || (m.kind === 'CustomResourceDefinition' && m.group === 'apiextensions.k8s.io')) {
        const b: BlastRadius = await blastRadius(client, m, inv.plan.applySet.id)
          .then((foreign) => ({ object: describeRef(ref), foreign }), (e) => ({ object: describeRef(ref), foreign: [], error: errorMessage(e) }));
        blast.push(b);
        if (b.error) message = 'not deleted: what it holds cannot be read, so prune keeps it';
        else if (b.foreign.length > 0) message = `not deleted: holds ${b.foreign.length} object(s) that are not ours, so prune hands it over`;
      }
      objects.push({ ref, action: 'delete', diff: unifiedDiff(masked, undefined), ...(message ? { message } : {}) });
    }
    return { ...base, currentRevision: current?.revision, objects, blastRadius: blast, counts: countPlan(objects) };
  } catch (e) {
    return { ...base, error: isFederationError(e) ? e.message : errorMessage(e), objects: [], blastRadius: [], counts: countPlan([]) };
  }
}

async function planObject(client: ClusterClient, m: KubeObject, crdsInSet: ReadonlyMap<string, boolean>, listed: unknown): Promise<PlannedObject> {
  const ref = refOf(m);
  let served = true;
  try {
    served = await client.serves(m.apiVersion, m.kind);
  } catch (e) {
    if (!(e instanceof KubeApiError)) throw e;
  }
  if (!served) {
    const group = ref.group;
    if (crdsInSet.has(`${group}/${m.kind}`)) return created(ref, m, 'its CRD is created first by the same deploy');
    return { ref, action: 'error', message: `the cluster does not serve ${m.kind} in ${m.apiVersion}: install its CRD first` };
  }
  const live = listed ?? await client.get(m.apiVersion, m.kind, m.metadata.namespace, m.metadata.name);
  let after: unknown;
  try {
    after = await client.apply(m, { fieldManager: FIELD_MANAGER, dryRun: true });
  } catch (e) {
    // A namespaced object whose namespace does not exist yet: the deploy creates the namespace first.
    if (!live && e instanceof KubeApiError && e.status === 404) return created(ref, m);
    const conflict = e instanceof KubeApiError && e.status === 409 ? ' (deploy would need --force-conflicts)' : '';
    return { ref, action: 'error', message: `dry run failed: ${errorMessage(e)}${conflict}` };
  }
  if (!live) return created(ref, after);
  const foreign = notOurs(m, live);
  if (foreign) return { ref, action: 'error', message: `${foreign}: deploy refuses it unless run with --adopt` };
  const [before, next] = maskPair(stripServerFields(live), stripServerFields(after));
  const paths = changedPaths(before, next);
  if (paths.length === 0) return { ref, action: 'unchanged' };
  return { ref, action: 'update', fields: paths.map((p) => formatPath(p, (q) => valueAt(next, q) ?? valueAt(before, q))), diff: unifiedDiff(before, next) };
}

function created(ref: ObjectRef, obj: unknown, message?: string): PlannedObject {
  const [, masked] = maskPair(undefined, stripServerFields(obj));
  return { ref, action: 'create', diff: unifiedDiff(undefined, masked), ...(message ? { message } : {}) };
}
