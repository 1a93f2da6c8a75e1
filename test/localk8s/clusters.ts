/**
 * CLI for the local test clusters (run with tsx; see README.md):
 *   clusters.ts up [--count N]   start (or reuse) local-1..local-N; prints one status line per cluster
 *   clusters.ts down             stop every local cluster and remove its state
 *   clusters.ts status           one line per cluster; exit 1 if any crashed
 *   clusters.ts env              print shell exports for the kubeconfig and tofu
 */
import { CrashedClusterError, ToolchainMissingError, down, formatStatus, kubeconfigPath, status, up } from './localk8s';
import { tofuEnv } from './tofu';

function usage(): never {
  console.error('usage: clusters.ts up [--count N] | down | status | env');
  process.exit(2);
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'up': {
      let count = 3;
      for (let i = 0; i < rest.length; i++) {
        const a = rest[i];
        if (a === '--count' || a === '-n') count = Number(rest[++i]);
        else if (a.startsWith('--count=')) count = Number(a.slice('--count='.length));
        else usage();
      }
      const t0 = Date.now();
      const r = await up(count, (l) => console.log(l));
      for (const s of r.clusters) console.log(formatStatus(s) + (r.started.includes(s.info.name) ? '' : '  (reused)'));
      console.log(`kubeconfig: ${r.kubeconfig}  (contexts: ${r.clusters.map((c) => c.info.name).join(', ')})`);
      console.log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      return 0;
    }
    case 'down':
      await down((l) => console.log(l));
      return 0;
    case 'status': {
      const all = await status();
      if (all.length === 0) console.log('no local clusters');
      for (const s of all) console.log(formatStatus(s));
      if (all.length > 0) console.log(`kubeconfig: ${kubeconfigPath()}`);
      return all.some((s) => s.health === 'crashed') ? 1 : 0;
    }
    case 'env': {
      const env = { CDKFED_LOCALK8S_KUBECONFIG: kubeconfigPath(), ...tofuEnv().env };
      for (const [k, v] of Object.entries(env)) console.log(`export ${k}=${JSON.stringify(v)}`);
      return 0;
    }
    default:
      return usage();
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (e: unknown) => {
  if (e instanceof ToolchainMissingError || e instanceof CrashedClusterError) console.error(e.message);
  else console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exit(1);
});
