import * as readline from 'readline';
import { FederationError } from '../../errors';
import { readOutline, verifyInventory } from '../../inventory/read';
import { stableJson } from '../../kube/digest';
import { connectAll, warmUp } from '../../deploy/connect';
import { earlyPreflight, Preflight } from '../../deploy/preflight';
import { previewFleet } from '../../deploy/preview';
import { Cascade, deploy, DeployReport, HeldLease } from '../../deploy/rollout';
import { scheduleWaves } from '../../deploy/schedule';
import { renderDeployReport, renderPreview } from '../../report/deploy';
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
  // federation.json first (schema, waves); the manifests' files are verified while the clusters' connections are warmed (reads only).
  const outline = readOutline(flags.dist);
  const waves = scheduleWaves(outline, { waves: flags.wave, clusters: flags.cluster });
  const names = waves.flatMap((w) => w.clusters);
  const err = (s: string) => process.stderr.write(s);
  const clients = connectAll(outline, names, { kubeconfig: flags.kubeconfig, kubeconfigEnv: process.env.KUBECONFIG }, (l) => err(`${l}\n`));
  try {
    warmUp(outline, names, clients);
    // The first wave's checks are reads: they run while the files are verified (not before a question, whose
    // answer may come minutes later). Nothing is written anywhere before every file is verified.
    const preflights = new Map<string, Promise<Preflight>>();
    for (const name of flags.yes ? waves[0]?.clusters ?? [] : []) {
      const p = earlyPreflight(outline, name, clients.get(name)!);
      if (p) preflights.set(name, p);
    }
    const inv = await verifyInventory(outline);
    if (!flags.yes) {
      if (!process.stdin.isTTY) {
        throw new FederationError('NOT_CONFIRMED', 'cdkfed deploy', 'no terminal to ask for confirmation and --yes not given; nothing was applied',
          'review with `cdkfed plan`, then run `cdkfed deploy --yes` in pipelines');
      }
      const previews = await previewFleet(inv, names, clients);
      err(renderPreview(inv.document.federation, flags.dist, flags.prune, waves, previews));
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
        cascade: flags.cascade, breakLock: flags.breakLock, adopt: flags.adopt, clients, preflights, leases, onEvent: renderer.onEvent,
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      renderer.stop();
    }
    if (flags.output === 'json') process.stdout.write(stableJson(report));
    else process.stdout.write(renderDeployReport(report));
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
