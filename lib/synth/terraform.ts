/**
 * cdktf.out/: one Terraform stack per cluster, derived from the same per-cluster objects
 * as dist/ (never from a second description), chained by rollout wave so that
 * `cdktf deploy '*'` applies wave by wave.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FederationError } from '../errors';
import { App, TerraformStack, withoutCreationStacks } from './cdktf';
import { FederationModel } from './model';
import { ClusterStack } from './terraform-stack';
import { assertNoSecretValues, logicalIds } from './terraform-objects';

export { TERRAFORM_FIELD_MANAGER } from './terraform-stack';

/**
 * Writes `<outdir>/manifest.json` and `<outdir>/stacks/<cluster>/cdk.tf.json`.
 * Byte-identical for the same model wherever outdir is. Stack directories of clusters
 * no longer in the model are removed (as `cdktf synth` does); the others keep their
 * `.terraform/` so a re-synth does not force a new `init`.
 * @throws FederationError for a Secret with values, a duplicate object or a cluster in no wave;
 *   nothing is written then.
 */
export function synthTerraform(model: FederationModel, outdir: string): void {
  for (const m of model.clusters) {
    const where = `cluster ${m.cluster.name}`;
    if (model.waves.findIndex((w) => w.name === m.wave) < 0) {
      throw new FederationError('TF_UNKNOWN_WAVE', where, `wave '${m.wave}' is not one of the rollout waves`,
        `declare it among: ${model.waves.map((w) => w.name).join(', ') || '(none)'}`);
    }
    m.objects.forEach((o) => assertNoSecretValues(o, where));
    logicalIds(m.objects, where); // duplicates throw here, before anything is written
  }

  fs.mkdirSync(outdir, { recursive: true }); // App creates only the last level
  const stackNames = withoutCreationStacks(() => buildAndSynth(model, outdir));
  removeOrphanStacks(outdir, new Set(stackNames));
}

function buildAndSynth(model: FederationModel, outdir: string): string[] {
  const app = new App({ outdir, stackTraces: false });
  const stacks = new Map<string, TerraformStack>();
  for (const m of model.clusters) {
    const wave = model.waves.find((w) => w.name === m.wave)!;
    stacks.set(m.cluster.name, new ClusterStack(app, {
      federation: model.name,
      manifests: m,
      backend: model.terraform.backend ?? { type: 'local' },
      endpoint: model.terraform.endpoints?.[m.cluster.name],
      rolloutTimeoutSeconds: wave.healthTimeoutSeconds,
    }));
  }

  // Every stack of a wave depends on every stack of the previous (non-empty) wave.
  let previous: TerraformStack[] = [];
  for (const wave of model.waves) {
    const current = model.clusters.filter((m) => m.wave === wave.name).map((m) => stacks.get(m.cluster.name)!);
    if (current.length === 0) continue;
    for (const s of current) for (const p of previous) s.addDependency(p);
    previous = current;
  }

  app.synth();
  return [...stacks.keys()];
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
