/* eslint-disable @typescript-eslint/no-explicit-any -- live objects and server responses are untyped JSON of any kind */
import pLimit from 'p-limit';
import { KubeObject, objectKey, refOf } from '../kube/object';
import { applyRank, applyStage } from '../kube/order';
import { APPLYSET_PART_OF, FIELD_MANAGER, HANDOVER_MANAGER } from '../kube/ownership';
import { ChangeSetEntry, changeSet, ChangeSet, FieldConflict } from './changeset';
import { ClusterClient, KubeApiError } from './client';
import { waitHealthy } from './wait';

export interface ApplyOptions {
  /** Take ownership of fields another manager owns (`--force-conflicts`). @default false */
  readonly force?: boolean;
  /** Take over objects of the same name that exist without our ApplySet label (`--adopt`). @default false */
  readonly adopt?: boolean;
  /** How long definitions (Namespaces, CRDs) may take to become ready. @default 60 s */
  readonly definitionsTimeoutMs?: number;
  /** Called after each object. */
  readonly onEntry?: (e: ChangeSetEntry) => void;
  /** Called right before each write; throwing stops the apply there (the deploy lease was lost). */
  readonly beforeWrite?: () => void;
}

/**
 * Staged server-side apply, like Flux's ApplyAllStaged: Namespaces and CRDs first, wait until
 * they are ready (CRDs Established), then the rest in the order given (dist/'s rank order),
 * objects of one rank in parallel.
 * Stops at the first failure; the ChangeSet says what was done, what failed and what was skipped.
 */
export async function applyStaged(client: ClusterClient, objects: readonly KubeObject[], opts: ApplyOptions = {}): Promise<ChangeSet> {
  const definitions = objects.filter((o) => applyStage(o) === 'definitions');
  const rest = objects.filter((o) => applyStage(o) === 'rest');
  const entries: ChangeSetEntry[] = [];
  const done = new Set<string>();
  const skipRest = (from: readonly KubeObject[], message: string) => {
    for (const o of from) if (!done.has(objectKey(o))) entries.push({ ref: refOf(o), action: 'skipped', message });
  };
  const before = await prefetch(client, definitions);
  for (const o of definitions) {
    const e = await applyOne(client, o, { ...opts, before: before.get(objectKey(o)) });
    done.add(objectKey(o));
    entries.push(e);
    opts.onEntry?.(e);
    if (e.action === 'failed') {
      skipRest(objects, `not applied: ${e.ref.kind} ${e.ref.name} failed`);
      return changeSet(entries);
    }
  }
  if (definitions.length > 0) {
    const waited = await waitHealthy(client, definitions, { timeoutMs: opts.definitionsTimeoutMs ?? 60_000 });
    if (!waited.healthy) {
      const bad = waited.objects.find((h) => h.health.status !== 'Current')!;
      entries.push({ ref: bad.ref, action: 'failed', message: `not ready: ${bad.health.message}` });
      skipRest(objects, 'not applied: definitions did not become ready');
      return changeSet(entries);
    }
    if (definitions.some((o) => o.kind === 'CustomResourceDefinition')) client.forgetDiscovery();
  }
  const beforeRest = await prefetch(client, rest);
  // Objects of the same apply rank do not depend on each other: they go out together, ranks in order.
  const limit = pLimit(8);
  for (const group of rankGroups(rest)) {
    const results = await Promise.all(group.map((o) => limit(() => applyOne(client, o, { ...opts, before: beforeRest.get(objectKey(o)) }))));
    results.forEach((e, i) => {
      done.add(objectKey(group[i]));
      entries.push(e);
      opts.onEntry?.(e);
    });
    const failed = results.find((e) => e.action === 'failed');
    if (failed) {
      skipRest(rest, `not applied: an earlier object failed (${failed.ref.kind} ${failed.ref.name})`);
      break;
    }
  }
  return changeSet(entries);
}

/** Consecutive runs of objects with the same apply rank, in the given order. */
export function rankGroups(objects: readonly KubeObject[]): KubeObject[][] {
  const groups: KubeObject[][] = [];
  for (const o of objects) {
    const last = groups[groups.length - 1];
    if (last && applyRank(last[0].kind) === applyRank(o.kind)) last.push(o);
    else groups.push([o]);
  }
  return groups;
}

/**
 * The live objects before the apply, fetched in parallel (the applies themselves stay in
 * order). A failed read is left out: applyOne reads that object itself and reports the error.
 */
async function prefetch(client: ClusterClient, objects: readonly KubeObject[]): Promise<Map<string, { live: any }>> {
  const limit = pLimit(8);
  const out = new Map<string, { live: any }>();
  await Promise.all(objects.map((o) => limit(async () => {
    try {
      out.set(objectKey(o), { live: await client.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name) });
    } catch {
      // read again (and reported) by applyOne
    }
  })));
  return out;
}

