import { changeSet, ChangeSetEntry } from '../../../lib/cluster/changeset';
import type { FleetPlan } from '../../../lib/drift/plan';
import { planExitCode, planReport, renderPlan } from '../../../lib/report/plan';

const WAVES = [{ name: 'w1', clusters: ['a'], maxParallel: 1, healthTimeoutSeconds: 60, bakeTimeSeconds: 0 }];
const cm = (name: string) => ({ group: '', kind: 'ConfigMap', namespace: 'shop', name });
const plan = (entries: ChangeSetEntry[]): FleetPlan => ({
  federation: 'shop', waves: WAVES,
  clusters: [{ cluster: 'a', wave: 'w1', currentRevision: 2, changes: changeSet(entries, { dryRun: true }), blastRadius: [] }],
});
const every: ChangeSetEntry[] = [
  { ref: cm('new'), action: 'created', diff: '+x' },
  { ref: cm('changed'), action: 'configured', fields: [{ path: '.data.k' }], diff: '-a\n+b' },
  { ref: cm('same'), action: 'unchanged' },
  { ref: cm('gone'), action: 'deleted', diff: '-x' },
  { ref: cm('adopted'), action: 'released', message: 'not deleted: it was adopted, so prune hands it back to its owner' },
  { ref: { group: '', kind: 'Namespace', name: 'unreadable' }, action: 'skipped', message: 'not deleted: what it holds cannot be read, so prune keeps it' },
  { ref: cm('refused'), action: 'failed', message: 'dry run failed: no' },
];

describe('plan report: a dry-run ChangeSet in plan words', () => {
  test('each action has its plan verb; prune leaving an object (released, skipped) is a delete whose message says why; fields become paths', () => {
    const r = planReport(plan(every));
    expect(r.clusters[0].objects.map((o) => [o.ref.name, o.action])).toEqual([
      ['new', 'create'], ['changed', 'update'], ['same', 'unchanged'], ['gone', 'delete'], ['adopted', 'delete'], ['unreadable', 'delete'], ['refused', 'error'],
    ]);
    expect(r.clusters[0].objects[1]).toEqual({ ref: cm('changed'), action: 'update', fields: ['.data.k'], diff: '-a\n+b' });
    expect(r.clusters[0].counts).toEqual({ create: 1, update: 1, delete: 3, unchanged: 1, error: 1 });
  });

  test('JSON: the same schema as before plans were ChangeSets (no dryRun, no entries)', () => {
    const json = JSON.parse(renderPlan(plan(every.slice(0, 2)), 'json'));
    expect(json.clusters[0]).toEqual({
      cluster: 'a', wave: 'w1', currentRevision: 2, blastRadius: [], counts: { create: 1, update: 1, delete: 0, unchanged: 0, error: 0 },
      objects: [{ ref: cm('new'), action: 'create', diff: '+x' }, { ref: cm('changed'), action: 'update', fields: ['.data.k'], diff: '-a\n+b' }],
    });
  });

  test('text: signs by verb, the update diff indented, prune messages in parentheses', () => {
    expect(renderPlan(plan(every), 'text')).toBe([
      'cluster a (wave w1, at revision 2): 1 to create, 1 to update, 3 to delete, 1 unchanged, 1 error(s)',
      '  + ConfigMap shop/new',
      '  ~ ConfigMap shop/changed: .data.k',
      '      -a',
      '      +b',
      '  - ConfigMap shop/gone',
      '  - ConfigMap shop/adopted (not deleted: it was adopted, so prune hands it back to its owner)',
      '  - Namespace unreadable (not deleted: what it holds cannot be read, so prune keeps it)',
      '  ! ConfigMap shop/refused (dry run failed: no)',
      'plan: 1 to create, 1 to update, 3 to delete across 1 cluster(s)',
      '',
    ].join('\n'));
  });

  test('exit codes: a failed entry is an error; released or skipped alone still count as changes', () => {
    expect(planExitCode(plan(every), false)).toBe(1);
    expect(planExitCode(plan([every[2]]), true)).toBe(0);
    expect(planExitCode(plan([every[4]]), true)).toBe(2);
    expect(planExitCode(plan([every[5]]), true)).toBe(2);
  });
});
