import { FederationError } from '../errors';
import { ClusterSpec, effectiveLabels } from '../registry/types';
import { PlacementErrorCode as E } from './codes';
import { describeSelector, matchesSelector, validateSelector } from './selector';
import { ClusterSelection } from './types';
import { byName, list, show } from './util';
import { compareStrings } from '../kube/sort';

/** Throws when two registry entries share a name; returns the registry indexed by name. */
export function indexRegistry(registry: readonly ClusterSpec[], where: string): Map<string, ClusterSpec> {
  const byNameMap = new Map<string, ClusterSpec>();
  for (const c of registry) {
    if (byNameMap.has(c.name)) {
      throw new FederationError(E.PLACEMENT_DUPLICATE_REGISTRY_CLUSTER, where, `the cluster registry holds two clusters named ${show(c.name)}`,
        'cluster names must be unique in the registry; rename or remove one of them');
    }
    byNameMap.set(c.name, c);
  }
  return byNameMap;
}

function checkNameList(names: unknown, field: string, known: Map<string, ClusterSpec>, unknownCode: string, where: string): readonly string[] {
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) {
    throw new FederationError(E.PLACEMENT_INVALID_SELECTION, where, `${field} must be a list of cluster names, got ${show(names)}`,
      'write e.g. ["eu-west-1a", "us-east-1a"]');
  }
  const seen = new Set<string>();
  for (const n of names as string[]) {
    if (seen.has(n)) {
      throw new FederationError(E.PLACEMENT_DUPLICATE_CLUSTER, where, `${field} lists cluster ${show(n)} twice`,
        'list each cluster once (a duplicate is often a typo for another cluster)');
    }
    seen.add(n);
    if (!known.has(n)) {
      throw new FederationError(unknownCode, where, `${field} names unknown cluster ${show(n)}; known clusters: ${list([...known.keys()].sort(compareStrings))}`,
        'fix the name, or register the cluster in the cluster registry (clusters.yaml)');
    }
  }
  return names as string[];
}

/**
 * The registry clusters an app is placed on, sorted by name. The name list (if any) and
 * the selector (if any, matched against effectiveLabels) are ANDed; `exclude` then removes
 * clusters. Unknown names in `clusters` or `exclude` are errors, and so is a selection
 * that matches no cluster (code PLACEMENT_EMPTY): placement never silently yields nothing.
 *
 * @param where construct path of the app, named in errors
 */
export function selectClusters(registry: readonly ClusterSpec[], selection: ClusterSelection | undefined, where: string): ClusterSpec[] {
  const known = indexRegistry(registry, where);
  const sel = selection ?? {};
  let out: ClusterSpec[] = [...registry];
  if (sel.clusters !== undefined) {
    const names = new Set(checkNameList(sel.clusters, 'selection.clusters', known, E.PLACEMENT_UNKNOWN_CLUSTER, where));
    out = out.filter((c) => names.has(c.name));
  }
  if (sel.selector !== undefined) {
    validateSelector(sel.selector, where, 'selection.selector');
    out = out.filter((c) => matchesSelector(effectiveLabels(c), sel.selector));
  }
  if (sel.exclude !== undefined) {
    const excluded = new Set(checkNameList(sel.exclude, 'selection.exclude', known, E.PLACEMENT_UNKNOWN_EXCLUDED_CLUSTER, where));
    out = out.filter((c) => !excluded.has(c.name));
  }
  out.sort(byName);
  if (out.length === 0) {
    const asked = [
      sel.clusters !== undefined ? `clusters [${sel.clusters.join(', ')}]` : 'all clusters',
      sel.selector !== undefined ? `matching selector ${describeSelector(sel.selector)}` : undefined,
      sel.exclude !== undefined && sel.exclude.length > 0 ? `excluding [${sel.exclude.join(', ')}]` : undefined,
    ].filter((s) => s !== undefined).join(' ');
    throw new FederationError(E.PLACEMENT_EMPTY, where, `selection matched no cluster: asked for ${asked}; the registry has ${registry.length} cluster(s): ${list([...known.keys()].sort(compareStrings))}`,
      'widen the selection: selectors see each cluster\'s labels plus region, zone, provider, jurisdiction and role; check names, selector values and exclude');
  }
  return out;
}
