import { Inventory } from '../../../lib/inventory/read';
import type { RevisionRecord } from '../../../lib/cluster/revisions';
import { nextStep, recordedStep, scheduleWaves } from '../../../lib/deploy/schedule';
import { errorOf } from '../../support/fixtures';

const wave = (name: string, clusters: string[], maxParallel = 1) => ({ name, clusters, maxParallel, healthTimeoutSeconds: 60, bakeTimeSeconds: 0 });
const inv = {
  dir: 'dist',
  document: { federation: 'shop' },
  waves: [wave('canary', ['a-2', 'b-2'], 2), wave('a', ['a-1']), wave('b', ['b-1'])],
  clusters: new Map(['a-1', 'a-2', 'b-1', 'b-2'].map((n) => [n, {}])),
} as unknown as Inventory;

describe('scheduleWaves', () => {
  test('all waves in rollout order with their clusters', () => {
    expect(scheduleWaves(inv).map((w) => [w.name, w.clusters])).toEqual([['canary', ['a-2', 'b-2']], ['a', ['a-1']], ['b', ['b-1']]]);
  });
  test('--wave keeps rollout order whatever the flag order', () => {
    expect(scheduleWaves(inv, { waves: ['b', 'canary'] }).map((w) => w.name)).toEqual(['canary', 'b']);
  });
  test('--cluster keeps only those clusters and drops waves left empty', () => {
    expect(scheduleWaves(inv, { clusters: ['b-2', 'b-1'] }).map((w) => [w.name, w.clusters])).toEqual([['canary', ['b-2']], ['b', ['b-1']]]);
  });
  test('--wave and --cluster combine (AND)', () => {
    expect(scheduleWaves(inv, { waves: ['canary'], clusters: ['a-2', 'a-1'] }).map((w) => [w.name, w.clusters])).toEqual([['canary', ['a-2']]]);
  });
  test('an unknown wave or cluster names what exists', () => {
    const e = errorOf(() => scheduleWaves(inv, { waves: ['c'] }));
    expect(e.code).toBe('UNKNOWN_WAVE');
    expect(e.hint).toBe('use one of: canary, a, b');
    expect(errorOf(() => scheduleWaves(inv, { clusters: ['z-9'] })).code).toBe('UNKNOWN_CLUSTER');
  });
  test('a selection that matches nothing is an error, not a silent no-op', () => {
    expect(errorOf(() => scheduleWaves(inv, { waves: ['a'], clusters: ['b-1'] })).code).toBe('EMPTY_SELECTION');
  });
});

describe('nextStep', () => {
  test('first deploy: revision 1', () => {
    expect(nextStep('d1', {})).toEqual({ action: 'apply', revision: 1, resumes: false });
  });
  test('recorded revision equals the target: verify only', () => {
    expect(nextStep('d1', { currentDigest: 'd1', currentRevision: 3, latestRevision: 3, latestStatus: 'deployed', latestDigest: 'd1' })).toEqual({ action: 'verify', revision: 3 });
  });
  test('a new target: the next number', () => {
    expect(nextStep('d2', { currentDigest: 'd1', currentRevision: 3, latestRevision: 3, latestStatus: 'deployed', latestDigest: 'd1' })).toEqual({ action: 'apply', revision: 4, resumes: false });
  });
  test('a pending record of the same target (a killed run) is resumed under its number', () => {
    expect(nextStep('d2', { currentDigest: 'd1', currentRevision: 3, latestRevision: 4, latestStatus: 'pending', latestDigest: 'd2' })).toEqual({ action: 'apply', revision: 4, resumes: true });
  });
  test('a pending record of another target is superseded by a new number', () => {
    expect(nextStep('d3', { currentDigest: 'd1', currentRevision: 3, latestRevision: 4, latestStatus: 'pending', latestDigest: 'd2' })).toEqual({ action: 'apply', revision: 5, resumes: false });
  });
  test('current equals the target but a later revision failed (rollback failed): apply again', () => {
    expect(nextStep('d1', { currentDigest: 'd1', currentRevision: 3, latestRevision: 4, latestStatus: 'failed', latestDigest: 'd2' })).toEqual({ action: 'apply', revision: 5, resumes: false });
  });
  test('a failed record of the same target is not resumed: a new number', () => {
    expect(nextStep('d2', { currentDigest: 'd1', currentRevision: 3, latestRevision: 4, latestStatus: 'failed', latestDigest: 'd2' })).toEqual({ action: 'apply', revision: 5, resumes: false });
  });
});

describe('recordedStep: nextStep from the records as read', () => {
  const rec = (revision: number, status: RevisionRecord['status'], digest: string) =>
    ({ federation: 'shop', cluster: 'a-1', revision, status, digest, objects: [], started: 't', updated: 't' }) as RevisionRecord;
  test('no records: revision 1, nothing in force', () => {
    expect(recordedStep('d1', [])).toEqual({ action: 'apply', revision: 1, resumes: false, previous: undefined });
  });
  test('the highest deployed record is in force; the latest record decides whether it is only verified', () => {
    const records = [rec(1, 'deployed', 'd0'), rec(2, 'failed', 'dx'), rec(3, 'deployed', 'd1')];
    expect(recordedStep('d1', records)).toEqual({ action: 'verify', revision: 3, previous: records[2] });
    const pending = [...records, rec(4, 'pending', 'd2')];
    expect(recordedStep('d1', pending)).toEqual({ action: 'apply', revision: 5, resumes: false, previous: records[2] });
    expect(recordedStep('d2', pending)).toEqual({ action: 'apply', revision: 4, resumes: true, previous: records[2] });
  });
});
