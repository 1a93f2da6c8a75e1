/**
 * The known-state invariant of the fault suite, checked object by object against the revision
 * records in each cluster: no record left pending; every object of the revision in force exists
 * live, carries our ApplySet label and has the revision's value at every field the revision sets
 * (bar HPA-owned replicas); and every object carrying our label is held by that revision
 * (nothing orphaned).
 */
import { ClusterClient } from '../../../lib/cluster/client';
import { listMembers } from '../../../lib/cluster/prune';
import { currentRevision, listRevisions } from '../../../lib/cluster/revisions';
import { readApplySet, targetState, unionState } from '../../../lib/cluster/applyset';
import { driftedFields, hpaIgnores } from '../../../lib/drift/drift';
import { applySetId, applySetParent } from '../../../lib/kube/ownership';
import { objectKey, refKey } from '../../../lib/kube/object';
import { contexts, kubeconfigPath } from './k8s';

export interface ClusterState {
  readonly cluster: string;
  /** Revision in force, undefined if never deployed. */
  readonly revision?: number;
  readonly digest?: string;
}

/** Throws a descriptive error when a cluster breaks the invariant; returns each cluster's revision in force. */
export async function assertFleetConsistent(federation: string, on: readonly string[] = contexts()): Promise<ClusterState[]> {
  const parent = applySetParent(federation);
  const set = { id: applySetId(parent), parent };
  const out: ClusterState[] = [];
  for (const ctx of on) {
    const client = ClusterClient.connect({ name: ctx, context: ctx }, { kubeconfig: kubeconfigPath() });
    try {
      const records = await listRevisions(client, federation);
      const pending = records.filter((r) => r.status === 'pending');
      if (pending.length) throw new Error(`${ctx}: revision ${pending.map((r) => r.revision).join(', ')} still pending`);
      const current = currentRevision(records);
      const prior = await readApplySet(client, set);
      const members = await listMembers(client, set.id, unionState(prior, targetState(current?.objects ?? [])).groupKinds);
      const live = new Map(members.map((m) => [refKey(m), m.live]));
      const held = new Set((current?.objects ?? []).map(objectKey));
      const orphans = members.filter((m) => !held.has(refKey(m)));
      if (orphans.length) throw new Error(`${ctx}: orphaned (our label, in no revision in force): ${orphans.map((m) => `${m.kind} ${m.namespace ?? ''}/${m.name}`).join(', ')}`);
      const ignores = hpaIgnores(current?.objects ?? []);
      for (const o of current?.objects ?? []) {
        const l = live.get(objectKey(o));
        if (!l) throw new Error(`${ctx}: ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name} of revision ${current!.revision} is missing`);
        const diff = driftedFields(o, l, ignores.get(objectKey(o)) ?? []);
        if (diff.length) throw new Error(`${ctx}: ${o.kind} ${o.metadata.name} differs from revision ${current!.revision}: ${JSON.stringify(diff)}`);
      }
      out.push({ cluster: ctx, revision: current?.revision, digest: current?.digest });
    } finally {
      client.close();
    }
  }
  return out;
}
