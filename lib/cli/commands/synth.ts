import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { FederationError } from '../../errors';
import { INVENTORY_FILE } from '../../inventory/format';
import type { InventoryDocument } from '../../inventory/types';

export interface SynthFlags {
  readonly app?: string;
  readonly out: string;
  readonly terraformOut: string;
  readonly terraform: boolean;
}

/** The app command: --app, else `app:` of cdk8s.yaml in the working directory. */
function appCommand(flag: string | undefined): string {
  if (flag) return flag;
  const file = path.resolve('cdk8s.yaml');
  if (!fs.existsSync(file)) {
    throw new FederationError('NO_APP', process.cwd(), 'no --app given and no cdk8s.yaml here, so this is not a cdk-federation project folder',
      'run it in your project folder (where cdk8s.yaml names the app) or pass --app "npx tsx main.ts"; to start a project: `npx cdkfed init my-fleet`, then `cd my-fleet && npm install && npm run synth`');
  }
  const app = (YAML.parse(fs.readFileSync(file, 'utf8')) ?? {}).app;
  if (typeof app !== 'string' || !app.trim()) {
    throw new FederationError('NO_APP', file, '`app:` is missing', 'set `app: npx tsx apps/my-app.ts` in cdk8s.yaml or pass --app');
  }
  return app;
}

/**
 * NODE_OPTIONS that make the app print its FederationErrors cleanly (app-errors.ts), with the
 * user's own options kept. Only the compiled handler can be preloaded (the app may not load
 * TypeScript before it); run from sources, the app prints errors as node does.
 */
function nodeOptions(env: NodeJS.ProcessEnv): string | undefined {
  const handler = path.join(__dirname, '..', 'app-errors.js');
  if (!fs.existsSync(handler)) return env.NODE_OPTIONS;
  return [env.NODE_OPTIONS, `--require ${JSON.stringify(handler)}`].filter(Boolean).join(' ');
}

/** Runs the user's app with output folders in its environment; the app writes all or nothing. */
export function synthCommand(flags: SynthFlags): number {
  const app = appCommand(flags.app);
  const started = process.hrtime.bigint();
  const result = spawnSync(app, {
    shell: true,
    stdio: 'inherit',
    env: {
      ...process.env,
      ...(nodeOptions(process.env) !== undefined ? { NODE_OPTIONS: nodeOptions(process.env) } : {}),
      CDKFED_OUTDIR: path.resolve(flags.out),
      CDKTF_OUTDIR: path.resolve(flags.terraformOut),
      CDKFED_TERRAFORM: flags.terraform ? '1' : '0',
    },
  });
  if (result.error) {
    throw new FederationError('APP_FAILED', app, `cannot run the app: ${result.error.message}`, 'check the --app command');
  }
  if (result.status !== 0) {
    process.stderr.write(`cdkfed: the app exited with ${result.status ?? result.signal}; nothing was written, previous output is unchanged\n`);
    if (fs.existsSync('package.json') && !fs.existsSync('node_modules')) {
      process.stderr.write('  hint: there is a package.json but no node_modules/ here: run `npm install` first\n');
    }
    return 1;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const plan = JSON.parse(fs.readFileSync(path.join(flags.out, INVENTORY_FILE), 'utf8')) as InventoryDocument;
  const objects = plan.clusters.reduce((n, c) => n + c.objects.length, 0);
  for (const c of plan.clusters) process.stdout.write(`  ${c.name.padEnd(24)} wave ${c.wave.padEnd(12)} ${String(c.objects.length).padStart(4)} objects\n`);
  process.stdout.write(`synthesized federation "${plan.federation}": ${plan.clusters.length} clusters, ${objects} objects, ${plan.waves.length} waves → ${flags.out}/`
    + `${flags.terraform ? ` and ${flags.terraformOut}/` : ''} in ${seconds.toFixed(2)}s\n`);
  return 0;
}
