/**
 * `cdkfed gitops status`: per wave and cluster, where its release branch points, what the
 * engine applied, whether it is Ready, and whether the engine's inventory holds exactly the
 * objects that branch's gitops.json lists. Read-only.
 */
import { ClusterClient } from '../cluster/client';
import { FederationError } from '../errors';
import { compareStrings } from '../kube/sort';
import { branchCommit, showFile, treeOf } from './git';
import { inventoryId, readKustomization } from './engine-status';
import { openRelease } from './promote';
import { short } from './promote-gate';
import { GITOPS_FILE, GitopsSummary, parseSummary } from './summary';

export type ClusterState = 'current' | 'behind' | 'progressing' | 'failed' | 'missing';

export interface ClusterStatusRow {
  readonly wave: string;
  readonly batch: number;
  readonly cluster: string;
  readonly branch: string;
  /** Where the release branch points; undefined before the first promotion. */
  readonly branchCommit?: string;
  /** The branch holds the release's tree. */
  readonly atRelease: boolean;
  readonly engineObject: string;
  readonly applied?: string;
  readonly ready: 'True' | 'False' | 'Unknown';
  readonly message?: string;
  /** Objects the branch's gitops.json lists that the engine's inventory lacks, and the reverse. */
  readonly missing: readonly string[];
  readonly extra: readonly string[];
  readonly state: ClusterState;
}

export interface GitopsStatus {
  readonly federation: string;
  readonly ref: string;
  readonly release: string;
  readonly clusters: readonly ClusterStatusRow[];
}

export async function gitopsStatus(o: { repo: string; ref?: string; pathPrefix?: string; hub: ClusterClient }): Promise<GitopsStatus> {
  const ref = o.ref ?? 'main';
  const prefix = o.pathPrefix ?? 'gitops';
  const { repo, release, summary } = await openRelease(o.repo, ref, prefix);
  if (summary.engine !== 'flux') {
    throw new FederationError('GITOPS_ENGINE_UNSUPPORTED', `${GITOPS_FILE} at ${ref}`, `status reads the engine's status; for ${summary.engine} that is not built yet (only Flux)`, 'use `argocd app list -l cdk-federation.io/federation=<name>` meanwhile');
  }
  const releaseTree = await treeOf(repo, release);
  const file = [prefix, GITOPS_FILE].filter(Boolean).join('/');
  const atBranch = new Map<string, GitopsSummary | undefined>();
  const rows: ClusterStatusRow[] = [];
  for (const wave of summary.waves) {
    for (const batch of wave.batches) {
      const commit = await branchCommit(repo, batch.branch);
      if (commit && !atBranch.has(commit)) {
        const text = await showFile(repo, commit, file);
        atBranch.set(commit, text === undefined ? undefined : parseSummary(text, `${file} at ${batch.branch} (${short(commit)})`));
      }
      const atRelease = !!commit && (await treeOf(repo, commit)) === releaseTree;
      for (const cluster of batch.clusters) {
        const spec = summary.clusters.find((c) => c.name === cluster)!;
        const s = await readKustomization(o.hub, summary.namespace, spec.engineObjectName);
        const expected = new Set((commit ? atBranch.get(commit)?.clusters.find((c) => c.name === cluster)?.objects ?? [] : []).map(inventoryId));
        const live = new Set(s.inventory ?? []);
        const missing = [...expected].filter((id) => !live.has(id)).sort(compareStrings);
        const extra = [...live].filter((id) => !expected.has(id)).sort(compareStrings);
        const state: ClusterState = !s.exists ? 'missing'
          : s.ready === 'False' ? 'failed'
          : !atRelease ? 'behind'
          : s.ready === 'True' && s.observed && s.appliedCommit === commit && missing.length === 0 && extra.length === 0 ? 'current'
          : 'progressing';
        rows.push({
          wave: wave.name, batch: batch.index, cluster, branch: batch.branch, ...(commit ? { branchCommit: commit } : {}), atRelease,
          engineObject: s.object, ...(s.appliedCommit ? { applied: s.appliedCommit } : {}), ready: s.ready, ...(s.message ? { message: s.message } : {}),
          missing, extra, state,
        });
      }
    }
  }
  return { federation: summary.federation, ref, release, clusters: rows };
}

export function renderStatus(st: GitopsStatus, format: 'text' | 'json'): string {
  if (format === 'json') return `${JSON.stringify(st, null, 2)}\n`;
  const head = ['WAVE', 'CLUSTER', 'BRANCH', 'APPLIED', 'READY', 'INVENTORY', 'STATE'];
  const body = st.clusters.map((r) => [
    `${r.wave}/${r.batch}`, r.cluster,
    r.branchCommit ? `${short(r.branchCommit)}${r.atRelease ? '' : ' (behind)'}` : '(none)',
    r.applied ? short(r.applied) : '-', r.ready,
    r.missing.length || r.extra.length ? `${r.missing.length} missing, ${r.extra.length} extra` : 'matches',
    r.state,
  ]);
  const width = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(width[i])).join('  ').trimEnd();
  const notes = st.clusters.filter((r) => r.state !== 'current' && r.message).map((r) => `  ${r.cluster}: ${r.message!.split('\n')[0].slice(0, 200)}`);
  return [`${st.federation}: release ${short(st.release)} on ${st.ref}`, line(head), ...body.map(line), ...(notes.length ? ['', ...notes] : [])].join('\n') + '\n';
}

/** 0 when every cluster runs the release as listed, 2 otherwise (like drift). */
export function statusExitCode(st: GitopsStatus): number {
  return st.clusters.every((r) => r.state === 'current') ? 0 : 2;
}
