/**
 * What the engine reports about one cluster, read from its object on the hub (Flux: the
 * Kustomization's status). Reading only; `requestReconcile` asks the engine to look now
 * instead of at its next interval, as `flux reconcile` does (the requestedAt annotation).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- a Kustomization's status is read as live JSON of a CRD we do not type */
import { ClusterClient, KubeApiError } from '../cluster/client';
import { FLUX_KUSTOMIZATION_API, FLUX_SOURCE_API } from './flux';

export interface EngineStatus {
  /** `Kustomization flux-system/shop.eu-1`. */
  readonly object: string;
  readonly exists: boolean;
  /** The engine has seen the object's latest spec. */
  readonly observed: boolean;
  readonly ready: 'True' | 'False' | 'Unknown';
  readonly reason?: string;
  readonly message?: string;
  /** Commit the engine last applied successfully, and the one it last tried. */
  readonly appliedCommit?: string;
  readonly attemptedCommit?: string;
  /** Objects the engine applied, as `<namespace>_<name>_<group>_<kind>` (Flux's inventory ids). */
  readonly inventory?: readonly string[];
}

/** `cdkfed/shop/eu/1@sha1:0a1b…` → `0a1b…` (Flux's revision format). */
export function commitOfRevision(revision: unknown): string | undefined {
  if (typeof revision !== 'string' || revision === '') return undefined;
  const at = revision.lastIndexOf('@');
  const digest = at >= 0 ? revision.slice(at + 1) : revision;
  const colon = digest.indexOf(':');
  return colon >= 0 ? digest.slice(colon + 1) : digest;
}

/** The status of a Flux Kustomization as data. */
export function fluxStatus(object: string, k: any | undefined): EngineStatus {
  if (!k) return { object, exists: false, observed: false, ready: 'Unknown', message: `${object} does not exist on the hub` };
  const ready = (k.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
  return {
    object,
    exists: true,
    observed: k.status?.observedGeneration === k.metadata?.generation,
    ready: ready?.status === 'True' || ready?.status === 'False' ? ready.status : 'Unknown',
    ...(ready?.reason ? { reason: ready.reason } : {}),
    ...(ready?.message ? { message: ready.message } : {}),
    ...(commitOfRevision(k.status?.lastAppliedRevision) ? { appliedCommit: commitOfRevision(k.status?.lastAppliedRevision) } : {}),
    ...(commitOfRevision(k.status?.lastAttemptedRevision) ? { attemptedCommit: commitOfRevision(k.status?.lastAttemptedRevision) } : {}),
    ...(Array.isArray(k.status?.inventory?.entries) ? { inventory: k.status.inventory.entries.map((e: any) => String(e.id)).sort() } : {}),
  };
}

export async function readKustomization(hub: ClusterClient, namespace: string, name: string): Promise<EngineStatus> {
  return fluxStatus(`Kustomization ${namespace}/${name}`, await hub.get(FLUX_KUSTOMIZATION_API, 'Kustomization', namespace, name));
}

const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';

/** Asks Flux to reconcile a GitRepository or Kustomization now; a missing object is left alone (the wait reports it). */
export async function requestReconcile(hub: ClusterClient, kind: 'GitRepository' | 'Kustomization', namespace: string, name: string, at: Date): Promise<void> {
  const apiVersion = kind === 'GitRepository' ? FLUX_SOURCE_API : FLUX_KUSTOMIZATION_API;
  try {
    await hub.request('PATCH', await hub.pathOf(apiVersion, kind, namespace, name), { metadata: { annotations: { [REQUESTED_AT]: at.toISOString() } } },
      { fieldManager: 'cdkfed-promote' }, 'application/merge-patch+json');
  } catch (e) {
    if (!(e instanceof KubeApiError && e.status === 404)) throw e;
  }
}

/** Flux's inventory id of an object: `<namespace>_<name>_<group>_<kind>`. */
export function inventoryId(o: { apiVersion: string; kind: string; namespace?: string; name: string }): string {
  const slash = o.apiVersion.indexOf('/');
  return `${o.namespace ?? ''}_${o.name}_${slash >= 0 ? o.apiVersion.slice(0, slash) : ''}_${o.kind}`;
}
