/**
 * CLI for the local test clusters (run with tsx; see README.md):
 *   clusters.ts up [--count N]   start (or reuse) local-1..local-N; prints one status line per cluster
 *   clusters.ts down             stop every local cluster and remove its state
 *   clusters.ts status           one line per cluster; exit 1 if any crashed
 *   clusters.ts env              print shell exports for the kubeconfig and tofu
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { CrashedClusterError, ToolchainMissingError, down, formatStatus, kubeconfigPath, status, up } from './localk8s';
import { tofuEnv } from './tofu';

function count(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 50) throw new InvalidArgumentError('an integer from 1 to 50');
  return n;
}

async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = new Command('clusters').description('local Kubernetes clusters for tests and try-outs').exitOverride();
  program.command('up').description('start (or reuse) local-1..local-N and wait until ready')
    .option('-n, --count <n>', 'number of clusters', count, 3)
    .action(async ({ count: n }: { count: number }) => {
      const t0 = Date.now();
      const r = await up(n, (l) => console.log(l));
      for (const s of r.clusters) console.log(formatStatus(s) + (r.started.includes(s.info.name) ? '' : '  (reused)'));
      console.log(`kubeconfig: ${r.kubeconfig}  (contexts: ${r.clusters.map((c) => c.info.name).join(', ')})`);
      console.log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    });
  program.command('down').description('stop every local cluster and remove its state')
    .action(async () => down((l) => console.log(l)));
  program.command('status').description('one line per cluster; exit 1 if any crashed')
    .action(async () => {
      const all = await status();
      if (all.length === 0) console.log('no local clusters');
      for (const s of all) console.log(formatStatus(s));
      if (all.length > 0) console.log(`kubeconfig: ${kubeconfigPath()}`);
      if (all.some((s) => s.health === 'crashed')) code = 1;
    });
  program.command('env').description('shell exports: kubeconfig path and tofu environment')
    .action(() => {
      const env = { CDKFED_LOCALK8S_KUBECONFIG: kubeconfigPath(), ...tofuEnv().env };
      for (const [k, v] of Object.entries(env)) console.log(`export ${k}=${JSON.stringify(v)}`);
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  return code;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (e: unknown) => {
  if (e instanceof ToolchainMissingError || e instanceof CrashedClusterError) console.error(e.message);
  else console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exit(1);
});
