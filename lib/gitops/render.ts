/**
 * `cdkfed gitops`: dist/ (read and verified like deploy reads it: schema, digests, data
 * residency) rendered as a GitOps repository folder for Flux or Argo CD:
 *
 *   <out>/gitops.json                  what was rendered, and where each wave's clusters read from
 *   <out>/clusters/<cluster>/*.yaml    what the engine applies to the cluster
 *   <out>/flux/ or <out>/argocd/       the engine's objects, for the hub (kustomization.yaml lists them)
 *
 * Pure but for reading dist/: same input, byte-identical files. Never a credential: remote
 * clusters are reached through kubeconfig Secrets referenced by name.
 */
import * as YAML from 'yaml';
import { FederationError } from '../errors';
import { Inventory } from '../inventory/read';
import { INVENTORY_API_VERSION, INVENTORY_FILE } from '../inventory/format';
import { compareStrings } from '../kube/sort';
import { stableJson } from '../kube/digest';
import { argoApplications, argoApplicationSet, applicationName } from './argocd';
import { batchesOf, clusterPath, sourceBranch, sourceName } from './batches';
import { clusterFolders, OutputFile } from './cluster-folders';
import { fluxObjects, kustomizationName } from './flux';
import { GitopsOptions, resolveOptions, ResolvedOptions } from './options';
import { GITOPS_FILE, GITOPS_KIND, GitopsSummary } from './summary';

export { GITOPS_FILE };

/** Top-level entries of the output folder; anything else there is not ours. */
export const GITOPS_ENTRIES = ['argocd', 'clusters', 'flux', GITOPS_FILE] as const;

const YAML_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;
const yaml = (docs: readonly object[]) => docs.map((d) => YAML.stringify(d, YAML_OPTIONS)).join('---\n');

/** Labels and names carry `<federation>.<cluster>`; Kubernetes caps label values at 63 characters. */
const MAX_NAME = 63;

export function renderGitops(inv: Inventory, options: GitopsOptions): OutputFile[] {
  const opts = resolveOptions(options);
  check(inv, opts);
  const batches = batchesOf(inv.waves);
  const fed = inv.document.federation;
  const engineFiles: OutputFile[] = [];
  const dir = opts.engine;
  if (opts.engine === 'flux') {
    const { sources, kustomizations } = fluxObjects(inv, batches, opts);
    engineFiles.push({ path: `${dir}/sources.yaml`, content: yaml(sources) });
    for (const [cluster, k] of kustomizations) engineFiles.push({ path: `${dir}/${cluster}.yaml`, content: yaml([k]) });
  } else if (opts.argocdMode === 'applicationset') {
    engineFiles.push({ path: `${dir}/applicationset.yaml`, content: yaml([argoApplicationSet(inv, batches, opts)]) });
  } else {
    for (const [cluster, a] of argoApplications(inv, batches, opts)) engineFiles.push({ path: `${dir}/${cluster}.yaml`, content: yaml([a]) });
  }
  engineFiles.sort((a, b) => compareStrings(a.path, b.path));
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: engineFiles.map((f) => f.path.slice(dir.length + 1)),
  };
  const summary: GitopsSummary = {
    apiVersion: INVENTORY_API_VERSION,
    kind: GITOPS_KIND,
    federation: fed,
    engine: opts.engine,
    promotion: opts.promotion,
    ref: opts.ref,
    pathPrefix: opts.pathPrefix,
    namespace: opts.namespace,
    ...(opts.hub !== undefined ? { hub: opts.hub } : {}),
    waves: inv.waves.map((w) => ({
      name: w.name,
      healthTimeoutSeconds: w.healthTimeoutSeconds,
      bakeTimeSeconds: w.bakeTimeSeconds,
      batches: batches.filter((b) => b.wave.name === w.name).map((b) => ({ index: b.index, branch: sourceBranch(fed, b, opts), clusters: [...b.clusters], ...(opts.engine === 'flux' ? { source: sourceName(fed, b, opts) } : {}) })),
    })),
    clusters: [...inv.clusters.values()].map((c) => ({
      name: c.spec.name,
      wave: c.spec.wave,
      path: clusterPath(opts, c.spec.name),
      engineObject: opts.engine === 'flux' ? `Kustomization ${opts.namespace}/${kustomizationName(fed, c.spec.name)}` : `Application ${opts.namespace}/${applicationName(fed, c.spec.name)}`,
      engineObjectName: opts.engine === 'flux' ? kustomizationName(fed, c.spec.name) : applicationName(fed, c.spec.name),
      digest: c.digest,
      objects: c.spec.objects.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, ...(o.namespace ? { namespace: o.namespace } : {}), name: o.name })),
    })),
  };
  const files = [
    { path: GITOPS_FILE, content: stableJson(summary) },
    ...clusterFolders(inv, opts),
    ...engineFiles,
    { path: `${dir}/kustomization.yaml`, content: yaml([kustomization]) },
  ];
  return files.sort((a, b) => compareStrings(a.path, b.path));
}

function check(inv: Inventory, opts: ResolvedOptions): void {
  const file = `${inv.dir}/${INVENTORY_FILE}`;
  if (opts.hub !== undefined && !inv.clusters.has(opts.hub)) {
    throw new FederationError('INVALID_FLAG', 'cdkfed gitops', `--hub "${opts.hub}" is not a cluster of ${file}`, `give one of: ${[...inv.clusters.keys()].join(', ') || '(none)'}`);
  }
  if (opts.promotion === 'engine' && !opts.ignoreBakeTime) {
    const baked = inv.waves.find((w) => w.bakeTimeSeconds > 0 && w.clusters.length > 0);
    if (baked) {
      throw new FederationError('GITOPS_BAKE_UNSUPPORTED', file, `wave "${baked.name}" has a bake time of ${baked.bakeTimeSeconds}s, which ${opts.engine === 'flux' ? 'Flux' : 'Argo CD'} cannot wait for: the next wave would start as soon as this one is healthy`,
        'use --promotion cdkfed (`cdkfed gitops promote` bakes each wave), or accept it with --ignore-bake-time');
    }
  }
  for (const name of inv.clusters.keys()) {
    const objectName = `${inv.document.federation}.${name}`;
    if (objectName.length > MAX_NAME) {
      throw new FederationError('GITOPS_NAME_TOO_LONG', file, `the engine object of cluster "${name}" would be named "${objectName}" (${objectName.length} characters); the engine writes it into a label value, which Kubernetes caps at ${MAX_NAME}`,
        'shorten the federation id or the cluster name');
    }
  }
}
