import { FederationError } from '../errors';
import { ClusterSpec, effectiveLabels } from '../registry/types';
import { PlacementErrorCode as E } from './codes';
import { isDnsLabel } from '../k8s-names';
import { indexRegistry } from './select';
import { describeSelector, matchesSelector, validateSelector } from './selector';
import type { InventoryWave } from '../inventory/types';
import { WaveSpec } from './types';
import { isPlainObject, isPositiveInteger, list, show } from './util';
import { compareStrings } from '../kube/sort';

export const DEFAULT_MAX_PARALLEL = 1;
export const DEFAULT_HEALTH_TIMEOUT_SECONDS = 300;
export const DEFAULT_BAKE_TIME_SECONDS = 0;

function isPositiveFinite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0;
}

function isNonNegativeFinite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/**
 * Resolves rollout waves against the registry into the one wave type, InventoryWave (the
 * wave of federation.json; synth then leaves out clusters that receive nothing). A wave's clusters are the registry clusters
 * that are in its `clusters` list (if given) AND match its `selector` (if given), sorted by
 * name: the same rule as an app's placement selection. Waves keep their
 * declared order and get their defaults (maxParallel 1, healthTimeoutSeconds 300,
 * bakeTimeSeconds 0).
 *
 * Rules: wave names are unique DNS labels; every named cluster is registered; no cluster is
 * in two waves; no wave is empty (a wave with neither list nor selector, an empty list, or
 * a list and selector with no cluster in common is WAVE_EMPTY); every placed cluster is in
 * exactly one wave. Registry
 * clusters that are neither placed nor in any wave are fine; a wave may also hold clusters
 * on which nothing is placed.
 *
 * @param placed names of the clusters that something is placed on
 * @param where the federation's construct path or file, named in errors
 */
