import { changeSet } from '../../../lib/cluster/changeset';
import { FleetPlan } from '../../../lib/drift/plan';
import { planExitCode, renderPlan } from '../../../lib/report/plan';

describe('plan report', () => {
  const none = changeSet([], { dryRun: true });
  const plan: FleetPlan = {
    federation: 'shop',
    waves: [{ name: 'canary', clusters: ['b'], maxParallel: 2, healthTimeoutSeconds: 60, bakeTimeSeconds: 600 }, { name: 'prod', clusters: ['a'], maxParallel: 1, healthTimeoutSeconds: 60, bakeTimeSeconds: 0 }],
    clusters: [
      { cluster: 'a', wave: 'prod', changes: changeSet([{ ref: { group: '', kind: 'Namespace', name: 'old' }, action: 'released' }], { dryRun: true }), blastRadius: [{ object: 'Namespace old', foreign: ['ConfigMap x'] }] },
      { cluster: 'b', wave: 'canary', changes: changeSet([{ ref: { group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web' }, action: 'configured', fields: [{ path: '.spec.x' }], diff: '-a\n+b' }], { dryRun: true }), blastRadius: [] },
    ],
  };
  test('markdown: waves in rollout order in a Mermaid diagram, summary table, deletions flagged with the foreign objects', () => {
    const md = renderPlan(plan, 'markdown');
    expect(md).toContain('subgraph W_canary["wave canary · max 2 at once · bake 600s"]\n    C_b["b<br/>+0 ~1 -0"]\n  end\n  subgraph W_prod');
    expect(md).toContain('W_canary --> W_prod');
    expect(md.indexOf('| canary | b |')).toBeLessThan(md.indexOf('| prod | a |'));
    expect(md).toContain('⚠ **a**: `Namespace old` is kept and handed over, not deleted: it holds **1 object(s) that are not ours**: `ConfigMap x`');
    expect(renderPlan(plan, 'markdown')).toBe(md);
  });
  test('exit codes: detailed 2 on changes, 0 without; 1 on any error', () => {
    expect(planExitCode(plan, true)).toBe(2);
    expect(planExitCode(plan, false)).toBe(0);
    expect(planExitCode({ ...plan, clusters: [{ ...plan.clusters[0], changes: none }] }, true)).toBe(0);
    expect(planExitCode({ ...plan, clusters: [...plan.clusters, { cluster: 'c', wave: 'prod', error: 'down', changes: none, blastRadius: [] }] }, false)).toBe(1);
  });
});
