/**
 * `cdkfed deploy`: apply the reviewed dist/ to the fleet wave by wave. Per cluster: lease,
 * pending revision record, ApplySet parent (superset), staged server-side apply, health
 * gate, prune, deployed record. Per wave: at most maxParallel clusters at once, then bake
 * while watching. A failed gate stops the rollout and rolls back every cluster this run
 * touched; later waves are never touched. Everything that happened is returned as data.
 */
import pLimit from 'p-limit';
import { isFederationError } from '../errors';
import { identities, jsonBytesBound } from '../inventory/read';
import type { Inventory, InventoryCluster } from '../inventory/read';
import type { InventoryWave } from '../inventory/types';
import { bakeMs, gateTimeoutMs, rollbackTimeoutMs, settleTimeoutMs } from '../inventory/wave';
import { describeRef, KubeObject, ObjectRef, objectKey, refKey } from '../kube/object';
import { errorMessage } from '../cluster/apply';
import { ApplySetRef } from '../cluster/applyset';
import { ChangeSet, ChangeSetEntry } from '../cluster/changeset';
import { ClusterClient, UnreachableError } from '../cluster/client';
import type { AdoptedObject } from '../cluster/handback';
import { acquireLease, assertLeaseHeld, forbidWrites, HeldLease, leaseLostError, leaseVersion, readLease, withLeaseSignal } from '../cluster/lease';
import type { Cascade } from '../cluster/prune';

export type { Cascade, HeldLease };
import { checkRevisionSize, revisionFits, ensureSystemNamespace, listRevisions, RevisionRecord, trimRevisions, withUnpruned, writeRevision } from '../cluster/revisions';
import { ObjectSet } from '../cluster/set';
import { checkHealth, explainUnhealthy, ObjectHealth, sleep, waitHealthy } from '../cluster/wait';
import { judgeBake, fmtSeconds } from '../health/gate';
import { ClusterStep, recordedStep, scheduleWaves, Selection } from './schedule';
import { ClusterSnapshot, Preflight, preflightCluster } from './preflight';
import { rollbackCluster, RollbackResult } from './rollback';

export interface DeployOptions extends Selection {
  /** Roll back touched clusters when a gate fails. @default true */
  readonly rollback?: boolean;
  /** --force-conflicts. @default false */
  readonly force?: boolean;
  /** --adopt: take over same-named objects without our label. @default false */
  readonly adopt?: boolean;
  /** Delete ApplySet members the new revision no longer holds. @default true */
  readonly prune?: boolean;
  /** @default 'background' */
  readonly cascade?: Cascade;
  /** Take over a lease that has not expired (its holder is known to be dead). @default false */
  readonly breakLock?: boolean;
  /** Leases this run holds, shared with the caller so a SIGINT/SIGTERM handler can free them. @default a set of its own */
  readonly leases?: Set<HeldLease>;
  /** Clients per cluster, resolved before any write. */
  readonly clients: ReadonlyMap<string, ClusterClient>;
  /** Preflights of the first wave's clusters already under way (earlyPreflight): its preflight awaits them instead of reading again. */
  readonly preflights?: ReadonlyMap<string, Promise<Preflight>>;
  /** Progress events (the live view and CI lines render them). */
  readonly onEvent?: (e: DeployEvent) => void;
  /** Clock, for tests of timing. @default Date.now */
  readonly now?: () => number;
}

/** healthy: applied and healthy, waiting for its wave to bake before prune (the last, irreversible step). */
export type ClusterPhase = 'waiting' | 'connecting' | 'applying' | 'health' | 'healthy' | 'pruning' | 'done' | 'up-to-date' | 'repaired' | 'failed' | 'rolling-back' | 'rolled-back' | 'rollback-failed' | 'unknown' | 'not-started';

export type DeployEvent =
  | { readonly type: 'wave'; readonly wave: string; readonly phase: 'start' | 'bake' | 'done' | 'failed'; readonly bakeSeconds?: number; readonly message?: string }
  | { readonly type: 'cluster'; readonly wave: string; readonly cluster: string; readonly phase: ClusterPhase; readonly message?: string; readonly pending?: number }
  | { readonly type: 'object'; readonly cluster: string; readonly entry: ChangeSetEntry }
  | { readonly type: 'rollback'; readonly phase: 'start' | 'done'; readonly clusters: readonly string[] };

export interface ClusterFailure {
  /** `Kind ns/name` of the object that failed the gate, if one did. */
  readonly object?: string;
  readonly reason: string;
}

