/**
 * The folder each cluster's engine applies: the cluster's manifests of dist/, byte for byte,
 * except Namespaces, which carry the engine's opt-out from prune. The engine would
 * otherwise delete a Namespace we dropped together with everything in it, ours or not;
 * `cdkfed deploy` deletes a Namespace only when nothing foreign is inside, a condition no
 * engine can express, so under an engine a dropped Namespace is left behind instead.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { Inventory } from '../inventory/read';
import { KubeObject } from '../kube/object';
import { compareStrings } from '../kube/sort';
import { clusterPath } from './batches';
import { Engine, ResolvedOptions } from './options';

export interface OutputFile {
  /** Relative to the output folder, '/'-separated. */
  readonly path: string;
  readonly content: string;
}

/** The annotation with which each engine leaves an object alone when it prunes. */
export const PRUNE_OPT_OUT: Readonly<Record<Engine, readonly [string, string]>> = {
  flux: ['kustomize.toolkit.fluxcd.io/prune', 'disabled'],
  argocd: ['argocd.argoproj.io/sync-options', 'Prune=false'],
};

/** Same options as synth's writer, so unchanged objects print exactly as in dist/. */
const YAML_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;

export function clusterFolders(inv: Inventory, opts: ResolvedOptions): OutputFile[] {
  const out: OutputFile[] = [];
  const folder = (cluster: string) => clusterPath({ ...opts, pathPrefix: '' }, cluster);
  for (const [name, cluster] of inv.clusters) {
    for (const o of cluster.objects) {
      const manifest = o.manifest; // verified against its digest by the inventory
      const file = `${folder(name)}/${path.basename(o.entry.file)}`;
      const content = manifest.kind === 'Namespace' && manifest.apiVersion === 'v1'
        ? YAML.stringify(withPruneOptOut(manifest, opts.engine), YAML_OPTIONS)
        : fs.readFileSync(path.join(inv.dir, o.entry.file), 'utf8');
      out.push({ path: file, content });
    }
  }
  return out;
}

function withPruneOptOut(o: KubeObject, engine: Engine): KubeObject {
  const [key, value] = PRUNE_OPT_OUT[engine];
  const { name, namespace, labels, annotations, ...rest } = o.metadata;
  const merged = Object.fromEntries(Object.entries({ ...annotations, [key]: value }).sort(([a], [b]) => compareStrings(a, b)));
  // README's key order for metadata: name, namespace, labels, annotations.
  return { ...o, metadata: { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}), annotations: merged, ...rest } };
}
