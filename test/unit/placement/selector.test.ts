import { isLabelKey, isLabelValue, matchesSelector, validateSelector, describeSelector, PlacementErrorCode as E, LabelSelector } from '../../../lib/placement';
import { expectFedError } from '../../support/placement';

const W = 'shop/web';
const labels = { region: 'eu-west-1', tier: 'gold', 'example.com/team': 'payments', empty: '' };

describe('matchesSelector', () => {
  test('undefined and empty selectors match every label set, including an empty one', () => {
    expect(matchesSelector(labels, undefined)).toBe(true);
    expect(matchesSelector(labels, {})).toBe(true);
    expect(matchesSelector({}, {})).toBe(true);
    expect(matchesSelector({}, { matchLabels: {}, matchExpressions: [] })).toBe(true);
  });

  test('matchLabels requires every pair to be present with the exact value', () => {
    expect(matchesSelector(labels, { matchLabels: { region: 'eu-west-1' } })).toBe(true);
    expect(matchesSelector(labels, { matchLabels: { region: 'eu-west-1', tier: 'gold' } })).toBe(true);
    expect(matchesSelector(labels, { matchLabels: { region: 'eu-west-1', tier: 'silver' } })).toBe(false);
    expect(matchesSelector(labels, { matchLabels: { region: 'EU-WEST-1' } })).toBe(false);
    expect(matchesSelector(labels, { matchLabels: { absent: 'x' } })).toBe(false);
    expect(matchesSelector(labels, { matchLabels: { 'example.com/team': 'payments' } })).toBe(true);
  });

  test('matchLabels with an empty value matches a present empty label but not an absent one', () => {
    expect(matchesSelector(labels, { matchLabels: { empty: '' } })).toBe(true);
    expect(matchesSelector(labels, { matchLabels: { absent: '' } })).toBe(false);
  });

  test('In: key present with one of the values', () => {
    expect(matchesSelector(labels, { matchExpressions: [{ key: 'region', operator: 'In', values: ['us-east-1', 'eu-west-1'] }] })).toBe(true);
    expect(matchesSelector(labels, { matchExpressions: [{ key: 'region', operator: 'In', values: ['us-east-1'] }] })).toBe(false);
    expect(matchesSelector(labels, { matchExpressions: [{ key: 'absent', operator: 'In', values: ['x'] }] })).toBe(false);
  });

  test('NotIn: matches when the key is absent or its value is not listed (Kubernetes semantics)', () => {
    expect(matchesSelector(labels, { matchExpressions: [{ key: 'region', operator: 'NotIn', values: ['us-east-1'] }] })).toBe(true);
    expect(matchesSelector(labels, { matchExpressions: [{ key: 'region', operator: 'NotIn', values: ['eu-west-1', 'x'] }] })).toBe(false);
    expect(matchesSelector(labels, { matchExpressions: [{ key: 'absent', operator: 'NotIn', values: ['x'] }] })).toBe(true);
  });

  test('Exists and DoesNotExist test only for the key (an empty value counts as present)', () => {
    expect(matchesSelector(labels, { matchExpressions: [{ key: 'tier', operator: 'Exists' }] })).toBe(true);
    expect(matchesSelector(labels, { matchExpressions: [{ key: 'empty', operator: 'Exists' }] })).toBe(true);
    expect(matchesSelector(labels, { matchExpressions: [{ key: 'absent', operator: 'Exists' }] })).toBe(false);
    expect(matchesSelector(labels, { matchExpressions: [{ key: 'absent', operator: 'DoesNotExist' }] })).toBe(true);
    expect(matchesSelector(labels, { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] })).toBe(false);
    expect(matchesSelector(labels, { matchExpressions: [{ key: 'empty', operator: 'DoesNotExist' }] })).toBe(false);
  });

  test('keys inherited from Object.prototype are not labels', () => {
    expect(matchesSelector({}, { matchExpressions: [{ key: 'constructor', operator: 'Exists' }] })).toBe(false);
    expect(matchesSelector({}, { matchExpressions: [{ key: 'toString', operator: 'DoesNotExist' }] })).toBe(true);
  });

  test('matchLabels and matchExpressions are ANDed, and so are all expressions', () => {
    const sel: LabelSelector = {
      matchLabels: { tier: 'gold' },
      matchExpressions: [
        { key: 'region', operator: 'In', values: ['eu-west-1'] },
        { key: 'deprecated', operator: 'DoesNotExist' },
      ],
    };
    expect(matchesSelector(labels, sel)).toBe(true);
    expect(matchesSelector({ ...labels, tier: 'silver' }, sel)).toBe(false);
    expect(matchesSelector({ ...labels, region: 'us-east-1' }, sel)).toBe(false);
    expect(matchesSelector({ ...labels, deprecated: 'yes' }, sel)).toBe(false);
  });

  test('two requirements on the same key must both hold', () => {
    const sel: LabelSelector = { matchExpressions: [
      { key: 'region', operator: 'In', values: ['eu-west-1', 'eu-central-1'] },
      { key: 'region', operator: 'NotIn', values: ['eu-central-1'] },
    ] };
    expect(matchesSelector({ region: 'eu-west-1' }, sel)).toBe(true);
    expect(matchesSelector({ region: 'eu-central-1' }, sel)).toBe(false);
  });

  test('an unknown operator (unvalidated selector) never matches', () => {
    expect(matchesSelector(labels, { matchExpressions: [{ key: 'tier', operator: 'Gt' as never, values: ['1'] }] })).toBe(false);
  });
});