export interface ClusterReport {
  readonly cluster: string;
  readonly wave: string;
  /**
   * unknown: the cluster stopped answering after this run wrote to it, so its rollback could not run or finish.
   * repaired: already at the target revision, but objects of it had been deleted behind our back; they were re-applied.
   */
  readonly outcome: 'deployed' | 'up-to-date' | 'repaired' | 'failed' | 'rolled-back' | 'rollback-failed' | 'unknown' | 'not-started';
  /** The revision this run applied (or verified). */
  readonly revision?: number;
  /** The revision in force before this run. */
  readonly previousRevision?: number;
  readonly applied?: ChangeSet;
  readonly pruned?: ChangeSet;
  readonly failure?: ClusterFailure;
  readonly rollback?: RollbackResult;
  readonly seconds: number;
}

export interface WaveReport {
  readonly wave: string;
  /** rolled-back: the wave had succeeded, then a later wave failed and its clusters were restored. */
  readonly outcome: 'succeeded' | 'failed' | 'rolled-back' | 'not-started';
  readonly clusters: readonly ClusterReport[];
  readonly failure?: string;
}

export interface DeployReport {
  readonly federation: string;
  readonly outcome: 'succeeded' | 'up-to-date' | 'failed';
  readonly waves: readonly WaveReport[];
  /** The first thing that went wrong, for the summary line. */
  readonly failure?: string;
  readonly seconds: number;
  /** Requests made per cluster (a cluster found up to date is only read: no object or lease writes; one deployed writes the lease once to take it, once to free it). */
  readonly requests: Readonly<Record<string, { readonly reads: number; readonly writes: number; readonly leaseWrites: number; readonly retries: number }>>;
}

/** What a run keeps per cluster it wrote to: enough to roll it back. */
interface Touched {
  readonly cluster: InventoryCluster;
  readonly wave: InventoryWave;
  readonly client: ClusterClient;
  readonly set: ObjectSet;
  readonly revision: number;
  readonly previous?: RevisionRecord;
  readonly records: readonly RevisionRecord[];
  readonly started: string;
  /** The run resumed a pending revision: a killed run may have changed anything, so a rollback restores in full. */
  readonly resumed: boolean;
  /** Objects this run took over (--adopt) that the previous revision did not hold: a rollback hands them back. */
  readonly adopted: readonly AdoptedObject[];
  /** The revision's record, pending until the wave has baked and the cluster is pruned. */
  readonly record: RevisionRecord;
}

class GateFailure extends Error {
  constructor(public readonly failure: ClusterFailure) {
    super(failure.reason);
  }
}

/** One run of deploy: what it was asked, what it holds and what has happened so far. */
interface Run {
  readonly inv: Inventory;
  readonly opts: DeployOptions;
  readonly fed: string;
  readonly set: ApplySetRef;
  readonly now: () => number;
  readonly emit: (e: DeployEvent) => void;
  /** The waves this run touches, each narrowed to its selected clusters (scheduleWaves). */
  readonly waves: readonly InventoryWave[];
  readonly touched: Touched[];
  readonly leases: Set<HeldLease>;
  readonly clusterReports: Map<string, ClusterReport>;
  /** The first thing that went wrong. */
  failure?: string;
  failedWaveIndex: number;
  /** A gate, bake or prune failed (roll back); a wave that could not start only stops the rollout. */
  gateFailed: boolean;
}

export async function deploy(inv: Inventory, opts: DeployOptions): Promise<DeployReport> {
  const now = opts.now ?? Date.now;
  const started = now();
  const run: Run = {
    inv, opts, fed: inv.document.federation, set: inv.document.applySet, now, emit: opts.onEvent ?? (() => undefined),
    waves: scheduleWaves(inv, opts), touched: [], leases: opts.leases ?? new Set<HeldLease>(), clusterReports: new Map(),
    failedWaveIndex: -1, gateFailed: false,
  };
  checkRecordSizes(run);
  try {
    for (const [wi, scheduled] of run.waves.entries()) {
      if (!(await runWave(run, wi, scheduled))) break;
    }
    if (run.gateFailed && run.touched.length > 0 && opts.rollback !== false) await rollbackTouched(run);
  } finally {
    await Promise.all([...run.leases].map((l) => l.release()));
    run.leases.clear();
  }
  return deployReport(run, started);
}

