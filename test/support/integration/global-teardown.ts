/**
 * Jest globalTeardown: stops the clusters that globalSetup started (reused clusters stay up).
 * Set CDKFED_LOCALK8S_KEEP=1 to keep them for a faster next run.
 */
import { down } from '../../localk8s/localk8s';

export default async function globalTeardown(): Promise<void> {
  const started = ((globalThis as Record<string, unknown>).__LOCALK8S_STARTED__ ?? []) as string[];
  if (started.length === 0 || process.env.CDKFED_LOCALK8S_KEEP === '1') return;
  await down(() => undefined, started);
}
