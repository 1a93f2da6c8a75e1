import { ObjectRef } from '../kube/object';

/**
 * What one verb did to one object (fluxcd/pkg ssa's actions), plus `released`: prune let go of
 * an object without deleting it (handed back to its owner, or kept for what it holds).
 * The same names serve a dry run (plan, drift, the deploy preview): there they say what the
 * verb would do, as ssa's Diff reports `created`/`configured` for an object it only dry-ran;
 * the ChangeSet's `dryRun` says which, and a report picks the tense ("to create", "created").
 */
export type Action = 'created' | 'configured' | 'unchanged' | 'deleted' | 'released' | 'skipped' | 'failed';

export interface FieldConflict {
  /** e.g. `.spec.replicas` */
  readonly field: string;
  /** The other field manager. */
  readonly manager: string;
}

/** A field that differs: its path, and (drift) the value we set, the live one and who owns it now. */
export interface FieldChange {
  /** e.g. `.spec.template.spec.containers[name=web].image` */
  readonly path: string;
  /** Drift: the value the revision in force set (secret values masked). */
  readonly desired?: unknown;
  /** Drift: the live value (secret values masked); null when absent. */
  readonly live?: unknown;
  /** Drift: the field manager that owns the live value now, if known. */
  readonly manager?: string;
}

/**
 * How a live object departed from the revision in force, as drift finds it: `modified` fields,
 * `deleted` behind our back, or `unrecorded` (it carries our ApplySet label but no revision holds it).
 */
export type DriftKind = 'modified' | 'deleted' | 'unrecorded';

export interface ChangeSetEntry {
  readonly ref: ObjectRef;
  readonly action: Action;
  /** Why it was skipped, failed or released; never a secret value. */
  readonly message?: string;
  readonly conflicts?: readonly FieldConflict[];
  /** The fields that change (plan: `configured`) or drifted (drift: `modified`). */
  readonly fields?: readonly FieldChange[];
  /** Unified YAML diff, live → after deploy; secrets masked. */
  readonly diff?: string;
  /** Drift only: why the object is in the set; the action is what correcting it does (or did). */
  readonly drift?: DriftKind;
}

/**
 * The result of a verb over many objects, kept even when it stops half way: the entries
 * done so far, the one that failed, and the rest as skipped. Reports, rollback and resume
 * read this data instead of catching exceptions.
 */
export interface ChangeSet {
  readonly entries: readonly ChangeSetEntry[];
  readonly failed: boolean;
  /** Nothing was written: each action is what the verb would do (plan, drift, the deploy preview). @default false */
  readonly dryRun?: boolean;
}

export function changeSet(entries: ChangeSetEntry[], opts: { dryRun?: boolean } = {}): ChangeSet {
  return { entries, failed: entries.some((e) => e.action === 'failed'), ...(opts.dryRun ? { dryRun: true } : {}) };
}

/** How many entries have each action (every action present, 0 when none). */
export function countActions(entries: readonly ChangeSetEntry[]): Record<Action, number> {
  const c: Record<Action, number> = { created: 0, configured: 0, unchanged: 0, deleted: 0, released: 0, skipped: 0, failed: 0 };
  for (const e of entries) c[e.action]++;
  return c;
}