/** Every cluster's revision record must fit in a Secret: checked for the whole selection before any write anywhere. */
function checkRecordSizes({ inv, fed, waves }: Run): void {
  // From the files' sizes when they are small enough to be sure, else from the parsed manifests.
  for (const { clusters } of waves) {
    for (const c of clusters) {
      const cluster = inv.clusters.get(c)!;
      if (!revisionFits(jsonBytesBound(cluster), cluster.objects.length)) checkRevisionSize(fed, c, cluster.digest, cluster.objects.map((o) => o.manifest));
    }
  }
}

/** A gate, bake or prune failed in wave `wi`: the rollout stops there and rolls back what it touched. */
function failWave(run: Run, wi: number, message: string): void {
  run.gateFailed = true;
  run.failure = message;
  run.emit({ type: 'wave', wave: run.waves[wi].name, phase: 'failed', message });
  run.failedWaveIndex = wi;
}

function record(run: Run, r: ClusterReport): void {
  run.clusterReports.set(r.cluster, r);
}

/** One wave: preflight, its clusters applied and gated, the bake, then prune. False when the rollout stops here. */
async function runWave(run: Run, wi: number, wave: InventoryWave): Promise<boolean> {
  const { inv, opts, emit } = run;
  const { clusters } = wave;
  emit({ type: 'wave', wave: wave.name, phase: 'start' });
  const { failures: pre, snapshots } = await preflightWave(run, wave, clusters);
  const preFailures = pre.filter((p): p is string => !!p);
  if (preFailures.length > 0) {
    run.failure = `wave ${wave.name} not started: ${preFailures.join('; ')}`;
    for (const c of clusters) record(run, { cluster: c, wave: wave.name, outcome: 'not-started', failure: { reason: pre[clusters.indexOf(c)] ?? 'its wave did not start' }, seconds: 0 });
    emit({ type: 'wave', wave: wave.name, phase: 'failed', message: run.failure });
    run.failedWaveIndex = wi;
    return false;
  }

  const abort = new AbortController();
  const ctx: ClusterContext = { opts, set: run.set, fed: run.fed, emit, touched: run.touched, signal: abort.signal, now: run.now };
  const limit = pLimit(wave.maxParallel);
  const results = await Promise.all(clusters.map((name) => limit(async (): Promise<ClusterReport> => {
    if (abort.signal.aborted) {
      emit({ type: 'cluster', wave: wave.name, cluster: name, phase: 'not-started' });
      return { cluster: name, wave: wave.name, outcome: 'not-started', seconds: 0, failure: { reason: 'another cluster of the wave failed first' } };
    }
    const r = await deployCluster(inv.clusters.get(name)!, wave, opts.clients.get(name)!, ctx, snapshots.get(name));
    if (r.outcome === 'failed') abort.abort();
    return r;
  })));
  results.forEach((r) => record(run, r));
  const failed = results.find((r) => r.outcome === 'failed');
  if (failed) {
    failWave(run, wi, `wave ${wave.name}: cluster ${failed.cluster}: ${failed.failure?.reason}`);
    return false;
  }
  // A wave in which nothing changed has nothing to bake.
  if (wave.bakeTimeSeconds > 0 && results.some((r) => r.outcome === 'deployed' || r.outcome === 'repaired')) {
    const regression = await bake(wave, clusters.map((c) => ({ name: c, client: opts.clients.get(c)!, cluster: inv.clusters.get(c)! })), emit, run.now);
    if (regression) {
      const prev = run.clusterReports.get(regression.cluster);
      if (prev) record(run, { ...prev, outcome: 'failed', failure: { object: regression.object, reason: regression.reason } });
      failWave(run, wi, `wave ${wave.name}: ${regression.reason}`);
      return false;
    }
  }
  // Prune is the last, irreversible step: only once the wave is healthy and baked, so a
  // regression never has to re-create what was deleted.
  const finished = await Promise.all(run.touched.filter((t) => t.wave.name === wave.name).map((t) => limit(() => finishCluster(t, run.clusterReports.get(t.cluster.spec.name)!, ctx))));
  finished.forEach((r) => record(run, r));
  const unfinished = finished.find((r) => r.outcome === 'failed');
  if (unfinished) {
    failWave(run, wi, `wave ${wave.name}: cluster ${unfinished.cluster}: ${unfinished.failure?.reason}`);
    return false;
  }
  emit({ type: 'wave', wave: wave.name, phase: 'done' });
  return true;
}

