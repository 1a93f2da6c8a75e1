/**
 * Restores one cluster to the revision in force before a failed run: hand back what the run
 * adopted (as it was before), re-apply that revision's objects, delete what the failed
 * revision added (ApplySet members it does not hold; never an adopted object), wait until
 * healthy, and record the outcome so the next run understands it: success writes a new
 * deployed revision with the restored objects (as Helm does), failure leaves the run's
 * revision marked failed with the reason.
 */
import { errorMessage } from '../cluster/apply';
import { ChangeSet } from '../cluster/changeset';
import { UnreachableError } from '../cluster/client';
import type { AdoptedObject } from '../cluster/handback';
import type { Cascade } from '../cluster/prune';
import { RevisionRecord, withUnpruned, writeRevision } from '../cluster/revisions';
import { ObjectSet } from '../cluster/set';
import { waitHealthy } from '../cluster/wait';
import { describeRef, KubeObject } from '../kube/object';

export interface RollbackInput {
  readonly federation: string;
  /** The revision the failed run applied, and what it held (kept in its failed record). */
  readonly revision: number;
  readonly failed: { readonly digest: string; readonly objects: readonly KubeObject[]; readonly started: string; readonly adopted?: readonly AdoptedObject[] };
  /** Objects the failed run took over that the previous revision did not hold: handed back as they were. */
  readonly adopted: readonly AdoptedObject[];
  /** The revision to restore; none means the cluster had none: remove everything ours. */
  readonly previous?: RevisionRecord;
  /** Whether the failed run changed anything (created, configured or deleted an object); if not, nothing is re-applied. */
  readonly changed: boolean;
  readonly records: readonly RevisionRecord[];
  readonly cascade?: Cascade;
  readonly force?: boolean;
  /** How long the restored revision may take to become healthy (the wave's rollbackTimeoutMs). */
  readonly timeoutMs: number;
  /** Why the run failed, kept in the failed record. */
  readonly reason: string;
  readonly now: () => number;
}

export interface RollbackResult {
  readonly ok: boolean;
  /** The cluster stopped answering: what it holds now is not known (the deploy reports it as unknown). */
  readonly unreachable?: boolean;
  /** The revision restored (a new number), when ok. */
  readonly restoredRevision?: number;
  /** The revision whose objects were restored. */
  readonly restoredFrom?: number;
  /** Adopted objects handed back. */
  readonly handedBack?: ChangeSet;
  readonly applied?: ChangeSet;
  readonly pruned?: ChangeSet;
  readonly message: string;
}

export async function rollbackCluster(set: ObjectSet, r: RollbackInput): Promise<RollbackResult> {
  const client = set.client;
  const objects = r.previous?.objects ?? [];
  const failedRecord = (reason: string): RevisionRecord => ({
    federation: r.federation, cluster: client.name, revision: r.revision, status: 'failed',
    digest: r.failed.digest, objects: r.failed.objects, started: r.failed.started, updated: new Date(r.now()).toISOString(), reason,
    ...(r.failed.adopted?.length ? { adopted: r.failed.adopted } : {}),
  });
  let handedBack: ChangeSet | undefined;
  let applied: ChangeSet | undefined;
  let pruned: ChangeSet | undefined;
  let marked = false;
  try {
    // Mark the failed revision first: if the rollback dies, the next run sees it failed, not pending.
    await writeRevision(client, failedRecord(r.reason));
    marked = true;
    if (!r.changed) {
      // e.g. a conflict on the first object: re-applying would only meet the same conflict.
      return { ok: true, restoredFrom: r.previous?.revision, message: `nothing was changed${r.previous ? `; revision ${r.previous.revision} stays in force` : ''}` };
    }
    // What this run adopted goes back to its owner as it was: never deleted, never left relabelled.
    if (r.adopted.length > 0) {
      handedBack = await set.handBack(r.adopted, { restore: true });
      if (handedBack.failed) {
        const bad = handedBack.entries.find((e) => e.action === 'failed')!;
        throw new Error(`handing back ${describeRef(bad.ref)}: ${bad.message}`);
      }
    }
    applied = await set.apply(objects, { force: r.force, adopt: true }); // the previous revision's objects were ours
    if (applied.failed) {
      const bad = applied.entries.find((e) => e.action === 'failed')!;
      throw new Error(`re-applying revision ${r.previous?.revision}: ${describeRef(bad.ref)}: ${bad.message}`);
    }
    pruned = await set.prune(objects, { cascade: r.cascade, adopted: [...(r.previous?.adopted ?? []), ...(r.failed.adopted ?? [])] });
    if (pruned.failed) {
      const bad = pruned.entries.find((e) => e.action === 'failed')!;
      throw new Error(`removing what the failed revision added: ${describeRef(bad.ref)}: ${bad.message}`);
    }
    if (objects.length > 0) {
      const health = await waitHealthy(client, objects, { timeoutMs: r.timeoutMs, now: r.now });
      if (!health.healthy) {
        const bad = health.objects.find((h) => h.health.status !== 'Current')!;
        throw new Error(`revision ${r.previous?.revision} restored but not healthy: ${describeRef(bad.ref)}: ${bad.health.message}`);
      }
    }
    if (!r.previous) {
      return { ok: true, handedBack, applied, pruned, message: 'removed every object of the failed first revision' };
    }
    const restored = Math.max(r.revision, ...r.records.map((x) => x.revision)) + 1;
    await writeRevision(client, { ...withUnpruned(r.previous, pruned), revision: restored, status: 'deployed', started: new Date(r.now()).toISOString(), updated: new Date(r.now()).toISOString(), reason: `rollback to revision ${r.previous.revision}` });
    return { ok: true, restoredRevision: restored, restoredFrom: r.previous.revision, handedBack, applied, pruned, message: `restored revision ${r.previous.revision} as revision ${restored}` };
  } catch (e) {
    if (e instanceof UnreachableError) {
      // Nothing more can be written; the record the next run reads is the one left in the cluster.
      const record = marked ? `revision ${r.revision} is recorded as failed` : `revision ${r.revision} is left pending`;
      return { ok: false, unreachable: true, handedBack, applied, pruned,
        message: `state unknown: ${e.message}; ${record}, and the next deploy resumes or replaces it once the cluster answers (this run's lease there expires within a minute; --break-lock takes it at once)` };
    }
    const message = `rollback failed: ${errorMessage(e)}`;
    try {
      await writeRevision(client, failedRecord(`${r.reason}; ${message}`));
    } catch {
      // the cluster may be gone; the revision is already marked failed above
    }
    return { ok: false, handedBack, applied, pruned, message };
  }
}
