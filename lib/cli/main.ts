import * as fs from 'fs';
import * as path from 'path';
import { Command, CommanderError, Option } from 'commander';
import { isFederationError } from '../errors';
import { packageInfo } from '../package-info';
import type { DeployFlags } from './commands/deploy';
import type { DriftFlags } from './commands/drift';
import type { GitopsFlags, GitopsPromoteFlags, GitopsStatusFlags } from './commands/gitops';
import type { InitFlags } from './commands/init';
import type { PlanFlags } from './commands/plan';
import type { SynthFlags } from './commands/synth';
import { CommandName, exitCodeHelp } from './exit-codes';
import { requireProject } from './project';

const collect = (v: string, prev: string[]) => [...prev, v];

/** What each command does once its command line is parsed; resolves to the exit code. */
export interface CommandHandlers {
  readonly init: (dir: string | undefined, flags: InitFlags) => number | Promise<number>;
  readonly synth: (flags: SynthFlags) => number | Promise<number>;
  readonly deploy: (flags: DeployFlags) => number | Promise<number>;
  readonly plan: (flags: PlanFlags) => number | Promise<number>;
  readonly drift: (flags: DriftFlags) => number | Promise<number>;
  readonly gitops: (flags: GitopsFlags) => number | Promise<number>;
  readonly gitopsPromote: (flags: GitopsPromoteFlags) => number | Promise<number>;
  readonly gitopsStatus: (flags: GitopsStatusFlags) => number | Promise<number>;
}

/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * plan, deploy and drift: from the build's bundle of them (scripts/bundle.js), one file instead
 * of the modules it was made of, with its V8 code cache; run from source (tests, tsx) there is
 * none, and they load as modules.
 */
function remote(): typeof import('./remote') {
  const bundle = path.join(__dirname, 'remote.bundle.js');
  if (!fs.existsSync(bundle)) return require('./remote') as typeof import('./remote');
  return (require('./cached-require') as typeof import('./cached-require')).requireCached(bundle).exports as typeof import('./remote');
}