/**
 * Before the wave touches anything: every cluster of it answers and its lease is ours.
 * Read-only checks of every cluster of the wave first, so a failure writes nothing (not even
 * a lease). One entry per cluster: its failure, or undefined; and the preflight's snapshot
 * of each cluster for which it still holds (ClusterSnapshot).
 *
 * A cluster the snapshot shows up to date with nothing to do is not locked: its Lease is
 * read again, and if it is unchanged since it was found free (before the snapshot's reads
 * were sent), no deploy wrote there meanwhile; the cluster is reported up to date from the
 * snapshot, and this run may not write to it (forbidWrites). A no-op deploy writes nothing.
 */
async function preflightWave(run: Run, wave: InventoryWave, clusters: readonly string[]): Promise<{ failures: Array<string | undefined>; snapshots: Map<string, ClusterSnapshot> }> {
  const { inv, opts, fed } = run;
  const step = (fn: (client: ClusterClient, name: string) => Promise<unknown>) => Promise.all(clusters.map(async (name) => {
    try {
      await fn(opts.clients.get(name)!, name);
      return undefined;
    } catch (e) {
      return `${name}: ${isFederationError(e) ? e.message : errorMessage(e)}`;
    }
  }));
  const done = new Map<string, Preflight>();
  const snapshots = new Map<string, ClusterSnapshot>();
  const checked = await step(async (client, name) => {
    const early = wave === run.waves[0] ? opts.preflights?.get(name) : undefined;
    done.set(name, await (early ?? preflightCluster(client, fed, run.set, identities(inv.clusters.get(name)!))));
  });
  if (!checked.every((p) => !p)) return { failures: checked, snapshots };
  const failures = await step(async (client, name) => {
    const { systemNamespace, lease, snapshot } = done.get(name)!;
    if (!systemNamespace) await ensureSystemNamespace(client);
    const seen = await snapshot;
    let read = lease;
    if (seen && leavesAsIs(recordedStep(inv.clusters.get(name)!.digest, seen.records), seen.health, opts)) {
      // Read again only now, once dist/ is verified: the later this read, the less can happen
      // between what it vouches for and the report (another deploy that ran meanwhile moved it).
      read = readLease(client, fed);
      if (leaseVersion(await read) === seen.leaseVersion) {
        forbidWrites(client);
        snapshots.set(name, seen);
        return;
      }
    }
    // onWait reports a stale lease being watched before it is taken over.
    const held = await acquireLease(client, fed, { read, breakLock: opts.breakLock, onWait: (message) => run.emit({ type: 'cluster', wave: wave.name, cluster: name, phase: 'waiting', message }) });
    run.leases.add(held);
    // Taken by one write at the version it was found free at: nobody wrote since the snapshot's reads.
    if (seen && held.takenFrom === seen.leaseVersion) snapshots.set(name, seen);
  });
  return { failures, snapshots };
}

/** Members an earlier prune had to keep, pruned again when the revision is verified (unless --prune=false). */
function leftoverOf(previous: RevisionRecord | undefined, opts: DeployOptions): readonly ObjectRef[] {
  return opts.prune !== false ? previous?.unpruned ?? [] : [];
}

/** A cluster at its target that a deploy leaves as it is: verified, every object Current, nothing left to prune. */
function leavesAsIs(step: ClusterStep & { readonly previous?: RevisionRecord }, health: readonly ObjectHealth[], opts: DeployOptions): boolean {
  return step.action === 'verify' && health.every((h) => h.health.status === 'Current') && leftoverOf(step.previous, opts).length === 0;
}