export function resolveWaves(registry: readonly ClusterSpec[], waves: readonly WaveSpec[], placed: readonly string[], where: string): InventoryWave[] {
  const known = indexRegistry(registry, where);
  const knownList = () => list([...known.keys()].sort(compareStrings));
  if (!Array.isArray(waves)) {
    throw new FederationError(E.WAVE_INVALID_SETTING, where, `waves must be a list, got ${show(waves)}`,
      'write e.g. waves: [{ name: "canary", selector: { matchLabels: { role: "canary" } } }, { name: "rest", ... }]');
  }
  const owner = new Map<string, string>(); // cluster -> wave name
  const names = new Set<string>();
  const out: InventoryWave[] = waves.map((w: WaveSpec, i: number) => {
    const at = `waves[${i}]`;
    if (!isPlainObject(w)) {
      throw new FederationError(E.WAVE_INVALID_SETTING, where, `${at} must be an object, got ${show(w)}`, 'write e.g. { name: "eu", clusters: ["eu-west-1a"] }');
    }
    if (!isDnsLabel(w.name)) {
      throw new FederationError(E.WAVE_INVALID_NAME, where, `${at}.name must be a DNS label (lower-case a-z, 0-9 and '-', at most 63 characters), got ${show(w.name)}`,
        'name waves e.g. "canary", "eu", "wave-2"');
    }
    if (names.has(w.name)) {
      throw new FederationError(E.WAVE_DUPLICATE_NAME, where, `wave name ${show(w.name)} is used twice (${at})`, 'give every wave a distinct name');
    }
    names.add(w.name);
    const label = `wave ${show(w.name)}`;
    const maxParallel = w.maxParallel ?? DEFAULT_MAX_PARALLEL;
    if (!isPositiveInteger(maxParallel)) {
      throw new FederationError(E.WAVE_INVALID_SETTING, where, `${label}: maxParallel must be a positive integer, got ${show(w.maxParallel)}`,
        'use maxParallel: 1 (one cluster at a time) or more');
    }
    const healthTimeoutSeconds = w.healthTimeoutSeconds ?? DEFAULT_HEALTH_TIMEOUT_SECONDS;
    if (!isPositiveFinite(healthTimeoutSeconds)) {
      throw new FederationError(E.WAVE_INVALID_SETTING, where, `${label}: healthTimeoutSeconds must be a positive number, got ${show(w.healthTimeoutSeconds)}`,
        `use e.g. healthTimeoutSeconds: ${DEFAULT_HEALTH_TIMEOUT_SECONDS}`);
    }
    const bakeTimeSeconds = w.bakeTimeSeconds ?? DEFAULT_BAKE_TIME_SECONDS;
    if (!isNonNegativeFinite(bakeTimeSeconds)) {
      throw new FederationError(E.WAVE_INVALID_SETTING, where, `${label}: bakeTimeSeconds must be a number >= 0, got ${show(w.bakeTimeSeconds)}`,
        'use e.g. bakeTimeSeconds: 600, or 0 for no bake time');
    }
    // Names and selector are ANDed, exactly as in an app's placement.
    let members: string[] = registry.map((c) => c.name);
    if (w.clusters !== undefined) {
      if (!Array.isArray(w.clusters)) {
        throw new FederationError(E.WAVE_INVALID_SETTING, where, `${label}: clusters must be a list of cluster names, got ${show(w.clusters)}`,
          'write e.g. clusters: ["eu-west-1a"]');
      }
      for (const n of w.clusters) {
        if (!known.has(n)) {
          throw new FederationError(E.WAVE_UNKNOWN_CLUSTER, where, `${label} names unknown cluster ${show(n)}; known clusters: ${knownList()}`,
            'fix the name, or register the cluster in the cluster registry');
        }
      }
      const named = new Set<string>(w.clusters);
      members = members.filter((n) => named.has(n));
    }
    if (w.selector !== undefined) {
      validateSelector(w.selector, where, `${at}.selector`);
      const selector = w.selector;
      members = members.filter((n) => matchesSelector(effectiveLabels(known.get(n)!), selector));
    }
    if (w.clusters === undefined && w.selector === undefined) members = [];
    if (members.length === 0) {
      const why = w.clusters === undefined && w.selector === undefined ? 'it names none and has no selector'
        : w.clusters === undefined ? `its selector ${describeSelector(w.selector!)} matches no registered cluster`
          : w.selector === undefined ? 'its cluster list is empty'
            : `no cluster is both in its list [${w.clusters.join(', ')}] and matched by its selector ${describeSelector(w.selector)} (names and selector are ANDed)`;
      throw new FederationError(E.WAVE_EMPTY, where, `${label} has no cluster: ${why}`,
        'give the wave clusters by name, a selector that matches registered clusters, or both (a cluster must then satisfy both), or remove the wave');
    }
    for (const n of members) {
      const prev = owner.get(n);
      if (prev !== undefined) {
        throw new FederationError(E.WAVE_OVERLAP, where, `cluster ${show(n)} is in two waves: ${show(prev)} and ${show(w.name)}`,
          `put each cluster in exactly one wave: narrow the selector of one wave (e.g. a NotIn expression) or remove the name`);
      }
      owner.set(n, w.name);
    }
    return { name: w.name, clusters: [...new Set(members)].sort(compareStrings), maxParallel, healthTimeoutSeconds, bakeTimeSeconds };
  });
  for (const p of placed) {
    if (!known.has(p)) {
      throw new FederationError(E.WAVE_UNKNOWN_CLUSTER, where, `placed cluster ${show(p)} is not in the registry; known clusters: ${knownList()}`,
        'place apps only on registered clusters');
    }
  }
  const missing = [...new Set(placed)].filter((p) => !owner.has(p)).sort(compareStrings);
  if (missing.length > 0) {
    throw new FederationError(E.WAVE_MISSING_CLUSTER, where,
      `placed cluster(s) ${missing.map((m) => show(m)).join(', ')} belong to no rollout wave${out.length > 0 ? ` (waves: ${out.map((w) => w.name).join(', ')})` : ''}`,
      `add ${missing.join(', ')} to a wave by name or selector, e.g. a last wave { name: "rest", clusters: [${missing.map((m) => JSON.stringify(m)).join(', ')}] }`);
  }
  return out;
}
