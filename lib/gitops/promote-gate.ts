/**
 * Pure: whether a batch of clusters has taken a release, from what the engine reports.
 * A cluster passes when the engine applied exactly that commit and reports Ready; it fails
 * when the engine's attempt at that commit ended not Ready (Flux: a failed build, apply or
 * health check), or when the deadline passes first.
 */
import { EngineStatus } from './engine-status';

export type BatchVerdict = { readonly state: 'ready' } | { readonly state: 'wait'; readonly waitingFor: string } | { readonly state: 'failed'; readonly cluster: string; readonly reason: string };

export function judgeBatch(statuses: ReadonlyMap<string, EngineStatus>, commit: string, elapsedMs: number, timeoutMs: number): BatchVerdict {
  let waitingFor: string | undefined;
  for (const [cluster, s] of statuses) {
    const verdict = judgeCluster(s, commit);
    if (verdict.state === 'failed') return { state: 'failed', cluster, reason: verdict.reason };
    if (verdict.state === 'wait') waitingFor ??= `${cluster}: ${verdict.why}`;
  }
  if (waitingFor === undefined) return { state: 'ready' };
  if (elapsedMs >= timeoutMs) {
    const [cluster, ...why] = waitingFor.split(': ');
    return { state: 'failed', cluster, reason: `not Ready at ${short(commit)} within ${Math.round(timeoutMs / 1000)}s: ${why.join(': ')}` };
  }
  return { state: 'wait', waitingFor };
}

function judgeCluster(s: EngineStatus, commit: string): { state: 'ready' } | { state: 'wait'; why: string } | { state: 'failed'; reason: string } {
  if (!s.exists) return { state: 'wait', why: `${s.object} not found on the hub (apply the engine's folder to it)` };
  if (s.observed && s.ready === 'True' && s.appliedCommit === commit) return { state: 'ready' };
  if (s.observed && s.ready === 'False' && s.attemptedCommit === commit) {
    return { state: 'failed', reason: `${s.object} failed at ${short(commit)}: ${s.reason ?? 'not Ready'}${s.message ? `: ${s.message}` : ''}` };
  }
  const at = s.appliedCommit ? `applied ${short(s.appliedCommit)}` : 'nothing applied yet';
  return { state: 'wait', why: `${s.object} ${at}, Ready ${s.ready}${s.message ? ` (${s.message.split('\n')[0].slice(0, 160)})` : ''}` };
}

/** During a bake, the first cluster that stopped being Ready at the commit it took (`commitOf`: each cluster's, batches of a wave may differ). */
export function judgeBake(statuses: ReadonlyMap<string, EngineStatus>, commitOf: ReadonlyMap<string, string>): { readonly cluster: string; readonly reason: string } | undefined {
  for (const [cluster, s] of statuses) {
    const commit = commitOf.get(cluster)!;
    if (!s.exists) return { cluster, reason: `${s.object} disappeared from the hub during the bake` };
    if (s.ready === 'False') return { cluster, reason: `${s.object} is no longer Ready during the bake: ${s.reason ?? ''}${s.message ? `: ${s.message}` : ''}` };
    if (s.appliedCommit && s.appliedCommit !== commit) return { cluster, reason: `${s.object} applied ${short(s.appliedCommit)} instead of ${short(commit)} during the bake (someone moved the release branch)` };
  }
  return undefined;
}

export const short = (commit: string) => commit.slice(0, 7);