/** After a failed gate: every cluster this run wrote to goes back to its previous revision. */
async function rollbackTouched(run: Run): Promise<void> {
  const { touched, emit, opts, clusterReports } = run;
  emit({ type: 'rollback', phase: 'start', clusters: touched.map((t) => t.cluster.spec.name) });
  const limit = pLimit(4);
  await Promise.all(touched.map((t) => limit(async () => {
    // A cluster whose lease this run lost belongs to another deploy now: never rolled back by this one.
    const lost = leaseLostError(t.client);
    if (lost) {
      const prev = clusterReports.get(t.cluster.spec.name);
      record(run, { ...(prev ?? { cluster: t.cluster.spec.name, wave: t.wave.name, seconds: 0 }), outcome: 'failed', failure: prev?.failure ?? { reason: lost.message },
        rollback: { ok: false, message: 'not rolled back: this run lost its lease there, so the cluster is left to the run that took it' } } as ClusterReport);
      return;
    }
    emit({ type: 'cluster', wave: t.wave.name, cluster: t.cluster.spec.name, phase: 'rolling-back' });
    const before = clusterReports.get(t.cluster.spec.name);
    // A resumed revision may have been applied in full by the run that died: it counts as changed.
    const changed = t.resumed || [...(before?.applied?.entries ?? []), ...(before?.pruned?.entries ?? [])].some((e) => e.action === 'created' || e.action === 'configured' || e.action === 'deleted' || e.action === 'released')
      || !before?.applied; // no ChangeSet (e.g. died mid-apply): assume changed
    const result = await rollbackCluster(t.set, {
      changed, adopted: t.adopted,
      federation: run.fed, revision: t.revision, failed: { digest: t.cluster.digest, objects: t.cluster.objects.map((o) => o.manifest), started: t.started, adopted: t.record.adopted },
      previous: t.previous, records: t.records, cascade: opts.cascade,
      force: opts.force, timeoutMs: rollbackTimeoutMs(t.wave), reason: run.failure!, now: run.now,
    });
    const outcome = result.ok ? 'rolled-back' : result.unreachable ? 'unknown' : 'rollback-failed';
    emit({ type: 'cluster', wave: t.wave.name, cluster: t.cluster.spec.name, phase: outcome, message: result.message });
    record(run, { ...(before ?? { cluster: t.cluster.spec.name, wave: t.wave.name, seconds: 0 }), outcome, rollback: result,
      failure: before?.failure ?? { reason: 'rolled back: another cluster failed its gate' } } as ClusterReport);
  })));
  emit({ type: 'rollback', phase: 'done', clusters: touched.map((t) => t.cluster.spec.name) });
}

/** The run as data: each wave's outcome from its clusters' reports. */
function deployReport(run: Run, started: number): DeployReport {
  const { waves, clusterReports, failure, failedWaveIndex, opts } = run;
  const reports = new Map<string, WaveReport>();
  for (const [wi, wave] of waves.entries()) {
    const cr = wave.clusters.map((c) => clusterReports.get(c) ?? { cluster: c, wave: wave.name, outcome: 'not-started' as const, seconds: 0 });
    const rolledBack = cr.some((c) => c.outcome === 'rolled-back' || c.outcome === 'rollback-failed' || c.outcome === 'unknown');
    const outcome = failedWaveIndex >= 0 && wi >= failedWaveIndex ? (wi === failedWaveIndex ? 'failed' : 'not-started') : rolledBack ? 'rolled-back' : 'succeeded';
    reports.set(wave.name, { wave: wave.name, outcome, clusters: cr, ...(wi === failedWaveIndex && failure ? { failure } : {}) });
  }
  const all = [...clusterReports.values()];
  const outcome = failure ? 'failed' : all.every((r) => r.outcome === 'up-to-date') ? 'up-to-date' : 'succeeded';
  const requests = Object.fromEntries(waves.flatMap((w) => w.clusters).map((c) => [c, { ...opts.clients.get(c)!.stats }]));
  return { federation: run.fed, outcome, waves: [...reports.values()], ...(failure ? { failure } : {}), seconds: (run.now() - started) / 1000, requests };
}

interface ClusterContext {
  readonly opts: DeployOptions;
  readonly set: ApplySetRef;
  readonly fed: string;
  readonly emit: (e: DeployEvent) => void;
  readonly touched: Touched[];
  readonly signal: AbortSignal;
  readonly now: () => number;
}

/** One cluster being deployed: what every step of it needs, and what it has done so far (reported even when it fails). */
interface ClusterRun {
  readonly cluster: InventoryCluster;
  readonly wave: InventoryWave;
  readonly client: ClusterClient;
  readonly ctx: ClusterContext;
  readonly set: ObjectSet;
  /** The objects' identities and ownership label, from their entries: enough to read and check them. */
  readonly targets: KubeObject[];
  /** The parsed manifests (each checked against its entry on first use): only what is applied or pruned against. */
  readonly manifests: () => KubeObject[];
  /** How long the cluster may take to become healthy (the wave's gate timeout). */
  readonly gateTimeoutMs: number;
  readonly t0: number;
  readonly phase: (p: ClusterPhase, message?: string, pending?: number) => void;
  readonly onEntry: (entry: ChangeSetEntry) => void;
  revision?: number;
  previous?: RevisionRecord;
  applied?: ChangeSet;
}

/**
 * Applies the target to one cluster and waits for it to be healthy; the revision stays
 * pending until finishCluster prunes it after the wave has baked. A cluster already at the
 * target is only checked, and objects of it deleted behind our back are re-applied (repaired).
 * Manifests are parsed (and checked against their entries) only to be applied or pruned
 * against, always before the write: a cluster found up to date reads its objects by the
 * identities of their entries and parses none.
 */
