/**
 * The inventory: dist/federation.json, the contract between synth (which writes it) and
 * plan, deploy, drift and gitops (which read only it and the manifests). The zod schema is
 * the single definition; the TypeScript types and the committed JSON Schema
 * (schema/federation.schema.json) derive from it.
 *
 * Naming: "inventory" is this file and its parts (InventoryDocument, InventoryWave,
 * InventoryClusterEntry, InventoryObjectEntry); "plan" means only `cdkfed plan` (lib/drift/plan.ts).
 * The file's `kind` stays `FederationPlan`: renaming it would change the format.
 *
 * Readers check a document against the generated schema-check.generated.ts (the same schema,
 * compiled: zod takes longer to load than a plan of an unchanged fleet spends on its work)
 * and load this file only to word an error.
 *
 * This file imports only zod and format.ts, so it sits below placement: placement's resolveWaves returns
 * InventoryWave, the one wave type (inventory/read.ts imports only errors and kube).
 */
import { z } from 'zod';
import { INVENTORY_API_VERSION, INVENTORY_KIND, SCHEMA_VERSION } from './format';

export { INVENTORY_API_VERSION, INVENTORY_FILE, INVENTORY_KIND, SCHEMA_VERSION } from './format';

const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).max(63);
const seconds = z.number().min(0);

export const inventoryObjectSchema = z.strictObject({
  apiVersion: z.string().min(1).describe('apiVersion of the object, e.g. apps/v1'),
  kind: z.string().min(1).describe('kind of the object, e.g. Deployment'),
  namespace: z.string().min(1).optional().describe('absent for cluster-scoped objects'),
  name: z.string().min(1).describe('metadata.name of the object'),
  file: z.string().min(1).describe('path of the manifest, relative to dist/'),
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/).describe('sha256 of the canonical JSON (sorted keys) of the manifest'),
  fileDigest: z.string().regex(/^sha256:[0-9a-f]{64}$/).describe('sha256 of the bytes of the manifest file, exactly as synth wrote it'),
  app: z.string().min(1).optional().describe('the FederatedApp or FederatedResource the object belongs to; absent for shared objects such as Namespaces'),
  residency: z.string().min(1).optional().describe('jurisdiction of the app: the object may only go to a cluster of this jurisdiction'),
});

export const inventoryClusterSchema = z.strictObject({
  name: dnsLabel.describe('cluster name from the registry; also the folder dist/<name>/'),
  context: z.string().min(1).describe('kubeconfig context'),
  kubeconfig: z.string().min(1).optional().describe('kubeconfig file as the registry gave it; absent: $KUBECONFIG or ~/.kube/config'),
  region: z.string().min(1).describe('region of the cluster, from the registry'),
  jurisdiction: z.string().min(1).describe('data-residency jurisdiction of the cluster, from the registry'),
  role: z.enum(['primary', 'standby', 'canary']).describe('role of the cluster, from the registry'),
  wave: dnsLabel.describe('name of the rollout wave the cluster is in; one of waves[].name'),
  objects: z.array(inventoryObjectSchema).describe('in apply order'),
});

export const inventoryWaveSchema = z.strictObject({
  name: dnsLabel.describe('wave name, unique'),
  clusters: z.array(dnsLabel).describe('the clusters of the wave that receive objects (each one described in clusters[]), sorted by name; empty when none of the wave\'s clusters receives objects'),
  maxParallel: z.number().int().min(1).describe('clusters of the wave applied at once'),
  healthTimeoutSeconds: seconds.describe('how long each cluster may take to become healthy, in seconds; also how long an object may take to settle after the bake, and a rolled-back cluster to become healthy again'),
  bakeTimeSeconds: seconds.describe('wait after the wave is healthy before the next wave starts, in seconds'),
});

