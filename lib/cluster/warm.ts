import { apiGroup } from '../kube/object';
import type { ClusterClient } from './client';

/** What discovery needs of an object: its apiVersion and kind, and (for a CRD) its name. */
export interface DiscoveredObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}

/**
 * Starts the discovery of every group version `objects` use, all at once: reads only, whose
 * answers the client keeps, so the LISTs, GETs and checks that follow find them cached
 * instead of waiting for them one by one. Group versions that a CRD among `objects` defines
 * are left out: not served yet, and read when they are. A failure is left to whoever reads
 * that group version next (no rejection escapes).
 */
export function warmDiscovery(client: ClusterClient, objects: readonly DiscoveredObject[]): void {
  // A CRD is named <plural>.<group>.
  const defined = new Set(objects.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.name.slice(o.name.indexOf('.') + 1)));
  const versions = new Map<string, string>();
  for (const o of objects) if (!defined.has(apiGroup(o.apiVersion)) && !versions.has(o.apiVersion)) versions.set(o.apiVersion, o.kind);
  for (const [apiVersion, kind] of versions) client.serves(apiVersion, kind).catch(() => undefined);
}
