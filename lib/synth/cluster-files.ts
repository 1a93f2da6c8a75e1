/**
 * Everything written for one cluster once its objects are rendered: the manifests
 * (dist/<cluster>/*.yaml), the cluster's federation.json entry (digests) and, when the
 * stack's cdktf part is given, its cdk.tf.json with the kubernetes_manifest resources.
 * Plain data in, files out; no cdk8s, cdktf or constructs, so it runs on worker threads too.
 */
import * as path from 'path';
import { fileDigest } from '../kube/digest';
import type { InventoryClusterEntry } from '../inventory/types';
import { KubeObject } from '../kube/object';
import { manifestFileName } from '../kube/order';
import { inventoryEntry } from './inventory';
import { finalizeObjects, FinalizeOptions } from './objects';
import { ClusterOutline, ObjectOrigin } from './model';
import { cdktfJson } from './stable-json';
import { checkStackObjects, manifestResources, MANIFEST_RESOURCE_TYPE, printedManifest } from './terraform-objects';
import { manifestYaml } from './yaml';


/** The cdktf part of a cluster's stack, synthesized already; the resources are added here. */
export interface StackFile {
  /** Path of cdk.tf.json; its folder may not exist yet. */
  readonly file: string;
  /** The stack as cdktf renders it without resources (backend, provider, variables, metadata). */
  readonly skeleton: Record<string, unknown>;
  readonly rolloutTimeoutSeconds: number;
}

export interface ClusterJob extends ClusterOutline {
  /** dist/ (staging) folder; the manifests go to `<dir>/<cluster>/`. */
  readonly dir: string;
  /** Finalized, unless `finalize` is given: then as rendered, finalized here. */
  readonly objects: readonly KubeObject[];
  /** Finalize `objects` first (finalizeObjects) with these options. @default - objects are finalized already */
  readonly finalize?: FinalizeOptions;
  readonly origins?: ReadonlyArray<readonly [string, ObjectOrigin]>;
  readonly stack?: StackFile;
}

export interface FileOps {
  mkdir(dir: string): void;
  write(file: string, data: string): void;
}

/** cdk.tf.json of a stack: the skeleton with the objects' resources, in cdktf's layout. */
export function stackFileText(stack: StackFile, objects: readonly KubeObject[], where: string): string {
  const resources = manifestResources(objects, stack.rolloutTimeoutSeconds, where, printedManifest);
  const tf: Record<string, unknown> = { ...stack.skeleton };
  if (Object.keys(resources).length > 0) tf.resource = { ...(tf.resource as object | undefined), [MANIFEST_RESOURCE_TYPE]: resources };
  return cdktfJson(tf);
}

/**
 * Writes one cluster's manifests (and stack) and returns its federation.json entry: the
 * objects finalized first if the job says so, the stack's objects checked
 * (checkStackObjects) before anything of the cluster is written.
 */
export function writeClusterFiles(job: ClusterJob, fs: FileOps): InventoryClusterEntry {
  const objects = job.finalize ? finalizeObjects(job.objects, job.finalize) : job.objects;
  if (job.stack) checkStackObjects(objects, `cluster ${job.cluster.name}`);
  const clusterDir = path.join(job.dir, job.cluster.name);
  fs.mkdir(clusterDir);
  const digests = objects.map((o) => {
    const text = manifestYaml(o);
    fs.write(path.join(clusterDir, manifestFileName(o)), text);
    return fileDigest(text);
  });
  if (job.stack) {
    fs.mkdir(path.dirname(job.stack.file));
    fs.write(job.stack.file, stackFileText(job.stack, objects, `cluster ${job.cluster.name}`));
  }
  return inventoryEntry({ cluster: job.cluster, wave: job.wave, objects, origins: job.origins ? new Map(job.origins) : undefined }, digests);
}
