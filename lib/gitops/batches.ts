/**
 * Waves cut into batches of at most maxParallel clusters, and where each batch reads its
 * manifests from. With promotion by cdkfed every batch has a release branch of its own that
 * only `cdkfed gitops promote` advances; with promotion by the engine all read one branch.
 */
import type { InventoryWave } from '../inventory/types';
import { compareStrings } from '../kube/sort';
import { ResolvedOptions } from './options';

export interface Batch {
  readonly wave: InventoryWave;
  /** 1-based within the wave. */
  readonly index: number;
  /** Sorted by name. */
  readonly clusters: readonly string[];
}

/** Batches in rollout order: waves in order, each wave's clusters (sorted) in chunks of maxParallel. */
export function batchesOf(waves: readonly InventoryWave[]): Batch[] {
  const out: Batch[] = [];
  for (const wave of waves) {
    const clusters = [...wave.clusters].sort(compareStrings);
    for (let i = 0, k = 1; i < clusters.length; i += wave.maxParallel, k++) {
      out.push({ wave, index: k, clusters: clusters.slice(i, i + wave.maxParallel) });
    }
  }
  return out;
}

/** Branch a batch's clusters read: `cdkfed/<federation>/<wave>/<k>`, or the merged ref with promotion by the engine. */
export function sourceBranch(federation: string, batch: Batch, opts: ResolvedOptions): string {
  return opts.promotion === 'engine' ? opts.ref : `cdkfed/${federation}/${batch.wave.name}/${batch.index}`;
}

/** Name of the engine's source object for a batch (dots cannot occur in a wave name or a federation name, so names never collide). */
export function sourceName(federation: string, batch: Batch, opts: ResolvedOptions): string {
  return opts.promotion === 'engine' ? federation : `${federation}.${batch.wave.name}.${batch.index}`;
}

/** Folder of one cluster's manifests inside the repository. */
export function clusterPath(opts: ResolvedOptions, cluster: string): string {
  return [opts.pathPrefix, 'clusters', cluster].filter((s) => s !== '').join('/');
}
