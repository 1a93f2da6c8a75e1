import { FederationError } from '../errors';
import { ClusterSpec } from '../registry/types';
import { PlacementErrorCode as E } from './codes';
import { byName, show } from './util';

/**
 * Enforces data residency: every given cluster must have `jurisdiction === residency`.
 * Violating clusters are never filtered out silently; they are all named in one
 * RESIDENCY_VIOLATION error with their jurisdictions, and the hint shows how to select
 * only compliant clusters.
 */
export function checkResidency(clusters: readonly ClusterSpec[], residency: string, where: string): void {
  if (typeof residency !== 'string' || residency.length === 0) {
    throw new FederationError(E.RESIDENCY_INVALID, where, `residency must be a non-empty jurisdiction such as "eu", got ${show(residency)}`,
      'set residency to the jurisdiction the app\'s data must stay in, or omit it');
  }
  const bad = clusters.filter((c) => c.jurisdiction !== residency).sort(byName);
  if (bad.length === 0) return;
  const what = bad.map((c) => `${show(c.name)} (jurisdiction ${show(c.jurisdiction)})`).join(', ');
  throw new FederationError(E.RESIDENCY_VIOLATION, where,
    `residency ${show(residency)} requires every placed cluster to have jurisdiction ${show(residency)}, but the placement includes ${what}`,
    `select only clusters with jurisdiction ${residency}, e.g. selection.selector: { matchLabels: { jurisdiction: ${JSON.stringify(residency)} } }, or exclude ${bad.map((c) => c.name).join(', ')}`);
}
