import { ObjectRef } from '../kube/object';

/** What one verb did to one object (fluxcd/pkg ssa's actions). */
export type Action = 'created' | 'configured' | 'unchanged' | 'deleted' | 'skipped' | 'failed';

export interface FieldConflict {
  /** e.g. `.spec.replicas` */
  readonly field: string;
  /** The other field manager. */
  readonly manager: string;
}

export interface ChangeSetEntry {
  readonly ref: ObjectRef;
  readonly action: Action;
  /** Why it was skipped or failed; never a secret value. */
  readonly message?: string;
  readonly conflicts?: readonly FieldConflict[];
}

/**
 * The result of a verb over many objects, kept even when it stops half way: the entries
 * done so far, the one that failed, and the rest as skipped. Reports, rollback and resume
 * read this data instead of catching exceptions.
 */
export interface ChangeSet {
  readonly entries: readonly ChangeSetEntry[];
  readonly failed: boolean;
}

export function changeSet(entries: ChangeSetEntry[]): ChangeSet {
  return { entries, failed: entries.some((e) => e.action === 'failed') };
}

export function countActions(cs: ChangeSet): Record<Action, number> {
  const out: Record<Action, number> = { created: 0, configured: 0, unchanged: 0, deleted: 0, skipped: 0, failed: 0 };
  for (const e of cs.entries) out[e.action]++;
  return out;
}