/** One object: created if it was absent, unchanged if the apply wrote nothing (same resourceVersion), else configured. */
export async function applyOne(client: ClusterClient, o: KubeObject, opts: { force?: boolean; adopt?: boolean; terminatingTimeoutMs?: number; before?: { live: any }; beforeWrite?: () => void }): Promise<ChangeSetEntry> {
  const ref = refOf(o);
  try {
    let before = opts.before ? opts.before.live : await client.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name);
    if (before?.metadata?.deletionTimestamp) {
      // Applying to an object being deleted (a terminating namespace) would be lost with it: wait until it is gone.
      before = await waitGone(client, o, opts.terminatingTimeoutMs ?? 120_000);
    }
    const foreign = before && !opts.adopt ? notOurs(o, before) : undefined;
    // Someone else's object of the same name: never taken over silently.
    if (foreign) return { ref, action: 'failed', message: `${foreign}; rerun with --adopt to take it over` };
    opts.beforeWrite?.();
    if (before && handsOverReplicas(o, before)) {
      // Kubernetes' documented hand-over of a field to another manager (an HPA): a second manager
      // first co-owns spec.replicas at its live value, so dropping it from our apply leaves the count
      // as it is instead of resetting it to the default of 1 until the autoscaler syncs.
      await client.apply({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, namespace: o.metadata.namespace }, spec: { replicas: before.spec.replicas } } as any,
        { fieldManager: HANDOVER_MANAGER });
    }
    const after = await client.apply(o, { fieldManager: FIELD_MANAGER, force: opts.force });
    const action = !before ? 'created' : before.metadata?.resourceVersion === after?.metadata?.resourceVersion ? 'unchanged' : 'configured';
    return { ref, action };
  } catch (e) {
    if (e instanceof KubeApiError && e.status === 409 && e.causes.some(isConflictCause)) {
      const conflicts = parseConflicts(e);
      return {
        ref, action: 'failed', conflicts,
        message: `conflict: ${conflicts.map((c) => `${c.field} is owned by "${c.manager}"`).join(', ')}; rerun with --force-conflicts to take ownership`,
      };
    }
    return { ref, action: 'failed', message: errorMessage(e) };
  }
}

/** Why a live object of the same name is not ours (deploy refuses it without --adopt, plan flags it), or undefined when it is. */
export function notOurs(desired: KubeObject, live: any): string | undefined {
  const ours = desired.metadata.labels?.[APPLYSET_PART_OF];
  const owner = live?.metadata?.labels?.[APPLYSET_PART_OF];
  if (!live || !ours || owner === ours) return undefined;
  return `exists and is not this federation's (${owner ? `it belongs to ApplySet ${owner}` : 'it has no ApplySet label'})`;
}

/** Field manager that keeps spec.replicas when our manifest stops setting it (an autoscaler takes over). */

const SCALABLE = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);

/** Our manifest no longer sets spec.replicas of a workload whose live count only we own. Pure. */
export function handsOverReplicas(o: KubeObject, live: any): boolean {
  if (!SCALABLE.has(o.kind) || (o as any).spec?.replicas !== undefined || typeof live?.spec?.replicas !== 'number') return false;
  const owners = (live.metadata?.managedFields ?? []).filter((m: any) => m.fieldsV1?.['f:spec']?.['f:replicas'] !== undefined).map((m: any) => m.manager);
  return owners.length > 0 && owners.every((m: string) => m === FIELD_MANAGER);
}

async function waitGone(client: ClusterClient, o: KubeObject, timeoutMs: number): Promise<undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const live = await client.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name);
    if (!live) return undefined;
    if (Date.now() > deadline) throw new Error(`${o.kind} ${o.metadata.name} is still being deleted after ${timeoutMs / 1000}s (finalizers: ${JSON.stringify(live.metadata?.finalizers ?? live.spec?.finalizers ?? [])})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** `conflict with "kubectl-edit" using apps/v1` → manager kubectl-edit. */
export function parseConflicts(e: KubeApiError): FieldConflict[] {
  return e.causes.filter(isConflictCause).map((c) => ({
    field: c.field ?? '?',
    manager: /conflict with "([^"]+)"/.exec(c.message ?? '')?.[1] ?? 'unknown',
  }));
}

/** metav1.StatusCause spells the kind of cause `reason` on the wire. */
function isConflictCause(c: { type?: string; reason?: string }): boolean {
  return (c.reason ?? c.type) === 'FieldManagerConflict';
}

export function errorMessage(e: unknown): string {
  if (e instanceof KubeApiError) return `${e.reason} (HTTP ${e.status}): ${e.message}`;
  return (e as Error)?.message ?? String(e);
}