async function deployCluster(cluster: InventoryCluster, wave: InventoryWave, client: ClusterClient, ctx: ClusterContext, snapshot?: ClusterSnapshot): Promise<ClusterReport> {
  const name = cluster.spec.name;
  const r: ClusterRun = {
    cluster, wave, client, ctx, set: new ObjectSet(client, ctx.fed, ctx.set),
    targets: cluster.objects.map((o) => o.target), manifests: () => cluster.objects.map((o) => o.manifest),
    gateTimeoutMs: gateTimeoutMs(wave), t0: ctx.now(),
    phase: (p, message, pending) => ctx.emit({ type: 'cluster', wave: wave.name, cluster: name, phase: p, message, pending }),
    onEntry: (entry) => ctx.emit({ type: 'object', cluster: name, entry }),
  };
  try {
    r.phase('connecting');
    // The preflight's snapshot, if it still holds (preflightWave); else health is read beside
    // the records: a cluster already at its target (a no-op deploy) needs nothing else.
    const health = snapshot ? Promise.resolve(snapshot.health) : checkHealth(client, r.targets);
    health.catch(() => undefined); // read again by the gate if it is not used here
    const records = snapshot?.records ?? await listRevisions(client, ctx.fed);
    const step = recordedStep(cluster.digest, records);
    r.previous = step.previous;
    r.revision = step.revision;
    return step.action === 'verify' ? await verifyCluster(r, step.revision, health) : await applyRevision(r, step.revision, step.resumes, records);
  } catch (e) {
    const failure: ClusterFailure = e instanceof GateFailure ? e.failure
      : { reason: isFederationError(e) ? e.message : e instanceof UnreachableError ? e.message : errorMessage(e) };
    r.phase('failed', failure.reason);
    return { cluster: name, wave: wave.name, outcome: 'failed', revision: r.revision, previousRevision: r.previous?.revision, applied: r.applied, failure, seconds: (ctx.now() - r.t0) / 1000 };
  }
}

/**
 * The recorded revision equals the target: a read-only health check, unless an earlier run
 * left work: objects deleted behind our back are re-applied, members its prune had to keep
 * are pruned again.
 */
async function verifyCluster(r: ClusterRun, revision: number, read: Promise<readonly ObjectHealth[]>): Promise<ClusterReport> {
  const { client, ctx, set, targets, previous, phase, onEntry } = r;
  const name = r.cluster.spec.name;
  const health = await read;
  const leftover = leftoverOf(previous, ctx.opts);
  if (leavesAsIs({ action: 'verify', revision, previous }, health, ctx.opts)) {
    phase('up-to-date', `revision ${revision}`);
    return { cluster: name, wave: r.wave.name, outcome: 'up-to-date', revision, previousRevision: previous?.revision, seconds: (ctx.now() - r.t0) / 1000 };
  }
  const missing = new Set(health.filter((h) => h.health.status === 'NotFound').map((h) => refKey(h.ref)));
  if (missing.size > 0) {
    phase('applying', `revision ${revision}: repairing ${missing.size} object(s) deleted behind our back`);
    r.applied = await set.apply(r.cluster.objects.filter((o) => missing.has(objectKey(o.target))).map((o) => o.manifest), { force: ctx.opts.force, onEntry });
    if (r.applied.failed) {
      const bad = r.applied.entries.find((e) => e.action === 'failed')!;
      throw new GateFailure({ object: describeRef(bad.ref), reason: `repairing revision ${revision}: ${describeRef(bad.ref)}: ${bad.message}` });
    }
  }
  phase('health', `revision ${revision} recorded, waiting for it to be healthy`);
  await gate(client, targets, r.gateTimeoutMs, ctx, (n) => phase('health', undefined, n));
  let pruned: ChangeSet | undefined;
  if (leftover.length > 0) {
    phase('pruning', `revision ${revision}: ${leftover.length} object(s) an earlier prune kept`);
    pruned = await set.prune(r.manifests(), { cascade: ctx.opts.cascade, adopted: previous!.adopted, onEntry });
    await writeRevision(client, withUnpruned({ ...previous!, updated: new Date(ctx.now()).toISOString() }, pruned));
  }
  const repaired = missing.size > 0 || leftover.length > 0;
  phase(repaired ? 'repaired' : 'up-to-date', `revision ${revision}${missing.size > 0 ? `: ${missing.size} object(s) re-applied` : ''}${leftover.length > 0 ? `: pruned again` : ''}`);
  return { cluster: name, wave: r.wave.name, outcome: repaired ? 'repaired' : 'up-to-date', revision, previousRevision: previous?.revision, ...(r.applied ? { applied: r.applied } : {}), ...(pruned ? { pruned } : {}), seconds: (ctx.now() - r.t0) / 1000 };
}

