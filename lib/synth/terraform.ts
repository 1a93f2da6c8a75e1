/**
 * cdktf.out/: one Terraform stack per cluster, derived from the same per-cluster objects
 * as dist/ (never from a second description), chained by rollout wave so that
 * `cdktf deploy '*'` applies wave by wave.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FederationError } from '../errors';
import { ClusterManifests, FederationModel, FederationOutline } from './model';
import { checkStackObjects } from './terraform-objects';
import { StackFile, stackFileText } from './cluster-files';

export { TERRAFORM_FIELD_MANAGER } from './terraform-objects';

/** Writes a federation's stacks one cluster at a time; see openTerraform. */
export interface TerraformOutput {
  /** Writes the stack of one cluster of the outline. @throws FederationError for a Secret with values or a duplicate object */
  write(m: ClusterManifests): void;
  /**
   * Checks a cluster's objects and synthesizes its stack without resources; the caller
   * writes its cdk.tf.json with them (stackFileText, making the folder if need be), possibly
   * on another thread. @throws as write
   */
  prepare(m: ClusterManifests): StackFile;
  /**
   * prepare without the checks of the objects, which the caller makes (checkStackObjects)
   * before it adds the resources: the objects may be the cluster's as rendered, not yet
   * finalized (only their kinds are read here).
   */
  prepareUnchecked(m: ClusterManifests): StackFile;
  /** Writes manifest.json and removes the stacks of clusters no longer in the outline. */
  finish(): void;
}

function checkWaves(outline: FederationOutline): void {
  for (const m of outline.clusters) {
    if (outline.waves.findIndex((w) => w.name === m.wave) < 0) {
      throw new FederationError('TF_UNKNOWN_WAVE', `cluster ${m.cluster.name}`, `wave '${m.wave}' is not one of the rollout waves`,
        `declare it among: ${outline.waves.map((w) => w.name).join(', ') || '(none)'}`);
    }
  }
}

function checkObjects(m: Pick<ClusterManifests, 'cluster' | 'objects'>): void {
  checkStackObjects(m.objects, `cluster ${m.cluster.name}`);
}

/**
 * Streams `<outdir>/stacks/<cluster>/cdk.tf.json` as each cluster is written, then
 * `<outdir>/manifest.json` on finish. Only the cluster being written is in memory. A
 * failure part way leaves a partial `outdir`: write into a staging folder (as writeOutputs does).
 */
export function openTerraform(outline: FederationOutline, outdir: string): TerraformOutput {
  checkWaves(outline);
  fs.mkdirSync(outdir, { recursive: true }); // cdktf's App creates only the last level
  // Loaded on first use: cdktf takes ~0.4 s to load, which apps run with CDKFED_TERRAFORM=0
  // (and every importer of the library that never writes Terraform) need not pay.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { StackWriter } = require('./terraform-stack') as typeof import('./terraform-stack');
  const writer = new StackWriter(outline, outdir);
  const prepare = (m: ClusterManifests) => {
    checkObjects(m);
    return writer.prepare(m);
  };
  return {
    prepare,
    prepareUnchecked: (m) => writer.prepare(m),
    write(m) {
      const stack = prepare(m);
      fs.mkdirSync(path.dirname(stack.file), { recursive: true });
      fs.writeFileSync(stack.file, stackFileText(stack, m.objects, `cluster ${m.cluster.name}`));
    },
    finish() {
      removeOrphanStacks(outdir, new Set(writer.finish()));
    },
  };
}

/**
 * Writes `<outdir>/manifest.json` and `<outdir>/stacks/<cluster>/cdk.tf.json`.
 * Byte-identical for the same model wherever outdir is. Stack directories of clusters
 * no longer in the model are removed (as `cdktf synth` does); the others keep their
 * `.terraform/` so a re-synth does not force a new `init`.
 * @throws FederationError for a Secret with values, a duplicate object or a cluster in no wave;
 *   nothing is written then.
 */
export function synthTerraform(model: FederationModel, outdir: string): void {
  checkWaves(model);
  for (const m of model.clusters) checkObjects(m); // before anything is written
  const tf = openTerraform(model, outdir);
  for (const m of model.clusters) tf.write(m);
  tf.finish();
}

function removeOrphanStacks(outdir: string, keep: ReadonlySet<string>): void {
  const dir = path.join(outdir, 'stacks');
  if (!fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir).sort()) {
    const stackDir = path.join(dir, name);
    const isStack = ['cdk.tf.json', 'cdk.tf'].some((f) => fs.existsSync(path.join(stackDir, f)));
    if (!keep.has(name) && isStack) fs.rmSync(stackDir, { recursive: true, force: true });
  }
}
