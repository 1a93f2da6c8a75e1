/**
 * `cdkfed drift`: what changed behind our back. Compares every cluster's live objects with
 * the revision in force (its record in the cluster), over the fields that revision sets:
 * modified fields with the desired and the live value and the manager that now owns them,
 * objects deleted behind our back, objects with our ApplySet label that the revision does not
 * hold, and a cluster whose revision in force is not the one in dist/ (a pending deploy, not
 * drift). One LIST per (cluster, kind); clusters in parallel. `correct` re-applies only the
 * drifted objects.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- live objects are untyped JSON of any kind */
import pLimit from 'p-limit';
import { isFederationError } from '../errors';
import type { InventoryOutline } from '../inventory/read';
import type { IgnoreDifference } from '../inventory/types';
import { apiGroup, describeRef, KubeObject, objectKey, refKey, refOf } from '../kube/object';
import { compareStrings } from '../kube/sort';
import { LABEL_APP } from '../kube/ownership';
import { errorMessage } from '../cluster/apply';
import { ChangeSet, changeSet, ChangeSetEntry, FieldChange } from '../cluster/changeset';
import { ClusterClient, CLUSTERS_READ_AT_ONCE } from '../cluster/client';
import { acquireLease, HeldLease } from '../cluster/lease';
import { currentRevision, listRevisions } from '../cluster/revisions';
import { warmDiscovery } from '../cluster/warm';
import { ObjectSet } from '../cluster/set';
import { maskPair, MASK, sameValue, serverDrops, stripServerFields } from '../kube/normalize';
import { formatPath, leafPaths, ownerOf, pointerSegments, Segment, valueAt } from '../kube/paths';
import { holdsEveryValue } from './live-match';

/** A drifted field: always with the value we set and the live one. */
export interface DriftedField extends FieldChange {
  readonly desired: unknown;
  readonly live: unknown;
}

/**
 * One cluster's drift as a ChangeSet, one entry per drifted object, its `drift` saying how it
 * departed and its action what correcting it does: `modified` → configured, `deleted` →
 * created, `unrecorded` → skipped (only reported). Without --correct the set is a dry run;
 * with it, the actions are what the re-apply did (`failed` with why).
 */
export interface ClusterDrift {
  readonly cluster: string;
  readonly wave: string;
  readonly error?: string;
  /** The revision in force; undefined: never deployed. */
  readonly revision?: number;
  /** The revision in force is not dist/'s: a deploy is pending (not drift). */
  readonly pendingDeploy: boolean;
  readonly changes: ChangeSet;
  /** Fields left out by ignore rules, e.g. `Deployment shop/web .spec.replicas (scaled by HPA shop/web)`. */
  readonly ignored: readonly string[];
}

export interface FleetDrift {
  readonly federation: string;
  readonly clusters: readonly ClusterDrift[];
}

/** Whether --correct put the entry's object back; undefined: not tried (a dry run, or an unrecorded object, only ever reported). */
export function corrected(set: ChangeSet, e: ChangeSetEntry): boolean | undefined {
  if (!set.dryRun && e.drift !== 'unrecorded') return e.action !== 'failed' && e.action !== 'skipped';
  return undefined;
}

export function hasDrift(d: FleetDrift): boolean {
  return d.clusters.some((c) => c.changes.entries.some((e) => !corrected(c.changes, e)));
}

/** A field drift ignores: path segments, where `*` matches any key or item and a list item matches its index or its name. */
export interface IgnoreRule {
  readonly path: readonly string[];
  readonly why: string;
}

/** Whether `path` (of a field of `obj`) lies under the rule's path. */
export function ruleCovers(rule: readonly string[], path: readonly Segment[], obj: unknown): boolean {
  if (rule.length > path.length) return false;
  return rule.every((seg, k) => {
    if (seg === '*' || seg === String(path[k])) return true;
    if (typeof path[k] !== 'number') return false;
    const item = valueAt(obj, path.slice(0, k + 1)) as { name?: unknown } | undefined;
    return !!item && typeof item === 'object' && item.name === seg;
  });
}

/** The rules of federation.json that apply to one object in one cluster. */
export function userIgnores(rules: readonly IgnoreDifference[], o: KubeObject, cluster: string): IgnoreRule[] {
  return rules.filter((r) => r.kind === o.kind && (r.name === undefined || r.name === o.metadata.name) && (r.namespace === undefined || r.namespace === o.metadata.namespace)
    && (r.app === undefined || o.metadata.labels?.[LABEL_APP] === r.app) && (r.clusters === undefined || r.clusters.includes(cluster)))
    .flatMap((r) => r.jsonPointers.map((p) => ({ path: pointerSegments(p), why: r.reason ?? `ignoreDifferences ${p}` })));
}

