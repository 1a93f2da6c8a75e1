/**
 * Pure scheduling: which waves and clusters a deploy touches, in which order, and what each
 * cluster needs given the revision recorded in it.
 */
import { FederationError } from '../errors';
import { currentRevision, RevisionRecord } from '../cluster/revisions';
import type { InventoryOutline } from '../inventory/read';
import type { InventoryWave } from '../inventory/types';

export interface Selection {
  /** --wave: only these waves (in rollout order). @default all */
  readonly waves?: readonly string[];
  /** --cluster: only these clusters. @default all */
  readonly clusters?: readonly string[];
}

export function scheduleWaves(inv: InventoryOutline, sel: Selection = {}): InventoryWave[] {
  const waveNames = inv.waves.map((w) => w.name);
  for (const w of sel.waves ?? []) {
    if (!waveNames.includes(w)) {
      throw new FederationError('UNKNOWN_WAVE', `--wave ${w}`, `federation "${inv.document.federation}" has no wave "${w}"`, `use one of: ${waveNames.join(', ')}`);
    }
  }
  for (const c of sel.clusters ?? []) {
    if (!inv.clusters.has(c)) {
      throw new FederationError('UNKNOWN_CLUSTER', `--cluster ${c}`, `federation "${inv.document.federation}" has no cluster "${c}"`, `use one of: ${[...inv.clusters.keys()].join(', ')}`);
    }
  }
  const waves = inv.waves
    .filter((w) => !sel.waves?.length || sel.waves.includes(w.name))
    .map((wave) => ({ ...wave, clusters: wave.clusters.filter((c) => !sel.clusters?.length || sel.clusters.includes(c)) }))
    .filter((w) => w.clusters.length > 0);
  if (waves.length === 0) {
    throw new FederationError('EMPTY_SELECTION', [...(sel.waves ?? []).map((w) => `--wave ${w}`), ...(sel.clusters ?? []).map((c) => `--cluster ${c}`)].join(' '),
      'the selection matches no cluster of any wave', 'check that the clusters belong to the waves you name');
  }
  return waves;
}

/** What the revision records of a cluster say about it. */
export interface RecordedState {
  /** Digest of the revision in force (highest deployed), if any. */
  readonly currentDigest?: string;
  readonly currentRevision?: number;
  /** Highest revision number of any status. */
  readonly latestRevision?: number;
  /** Status and digest of the highest revision. */
  readonly latestStatus?: 'pending' | 'deployed' | 'failed';
  readonly latestDigest?: string;
}

/** The next step of one cluster, from what its revision records say. */
export type ClusterStep =
  /** Recorded revision equals the target: verify health only, write nothing. */
  | { readonly action: 'verify'; readonly revision: number }
  /** Apply the target as `revision` (a pending record of the same digest is resumed under its number). */
  | { readonly action: 'apply'; readonly revision: number; readonly resumes: boolean };

export function nextStep(target: string, s: RecordedState): ClusterStep {
  if (s.currentDigest === target && s.currentRevision !== undefined && s.latestRevision === s.currentRevision) {
    return { action: 'verify', revision: s.currentRevision };
  }
  if (s.latestStatus === 'pending' && s.latestDigest === target && s.latestRevision !== undefined) {
    return { action: 'apply', revision: s.latestRevision, resumes: true };
  }
  return { action: 'apply', revision: (s.latestRevision ?? 0) + 1, resumes: false };
}

/** What a cluster's records call for (nextStep from the revision in force and the latest record), with the revision in force. */
export function recordedStep(target: string, records: readonly RevisionRecord[]): ClusterStep & { readonly previous?: RevisionRecord } {
  const previous = currentRevision(records);
  const latest = records[records.length - 1];
  const step = nextStep(target, {
    currentDigest: previous?.digest, currentRevision: previous?.revision,
    latestRevision: latest?.revision, latestStatus: latest?.status, latestDigest: latest?.digest,
  });
  return { ...step, previous };
}