describe('validateSelector', () => {
  test('accepts valid selectors of every operator, and undefined', () => {
    expect(() => validateSelector(undefined, W)).not.toThrow();
    expect(() => validateSelector({}, W)).not.toThrow();
    expect(() => validateSelector({
      matchLabels: { region: 'eu-west-1', 'example.com/team': 'a_b.c-d', empty: '' },
      matchExpressions: [
        { key: 'region', operator: 'In', values: ['eu-west-1'] },
        { key: 'region', operator: 'NotIn', values: ['us-east-1', ''] },
        { key: 'tier', operator: 'Exists' },
        { key: 'tier', operator: 'DoesNotExist' },
        { key: 'tier', operator: 'Exists', values: [] },
      ],
    }, W)).not.toThrow();
  });

  test('unknown operator → SELECTOR_BAD_OPERATOR naming the operator', () => {
    expectFedError(() => validateSelector({ matchExpressions: [{ key: 'tier', operator: 'in' as never, values: ['a'] }] }, W),
      E.SELECTOR_BAD_OPERATOR, W, '"in"', 'selector.matchExpressions[0].operator');
    expectFedError(() => validateSelector({ matchExpressions: [{ key: 'tier', operator: 'Gt' as never, values: ['1'] }] }, W, 'waves[2].selector'),
      E.SELECTOR_BAD_OPERATOR, W, '"Gt"', 'waves[2].selector.matchExpressions[0]');
  });

  test.each(['In', 'NotIn'] as const)('%s without values, or with an empty list → SELECTOR_VALUES_REQUIRED', (op) => {
    expectFedError(() => validateSelector({ matchExpressions: [{ key: 'tier', operator: op }] }, W), E.SELECTOR_VALUES_REQUIRED, W, op, '"tier"');
    expectFedError(() => validateSelector({ matchExpressions: [{ key: 'tier', operator: op, values: [] }] }, W), E.SELECTOR_VALUES_REQUIRED, W, op, '[]');
  });

  test.each(['Exists', 'DoesNotExist'] as const)('%s with values → SELECTOR_VALUES_FORBIDDEN', (op) => {
    expectFedError(() => validateSelector({ matchExpressions: [{ key: 'tier', operator: op, values: ['gold'] }] }, W),
      E.SELECTOR_VALUES_FORBIDDEN, W, op, '["gold"]');
  });

  test.each([
    ['empty', ''],
    ['leading dash', '-tier'],
    ['trailing dash', 'tier-'],
    ['space', 'ti er'],
    ['name longer than 63', 'a'.repeat(64)],
    ['upper-case prefix', 'Example.com/tier'],
    ['empty prefix', '/tier'],
    ['empty name', 'example.com/'],
    ['two slashes', 'a/b/c'],
    ['prefix longer than 253', `${'a'.repeat(254)}/x`],
  ])('invalid key (%s) → SELECTOR_BAD_KEY in matchLabels and in expressions', (_why, key) => {
    expectFedError(() => validateSelector({ matchLabels: { [key]: 'x' } }, W), E.SELECTOR_BAD_KEY, W, JSON.stringify(key));
    expectFedError(() => validateSelector({ matchExpressions: [{ key, operator: 'Exists' }] }, W), E.SELECTOR_BAD_KEY, W, JSON.stringify(key));
  });

  test.each([
    ['leading dash', '-gold'],
    ['trailing underscore', 'gold_'],
    ['space', 'go ld'],
    ['slash', 'a/b'],
    ['longer than 63', 'x'.repeat(64)],
  ])('invalid value (%s) → SELECTOR_BAD_VALUE in matchLabels and In/NotIn values', (_why, value) => {
    expectFedError(() => validateSelector({ matchLabels: { tier: value } }, W), E.SELECTOR_BAD_VALUE, W, JSON.stringify(value));
    expectFedError(() => validateSelector({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['ok', value] }] }, W), E.SELECTOR_BAD_VALUE, W, JSON.stringify(value));
    expectFedError(() => validateSelector({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: [value] }] }, W), E.SELECTOR_BAD_VALUE, W, JSON.stringify(value));
  });

  test('non-string values are rejected', () => {
    expectFedError(() => validateSelector({ matchLabels: { tier: 3 as never } }, W), E.SELECTOR_BAD_VALUE, W, '3');
    expectFedError(() => validateSelector({ matchExpressions: [{ key: 'tier', operator: 'In', values: [true as never] }] }, W), E.SELECTOR_BAD_VALUE, W, 'true');
  });

  test('malformed shapes and misspelt fields → SELECTOR_INVALID (a misspelt matchLabels must not select everything)', () => {
    expectFedError(() => validateSelector('region=eu' as never, W), E.SELECTOR_INVALID, W, '"region=eu"');
    expectFedError(() => validateSelector({ matchlabels: { region: 'eu' } } as never, W), E.SELECTOR_INVALID, W, '"matchlabels"');
    expectFedError(() => validateSelector({ matchLabels: ['region'] } as never, W), E.SELECTOR_INVALID, W, 'matchLabels');
    expectFedError(() => validateSelector({ matchExpressions: { key: 'a' } } as never, W), E.SELECTOR_INVALID, W, 'matchExpressions');
    expectFedError(() => validateSelector({ matchExpressions: [null] } as never, W), E.SELECTOR_INVALID, W, 'matchExpressions[0]');
    expectFedError(() => validateSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', value: 'x' }] } as never, W), E.SELECTOR_INVALID, W, '"value"');
    expectFedError(() => validateSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: 'x' }] } as never, W), E.SELECTOR_INVALID, W, '"x"');
  });

  test('reports the index of the offending expression', () => {
    expectFedError(() => validateSelector({ matchExpressions: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'In' }] }, W),
      E.SELECTOR_VALUES_REQUIRED, W, 'matchExpressions[1]');
  });
});

