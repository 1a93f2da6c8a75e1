import { readOutline } from '../../inventory/read';
import { driftFleet } from '../../drift/drift';
import { driftExitCode, renderDrift } from '../../report/drift';
import type { Format } from '../../report/format';
import { scheduleWaves } from '../../deploy/schedule';
import { connectAll } from '../../deploy/connect';

export interface DriftFlags {
  readonly dist: string;
  readonly cluster: string[];
  readonly kubeconfig?: string;
  readonly output: Format;
  readonly correct?: boolean;
}

/** `cdkfed drift`: 0 no drift (or all corrected with --correct), 2 drift found, 1 error. */
export async function driftCommand(flags: DriftFlags): Promise<number> {
  const inv = readOutline(flags.dist);
  const names = scheduleWaves(inv, { clusters: flags.cluster }).flatMap((w) => w.clusters);
  const clients = connectAll(inv, names, { kubeconfig: flags.kubeconfig, kubeconfigEnv: process.env.KUBECONFIG }, (l) => process.stderr.write(`${l}\n`));
  try {
    const drift = await driftFleet(inv, names, clients, { correct: flags.correct });
    process.stdout.write(renderDrift(drift, inv.waves, flags.output));
    return driftExitCode(drift);
  } finally {
    for (const c of clients.values()) c.close();
  }
}
