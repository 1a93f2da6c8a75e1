/**
 * Jest globalSetup for the integration suite: starts (or reuses) local-1..local-3 once.
 * A missing toolchain fails the run with build instructions; it never skips silently.
 * Env: CDKFED_LOCALK8S_COUNT (default 3), CDKFED_LOCALK8S_KEEP=1 keeps clusters it started.
 */
import { formatStatus, kubeconfigPath, toolchain, up } from '../../localk8s/localk8s';

export default async function globalSetup(): Promise<void> {
  const count = Number(process.env.CDKFED_LOCALK8S_COUNT || 3);
  toolchain(); // throws ToolchainMissingError with instructions
  const t0 = Date.now();
  const r = await up(count);
  process.env.CDKFED_LOCALK8S_KUBECONFIG = kubeconfigPath();
  process.env.CDKFED_LOCALK8S_COUNT = String(count);
  (globalThis as Record<string, unknown>).__LOCALK8S_STARTED__ = r.started;
  process.stderr.write(`\n[localk8s] ${r.started.length ? `started ${r.started.join(', ')}` : 'reused running clusters'} ` +
    `in ${((Date.now() - t0) / 1000).toFixed(1)}s\n${r.clusters.map((c) => `[localk8s] ${formatStatus(c)}`).join('\n')}\n` +
    `[localk8s] kubeconfig: ${r.kubeconfig}\n`);
}
