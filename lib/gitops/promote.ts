/**
 * `cdkfed gitops promote`: moves the release merged on `ref` through the waves, the part no
 * engine has. Each batch of a wave reads its own release branch; promotion points that
 * branch at a commit holding the release's tree, asks the engine to look now, waits until
 * the engine reports every cluster of the batch Ready at exactly that commit, bakes the wave,
 * and goes on. A failed gate moves the branches this run advanced back to the tree they had
 * (a new commit on top: the branch history shows the promotion and its rollback) and waits
 * until the engine has applied it. Branches only ever move fast-forward.
 */
import * as path from 'path';
import { ClusterClient } from '../cluster/client';
import { FederationError } from '../errors';
import { gateTimeoutMs } from '../inventory/wave';
import { branchCommit, commitTree, fetch, GitRepo, openRepo, pushBranch, showFile, treeOf } from './git';
import { EngineStatus, readKustomization, requestReconcile } from './engine-status';
import { judgeBake, judgeBatch, short } from './promote-gate';
import { GITOPS_FILE, GitopsSummary, parseSummary } from './summary';

export interface PromoteOptions {
  /** A clone of the GitOps repository (its `origin` is pushed to). */
  readonly repo: string;
  /** Branch the rendered output is merged to. @default 'main' */
  readonly ref?: string;
  /** Folder of the output inside the repository. @default 'gitops' */
  readonly pathPrefix?: string;
  /** The hub: where the engine's objects live. */
  readonly hub: ClusterClient;
  /** Stop after this wave. @default every wave */
  readonly upToWave?: string;
  /** Slack on top of a wave's health timeout for the engine to fetch the branch and start. @default 30 s */
  readonly fetchGraceMs?: number;
  /** @default 2000 */
  readonly pollMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onEvent?: (line: string) => void;
}

export type BatchOutcome = 'promoted' | 'up-to-date' | 'failed' | 'rolled-back' | 'rollback-failed' | 'not-started';

export interface BatchReport {
  readonly wave: string;
  readonly index: number;
  readonly branch: string;
  readonly clusters: readonly string[];
  readonly outcome: BatchOutcome;
  /** Commit the branch pointed at before, and after this run. */
  readonly from?: string;
  readonly to?: string;
  /** When the branch was moved, and when the gate passed (ISO 8601). */
  readonly promotedAt?: string;
  readonly readyAt?: string;
  readonly message?: string;
}

export interface PromoteReport {
  readonly federation: string;
  readonly ref: string;
  /** The release: the commit of `ref` promoted. */
  readonly release: string;
  readonly outcome: 'promoted' | 'up-to-date' | 'failed';
  readonly failure?: string;
  readonly batches: readonly BatchReport[];
  readonly seconds: number;
}

/** Reads gitops.json at the tip of `ref`: the release and how it is laid out. */
export async function openRelease(repoDir: string, ref: string, pathPrefix: string): Promise<{ repo: GitRepo; release: string; summary: GitopsSummary }> {
  const repo = await openRepo(repoDir);
  await fetch(repo);
  const release = await branchCommit(repo, ref);
  if (!release) throw new FederationError('GITOPS_NO_REF', repoDir, `has no branch "${ref}"${repo.remote ? ` on ${repo.remote}` : ''}`, 'merge the output of `cdkfed gitops` to that branch, or give --ref');
  const file = [pathPrefix, GITOPS_FILE].filter(Boolean).join('/');
  const summary = parseSummary(await showFile(repo, release, file), `${path.join(repoDir, file)} at ${ref} (${short(release)})`);
  return { repo, release, summary };
}