/** `spec.replicas` of workloads an HPA of the same set scales: the HPA owns it. */
export function hpaIgnores(objects: readonly KubeObject[]): Map<string, IgnoreRule[]> {
  const out = new Map<string, IgnoreRule[]>();
  for (const h of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const t = (h as any).spec?.scaleTargetRef;
    if (!t?.kind || !t?.name) continue;
    const key = refKey({ group: apiGroup(t.apiVersion), kind: t.kind, namespace: h.metadata.namespace, name: t.name });
    out.set(key, [...(out.get(key) ?? []), { path: ['spec', 'replicas'], why: `scaled by HPA ${h.metadata.namespace}/${h.metadata.name}` }]);
  }
  return out;
}

function isEmptyMap(v: unknown): boolean {
  return !!v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0;
}

/** Fields of `desired` whose live value differs. Pure. Masks secret values. */
export function driftedFields(desired: KubeObject, live: Record<string, any>, ignore: readonly IgnoreRule[] = [], ignoredOut?: string[]): DriftedField[] {
  const want = stripServerFields(desired);
  delete want.metadata?.name;
  delete want.metadata?.namespace;
  const [maskedWant, maskedLive] = maskPair(want, stripServerFields(live));
  const ruleFor = (p: Segment[]) => ignore.find((i) => ruleCovers(i.path, p, want));
  const out: DriftedField[] = [];
  for (const p of leafPaths(want)) {
    if (p.length === 0) continue;
    const d = valueAt(want, p);
    const l = valueAt(live, p);
    // Values, not spellings: `cpu: "0.5"` is stored as `500m`.
    if (sameValue(want, p, d, l)) continue;
    // An empty map we set (e.g. `emptyDir: {}`) is satisfied by any map there: the server may fill it in.
    if (isEmptyMap(d) && l !== null && typeof l === 'object' && !Array.isArray(l)) continue;
    // An empty value the server drops (`annotations: {}`, `env: []`, `value: ""`) is absent live.
    if ((l === undefined || l === null) && serverDrops(want, p, d)) continue;
    const rule = ruleFor(p);
    if (rule) {
      ignoredOut?.push(`${formatPath(p, (q) => valueAt(want, q))} (${rule.why})`);
      continue;
    }
    // A value maskPair masked is a secret one (the one rule, kube/secrets.ts): never shown.
    const secret = JSON.stringify(valueAt(maskedWant, p)) !== JSON.stringify(d);
    out.push({
      path: formatPath(p, (q) => valueAt(want, q)),
      desired: secret ? MASK : d,
      live: secret ? MASK : (valueAt(maskedLive, p) ?? null),
      ...(ownerOf(live, p) ? { manager: ownerOf(live, p) } : {}),
    });
  }
  return out;
}

export async function driftFleet(inv: InventoryOutline, clusters: readonly string[], clients: ReadonlyMap<string, ClusterClient>, opts: { correct?: boolean } = {}): Promise<FleetDrift> {
  const limit = pLimit(CLUSTERS_READ_AT_ONCE);
  const results = await Promise.all(clusters.map((name) => limit(() => driftCluster(inv, name, clients.get(name)!, opts))));
  return { federation: inv.document.federation, clusters: results };
}