/** A new (or resumed) revision: recorded pending, applied, then gated; from its first write on, the cluster is rolled back if the run fails. */
async function applyRevision(r: ClusterRun, revision: number, resumes: boolean, records: readonly RevisionRecord[]): Promise<ClusterReport> {
  const { cluster, wave, client, ctx, set, targets, previous, phase, onEntry } = r;
  const name = cluster.spec.name;
  // Every manifest parsed and checked before the first write to the cluster.
  const objects = r.manifests();
  // Objects taken over with --adopt, as they were before, so rollback and prune can hand them back;
  // adoptions of earlier revisions are carried while the target still holds them.
  const keys = new Set(objects.map(objectKey));
  const carried = (previous?.adopted ?? []).filter((a) => keys.has(refKey(a.ref)));
  const fresh = ctx.opts.adopt ? (await set.adoptions(objects)).filter((a) => !carried.some((c) => refKey(c.ref) === refKey(a.ref))) : [];
  const adopted = [...carried, ...fresh];
  // From here on the cluster is written to: it is rolled back if the run fails.
  const started = new Date(ctx.now()).toISOString();
  const pendingRecord: RevisionRecord = { federation: ctx.fed, cluster: name, revision, status: 'pending', digest: cluster.digest, objects, started, updated: started, ...(adopted.length ? { adopted } : {}) };
  ctx.touched.push({ cluster, wave, client, set, revision, previous, records, started, resumed: resumes, adopted: fresh, record: pendingRecord });
  await writeRevision(client, pendingRecord);
  // A run that died (or lost the cluster) left its revision pending; this one replaces it.
  for (const stale of records.filter((x) => x.status === 'pending' && x.revision !== revision)) {
    await writeRevision(client, { ...stale, status: 'failed', updated: started, reason: `interrupted: the run applying it did not finish; replaced by revision ${revision}` });
  }

  phase('applying', `revision ${revision}${resumes ? ' (resumed)' : ''}`);
  r.applied = await set.apply(objects, { force: ctx.opts.force, adopt: ctx.opts.adopt, onEntry });
  if (r.applied.failed) {
    const bad = r.applied.entries.find((e) => e.action === 'failed')!;
    throw new GateFailure({ object: describeRef(bad.ref), reason: `${describeRef(bad.ref)}: ${bad.message}` });
  }

  phase('health', `waiting for ${objects.length} objects (timeout ${fmtSeconds(r.gateTimeoutMs)})`);
  // A lost lease ends the wait at once and is the failure reported.
  await gate(client, targets, r.gateTimeoutMs, { ...ctx, signal: withLeaseSignal(ctx.signal, client) }, (n) => phase('health', undefined, n)).finally(() => assertLeaseHeld(client));
  phase('healthy', `revision ${revision}${wave.bakeTimeSeconds > 0 ? '; prune after the wave has baked' : ''}`);
  return { cluster: name, wave: wave.name, outcome: 'deployed', revision, previousRevision: previous?.revision, applied: r.applied, seconds: (ctx.now() - r.t0) / 1000 };
}

/** After the wave has baked: prune what the revision no longer holds, then record it deployed. */
async function finishCluster(t: Touched, report: ClusterReport, ctx: ClusterContext): Promise<ClusterReport> {
  const name = t.cluster.spec.name;
  const t0 = ctx.now();
  const phase = (p: ClusterPhase, message?: string) => ctx.emit({ type: 'cluster', wave: t.wave.name, cluster: name, phase: p, message });
  const objects = t.cluster.objects.map((o) => o.manifest);
  let pruned: ChangeSet | undefined;
  try {
    if (ctx.opts.prune !== false) {
      phase('pruning');
      // Every adoption known (this revision's and earlier ones'): an adopted object is handed back, never deleted.
      const adopted = [...(t.record.adopted ?? []), ...(t.previous?.adopted ?? [])];
      pruned = await t.set.prune(objects, { cascade: ctx.opts.cascade, adopted, onEntry: (entry) => ctx.emit({ type: 'object', cluster: name, entry }) });
    }
    const deployed = withUnpruned({ ...t.record, status: 'deployed', updated: new Date(ctx.now()).toISOString() }, pruned);
    await writeRevision(t.client, deployed);
    await trimRevisions(t.client, ctx.fed); // re-lists, so unreadable records are trimmed too
    phase('done', `revision ${t.revision}`);
    return { ...report, ...(pruned ? { pruned } : {}), seconds: report.seconds + (ctx.now() - t0) / 1000 };
  } catch (e) {
    const reason = `finishing revision ${t.revision}: ${isFederationError(e) ? e.message : errorMessage(e)}`;
    phase('failed', reason);
    return { ...report, outcome: 'failed', ...(pruned ? { pruned } : {}), failure: { reason }, seconds: report.seconds + (ctx.now() - t0) / 1000 };
  }
}

