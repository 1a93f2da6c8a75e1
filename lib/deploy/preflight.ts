/**
 * The read-only checks of one cluster before its wave writes anything: it answers, serves
 * every kind of the set, no object's scope is ambiguous, no pull-based engine applies the
 * set; and what the writes after need to know: whether the records' namespace exists, the
 * Lease as it is and, when nobody holds it, the records and the objects' health (a
 * snapshot). Reads only, so `cdkfed deploy` starts them for its first wave while dist/'s
 * files are still being verified.
 */
import { FederationError } from '../errors';
import { entryTargets } from '../inventory/read';
import type { InventoryOutline } from '../inventory/read';
import { apiGroup, describeRef, KubeObject, refOf } from '../kube/object';
import { crdScopes } from '../kube/scope';
import type { ApplySetRef } from '../cluster/applyset';
import type { ClusterClient } from '../cluster/client';
import { isFreeLease, leaseVersion, readLease } from '../cluster/lease';
import { hasSystemNamespace, listRevisions, RevisionRecord } from '../cluster/revisions';
import { ObjectSet } from '../cluster/set';
import { checkHealth, ObjectHealth } from '../cluster/wait';

/** A cluster that passed its preflight. */
export interface Preflight {
  /** Whether the namespace of our records and leases exists. */
  readonly systemNamespace: boolean;
  /** The deploy Lease as read with the checks (undefined: none yet), for acquireLease to start from. */
  readonly lease: Promise<unknown>;
  /** The records and health read once the Lease was found free; undefined if it was not, or a read failed. */
  readonly snapshot: Promise<ClusterSnapshot | undefined>;
}

/**
 * A cluster's revision records and its objects' health, read after its Lease was found free.
 * They show the cluster as it is while the Lease stays at `leaseVersion`: the rollout uses
 * them only if it then finds the Lease unchanged, or takes it by one write at that version.
 */
export interface ClusterSnapshot {
  readonly leaseVersion: string;
  readonly records: readonly RevisionRecord[];
  /** Per object, in the order of the objects given to the preflight. */
  readonly health: readonly ObjectHealth[];
}

/**
 * The preflight of one cluster given its objects by identity (the CRDs of the set parsed:
 * `identities`). Every read is sent at once (discovery is shared); throws the first failure
 * in the order: kinds served (discovery, which also proves the server answers and takes our
 * credentials), scopes, engine, records' namespace. A Lease read means the namespace exists,
 * so it is read only when there is none.
 */
export async function preflightCluster(client: ClusterClient, federation: string, applySet: ApplySetRef, objects: readonly KubeObject[]): Promise<Preflight> {
  const set = new ObjectSet(client, federation, applySet);
  const lease = readLease(client, federation);
  const systemNamespace = lease.then((l) => l !== undefined || hasSystemNamespace(client), () => hasSystemNamespace(client));
  lease.catch(() => undefined); // a failed read is acquireLease's to report, after the checks
  // Sent only once the Lease is seen free, so they are served after that read (see ClusterSnapshot).
  const snapshot = lease.then(async (l): Promise<ClusterSnapshot | undefined> => {
    if (!isFreeLease(l)) return undefined;
    const [records, health] = await Promise.all([listRevisions(client, federation), checkHealth(client, objects)]);
    return { leaseVersion: leaseVersion(l)!, records, health };
  }).catch(() => undefined); // read again (and any failure reported) by the deploy of the cluster
  await firstFailure([
    checkKindsServed(client, objects),
    set.checkScopes(objects),
    set.checkNoEngine(objects),
    systemNamespace,
  ]);
  return { systemNamespace: await systemNamespace, lease, snapshot };
}

/**
 * The preflight of a cluster of the first wave, started before dist/'s files are verified:
 * its objects by their entries' identities. Undefined for a cluster whose set holds a CRD,
 * since checking the kinds it defines needs its manifest, parsed only once verified.
 */
export function earlyPreflight(outline: InventoryOutline, name: string, client: ClusterClient): Promise<Preflight> | undefined {
  const spec = outline.clusters.get(name)!.spec;
  if (spec.objects.some((o) => o.kind === 'CustomResourceDefinition')) return undefined;
  const p = preflightCluster(client, outline.document.federation, outline.document.applySet, entryTargets(outline, name));
  p.catch(() => undefined); // reported by the wave's preflight, which awaits it
  return p;
}

/** Waits for every promise to settle; throws the reason of the first one, in the order given, that failed. */
async function firstFailure(all: ReadonlyArray<Promise<unknown>>): Promise<void> {
  const failed = (await Promise.allSettled(all)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Every kind of the set is served by the cluster or defined by a CRD of the same set. */
async function checkKindsServed(client: ClusterClient, objects: readonly KubeObject[]): Promise<void> {
  const defined = crdScopes(objects);
  const kinds = new Map<string, KubeObject>();
  for (const m of objects) {
    const key = `${m.apiVersion}/${m.kind}`;
    if (!kinds.has(key) && !defined.has(`${apiGroup(m.apiVersion)}/${m.kind}`)) kinds.set(key, m);
  }
  // Every group version's discovery at once; the first kind not served (in apply order) is the one reported.
  const needed = [...kinds.values()];
  const served = await Promise.all(needed.map((m) => client.serves(m.apiVersion, m.kind)));
  for (const [i, m] of needed.entries()) {
    if (!served[i]) {
      throw new FederationError('KIND_NOT_SERVED', `cluster ${client.name}`, `the API server does not serve ${m.kind} in ${m.apiVersion} (needed by ${describeRef(refOf(m))})`,
        'install the CRD (or API) that defines it on this cluster, or add the CRD to the federation so it is applied first');
    }
  }
}