export const applySetSchema = z.strictObject({
  id: z.string().regex(/^applyset-[A-Za-z0-9_-]+-v1$/).describe('KEP-3659 id; every object carries it as label applyset.kubernetes.io/part-of'),
  parent: z.strictObject({
    kind: z.literal('Secret').describe('kind of the parent object: always Secret'),
    namespace: dnsLabel.describe('namespace of the parent object: cdk-federation-system'),
    name: z.string().min(1).describe('name of the parent object: applyset-<federation>'),
  })
    .describe('the ApplySet parent object, one per cluster, holding the ApplySet annotations'),
});

export const ignoreDifferenceSchema = z.strictObject({
  kind: z.string().min(1).describe('kind of the objects the rule applies to, e.g. Deployment'),
  name: z.string().min(1).optional().describe('only the object of this name; absent: every object of the kind'),
  namespace: z.string().min(1).optional().describe('only objects in this namespace; absent: any'),
  app: z.string().min(1).optional().describe('only objects of this FederatedApp (label cdk-federation.io/app); absent: any'),
  jsonPointers: z.array(z.string().min(1)).min(1).describe('fields drift ignores: JSON pointers (/spec/replicas) or field paths (.spec.replicas); a list item by its name or *'),
  clusters: z.array(dnsLabel).optional().describe('only in these clusters; absent: every cluster'),
  reason: z.string().min(1).optional().describe('why, shown in drift reports'),
});

export const inventoryDocumentSchema = z.strictObject({
  apiVersion: z.literal(INVENTORY_API_VERSION).describe('always cdk-federation.io/v1alpha1'),
  kind: z.literal(INVENTORY_KIND).describe('always FederationPlan'),
  schemaVersion: z.literal(SCHEMA_VERSION).describe('version of this file format; a reader refuses a version it does not know'),
  federation: dnsLabel.describe('the Federation construct id'),
  applySet: applySetSchema.describe('the KEP-3659 ApplySet every object belongs to (same id in every cluster)'),
  waves: z.array(inventoryWaveSchema).describe('in rollout order'),
  clusters: z.array(inventoryClusterSchema).describe('sorted by name'),
  ignoreDifferences: z.array(ignoreDifferenceSchema).optional().describe('fields `cdkfed drift` ignores (like Argo CD ignoreDifferences); absent: only the built-in rule (spec.replicas of a workload an HPA scales)'),
});

/** One object of a cluster as federation.json lists it (InventoryObject in read.ts adds the parsed manifest). */
export type InventoryObjectEntry = z.infer<typeof inventoryObjectSchema>;
/** One cluster as federation.json describes it (InventoryCluster in read.ts adds its objects, read and checked). */
export type InventoryClusterEntry = z.infer<typeof inventoryClusterSchema>;
/**
 * One rollout wave: the one definition of a wave (see lib/inventory/wave.ts for what its
 * timeouts govern). Federation maps WaveProps to it in one place (Federation.inventoryWaves);
 * placement's resolveWaves, the synth model, deploy's schedule, plan, gitops and the deploy
 * preview all use this type.
 */
export type InventoryWave = z.infer<typeof inventoryWaveSchema>;
/** The whole of dist/federation.json. */
export type InventoryDocument = z.infer<typeof inventoryDocumentSchema>;
export type IgnoreDifference = z.infer<typeof ignoreDifferenceSchema>;

/** @deprecated use InventoryObjectEntry */
export type PlanObject = InventoryObjectEntry;
/** @deprecated use InventoryClusterEntry */
export type PlanCluster = InventoryClusterEntry;
/** @deprecated use InventoryWave */
export type PlanWave = InventoryWave;
/** @deprecated use InventoryDocument */
export type FederationPlan = InventoryDocument;

/** The JSON Schema of federation.json, generated from the zod schema. */
export function inventoryJsonSchema(): object {
  return {
    ...z.toJSONSchema(inventoryDocumentSchema, { target: 'draft-2020-12' }),
    $id: 'https://cdk-federation.io/schemas/federation.schema.json',
    title: 'cdk-federation dist/federation.json',
  };
}
