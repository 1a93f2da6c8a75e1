/**
 * `cdkfed deploy`'s texts: the preview shown before the confirmation question (a dry-run
 * ChangeSet per cluster: "to create") and the report after the run (the ChangeSets applied
 * and pruned: "created"). Pure.
 */
import { describeRef } from '../kube/object';
import { countActions } from '../cluster/changeset';
import type { ClusterPreview } from '../deploy/preview';
import type { DeployReport } from '../deploy/rollout';
import type { InventoryWave } from '../inventory/types';

/** `waves`: the scheduled waves, each narrowed to the selected clusters. Each cluster's preview, or a line saying why it has none; `prune`: whether the deploy prunes (--no-prune: no deletions listed). */
export function renderPreview(fed: string, dist: string, prune: boolean, waves: readonly InventoryWave[], previews: ReadonlyArray<ClusterPreview | string>): string {
  const byName = new Map(previews.filter((p): p is ClusterPreview => typeof p !== 'string').map((p) => [p.cluster, p]));
  const lines = [`cdkfed will deploy federation "${fed}" from ${dist}/ in ${waves.length} wave(s)${prune ? '' : ' (no prune)'}:`];
  for (const w of waves) {
    lines.push(`  wave ${w.name} (max ${w.maxParallel} at once${w.bakeTimeSeconds ? `, bake ${w.bakeTimeSeconds}s` : ''}):`);
    for (const c of w.clusters) {
      const p = byName.get(c);
      if (!p) {
        lines.push(`    ${c}: ${previews.find((x) => typeof x === 'string' && x.startsWith(`${c}:`)) ?? 'unknown'}`);
        continue;
      }
      const n = countActions(p.changes.entries);
      const listed = (action: 'created' | 'configured' | 'deleted') => p.changes.entries.filter((e) => e.action === action).map((e) => describeRef(e.ref));
      lines.push(`    ${c}: ${p.upToDate ? 'up to date' : `${n.created} to create, ${n.configured} to update, ${prune ? n.deleted : 0} to prune, ${n.unchanged} unchanged`}${p.currentRevision ? ` (now at revision ${p.currentRevision})` : ' (first deploy)'}`);
      for (const o of listed('created')) lines.push(`      + ${o}`);
      for (const o of listed('configured')) lines.push(`      ~ ${o}`);
      if (prune) for (const o of listed('deleted')) lines.push(`      - ${o}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The report after a deploy: per wave and cluster, the outcome and what was applied and pruned. */
export function renderDeployReport(r: DeployReport): string {
  const lines: string[] = [];
  for (const w of r.waves) {
    lines.push(`wave ${w.wave}: ${w.outcome}`);
    for (const c of w.clusters) {
      const applied = c.applied && countActions(c.applied.entries);
      const counts = applied ? ` (${applied.created} created, ${applied.configured} configured, ${applied.unchanged} unchanged${c.pruned ? `, ${countActions(c.pruned.entries).deleted} pruned` : ''})` : '';
      lines.push(`  ${c.cluster}: ${c.outcome}${c.revision ? ` revision ${c.revision}` : ''}${counts}`);
      if (c.failure && c.outcome !== 'not-started') lines.push(`    ${c.failure.reason}`);
      if (c.rollback) lines.push(`    rollback: ${c.rollback.message}`);
    }
  }
  const head = r.outcome === 'failed' ? `deploy failed: ${r.failure}` : r.outcome === 'up-to-date' ? 'deploy: every cluster is up to date; nothing was written' : 'deploy succeeded';
  return `${lines.join('\n')}\n${head} (${r.seconds.toFixed(1)}s)\n`;
}
