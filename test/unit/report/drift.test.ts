import { changeSet, ChangeSetEntry } from '../../../lib/cluster/changeset';
import type { FleetDrift } from '../../../lib/drift/drift';
import { driftExitCode, driftReport, renderDrift } from '../../../lib/report/drift';

const WAVES = [{ name: 'w1' }];
const cm = (name: string) => ({ group: '', kind: 'ConfigMap', namespace: 'shop', name });
const fields = [{ path: '.data.k', desired: 'a', live: 'b', manager: 'kubectl-edit' }];
const found: ChangeSetEntry[] = [
  { ref: cm('edited'), action: 'configured', drift: 'modified', fields },
  { ref: cm('removed'), action: 'created', drift: 'deleted' },
  { ref: cm('stray'), action: 'skipped', drift: 'unrecorded', message: 'only reported' },
];
const fleet = (entries: ChangeSetEntry[], dryRun: boolean): FleetDrift => ({
  federation: 'shop', clusters: [{ cluster: 'a', wave: 'w1', revision: 3, pendingDeploy: false, changes: changeSet(entries, { dryRun }), ignored: [] }],
});

describe('drift report: a ChangeSet whose entries say how each object drifted', () => {
  test('found (dry run): drift kinds and fields, nothing corrected; exit 2', () => {
    const d = fleet(found, true);
    expect(driftReport(d).clusters[0].objects).toEqual([
      { ref: cm('edited'), drift: 'modified', fields }, { ref: cm('removed'), drift: 'deleted' }, { ref: cm('stray'), drift: 'unrecorded' },
    ]);
    expect(renderDrift(d, WAVES, 'text')).toBe([
      'cluster a (wave w1): revision 3: 3 object(s) drifted',
      '  ~ ConfigMap shop/edited: modified',
      '      .data.k: desired a, live b (owned by "kubectl-edit")',
      '  - ConfigMap shop/removed: deleted behind our back',
      '  + ConfigMap shop/stray: carries our ApplySet label but no revision holds it',
      'drift: 3 object(s) drifted across 1 cluster(s)',
      '',
    ].join('\n'));
    expect(driftExitCode(d)).toBe(2);
  });

  test('--correct: what the re-apply did becomes corrected or the error; unrecorded stays only reported', () => {
    const done = fleet([{ ...found[0], action: 'configured' }, { ...found[1], action: 'failed', message: 'not corrected: lease held' }, found[2]], false);
    expect(driftReport(done).clusters[0].objects.map((o) => [o.ref.name, o.corrected, o.error])).toEqual([
      ['edited', true, undefined], ['removed', false, 'not corrected: lease held'], ['stray', undefined, undefined],
    ]);
    expect(renderDrift(done, WAVES, 'text')).toContain('  - ConfigMap shop/removed: deleted behind our back — correction failed: not corrected: lease held\n');
    expect(driftExitCode(done)).toBe(1);
    expect(driftExitCode(fleet([found[0], found[1]], false))).toBe(0);
  });

  test('JSON: the same schema as before drift was a ChangeSet (no action, no dryRun)', () => {
    const json = JSON.parse(renderDrift(fleet(found.slice(0, 1), true), WAVES, 'json'));
    expect(json).toEqual({ federation: 'shop', clusters: [{ cluster: 'a', wave: 'w1', revision: 3, pendingDeploy: false, ignored: [], objects: [{ ref: cm('edited'), drift: 'modified', fields }] }] });
  });
});
