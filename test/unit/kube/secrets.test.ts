import { carriesSecretValues, isSecret } from '../../../lib/kube/secrets';
import { maskPair } from '../../../lib/kube/normalize';

const secret = (extra: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, ...extra });

describe('the one Secret-value rule', () => {
  test.each([
    ['data with a key', { data: { password: 'aHVudGVyMg==' } }, true],
    ['stringData with a key', { stringData: { password: 'hunter2' } }, true],
    ['binaryData with a key', { binaryData: { key: 'AAEC' } }, true],
    ['data that is not a map (fails closed)', { data: 'aHVudGVyMg==' }, true],
    ['no data (a reference target)', { type: 'Opaque' }, false],
    ['empty data and stringData', { data: {}, stringData: {} }, false],
    ['null data', { data: null }, false],
  ])('a Secret with %s: carries values %s', (_label, extra, expected) => {
    expect(carriesSecretValues(secret(extra))).toBe(expected);
  });

  test('only Secrets of the core group; a ConfigMap\'s data or a custom Secret kind holds no secret value', () => {
    expect(carriesSecretValues({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } })).toBe(false);
    expect(carriesSecretValues({ apiVersion: 'example.com/v1', kind: 'Secret', metadata: { name: 'c' }, data: { a: 'b' } })).toBe(false);
    expect(isSecret({ kind: 'Secret' })).toBe(true); // read loosely, without apiVersion
  });

  test('masking covers exactly the fields the rule names', () => {
    const o = secret({ data: { a: 'x' }, stringData: { b: 'y' }, binaryData: { c: 'z' } });
    const masked = maskPair(o, o)[0]!;
    expect([masked.data.a, masked.stringData.b, masked.binaryData.c]).toEqual(['*** (unchanged)', '*** (unchanged)', '*** (unchanged)']);
  });
});
