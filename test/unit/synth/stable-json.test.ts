import { cdktfJson } from '../../../lib/synth/stable-json';
import { shopModel } from '../../support/terraform';

// the printer cdktf writes cdk.tf.json with (a dependency of cdktf)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stringify = require(require.resolve('json-stable-stringify', { paths: [require.resolve('cdktf')] })) as (v: unknown, o: object) => string;

describe('cdktfJson: the layout of cdk.tf.json, byte for byte', () => {
  test.each<[string, unknown]>([
    ['nested maps and lists', { b: [1, 'x', { d: null, c: [true, false] }], a: { z: 1, y: { x: [] } } }],
    ['empty collections', { a: {}, b: [], c: [{}, []], d: [[[]]] }],
    ['undefined members and list items, functions', { a: undefined, b: [undefined, 1, () => 1], c: () => 1, d: 'x' }],
    ['strings that need escapes, unicode keys', { 'k"ey': 'a\nb\t"c"\u0001', ü: 'ünï ✓', '${x}': '$${y}', '': '' }],
    ['numbers', { n: [0, -0, 1.5, 1e21, NaN, Infinity, -3] }],
    ['key order by code unit', { b: 1, B: 2, a: 3, _: 4, '10': 5, '9': 6, 'a-b': 7, a_b: 8 }],
    ['top-level list and scalars', [1, { a: 'b' }]],
    ['a stack model', shopModel()],
  ])('%s', (_name, v) => {
    expect(cdktfJson(v)).toBe(stringify(v, { space: 2 }));
  });
});
