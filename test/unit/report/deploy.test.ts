import { changeSet, ChangeSetEntry } from '../../../lib/cluster/changeset';
import type { ClusterPreview } from '../../../lib/deploy/preview';
import type { DeployReport } from '../../../lib/deploy/rollout';
import { renderDeployReport, renderPreview } from '../../../lib/report/deploy';

const cm = (name: string) => ({ group: '', kind: 'ConfigMap', namespace: 'shop', name });
const entries = (...xs: Array<[string, ChangeSetEntry['action']]>): ChangeSetEntry[] => xs.map(([name, action]) => ({ ref: cm(name), action }));

describe('deploy preview: a dry-run ChangeSet per cluster, "to create"', () => {
  const preview: ClusterPreview = {
    cluster: 'a', currentRevision: 4, upToDate: false,
    changes: changeSet(entries(['new', 'created'], ['changed', 'configured'], ['same', 'unchanged'], ['gone', 'deleted']), { dryRun: true }),
  };
  const waves = [{ name: 'w1', maxParallel: 1, healthTimeoutSeconds: 300, bakeTimeSeconds: 30, clusters: ['a', 'b'] }];
  test('counts and lists per action; a cluster without a preview shows its line', () => {
    expect(renderPreview('shop', 'dist', true, waves, [preview, 'b: cannot read its revision (down)'])).toBe([
      'cdkfed will deploy federation "shop" from dist/ in 1 wave(s):',
      '  wave w1 (max 1 at once, bake 30s):',
      '    a: 1 to create, 1 to update, 1 to prune, 1 unchanged (now at revision 4)',
      '      + ConfigMap shop/new',
      '      ~ ConfigMap shop/changed',
      '      - ConfigMap shop/gone',
      '    b: b: cannot read its revision (down)',
      '',
    ].join('\n'));
  });
  test('--no-prune: nothing to prune is listed', () => {
    const out = renderPreview('shop', 'dist', false, waves, [{ ...preview, currentRevision: undefined }]);
    expect(out).toContain('from dist/ in 1 wave(s) (no prune):');
    expect(out).toContain('    a: 1 to create, 1 to update, 0 to prune, 1 unchanged (first deploy)\n');
    expect(out).not.toContain('- ConfigMap shop/gone');
    expect(out).toContain('    b: unknown\n');
  });
});

describe('deploy report: the ChangeSets applied and pruned, "created"', () => {
  test('counts per cluster; failure and rollback lines', () => {
    const r: DeployReport = {
      federation: 'shop', outcome: 'failed', failure: 'gate failed in a', seconds: 12.34, requests: {},
      waves: [{ wave: 'w1', outcome: 'failed', clusters: [{
        cluster: 'a', wave: 'w1', outcome: 'rolled-back', revision: 5, seconds: 3,
        applied: changeSet(entries(['x', 'created'], ['y', 'configured'], ['z', 'unchanged'], ['w', 'failed'])),
        pruned: changeSet(entries(['old', 'deleted'], ['kept', 'released'])),
        failure: { reason: 'Deployment shop/web not ready' },
        rollback: { ok: true, restoredRevision: 6, restoredFrom: 4, message: 'restored revision 4' },
      }] }],
    };
    expect(renderDeployReport(r)).toBe([
      'wave w1: failed',
      '  a: rolled-back revision 5 (1 created, 1 configured, 1 unchanged, 1 pruned)',
      '    Deployment shop/web not ready',
      '    rollback: restored revision 4',
      'deploy failed: gate failed in a (12.3s)',
      '',
    ].join('\n'));
  });
});
