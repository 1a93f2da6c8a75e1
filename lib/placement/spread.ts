import { FederationError } from '../errors';
import { ClusterRole, ClusterSpec, effectiveLabels } from '../registry/types';
import { PlacementErrorCode as E } from './codes';
import { isLabelKey } from '../k8s-names';
import { SpreadConstraint } from './types';
import { byName, hasOwn, isNonNegativeInteger, isPlainObject, show } from './util';
import { compareStrings } from '../kube/sort';

/** The topology key of a spread constraint that gives none. */
export const DEFAULT_TOPOLOGY_KEY = 'region';

const ROLE_RANK: Readonly<Record<ClusterRole, number>> = { primary: 0, canary: 1, standby: 2 };

/**
 * The order in which maxPerDomain keeps clusters of a domain (the first N are kept):
 *
 * 1. role: `primary` before `canary` before `standby`. Primaries carry the app's traffic;
 *    a canary is an early-rollout cluster that also serves, but is the first to go when
 *    the domain is over its limit; a standby is passive (it gets `standbyReplicas`, 0 by
 *    default), so it never displaces a serving cluster.
 * 2. capacity, larger first: the kept clusters can hold the most.
 * 3. name, in code-point order: a stable tie-break, so the same input always keeps the
 *    same clusters.
 */
export function compareForSpread(a: ClusterSpec, b: ClusterSpec): number {
  return (ROLE_RANK[a.role] ?? 3) - (ROLE_RANK[b.role] ?? 3) || b.capacity - a.capacity || compareStrings(a.name, b.name);
}

/** Checks spread constraints: a list of objects with a valid topologyKey, non-negative integer min, max >= 1, min <= max. */
export function validateSpread(spread: readonly SpreadConstraint[], where: string): void {
  if (!Array.isArray(spread)) {
    throw new FederationError(E.SPREAD_INVALID, where, `spread must be a list of constraints, got ${show(spread)}`,
      'write e.g. spread: [{ topologyKey: "region", maxPerDomain: 2 }]');
  }
  spread.forEach((c: SpreadConstraint, i: number) => {
    const at = `spread[${i}]`;
    if (!isPlainObject(c)) {
      throw new FederationError(E.SPREAD_INVALID, where, `${at} must be an object, got ${show(c)}`,
        'write e.g. { topologyKey: "region", minPerDomain: 1, maxPerDomain: 2 }');
    }
    if (c.topologyKey !== undefined && !isLabelKey(c.topologyKey)) {
      throw new FederationError(E.SPREAD_INVALID, where, `${at}.topologyKey is not a valid label key: ${show(c.topologyKey)}`,
        'use an effective-label key such as "region", "zone", "provider" or "jurisdiction"');
    }
    if (c.minPerDomain !== undefined && !isNonNegativeInteger(c.minPerDomain)) {
      throw new FederationError(E.SPREAD_INVALID, where, `${at}.minPerDomain must be a non-negative integer, got ${show(c.minPerDomain)}`,
        'use e.g. minPerDomain: 2, or omit it for no minimum');
    }
    if (c.maxPerDomain !== undefined && !isNonNegativeInteger(c.maxPerDomain)) {
      throw new FederationError(E.SPREAD_INVALID, where, `${at}.maxPerDomain must be a non-negative integer, got ${show(c.maxPerDomain)}`,
        'use e.g. maxPerDomain: 1, or omit it for no maximum');
    }
    if (c.maxPerDomain === 0) {
      throw new FederationError(E.SPREAD_INVALID, where, `${at}.maxPerDomain is 0, which would remove every selected cluster`,
        'use maxPerDomain >= 1; to keep an app out of clusters use selection.selector or selection.exclude');
    }
    if (c.minPerDomain !== undefined && c.maxPerDomain !== undefined && c.minPerDomain > c.maxPerDomain) {
      throw new FederationError(E.SPREAD_INVALID, where, `${at}.minPerDomain (${c.minPerDomain}) is greater than maxPerDomain (${c.maxPerDomain})`,
        'make minPerDomain <= maxPerDomain');
    }
  });
}

/**
 * Applies spread constraints to selected clusters, in declared order (each constraint sees
 * what the previous ones kept), and returns the kept clusters sorted by name.
 *
 * A domain is one value of the constraint's topology key (default 'region') among the
 * clusters' effective labels. A selected cluster without that key is an error (it is never
 * dropped silently). Per domain: with maxPerDomain, the first N clusters in
 * {@link compareForSpread} order are kept; with minPerDomain, a domain that has selected
 * clusters but fewer than the minimum is an error naming the domain, its count and the
 * minimum. Domains with no selected cluster are not considered.
 */
export function applySpread(clusters: readonly ClusterSpec[], spread: readonly SpreadConstraint[], where: string): ClusterSpec[] {
  validateSpread(spread, where);
  let current = [...clusters].sort(byName);
  spread.forEach((c, i) => {
    const key = c.topologyKey ?? DEFAULT_TOPOLOGY_KEY;
    const domains = new Map<string, ClusterSpec[]>();
    for (const cluster of current) {
      const labels = effectiveLabels(cluster);
      if (!hasOwn(labels, key)) {
        throw new FederationError(E.SPREAD_KEY_MISSING, where, `spread[${i}] spreads over ${show(key)}, but selected cluster ${show(cluster.name)} has no ${show(key)} label`,
          `give cluster ${cluster.name} a ${key} (label or field) in the registry, or exclude it from the selection`);
      }
      const d = labels[key];
      const members = domains.get(d) ?? [];
      members.push(cluster);
      domains.set(d, members);
    }
    const kept = new Set<string>();
    for (const domain of [...domains.keys()].sort(compareStrings)) {
      const members = domains.get(domain)!;
      if (c.minPerDomain !== undefined && members.length < c.minPerDomain) {
        throw new FederationError(E.SPREAD_MIN_NOT_MET, where,
          `spread[${i}] needs at least ${c.minPerDomain} cluster(s) per ${key}, but ${key}=${domain} has ${members.length} selected (${members.map((m) => m.name).sort(compareStrings).join(', ')})`,
          `select more clusters with ${key}=${domain}, lower minPerDomain, or leave ${key}=${domain} out of the selection`);
      }
      const ranked = [...members].sort(compareForSpread);
      const n = c.maxPerDomain === undefined ? ranked.length : Math.min(c.maxPerDomain, ranked.length);
      for (const m of ranked.slice(0, n)) kept.add(m.name);
    }
    current = current.filter((cl) => kept.has(cl.name));
  });
  return current;
}