describe('label syntax', () => {
  test('keys', () => {
    for (const k of ['a', 'region', 'A1', 'a.b_c-d', 'example.com/tier', 'k8s.io/x', 'a'.repeat(63), `${'a'.repeat(253)}/x`]) expect(isLabelKey(k)).toBe(true);
    for (const k of ['', '.a', 'a.', 'a'.repeat(64), 'EX.com/a', 'a..b/c', 1]) expect(isLabelKey(k)).toBe(false);
  });
  test('values', () => {
    for (const v of ['', 'a', 'A-b_c.d', 'x'.repeat(63)]) expect(isLabelValue(v)).toBe(true);
    for (const v of [' ', '_a', 'a-', 'x'.repeat(64), null, 5]) expect(isLabelValue(v)).toBe(false);
  });
});

describe('describeSelector', () => {
  test('renders every operator compactly', () => {
    expect(describeSelector(undefined)).toBe('(any)');
    expect(describeSelector({})).toBe('{} (any)');
    expect(describeSelector({ matchLabels: { a: 'b' }, matchExpressions: [
      { key: 'c', operator: 'In', values: ['d', 'e'] }, { key: 'f', operator: 'NotIn', values: ['g'] },
      { key: 'h', operator: 'Exists' }, { key: 'i', operator: 'DoesNotExist' },
    ] })).toBe('{a=b, c In (d,e), f NotIn (g), h, !i}');
  });
});