// Each command's module is loaded when it runs: a deploy never loads what synth or init need (cdk8s-free, but yaml and more), nor the other way round.
const HANDLERS: CommandHandlers = {
  init: (dir, flags) => (require('./commands/init') as typeof import('./commands/init')).initCommand(dir, flags),
  synth: (flags) => (require('./commands/synth') as typeof import('./commands/synth')).synthCommand(flags),
  deploy: (flags) => {
    requireProject(flags.dist, 'deploy');
    return remote().deployCommand({ ...flags, prune: flags.prune !== false });
  },
  plan: (flags) => {
    requireProject(flags.dist, 'plan');
    return remote().planCommand(flags);
  },
  drift: (flags) => {
    requireProject(flags.dist, 'drift');
    return remote().driftCommand(flags);
  },
  gitops: (flags) => {
    requireProject(flags.dist, 'gitops');
    return (require('./commands/gitops') as typeof import('./commands/gitops')).gitopsCommand(flags);
  },
  gitopsPromote: (flags) => (require('./commands/gitops') as typeof import('./commands/gitops')).gitopsPromoteCommand(flags),
  gitopsStatus: (flags) => (require('./commands/gitops') as typeof import('./commands/gitops')).gitopsStatusCommand(flags),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** The `cdkfed` command line: one definition, used by main and by parseCommandLine. */
function program(handlers: CommandHandlers, done: (code: number) => void, quiet = false): Command {
  const root = new Command('cdkfed')
    .description('Declare an app once; synthesize and roll it out across Kubernetes clusters.')
    .version(packageInfo().version, '-V, --version', 'print the version of cdk-federation')
    .exitOverride()
    .configureOutput(quiet ? { writeErr: () => undefined, writeOut: () => undefined } : { writeErr: (s) => process.stderr.write(s) });
  const cmd = (name: CommandName) => root.command(name).exitOverride().addHelpText('after', exitCodeHelp(name));
  cmd('init')
    .argument('[dir]', 'folder of the new project, created if missing (default: the current folder)')
    .description('write a new project (package.json, tsconfig.json, cdk8s.yaml, cdktf.json, clusters.yaml, main.ts, .gitignore) into an empty folder')
    .option('--clusters [kubeconfig]', 'one registry entry per context of this kubeconfig (default: $KUBECONFIG or ~/.kube/config) instead of two examples')
    .option('--name <name>', 'federation, namespace and package name (default: the folder name)')
    .action(async (dir: string | undefined, flags: InitFlags) => done(await handlers.init(dir, flags)));
  cmd('synth')
    .description('run the app and write dist/<cluster>/, dist/federation.json and cdktf.out/ (all or nothing)')
    .option('--app <command>', 'command that runs the app (default: `app` of cdk8s.yaml)')
    .option('--out <dir>', 'folder of manifests and federation.json', 'dist')
    .option('--terraform-out <dir>', 'folder of the cdktf output', 'cdktf.out')
    .option('--no-terraform', 'skip the Terraform output')
    .action(async (flags: SynthFlags) => done(await handlers.synth(flags)));
  cmd('deploy')
    .description('apply dist/ to every cluster, wave by wave, with health gates, automatic rollback, prune and resume')
    .option('--dist <dir>', 'folder written by cdkfed synth', 'dist')
    .option('--wave <name>', 'only this wave (repeatable)', collect, [])
    .option('--cluster <name>', 'only this cluster (repeatable)', collect, [])
    .option('--no-rollback', 'leave touched clusters as they are when a gate fails')
    .option('--force-conflicts', 'take ownership of fields another field manager owns')
    .option('--prune', 'delete objects of the ApplySet that dist/ no longer holds (default)')
    .option('--no-prune', 'keep objects that dist/ no longer holds')
    .addOption(new Option('--cascade <policy>', 'how pruned objects delete their dependents').choices(['background', 'foreground', 'orphan']).default('background'))
    .option('--kubeconfig <file>', 'kubeconfig for every cluster (default: the registry\'s, else $KUBECONFIG or ~/.kube/config)')
    .addOption(new Option('--output <format>', 'report format').choices(['text', 'json']).default('text'))
    .option('--yes', 'do not ask for confirmation (required without a terminal)')
    .option('--adopt', 'take over objects of the same name that exist without this federation\'s ApplySet label')
    .option('--break-lock', 'take over the deploy lease even if it has not expired (its holder is dead)')
    .action(async (flags: DeployFlags) => done(await handlers.deploy(flags)));
  cmd('plan')
    .description('show, per cluster and field, what a deploy would change (server-side dry run); writes nothing')
    .option('--dist <dir>', 'folder written by cdkfed synth', 'dist')
    .option('--wave <name>', 'only this wave (repeatable)', collect, [])
    .option('--cluster <name>', 'only this cluster (repeatable)', collect, [])
    .option('--kubeconfig <file>', 'kubeconfig for every cluster')
    .addOption(new Option('--output <format>', 'report format').choices(['text', 'markdown', 'json']).default('text'))
    .option('--detailed-exitcode', 'exit 2 when there are changes, 0 when none (1 on error)')
    .option('--dry-run-all', 'dry-run every object, also those the revision in force shows unchanged (same report, slower)')
    .action(async (flags: PlanFlags) => done(await handlers.plan(flags)));
  cmd('drift')
    .description('compare live objects with the revision in force in each cluster; exit 2 on drift')
    .option('--dist <dir>', 'folder written by cdkfed synth', 'dist')
    .option('--cluster <name>', 'only this cluster (repeatable)', collect, [])
    .option('--kubeconfig <file>', 'kubeconfig for every cluster')
    .addOption(new Option('--output <format>', 'report format').choices(['text', 'markdown', 'json']).default('text'))
    .option('--correct', 're-apply the drifted objects (server-side apply, field manager cdk-federation)')
    .action(async (flags: DriftFlags) => done(await handlers.drift(flags)));
  const gitops = cmd('gitops')
    .description('render dist/ for a pull-based engine (Flux or Argo CD): one folder per cluster and the engine\'s objects, all or nothing')
    .addOption(new Option('--engine <engine>', 'the engine that applies the clusters\' folders (required)').choices(['flux', 'argocd']))
    .option('--repo-url <url>', 'URL the engine clones the GitOps repository from, without credentials (required)')
    .option('--dist <dir>', 'folder written by cdkfed synth', 'dist')
    .option('--out <dir>', 'folder to write, replaced as a whole (commit it to the GitOps repository)', 'gitops')
    .option('--ref <branch>', 'branch the output is merged to', 'main')
    .option('--path-prefix <path>', 'where --out sits inside the repository (default: --out relative to the working directory)')
    .option('--interval <duration>', 'how often the engine fetches and re-applies (Go duration)', '10m')
    .addOption(new Option('--promotion <who>', 'cdkfed: each wave reads a release branch that `cdkfed gitops promote` advances (bake, gates, rollback); engine: the engine orders the waves').choices(['cdkfed', 'engine']).default('cdkfed'))
    .option('--ignore-bake-time', 'with --promotion engine: render although a wave has a bake time the engine cannot wait for')
    .addOption(new Option('--argocd-mode <mode>', 'one ApplicationSet, or one Application per cluster').choices(['applicationset', 'applications']).default('applicationset'))
    .option('--hub <cluster>', 'the cluster the engine runs in: applied without a kubeconfig Secret')
    .option('--namespace <ns>', 'namespace of the engine\'s objects (default: flux-system, argocd)')
    .action(async (flags: GitopsFlags) => done(await handlers.gitops(flags)));
  const hubOptions = (c: Command) => c
    .option('--repo <dir>', 'a clone of the GitOps repository (its origin is pushed to)', '.')
    .option('--ref <branch>', 'branch the output of cdkfed gitops is merged to', 'main')
    .option('--path-prefix <path>', 'folder of that output inside the repository', 'gitops')
    .requiredOption('--context <name>', 'kubeconfig context of the hub, where the engine\'s objects live')
    .option('--kubeconfig <file>', 'kubeconfig of the hub (default: $KUBECONFIG or ~/.kube/config)')
    .addOption(new Option('--output <format>', 'report format').choices(['text', 'json']).default('text'))
    .exitOverride();
  hubOptions(gitops.command('promote'))
    .description('move the release merged on --ref through the waves: advance each batch\'s release branch, wait until the engine reports it Ready at that commit, bake, and roll back on a failed gate')
    .option('--wave <name>', 'stop after this wave')
    .addHelpText('after', '\nExit codes:\n  0  promoted, or already up to date\n  1  error, or a failed gate (after rollback)\n')
    .action(async (flags: GitopsPromoteFlags) => done(await handlers.gitopsPromote(flags)));
  hubOptions(gitops.command('status'))
    .description('per wave and cluster: the release branch, the commit the engine applied, Ready, and whether its inventory matches')
    .addHelpText('after', '\nExit codes:\n  0  every cluster runs the release\n  1  error\n  2  some clusters do not run it (yet)\n')
    .action(async (flags: GitopsStatusFlags) => done(await handlers.gitopsStatus(flags)));
  return root;
}

/** A command line as `cdkfed` parses it, without running anything. */
export interface ParsedCommandLine {
  readonly command: CommandName;
  /** Positional arguments (init's folder). */
  readonly args: readonly string[];
  /** Options with their defaults, as the command receives them (camelCase). */
  readonly flags: Readonly<Record<string, unknown>>;
}

/**
 * Parses `args` (what follows `cdkfed`) with the CLI's own parser and runs nothing; throws
 * the parser's error (unknown command or option, bad value) as Error with commander's message.
 */
export function parseCommandLine(args: readonly string[]): ParsedCommandLine {
  let parsed: ParsedCommandLine | undefined;
  const record = (command: CommandName) => (...a: unknown[]) => {
    const flags = a.find((x) => x && typeof x === 'object') as Record<string, unknown>;
    parsed = { command, args: a.filter((x): x is string => typeof x === 'string'), flags: { ...flags } };
    return 0;
  };
  const handlers: CommandHandlers = { init: record('init'), synth: record('synth'), deploy: record('deploy'), plan: record('plan'), drift: record('drift'), gitops: record('gitops'), gitopsPromote: record('gitops'), gitopsStatus: record('gitops') };
  const p = program(handlers, () => undefined, true);
  try {
    p.parse(['node', 'cdkfed', ...args]);
  } catch (e) {
    if (e instanceof CommanderError) throw new Error(`cdkfed ${args.join(' ')}: ${e.message}`, { cause: e });
    throw e;
  }
  if (!parsed) throw new Error(`cdkfed ${args.join(' ')}: no command`);
  return parsed;
}

/** Entry point of `cdkfed`; resolves to the exit code (0 ok, 1 error; plan and drift: 2 changes found). */
export async function main(argv: readonly string[]): Promise<number> {
  let code = 0;
  const cli = program(HANDLERS, (c) => {
    code = c;
  });
  try {
    await cli.parseAsync([...argv]);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1;
    if (isFederationError(e)) {
      process.stderr.write(`error ${e.code}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
