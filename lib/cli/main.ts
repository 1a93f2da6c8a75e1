import { Command, CommanderError, Option } from 'commander';
import { isFederationError } from '../errors';
import { deployCommand, DeployFlags } from './commands/deploy';
import { DriftFlags, driftCommand } from './commands/drift';
import { PlanFlags, planCommand } from './commands/plan';
import { SynthFlags, synthCommand } from './commands/synth';

const collect = (v: string, prev: string[]) => [...prev, v];

/** Entry point of `cdkfed`; resolves to the exit code (0 ok, 1 error; plan and drift: 2 changes found). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('cdkfed')
    .description('Declare an app once; synthesize and roll it out across Kubernetes clusters.')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  let code = 0;
  program.command('synth')
    .description('run the app and write dist/<cluster>/, dist/federation.json and cdktf.out/ (all or nothing)')
    .option('--app <command>', 'command that runs the app (default: `app` of cdk8s.yaml)')
    .option('--out <dir>', 'folder of manifests and federation.json', 'dist')
    .option('--terraform-out <dir>', 'folder of the cdktf output', 'cdktf.out')
    .option('--no-terraform', 'skip the Terraform output')
    .action((flags: SynthFlags) => {
      code = synthCommand(flags);
    });
  program.command('deploy')
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
    .action(async (flags: DeployFlags) => {
      code = await deployCommand({ ...flags, prune: flags.prune !== false });
    });
  program.command('plan')
    .description('show, per cluster and field, what a deploy would change (server-side dry run); writes nothing')
    .option('--dist <dir>', 'folder written by cdkfed synth', 'dist')
    .option('--wave <name>', 'only this wave (repeatable)', collect, [])
    .option('--cluster <name>', 'only this cluster (repeatable)', collect, [])
    .option('--kubeconfig <file>', 'kubeconfig for every cluster')
    .addOption(new Option('--output <format>', 'report format').choices(['text', 'markdown', 'json']).default('text'))
    .option('--detailed-exitcode', 'exit 2 when there are changes, 0 when none (1 on error)')
    .action(async (flags: PlanFlags) => {
      code = await planCommand(flags);
    });
  program.command('drift')
    .description('compare live objects with the revision in force in each cluster; exit 2 on drift')
    .option('--dist <dir>', 'folder written by cdkfed synth', 'dist')
    .option('--cluster <name>', 'only this cluster (repeatable)', collect, [])
    .option('--kubeconfig <file>', 'kubeconfig for every cluster')
    .addOption(new Option('--output <format>', 'report format').choices(['text', 'markdown', 'json']).default('text'))
    .option('--correct', 're-apply the drifted objects (server-side apply, field manager cdk-federation)')
    .action(async (flags: DriftFlags) => {
      code = await driftCommand(flags);
    });
  try {
    await program.parseAsync([...argv]);
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
