import * as readline from 'readline';
import { FederationError } from '../../errors';
import { readInventory } from '../../inventory/read';
import type { InventoryWave } from '../../inventory/types';
import { stableJson } from '../../kube/digest';
import { connectAll } from '../../deploy/connect';
import { previewFleet, ClusterPreview } from '../../deploy/preview';
import { Cascade, deploy, DeployReport, HeldLease } from '../../deploy/rollout';
import { scheduleWaves } from '../../deploy/schedule';
import { liveRenderer, plainRenderer } from '../progress';

export interface DeployFlags {
  readonly dist: string;
  readonly wave: string[];
  readonly cluster: string[];
  readonly rollback: boolean;
  readonly forceConflicts?: boolean;
  readonly prune: boolean;
  readonly cascade: Cascade;
  readonly kubeconfig?: string;
  readonly output: 'text' | 'json';
  readonly yes?: boolean;
  readonly breakLock?: boolean;
  readonly adopt?: boolean;
}

/** `cdkfed deploy`: 0 deployed or already up to date, 1 any failure (after rollback). */
export async function deployCommand(flags: DeployFlags): Promise<number> {
  const inv = readInventory(flags.dist);
  const waves = scheduleWaves(inv, { waves: flags.wave, clusters: flags.cluster });
  const names = waves.flatMap((w) => w.clusters);
  const err = (s: string) => process.stderr.write(s);
  const clients = connectAll(inv, names, { kubeconfig: flags.kubeconfig, kubeconfigEnv: process.env.KUBECONFIG }, (l) => err(`${l}\n`));
  try {
    if (!flags.yes) {
      if (!process.stdin.isTTY) {
        throw new FederationError('NOT_CONFIRMED', 'cdkfed deploy', 'no terminal to ask for confirmation and --yes not given; nothing was applied',
          'review with `cdkfed plan`, then run `cdkfed deploy --yes` in pipelines');
      }
      const previews = await previewFleet(inv, names, clients);
      err(renderPreview(inv.document.federation, waves, previews, flags));
      if (!(await ask('\nDo you want to deploy? Only "yes" will be accepted: '))) {
        err('deploy cancelled; nothing was applied\n');
        return 1;
      }
    }
    const renderer = flags.output === 'text' && process.stderr.isTTY ? liveRenderer(waves, process.stderr) : plainRenderer((l) => err(l));
    const leases = new Set<HeldLease>();
    // A cancelled pipeline job (SIGTERM) or Ctrl-C frees the leases, so the next run needs no --break-lock;
    // what was being applied stays recorded pending and the next deploy resumes it. A second signal kills at once.
    const onSignal = (signal: NodeJS.Signals) => {
      renderer.stop();
      err(`\n${signal}: deploy stopped; freeing its lease in ${leases.size} cluster(s). Revisions being applied stay pending: run deploy again to resume them.\n`);
      void Promise.all([...leases].map((l) => l.release())).finally(() => process.exit(1));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let report: DeployReport;
    try {
      report = await deploy(inv, {
        waves: flags.wave, clusters: flags.cluster, rollback: flags.rollback, force: flags.forceConflicts, prune: flags.prune,
        cascade: flags.cascade, breakLock: flags.breakLock, adopt: flags.adopt, clients, leases, onEvent: renderer.onEvent,
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      renderer.stop();
    }
    if (flags.output === 'json') process.stdout.write(stableJson(report));
    else process.stdout.write(renderReport(report));
    return report.outcome === 'failed' ? 1 : 0;
  } finally {
    for (const c of clients.values()) c.close();
  }
}

function ask(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolve) => rl.question(question, (a) => {
    rl.close();
    resolve(a.trim() === 'yes');
  }));
}

/** `waves`: the scheduled waves, each narrowed to the selected clusters. */
function renderPreview(fed: string, waves: readonly InventoryWave[], previews: Array<ClusterPreview | string>, flags: DeployFlags): string {
  const byName = new Map(previews.filter((p): p is ClusterPreview => typeof p !== 'string').map((p) => [p.cluster, p]));
  const lines = [`cdkfed will deploy federation "${fed}" from ${flags.dist}/ in ${waves.length} wave(s)${flags.prune ? '' : ' (no prune)'}:`];
  for (const w of waves) {
    lines.push(`  wave ${w.name} (max ${w.maxParallel} at once${w.bakeTimeSeconds ? `, bake ${w.bakeTimeSeconds}s` : ''}):`);
    for (const c of w.clusters) {
      const p = byName.get(c);
      if (!p) {
        lines.push(`    ${c}: ${previews.find((x) => typeof x === 'string' && x.startsWith(`${c}:`)) ?? 'unknown'}`);
        continue;
      }
      lines.push(`    ${c}: ${p.upToDate ? 'up to date' : `${p.create.length} to create, ${p.update.length} to update, ${flags.prune ? p.prune.length : 0} to prune, ${p.unchanged} unchanged`}${p.currentRevision ? ` (now at revision ${p.currentRevision})` : ' (first deploy)'}`);
      for (const o of p.create) lines.push(`      + ${o}`);
      for (const o of p.update) lines.push(`      ~ ${o}`);
      if (flags.prune) for (const o of p.prune) lines.push(`      - ${o}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function renderReport(r: DeployReport): string {
  const lines: string[] = [];
  for (const w of r.waves) {
    lines.push(`wave ${w.wave}: ${w.outcome}`);
    for (const c of w.clusters) {
      const counts = c.applied ? ` (${['created', 'configured', 'unchanged'].map((a) => `${c.applied!.entries.filter((e) => e.action === a).length} ${a}`).join(', ')}${c.pruned ? `, ${c.pruned.entries.filter((e) => e.action === 'deleted').length} pruned` : ''})` : '';
      lines.push(`  ${c.cluster}: ${c.outcome}${c.revision ? ` revision ${c.revision}` : ''}${counts}`);
      if (c.failure && c.outcome !== 'not-started') lines.push(`    ${c.failure.reason}`);
      if (c.rollback) lines.push(`    rollback: ${c.rollback.message}`);
    }
  }
  const head = r.outcome === 'failed' ? `deploy failed: ${r.failure}` : r.outcome === 'up-to-date' ? 'deploy: every cluster is up to date; nothing was written' : 'deploy succeeded';
  return `${lines.join('\n')}\n${head} (${r.seconds.toFixed(1)}s)\n`;
}
