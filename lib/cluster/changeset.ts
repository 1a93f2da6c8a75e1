import { ObjectRef } from '../kube/object';

/**
 * What one verb did to one object (fluxcd/pkg ssa's actions), plus `released`: prune let go of
 * an object without deleting it (handed back to its owner, or kept for what it holds).
 */
export type Action = 'created' | 'configured' | 'unchanged' | 'deleted' | 'released' | 'skipped' | 'failed';

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
