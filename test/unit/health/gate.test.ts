import { GateObject, judgeBake, judgeRollout } from '../../../lib/health/gate';

const o = (subject: string, status: GateObject['status'], message = 'm'): GateObject => ({ subject, status, message });

describe('judgeRollout', () => {
  test('all Current passes, whatever the time', () => {
    expect(judgeRollout([o('a', 'Current'), o('b', 'Current')], 0, 1000)).toEqual({ verdict: 'pass' });
    expect(judgeRollout([o('a', 'Current')], 5000, 1000)).toEqual({ verdict: 'pass' });
  });
  test('no objects passes', () => {
    expect(judgeRollout([], 0, 1000)).toEqual({ verdict: 'pass' });
  });
  test('InProgress before the timeout waits, counting the pending objects', () => {
    expect(judgeRollout([o('a', 'InProgress'), o('b', 'Current'), o('c', 'NotFound')], 999, 1000)).toEqual({ verdict: 'wait', pending: 2 });
  });
  test('InProgress at the timeout fails naming the first pending object and how many more', () => {
    const v = judgeRollout([o('c1: Deployment shop/web', 'InProgress', '1/3 available'), o('x', 'InProgress')], 1000, 1000);
    expect(v).toEqual({ verdict: 'fail', subject: 'c1: Deployment shop/web', reason: 'c1: Deployment shop/web not healthy after 1s (healthTimeout): InProgress: 1/3 available (and 1 more)' });
  });
  test('a Failed object fails at once, before the timeout, even with others pending', () => {
    const v = judgeRollout([o('a', 'InProgress'), o('b', 'Failed', 'ProgressDeadlineExceeded')], 0, 60_000);
    expect(v).toMatchObject({ verdict: 'fail', subject: 'b', reason: 'b failed: ProgressDeadlineExceeded' });
  });
  test.each(['NotFound', 'Terminating', 'Unknown'] as const)('%s counts as not yet healthy', (s) => {
    expect(judgeRollout([o('a', s)], 10, 1000)).toEqual({ verdict: 'wait', pending: 1 });
    expect(judgeRollout([o('a', s)], 1000, 1000).verdict).toBe('fail');
  });
});

describe('judgeBake', () => {
  const bake = 10_000;
  const settle = 5_000;
  test('healthy during the bake waits until the bake ends, then passes', () => {
    expect(judgeBake([o('a', 'Current')], 9_999, bake, settle)).toEqual({ verdict: 'wait', pending: 0 });
    expect(judgeBake([o('a', 'Current')], 10_000, bake, settle)).toEqual({ verdict: 'pass' });
  });
  test.each(['Failed', 'NotFound', 'Terminating'] as const)('%s during the bake is a regression: fail at once', (s) => {
    expect(judgeBake([o('a', 'Current'), o('b', s, 'why')], 1, bake, settle)).toEqual({ verdict: 'fail', subject: 'b', reason: `b regressed during bake: ${s}: why` });
  });
  test('a transient InProgress (scale-up) is tolerated during the bake', () => {
    expect(judgeBake([o('a', 'InProgress')], 5_000, bake, settle)).toEqual({ verdict: 'wait', pending: 0 });
  });
  test('InProgress at the end of the bake gets settleMs more, then fails', () => {
    expect(judgeBake([o('a', 'InProgress')], bake, bake, settle)).toEqual({ verdict: 'wait', pending: 1 });
    expect(judgeBake([o('a', 'InProgress')], bake + settle - 1, bake, settle).verdict).toBe('wait');
    expect(judgeBake([o('a', 'InProgress', 'x')], bake + settle, bake, settle)).toEqual({ verdict: 'fail', subject: 'a', reason: 'a did not settle after bake: InProgress: x' });
  });
  test('zero bake passes at once when healthy', () => {
    expect(judgeBake([o('a', 'Current')], 0, 0, settle)).toEqual({ verdict: 'pass' });
  });
});
