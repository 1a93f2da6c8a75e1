import { readOutline, verifyInventory } from '../../inventory/read';
import { planFleet } from '../../drift/plan';
import { planExitCode, renderPlan } from '../../report/plan';
import type { Format } from '../../report/format';
import { scheduleWaves } from '../../deploy/schedule';
import { connectAll } from '../../deploy/connect';

export interface PlanFlags {
  readonly dist: string;
  readonly wave: string[];
  readonly cluster: string[];
  readonly kubeconfig?: string;
  readonly output: Format;
  readonly detailedExitcode?: boolean;
  readonly dryRunAll?: boolean;
}

/** `cdkfed plan`: writes nothing; 0 ok (or no changes with --detailed-exitcode), 2 changes with --detailed-exitcode, 1 error. */
export async function planCommand(flags: PlanFlags): Promise<number> {
  // federation.json first (schema, waves); the manifests' files are verified while the clusters are read (reads only).
  const outline = readOutline(flags.dist);
  const names = scheduleWaves(outline, { waves: flags.wave, clusters: flags.cluster }).flatMap((w) => w.clusters);
  const clients = connectAll(outline, names, { kubeconfig: flags.kubeconfig, kubeconfigEnv: process.env.KUBECONFIG }, (l) => process.stderr.write(`${l}\n`));
  try {
    const plan = await planFleet(outline, verifyInventory(outline), names, clients, { dryRunAll: flags.dryRunAll });
    process.stdout.write(renderPlan(plan, flags.output));
    return planExitCode(plan, !!flags.detailedExitcode);
  } finally {
    for (const c of clients.values()) c.close();
  }
}
