/**
 * gitops.json: what `cdkfed gitops` rendered, read back by `promote` and `status` from the
 * GitOps repository (they need neither dist/ nor the app): the engine, where each batch of
 * each wave reads from, and which engine object applies each cluster.
 */
import { z } from 'zod';
import { FederationError } from '../errors';
import { INVENTORY_API_VERSION, inventoryWaveSchema } from '../inventory/types';

export const GITOPS_FILE = 'gitops.json';
export const GITOPS_KIND = 'GitOpsOutput';

export const gitopsSummarySchema = z.strictObject({
  apiVersion: z.literal(INVENTORY_API_VERSION),
  kind: z.literal(GITOPS_KIND),
  federation: z.string().min(1),
  engine: z.enum(['flux', 'argocd']),
  promotion: z.enum(['cdkfed', 'engine']),
  ref: z.string().min(1),
  pathPrefix: z.string(),
  namespace: z.string().min(1),
  hub: z.string().min(1).optional(),
  // The inventory's wave (its name and gates), with the batches promote advances instead of its cluster list.
  waves: z.array(inventoryWaveSchema.pick({ name: true, healthTimeoutSeconds: true, bakeTimeSeconds: true }).extend({
    batches: z.array(z.strictObject({ index: z.number().int().min(1), branch: z.string().min(1), source: z.string().min(1).optional(), clusters: z.array(z.string().min(1)) })),
  })),
  clusters: z.array(z.strictObject({
    name: z.string().min(1),
    wave: z.string().min(1),
    path: z.string().min(1),
    engineObject: z.string().min(1),
    engineObjectName: z.string().min(1),
    digest: z.string().min(1),
    objects: z.array(z.strictObject({ apiVersion: z.string(), kind: z.string(), namespace: z.string().optional(), name: z.string() })),
  })),
});

export type GitopsSummary = z.infer<typeof gitopsSummarySchema>;

export function parseSummary(text: string | undefined, where: string): GitopsSummary {
  if (text === undefined) {
    throw new FederationError('GITOPS_MISSING', where, 'does not exist', 'render it with `cdkfed gitops`, commit it and merge it to the branch promote reads (--ref), or give --path-prefix where it is');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new FederationError('GITOPS_INVALID', where, `is not valid JSON (${(e as Error).message})`, 'render it again with `cdkfed gitops`; never edit it by hand');
  }
  const parsed = gitopsSummarySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FederationError('GITOPS_INVALID', where, `field ${issue.path.join('.') || '(root)'}: ${issue.message}`, 'render it again with this version of `cdkfed gitops`');
  }
  return parsed.data;
}
