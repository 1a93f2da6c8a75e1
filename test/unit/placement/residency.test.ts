import { checkResidency, PlacementErrorCode as E } from '../../../lib/placement';
import { cluster, expectFedError } from '../../support/placement';

const W = 'shop/payments';

describe('checkResidency', () => {
  test('passes when every cluster has the jurisdiction', () => {
    expect(() => checkResidency([cluster('eu-1'), cluster('eu-2')], 'eu', W)).not.toThrow();
    expect(() => checkResidency([], 'eu', W)).not.toThrow();
  });

  test('a cluster in another jurisdiction → RESIDENCY_VIOLATION naming path, cluster, its jurisdiction and the rule', () => {
    const e = expectFedError(() => checkResidency([cluster('eu-1'), cluster('us-1', { jurisdiction: 'us' })], 'eu', W),
      E.RESIDENCY_VIOLATION, W, '"us-1"', 'jurisdiction "us"', 'residency "eu"');
    expect(e.message).not.toContain('"eu-1"');
    expect(e.hint).toContain('jurisdiction: "eu"');
    expect(e.hint).toContain('matchLabels');
  });

  test('names every violating cluster, sorted, in one error', () => {
    const e = expectFedError(() => checkResidency([cluster('us-2', { jurisdiction: 'us' }), cluster('eu-1'), cluster('in-1', { jurisdiction: 'in' })], 'eu', W),
      E.RESIDENCY_VIOLATION, W, '"in-1" (jurisdiction "in")', '"us-2" (jurisdiction "us")');
    expect(e.message.indexOf('in-1')).toBeLessThan(e.message.indexOf('us-2'));
  });

  test('comparison is exact (case-sensitive), no normalisation', () => {
    expectFedError(() => checkResidency([cluster('eu-1', { jurisdiction: 'EU' })], 'eu', W), E.RESIDENCY_VIOLATION, W, '"EU"');
  });

  test('an empty or non-string residency → RESIDENCY_INVALID', () => {
    expectFedError(() => checkResidency([cluster('eu-1')], '', W), E.RESIDENCY_INVALID, W, '""');
    expectFedError(() => checkResidency([cluster('eu-1')], 7 as never, W), E.RESIDENCY_INVALID, W, '7');
  });
});
