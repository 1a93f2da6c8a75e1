import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { FederationError } from '../errors';
import { INVENTORY_FILE } from '../inventory/format';
import { buildInventory, checkInventory } from './inventory';
import { stableJson } from '../kube/digest';
import { ClusterManifests, FederationModel, FederationSource, sourceOf } from './model';
import { openTerraform } from './terraform';
import { clusterWriter, inlineWriter } from './files';
import { ClusterJob, StackFile } from './cluster-files';

export interface WriteOptions {
  /** Manifests and federation.json. */
  readonly outdir: string;
  /** cdktf output; false skips Terraform. */
  readonly terraformOutdir: string | false;
  /** Worker threads for the files (0: none). @default - by fleet size (clusterWriter) */
  readonly threads?: number;
}

/** Writes dist/<cluster>/*.yaml and dist/federation.json into `dir` (which must be empty). */
export function writeManifests(model: FederationModel, dir: string): void {
  const writer = inlineWriter();
  for (const m of model.clusters) writer.submit(clusterJob(m, dir));
  fs.writeFileSync(path.join(dir, INVENTORY_FILE), stableJson(checkInventory(buildInventory(model, writer.finish()), `federation "${model.name}"`)));
}

function clusterJob({ cluster, wave, objects, origins }: ClusterManifests, dir: string, stack?: StackFile): ClusterJob {
  return { dir, cluster, wave, objects, ...(origins && { origins: [...origins] }), ...(stack && { stack }) };
}

function staging(target: string): string {
  const abs = path.resolve(target);
  return path.join(path.dirname(abs), `.${path.basename(abs)}.staging-${process.pid}`);
}

/**
 * Writes every output of a federation all-or-nothing: each goes to a staging folder beside
 * its target first, and only when all are complete do they replace the previous output.
 * On any error the previous dist/ and cdktf.out/ stay as they were.
 *
 * One cluster at a time: its objects are rendered, written as manifests and as its
 * Terraform stack, reduced to its federation.json entry, and let go. For fleets, the
 * finalizing (ownership stamped, checks, apply order), printing and writing run on worker
 * threads (files.ts) while the main thread renders the next clusters.
 */
export function writeOutputs(model: FederationModel | FederationSource, opts: WriteOptions): void {
  const source = 'render' in model ? model : sourceOf(model);
  const targets = [opts.outdir, ...(opts.terraformOutdir ? [opts.terraformOutdir] : [])].map((t) => path.resolve(t));
  if (new Set(targets).size !== targets.length) {
    throw new FederationError('INVALID_OUTDIR', targets[0], 'manifests and Terraform output would share one folder', 'give them different folders');
  }
  const stages = targets.map(staging);
  const writer = clusterWriter(source.outline.clusters.length, opts.threads);
  let objects: number;
  try {
    for (const s of stages) fs.rmSync(s, { recursive: true, force: true });
    fs.mkdirSync(stages[0], { recursive: true });
    const tf = opts.terraformOutdir ? openTerraform(source.outline, stages[1]) : undefined;
    for (const t of targets) removeLeftovers(t, true);
    for (const c of source.outline.clusters) {
      if (source.renderUnfinalized) {
        // The main thread renders; the writer's thread finalizes, checks and writes (files.ts).
        const r = source.renderUnfinalized(c);
        const stack = tf?.prepareUnchecked(r);
        writer.submit({ dir: stages[0], cluster: r.cluster, wave: r.wave, objects: r.objects, finalize: { federation: source.outline.name, cluster: r.cluster.name, where: r.where },
          ...(r.origins && { origins: [...r.origins] }), ...(stack && { stack }) });
      } else {
        const m = source.render(c);
        writer.submit(clusterJob(m, stages[0], tf?.prepareUnchecked(m)));
      }
    }
    const plans = writer.finish();
    tf?.finish();
    fs.writeFileSync(path.join(stages[0], INVENTORY_FILE), stableJson(checkInventory(buildInventory(source.outline, plans), `federation "${source.outline.name}"`)));
    objects = plans.reduce((n, c) => n + c.objects.length, 0);
  } catch (e) {
    writer.abort(); // nothing may still be writing into the staging folders as they are removed
    for (const s of stages) fs.rmSync(s, { recursive: true, force: true });
    throw e;
  }
  if (opts.terraformOutdir) keepTerraformWorkdirs(targets[1], stages[1]);
  // Swap: move each old output aside, move the new one in, then drop the old ones.
  const background = objects >= BACKGROUND_REMOVAL_OBJECTS;
  targets.forEach((t, i) => {
    const old = `${stages[i]}.old`;
    fs.rmSync(old, { recursive: true, force: true });
    if (fs.existsSync(t)) fs.renameSync(t, old);
    fs.renameSync(stages[i], t);
    removeTree(old, background);
  });
}

/**
 * From this many objects on, the previous output (one file per object) is deleted by a
 * detached process after the swap instead of inside synth: removing 300,000 files takes
 * longer than writing them, and nothing waits for it. The new output is complete and in
 * place before; a removal cut short leaves a hidden `.<dir>.staging-<pid>.old` folder,
 * which the next synth removes.
 */
export const BACKGROUND_REMOVAL_OBJECTS = 20_000;

function removeTree(dir: string, background: boolean): void {
  if (!fs.existsSync(dir)) return;
  if (!background) {
    fs.rmSync(dir, { recursive: true, force: true });
    return;
  }
  const child = spawn(process.execPath, ['-e', 'require("fs").rmSync(process.argv[1], { recursive: true, force: true })', dir],
    { detached: true, stdio: 'ignore' });
  child.on('error', () => undefined); // best effort: the next synth retries
  child.unref();
}

/** Left-overs of an earlier synth's background removal beside `target`. */
function removeLeftovers(target: string, background: boolean): void {
  const parent = path.dirname(target);
  const prefix = `.${path.basename(target)}.staging-`;
  if (!fs.existsSync(parent)) return;
  for (const name of fs.readdirSync(parent)) {
    if (name.startsWith(prefix) && name.endsWith('.old')) removeTree(path.join(parent, name), background);
  }
}

/**
 * `tofu init` leaves .terraform/ (providers, modules) and .terraform.lock.hcl in each stack
 * folder; carry them into the new output so a re-synth does not force a new init.
 * (Local state lives beside the output folder, never in it.)
 */
function keepTerraformWorkdirs(previous: string, next: string): void {
  const stacks = path.join(next, 'stacks');
  if (!fs.existsSync(stacks)) return;
  for (const name of fs.readdirSync(stacks)) {
    for (const entry of ['.terraform', '.terraform.lock.hcl']) {
      const from = path.join(previous, 'stacks', name, entry);
      if (fs.existsSync(from)) fs.renameSync(from, path.join(stacks, name, entry));
    }
  }
}