export async function promote(o: PromoteOptions): Promise<PromoteReport> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const log = o.onEvent ?? (() => undefined);
  const started = now();
  const ref = o.ref ?? 'main';
  const { repo, release, summary } = await openRelease(o.repo, ref, o.pathPrefix ?? 'gitops');
  if (summary.promotion !== 'cdkfed') {
    throw new FederationError('GITOPS_NOT_PROMOTED_BY_CDKFED', `${GITOPS_FILE} at ${ref}`, 'was rendered with --promotion engine: every cluster reads the merged branch and the engine orders the waves', 'render with --promotion cdkfed to promote with bake and rollback');
  }
  if (summary.engine !== 'flux') {
    throw new FederationError('GITOPS_ENGINE_UNSUPPORTED', `${GITOPS_FILE} at ${ref}`, `promotion reads the engine's status; for ${summary.engine} that is not built yet (only Flux)`, 'use --engine flux, or move each wave\'s release branch with git yourself');
  }
  if (o.upToWave !== undefined && !summary.waves.some((w) => w.name === o.upToWave)) {
    throw new FederationError('INVALID_FLAG', 'cdkfed gitops promote', `--wave "${o.upToWave}" is not a wave of ${GITOPS_FILE}`, `give one of: ${summary.waves.map((w) => w.name).join(', ')}`);
  }
  const releaseTree = await treeOf(repo, release);
  const objectOf = new Map(summary.clusters.map((c) => [c.name, c.engineObjectName]));
  const ns = summary.namespace;
  const reports: BatchReport[] = [];
  /** Branches this run moved, in order, with the commit each held before. */
  const touched: { batch: GitopsSummary['waves'][number]['batches'][number]; wave: GitopsSummary['waves'][number]; before?: string; index: number }[] = [];

  const statuses = async (clusters: readonly string[]) => new Map<string, EngineStatus>(await Promise.all(clusters.map(async (c) => [c, await readKustomization(o.hub, ns, objectOf.get(c)!)] as const)));
  const nudge = async (batch: { source?: string; clusters: readonly string[] }) => {
    const at = new Date(now());
    if (batch.source) await requestReconcile(o.hub, 'GitRepository', ns, batch.source, at);
    await Promise.all(batch.clusters.map((c) => requestReconcile(o.hub, 'Kustomization', ns, objectOf.get(c)!, at)));
  };
  /**
   * Waits until the batch is Ready at `commit`; resolves to the failure, or undefined. A
   * release fails at the engine's first failed attempt (the engine already waited its health
   * timeout); a rollback waits out its whole deadline, since the engine retries and an
   * attempt can fail while the release's pods are still being replaced.
   */
  const gate = async (batch: { source?: string; clusters: readonly string[] }, commit: string, timeoutMs: number, untilDeadline = false): Promise<string | undefined> => {
    const t0 = now();
    for (;;) {
      const elapsed = now() - t0;
      const v = judgeBatch(await statuses(batch.clusters), commit, elapsed, timeoutMs);
      if (v.state === 'ready') return undefined;
      if (v.state === 'failed' && (!untilDeadline || elapsed >= timeoutMs)) return `${v.cluster}: ${v.reason}`;
      await sleep(o.pollMs ?? 2000);
    }
  };

  let failure: string | undefined;
  outer: for (const wave of summary.waves) {
    // The engine's own health gate (its timeout is the wave's), plus the time it needs to fetch the commit.
    const timeoutMs = gateTimeoutMs(wave) + (o.fetchGraceMs ?? 30_000);
    let changed = false;
    for (const batch of wave.batches) {
      const before = await branchCommit(repo, batch.branch);
      let commit = before;
      let promotedAt: string | undefined;
      if (!before || (await treeOf(repo, before)) !== releaseTree) {
        commit = await commitTree(repo, releaseTree, before ? [before, release] : [release], `cdkfed: promote ${short(release)} to wave ${wave.name} (batch ${batch.index}: ${batch.clusters.join(', ')})`);
        await pushBranch(repo, batch.branch, commit);
        promotedAt = new Date(now()).toISOString();
        touched.push({ batch, wave, ...(before ? { before } : {}), index: reports.length });
        changed = true;
        log(`wave ${wave.name} batch ${batch.index}: ${batch.branch} ${before ? short(before) : '(new)'} → ${short(commit)}`);
        await nudge(batch);
      }
      const failed = await gate(batch, commit!, timeoutMs);
      reports.push({
        wave: wave.name, index: batch.index, branch: batch.branch, clusters: batch.clusters, outcome: failed ? 'failed' : commit === before ? 'up-to-date' : 'promoted',
        ...(before ? { from: before } : {}), to: commit!, ...(promotedAt ? { promotedAt } : {}), ...(failed ? { message: failed } : { readyAt: new Date(now()).toISOString() }),
      });
      if (failed) {
        failure = `wave ${wave.name} failed: ${failed}`;
        break outer;
      }
      log(`wave ${wave.name} batch ${batch.index}: Ready at ${short(commit!)} (${batch.clusters.join(', ')})`);
    }
    if (changed && wave.bakeTimeSeconds > 0) {
      log(`wave ${wave.name}: baking ${wave.bakeTimeSeconds}s`);
      const clusters = wave.batches.flatMap((b) => b.clusters);
      const commitOf = new Map(reports.filter((r) => r.wave === wave.name).flatMap((r) => r.clusters.map((c) => [c, r.to!] as const)));
      const end = now() + wave.bakeTimeSeconds * 1000;
      while (now() < end) {
        const bad = judgeBake(await statuses(clusters), commitOf);
        if (bad) {
          failure = `wave ${wave.name} failed during its bake: ${bad.cluster}: ${bad.reason}`;
          const i = reports.findIndex((r) => r.wave === wave.name && r.clusters.includes(bad.cluster));
          reports[i] = { ...reports[i], outcome: 'failed', message: bad.reason };
          break outer;
        }
        await sleep(Math.min(o.pollMs ?? 2000, Math.max(0, end - now())));
      }
    }
    if (wave.name === o.upToWave) break;
  }

  if (failure) {
    log(`${failure}; rolling back ${touched.length} release branch(es)`);
    for (const t of [...touched].reverse()) {
      const r = reports[t.index] ?? { wave: t.wave.name, index: t.batch.index, branch: t.batch.branch, clusters: t.batch.clusters, outcome: 'failed' as const };
      if (!t.before) {
        reports[t.index] = { ...r, outcome: r.outcome === 'failed' ? 'failed' : r.outcome, message: `${r.message ? `${r.message}; ` : ''}nothing to roll back to: ${t.batch.branch} did not exist before this run` };
        continue;
      }
      const current = (await branchCommit(repo, t.batch.branch))!;
      const back = await commitTree(repo, await treeOf(repo, t.before), [current], `cdkfed: roll back wave ${t.wave.name} (batch ${t.batch.index}) to ${short(t.before)}: ${failure.slice(0, 200)}`);
      await pushBranch(repo, t.batch.branch, back);
      await nudge(t.batch);
      // The engine may first finish its attempt at the failed release (up to its health timeout), then apply this one.
      const stuck = await gate(t.batch, back, 2 * (gateTimeoutMs(t.wave) + (o.fetchGraceMs ?? 30_000)), true);
      reports[t.index] = { ...r, outcome: stuck ? 'rollback-failed' : 'rolled-back', to: back, message: `${r.message ? `${r.message}; ` : ''}${stuck ? `rollback did not converge: ${stuck}` : `rolled back to the tree of ${short(t.before)}`}` };
      log(`wave ${t.wave.name} batch ${t.batch.index}: ${stuck ? `rollback did not converge: ${stuck}` : `rolled back (${short(back)})`}`);
    }
  }
  const reported = new Set(reports.map((r) => `${r.wave}/${r.index}`));
  const notStarted = summary.waves.flatMap((w) => w.batches.filter((b) => !reported.has(`${w.name}/${b.index}`)).map((b): BatchReport => ({ wave: w.name, index: b.index, branch: b.branch, clusters: b.clusters, outcome: 'not-started' })));
  return {
    federation: summary.federation,
    ref,
    release,
    outcome: failure ? 'failed' : reports.every((r) => r.outcome === 'up-to-date') ? 'up-to-date' : 'promoted',
    ...(failure ? { failure } : {}),
    batches: [...reports, ...notStarted],
    seconds: Math.round((now() - started) / 100) / 10,
  };
}

/** The report of a promotion: a line per batch (text) or the report as JSON. */
export function renderPromotion(r: PromoteReport, format: 'text' | 'json'): string {
  if (format === 'json') return `${JSON.stringify(r, null, 2)}\n`;
  const lines = r.batches.map((b) => `  ${`${b.wave}/${b.index}`.padEnd(12)} ${b.outcome.padEnd(15)} ${b.clusters.join(', ')}${b.to ? `  ${b.branch}@${short(b.to)}` : ''}${b.message ? `\n    ${b.message}` : ''}`);
  return [`${r.federation}: release ${short(r.release)} on ${r.ref}: ${r.outcome} in ${r.seconds}s`, ...lines, ...(r.failure ? [`failed: ${r.failure}`] : [])].join('\n') + '\n';
}
