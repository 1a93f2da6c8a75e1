/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and Flux's status are read as loose JSON */
import { commitOfRevision, EngineStatus, fluxStatus, inventoryId } from '../../../lib/gitops/engine-status';
import { judgeBake, judgeBatch } from '../../../lib/gitops/promote-gate';

const C = 'c0ffee0000000000000000000000000000000001';
const OLD = 'abcdef0000000000000000000000000000000002';
const st = (o: Partial<EngineStatus> = {}): EngineStatus => ({ object: 'Kustomization flux-system/shop.a', exists: true, observed: true, ready: 'True', appliedCommit: C, attemptedCommit: C, ...o });
const batch = (...s: EngineStatus[]) => new Map(s.map((x, i) => [`c${i + 1}`, x]));
const commits = (n: number) => new Map(Array.from({ length: n }, (_, i) => [`c${i + 1}`, C]));

describe('judgeBatch: a batch takes a release when the engine applied exactly that commit and reports Ready', () => {
  test('every cluster Ready at the commit: ready', () => {
    expect(judgeBatch(batch(st(), st()), C, 0, 1000)).toEqual({ state: 'ready' });
  });
  test.each([
    ['not yet at the commit', st({ appliedCommit: OLD, attemptedCommit: OLD })],
    ['attempting it (Ready Unknown)', st({ ready: 'Unknown', appliedCommit: OLD })],
    ['Ready at the commit but the latest spec not yet observed', st({ observed: false })],
    ['not Ready at an older commit (that failure is not this release\'s)', st({ ready: 'False', appliedCommit: OLD, attemptedCommit: OLD })],
    ['the engine object does not exist yet', st({ exists: false, observed: false, ready: 'Unknown', appliedCommit: undefined })],
  ])('%s: wait, then fail at the deadline naming the cluster', (_what, s) => {
    const v = judgeBatch(batch(st(), s), C, 500, 1000);
    expect(v.state).toBe('wait');
    const late = judgeBatch(batch(st(), s), C, 1000, 1000);
    expect(late).toMatchObject({ state: 'failed', cluster: 'c2' });
    expect((late as any).reason).toMatch(/^not Ready at c0ffee0 within 1s: /);
  });
  test('the attempt at the commit ended not Ready: failed at once, with the engine\'s reason and message', () => {
    const v = judgeBatch(batch(st(), st({ ready: 'False', reason: 'HealthCheckFailed', message: 'timeout waiting for: [Deployment/shop/web status: InProgress]', appliedCommit: OLD })), C, 10, 1000);
    expect(v).toEqual({ state: 'failed', cluster: 'c2', reason: 'Kustomization flux-system/shop.a failed at c0ffee0: HealthCheckFailed: timeout waiting for: [Deployment/shop/web status: InProgress]' });
  });
  test('the first failing cluster wins over waiting ones', () => {
    expect(judgeBatch(batch(st({ appliedCommit: OLD }), st({ ready: 'False', attemptedCommit: C })), C, 0, 1000)).toMatchObject({ state: 'failed', cluster: 'c2' });
  });
});

describe('judgeBake', () => {
  test('all still Ready at the commit: no failure', () => {
    expect(judgeBake(batch(st(), st()), commits(2))).toBeUndefined();
  });
  test.each([
    [st({ ready: 'False', reason: 'HealthCheckFailed' }), /no longer Ready during the bake: HealthCheckFailed/],
    [st({ exists: false }), /disappeared from the hub/],
    [st({ appliedCommit: OLD }), /applied abcdef0 instead of c0ffee0 during the bake/],
  ])('%j fails the bake', (s, msg) => {
    expect(judgeBake(batch(st(), s), commits(2))).toEqual({ cluster: 'c2', reason: expect.stringMatching(msg) });
  });
  test('each cluster is judged at its own batch\'s commit', () => {
    const s = batch(st(), st({ appliedCommit: OLD, attemptedCommit: OLD }));
    expect(judgeBake(s, new Map([['c1', C], ['c2', OLD]]))).toBeUndefined();
    expect(judgeBake(s, commits(2))).toMatchObject({ cluster: 'c2' });
  });
  test('Ready Unknown while Flux re-reconciles at its interval is not a failure', () => {
    expect(judgeBake(batch(st({ ready: 'Unknown' })), commits(1))).toBeUndefined();
  });
});

describe('Flux status as data', () => {
  test('revisions: branch@sha1:commit, also for branch names with slashes and @', () => {
    expect(commitOfRevision(`cdkfed/shop/eu/1@sha1:${C}`)).toBe(C);
    expect(commitOfRevision(`main@sha1:${C}`)).toBe(C);
    expect(commitOfRevision(`sha1:${C}`)).toBe(C);
    expect(commitOfRevision('')).toBeUndefined();
    expect(commitOfRevision(undefined)).toBeUndefined();
  });
  test('a Kustomization\'s status', () => {
    const k = {
      metadata: { generation: 3 },
      status: {
        observedGeneration: 3,
        conditions: [{ type: 'Reconciling', status: 'False' }, { type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: `Applied revision: main@sha1:${C}` }],
        lastAppliedRevision: `main@sha1:${C}`, lastAttemptedRevision: `main@sha1:${C}`,
        inventory: { entries: [{ id: 'shop_web_apps_Deployment', v: 'v1' }, { id: '_shop__Namespace', v: 'v1' }] },
      },
    };
    expect(fluxStatus('K', k)).toEqual({ object: 'K', exists: true, observed: true, ready: 'True', reason: 'ReconciliationSucceeded', message: `Applied revision: main@sha1:${C}`, appliedCommit: C, attemptedCommit: C, inventory: ['_shop__Namespace', 'shop_web_apps_Deployment'] });
    expect(fluxStatus('K', { metadata: { generation: 4 }, status: { observedGeneration: 3 } })).toMatchObject({ observed: false, ready: 'Unknown' });
    expect(fluxStatus('K', undefined)).toMatchObject({ exists: false });
  });
  test('inventory ids as Flux writes them', () => {
    expect(inventoryId({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' })).toBe('shop_web_apps_Deployment');
    expect(inventoryId({ apiVersion: 'v1', kind: 'Namespace', name: 'shop' })).toBe('_shop__Namespace');
  });
});
