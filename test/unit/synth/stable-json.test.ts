import { cdktfJson, cleanedJson, PrintedJson } from '../../../lib/synth/stable-json';
import { escapeTemplate } from '../../../lib/synth/terraform-objects';
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

describe('cleanedJson: a cleaned copy printed, without the copy', () => {
  // the copy cleanedJson stands for: null and undefined members and items dropped, strings and keys through `text`
  const cleanCopy = (v: unknown, text: (s: string) => string): unknown => {
    if (typeof v === 'string') return text(v);
    if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined).map((x) => cleanCopy(x, text));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[text(k)] = cleanCopy(x, text);
      return out;
    }
    return v;
  };
  const texts: Array<[string, (s: string) => string]> = [
    ['as is', (s) => s],
    ['template-escaped', escapeTemplate],
    ['upper-cased (reorders keys)', (s) => s.toUpperCase()],
  ];
  const values: Array<[string, unknown]> = [
    ['nested, with nulls', { b: [1, null, 'x', undefined, { d: null, c: [true, false] }], a: { z: 1, y: { x: [] } }, n: null }],
    ['empty collections, and ones that become empty', { a: {}, b: [], c: [null], d: { e: null }, f: [[[]]] }],
    ['holes, functions', { a: [1, , 3], f: () => 1, g: [() => 1] }], // eslint-disable-line no-sparse-arrays
    ['templates in keys and values: escaping reorders keys', { '$%': 1, '${x}': '${y}', '%{if}': ['%{a}', '$${b}'], 'a{': 'b{' }],
    ['numbers and escapes', { n: [0, -0, 1.5, 1e21, NaN, Infinity], s: 'a\nb\t"c"\u0001 ünï ✓' }],
    ['a top-level list', [null, { b: 'x', a: null }, 'y']],
    ['scalars', 'x${y}'],
    ['a stack model', shopModel()],
  ];
  for (const [textName, text] of texts) {
    test.each(values)(`%s, strings ${textName}, at every level`, (_name, v) => {
      expect(cleanedJson(v, 0, text)).toBe(cdktfJson(cleanCopy(v, text)));
      // deeper: as a member and as a list item of other values
      const at = new PrintedJson((level) => cleanedJson(v, level, text) ?? 'null');
      expect(cdktfJson({ a: { b: [at] }, c: at })).toBe(cdktfJson({ a: { b: [cleanCopy(v, text)] }, c: cleanCopy(v, text) }));
    });
  }

  test('random documents', () => {
    let seed = 7;
    const rand = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const words = ['a', 'b', '${x}', '%{y}', '$%', '{', 'Z', '', 'a b'];
    const gen = (depth: number): unknown => {
      const r = rand(depth > 3 ? 5 : 8);
      if (r === 0) return null;
      if (r === 1) return undefined;
      if (r === 2) return words[rand(words.length)];
      if (r === 3) return rand(100) - 50;
      if (r === 4) return rand(2) === 0;
      if (r === 5) return Array.from({ length: rand(4) }, () => gen(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = rand(5); i > 0; i--) o[words[rand(words.length)] + String(rand(3))] = gen(depth + 1);
      return o;
    };
    for (let i = 0; i < 300; i++) {
      const v = gen(0);
      expect(cleanedJson(v, 0, escapeTemplate) ?? '').toBe(cdktfJson(cleanCopy(v, escapeTemplate)));
    }
  });
});