/** Waits for health; throws GateFailure with the object and the reason (from pods for workloads). */
async function gate(client: ClusterClient, objects: ReadonlyArray<Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>>, timeoutMs: number, ctx: ClusterContext, onPending: (n: number) => void): Promise<void> {
  const result = await waitHealthy(client, objects, {
    timeoutMs, signal: ctx.signal, now: ctx.now,
    onPoll: (h) => onPending(h.filter((x) => x.health.status !== 'Current').length),
  });
  if (result.healthy) return;
  const bad = result.objects.find((h) => h.health.status === 'Failed') ?? result.objects.find((h) => h.health.status !== 'Current')!;
  if (ctx.signal.aborted && bad.health.status !== 'Failed') {
    throw new GateFailure({ object: describeRef(bad.ref), reason: 'stopped: another cluster of the wave failed' });
  }
  const why = await explainUnhealthy(client, bad);
  const pending = result.objects.filter((h) => h.health.status !== 'Current').length;
  throw new GateFailure({
    object: describeRef(bad.ref),
    reason: `${describeRef(bad.ref)} ${bad.health.status === 'Failed' ? 'failed' : `not healthy after ${fmtSeconds(timeoutMs)}`}: ${why}${pending > 1 ? ` (${pending - 1} more not healthy)` : ''}`,
  });
}

/** How long the reads of one cluster may keep failing during a bake before that counts as a regression (the client's own retry budget). */
export const BAKE_READ_BUDGET_MS = 20_000;

/**
 * Watches every cluster of a healthy wave for its bake time, then lets objects still
 * InProgress settle within the wave's settle timeout; returns the regression, if any.
 */
async function bake(wave: InventoryWave, clusters: Array<{ name: string; client: ClusterClient; cluster: InventoryCluster }>, emit: (e: DeployEvent) => void, now: () => number): Promise<(ClusterFailure & { cluster: string }) | undefined> {
  const bakeFor = bakeMs(wave);
  const start = now();
  emit({ type: 'wave', wave: wave.name, phase: 'bake', bakeSeconds: wave.bakeTimeSeconds });
  const interval = Math.max(250, Math.min(2000, bakeFor / 10));
  const failingSince = new Map<string, number>();
  for (;;) {
    const all: Array<ObjectHealth & { cluster: string }> = [];
    const subject = (h: ObjectHealth & { cluster: string }) => `${h.cluster}: ${describeRef(h.ref)}`;
    let unread = false;
    for (const c of clusters) {
      // A lease lost while baking fails the wave; that cluster is left to the deploy that took it.
      const lost = leaseLostError(c.client);
      if (lost) return { cluster: c.name, reason: lost.message };
      try {
        for (const h of await checkHealth(c.client, c.cluster.objects.map((o) => o.target))) all.push({ ...h, cluster: c.name });
        failingSince.delete(c.name);
      } catch (e) {
        // A failed read is not a regression: it is read again at the next tick, within the retry budget.
        const since = failingSince.get(c.name) ?? now();
        failingSince.set(c.name, since);
        if (now() - since >= BAKE_READ_BUDGET_MS) return { cluster: c.name, reason: `cluster ${c.name} unreachable during bake for ${fmtSeconds(now() - since)}: ${errorMessage(e)}` };
        unread = true;
      }
    }
    if (unread) {
      await sleep(interval);
      continue;
    }
    const v = judgeBake(all.map((h) => ({ subject: subject(h), status: h.health.status, message: h.health.message })),
      now() - start, bakeFor, settleTimeoutMs(wave));
    if (v.verdict === 'pass') return undefined;
    if (v.verdict === 'fail') {
      const bad = all.find((h) => subject(h) === v.subject)!;
      return { cluster: bad.cluster, object: describeRef(bad.ref), reason: v.reason };
    }
    await sleep(interval);
  }
}

