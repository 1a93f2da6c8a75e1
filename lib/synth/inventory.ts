import { contentDigest } from '../kube/digest';
import { objectKey } from '../kube/object';
import { manifestFileName } from '../kube/order';
import { applySetId, applySetParent } from '../kube/ownership';
import { FederationError } from '../errors';
import { inventoryDocumentSchema, InventoryClusterEntry, InventoryDocument, INVENTORY_API_VERSION, INVENTORY_KIND, SCHEMA_VERSION } from '../inventory/types';
import { ClusterManifests, FederationOutline } from './model';


/**
 * dist/federation.json: everything `cdkfed plan|deploy|drift` needs besides the manifests
 * themselves: which clusters, how to reach them, in which waves, the ApplySet, and each
 * cluster's inventory with digests and each object's app and residency.
 */
export function buildInventory(outline: FederationOutline, clusters: readonly InventoryClusterEntry[]): InventoryDocument {
  const parent = applySetParent(outline.name);
  return {
    apiVersion: INVENTORY_API_VERSION,
    kind: INVENTORY_KIND,
    schemaVersion: SCHEMA_VERSION,
    federation: outline.name,
    applySet: { id: applySetId(parent), parent },
    waves: outline.waves.map((w) => ({ ...w, clusters: [...w.clusters] })),
    clusters: [...clusters],
    ...(outline.ignoreDifferences?.length ? { ignoreDifferences: outline.ignoreDifferences.map((r) => ({ ...r })) } : {}),
  };
}

/**
 * One cluster's entry of federation.json: how to reach it, its wave, its inventory with
 * digests. `fileDigests[i]` is the digest of the bytes written for `objects[i]` (fileDigest).
 */
export function inventoryEntry({ cluster, wave, objects, origins }: ClusterManifests, fileDigests: readonly string[]): InventoryClusterEntry {
  return {
    name: cluster.name,
    context: cluster.context,
    ...(cluster.kubeconfig ? { kubeconfig: cluster.kubeconfig } : {}),
    region: cluster.region,
    jurisdiction: cluster.jurisdiction,
    role: cluster.role,
    wave,
    objects: objects.map((o, i) => {
      const origin = origins?.get(objectKey(o));
      return {
        apiVersion: o.apiVersion,
        kind: o.kind,
        ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
        name: o.metadata.name,
        file: `${cluster.name}/${manifestFileName(o)}`,
        digest: contentDigest(o),
        fileDigest: fileDigests[i],
        ...(origin?.app ? { app: origin.app } : {}),
        ...(origin?.residency ? { residency: origin.residency } : {}),
      };
    }),
  };
}

/**
 * Checks a plan before it is written: it must parse with the federation.json schema, and
 * the waves and clusters must agree (every wave cluster is described in clusters[], every
 * described cluster is in exactly one wave, the one its `wave` names). A failure is a bug
 * in synth, never written to dist/. Returns the plan.
 */
export function checkInventory(plan: InventoryDocument, where: string): InventoryDocument {
  const bug = (what: string) => new FederationError('PLAN_INVALID', where, `federation.json would be invalid: ${what}`,
    'this is a bug in cdk-federation, not in your app; please report it with the app that triggers it');
  const parsed = inventoryDocumentSchema.safeParse(plan);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw bug(`${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  const described = new Set(plan.clusters.map((c) => c.name));
  const waveOf = new Map<string, string>();
  for (const w of plan.waves) {
    for (const c of w.clusters) {
      if (!described.has(c)) throw bug(`wave "${w.name}" lists cluster "${c}", which clusters[] does not describe`);
      if (waveOf.has(c)) throw bug(`cluster "${c}" is in waves "${waveOf.get(c)}" and "${w.name}"`);
      waveOf.set(c, w.name);
    }
  }
  for (const c of plan.clusters) {
    if (waveOf.get(c.name) !== c.wave) throw bug(`cluster "${c.name}" names wave "${c.wave}", but ${waveOf.has(c.name) ? `is listed in wave "${waveOf.get(c.name)}"` : 'no wave lists it'}`);
  }
  return plan;
}