async function driftCluster(inv: InventoryOutline, name: string, client: ClusterClient, opts: { correct?: boolean }): Promise<ClusterDrift> {
  const cluster = inv.clusters.get(name)!;
  const base = { cluster: name, wave: cluster.spec.wave };
  try {
    warmDiscovery(client, cluster.spec.objects); // the recorded objects' kinds are mostly those of dist/
    const current = currentRevision(await listRevisions(client, inv.document.federation));
    if (!current) return { ...base, pendingDeploy: true, changes: changeSet([], { dryRun: true }), ignored: [] };
    const recorded = current.objects;
    // Members read at the versions the revision applied, so each compares field by field with what was applied.
    const members = await new ObjectSet(client, inv.document.federation, inv.document.applySet).members(recorded);
    const live = new Map(members.map((m) => [refKey(m), m.live]));
    const ignores = hpaIgnores(recorded);
    const rulesOf = (o: KubeObject) => [...(ignores.get(objectKey(o)) ?? []), ...userIgnores(inv.document.ignoreDifferences ?? [], o, name)];
    const objects: ChangeSetEntry[] = [];
    const ignoredNotes: string[] = [];
    for (const want of recorded) {
      const ref = refOf(want);
      const l = live.get(objectKey(want));
      if (!l) {
        objects.push({ ref, action: 'created', drift: 'deleted' });
        continue;
      }
      const rules = rulesOf(want);
      const skipped: string[] = [];
      // Identical values (an unchanged fleet's every object) need no closer look: driftedFields would find nothing, nor ignore anything.
      const fields = holdsEveryValue(want, l) ? [] : driftedFields(want, l, rules, skipped);
      ignoredNotes.push(...skipped.map((x) => `${describeRef(ref)} ${x}`));
      if (fields.length > 0) objects.push({ ref, action: 'configured', drift: 'modified', fields });
    }
    const recordedKeys = new Set(recorded.map(objectKey));
    for (const m of members) {
      if (!recordedKeys.has(refKey(m))) {
        objects.push({ ref: { group: m.group, kind: m.kind, ...(m.namespace ? { namespace: m.namespace } : {}), name: m.name }, action: 'skipped', drift: 'unrecorded', message: UNRECORDED });
      }
    }
    objects.sort((a, b) => compareStrings(refKey(a.ref), refKey(b.ref)));
    const changes = opts.correct ? changeSet(await correct(client, inv, recorded, objects, rulesOf, live)) : changeSet(objects, { dryRun: true });
    return { ...base, revision: current.revision, pendingDeploy: current.digest !== cluster.digest, changes, ignored: ignoredNotes.sort(compareStrings) };
  } catch (e) {
    return { ...base, pendingDeploy: false, error: isFederationError(e) ? e.message : errorMessage(e), changes: changeSet([], { dryRun: true }), ignored: [] };
  }
}

/** `want` with every field an ignore rule covers set to its live value, or left out where live has none. Pure. */
export function keepIgnoredAsLive(want: KubeObject, live: Record<string, any> | undefined, rules: readonly IgnoreRule[]): KubeObject {
  if (rules.length === 0) return want;
  const out = JSON.parse(JSON.stringify(want));
  // The whole subtree a rule names is taken from live (a rule covers everything below it).
  const covered = new Map<string, Segment[]>();
  for (const p of leafPaths(want)) {
    const rule = p.length > 0 ? rules.find((r) => ruleCovers(r.path, p, want)) : undefined;
    if (rule) covered.set(JSON.stringify(p.slice(0, rule.path.length)), p.slice(0, rule.path.length));
  }
  for (const p of covered.values()) {
    const l = valueAt(live, p);
    const parent = valueAt(out, p.slice(0, -1)) as Record<string | number, unknown> | undefined;
    if (!parent || typeof parent !== 'object') continue;
    if (l === undefined) delete parent[p[p.length - 1] as any];
    else parent[p[p.length - 1] as any] = JSON.parse(JSON.stringify(l));
  }
  return out;
}

const UNRECORDED = 'only reported: no revision holds it, so drift --correct leaves it';

/**
 * Re-applies the revision's version of each modified or deleted object (taking back our
 * fields), under the deploy lease, in apply order (namespaces and CRDs first); fields that
 * ignore rules cover keep their live value. Unrecorded objects are only reported. The entries
 * come back with the actions the apply took.
 */
async function correct(client: ClusterClient, inv: InventoryOutline, recorded: readonly KubeObject[], objects: readonly ChangeSetEntry[],
  rulesOf: (o: KubeObject) => IgnoreRule[], live: ReadonlyMap<string, Record<string, any>>): Promise<ChangeSetEntry[]> {
  const drifted = new Set(objects.filter((o) => o.drift !== 'unrecorded').map((o) => refKey(o.ref)));
  if (drifted.size === 0) return [...objects];
  let lease: HeldLease;
  try {
    lease = await acquireLease(client, inv.document.federation);
  } catch (e) {
    const error = `not corrected: ${isFederationError(e) ? e.message : errorMessage(e)}`;
    return objects.map((o) => (drifted.has(refKey(o.ref)) ? { ...o, action: 'failed', message: error } : o));
  }
  try {
    const toApply = recorded.filter((o) => drifted.has(objectKey(o))).map((o) => keepIgnoredAsLive(o, live.get(objectKey(o)), rulesOf(o)));
    const applied = await new ObjectSet(client, inv.document.federation, inv.document.applySet).apply(toApply, { force: true });
    const byKey = new Map(applied.entries.map((e) => [refKey(e.ref), e]));
    return objects.map((o): ChangeSetEntry => {
      if (!drifted.has(refKey(o.ref))) return o;
      const e = byKey.get(refKey(o.ref));
      if (!e) return { ...o, action: 'skipped', message: 'not applied' };
      return e.action === 'failed' || e.action === 'skipped' ? { ...o, action: e.action, message: e.message ?? e.action } : { ...o, action: e.action };
    });
  } finally {
    await lease.release();
  }
}
