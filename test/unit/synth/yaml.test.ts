import * as YAML from 'yaml';
import { buildShop } from '../../../apps/shop';
import { FederationApp } from '../../../lib';
import { manifestYaml } from '../../../lib/synth/yaml';

const reference = (v: unknown) => YAML.stringify(v, { lineWidth: 0, aliasDuplicateObjects: false });

/** Strings whose plain, quoted or block form the yaml package chooses by its own rules. */
const STRINGS = [
  'true', 'false', 'null', '~', 'yes', 'on', '8080', '0.5', '1e3', '0x1F', '0o17', '.inf', '-.nan', '', ' x', 'x ', 'a: b', 'a:b', 'x:',
  '#x', 'x #y', 'x#y', '---x', '--- x', '...', '%x', '- x', '-x', '-', '? x', '?', '@x', '`x', "'x", '"x', 'a\nb', 'line1\nline2\n',
  '\n', 'ünïcødé ✓', '\u0007bell', 'a\tb', "it's", 'say "hi"', '{x}', '[x]', 'x,y', '*x', '&x', '!x', '|x', '>x', 'a'.repeat(300),
  'x'.repeat(50) + '\n' + 'y'.repeat(50), '  lead', 'trail\n ', 'http://example.com/a?b=c#d', 'sha256:abc', 'registry.example.com/app:1.0',
  '${HOME}', '$${HOME}', '%{x}', '100m', '128Mi', 'a\u2028b', '\ud800',
];

describe('manifestYaml: byte-identical to YAML.stringify', () => {
  test.each(STRINGS.map((s) => [JSON.stringify(s), s]))('string %s as value, list item and key', (_label, s) => {
    for (const v of [s, { v: s }, { l: [s] }, { [s]: 1 }, { m: { [s]: { [s]: [s, [s]] } } }, [{ [s]: s }]]) {
      expect(manifestYaml(v)).toBe(reference(v));
    }
  });

  test('numbers, booleans, null', () => {
    const v = { n: [0, -0, 0.5, 1e21, -3, 1.5e-7, NaN, Infinity, -Infinity, 12345678901234567000, 2 ** 53], b: [true, false], z: null, list: [null] };
    expect(manifestYaml(v)).toBe(reference(v));
  });

  test('nesting and empty collections', () => {
    for (const v of [
      { a: 1, b: 'x', c: { d: [1, 2, { e: 'f', g: [] }], h: {} }, i: [[1, 2], [], [{ j: null }]], k: true },
      [], {}, [{}], [[]], [[[1]]], [{ a: [{ b: [{}] }] }], { a: [[{ b: 1, c: [[], {}] }]] }, 'str', 5, null,
      { ['k'.repeat(1100)]: 1 }, { 1: 'a', 0: 'b', x: 'c' },
    ]) {
      expect(manifestYaml(v)).toBe(reference(v));
    }
  });

  test('what is not plain JSON goes to the yaml package', () => {
    for (const v of [{ u: undefined, v: 1 }, { d: new Date(0) }, [undefined], { m: new Map([['a', 1]]) }]) {
      expect(manifestYaml(v)).toBe(reference(v));
    }
  });

  test('every object of the example', () => {
    const app = new FederationApp({ outdir: 'unused', terraformOutdir: false });
    for (const c of buildShop(app).toModel().clusters) {
      for (const o of c.objects) expect(manifestYaml(o)).toBe(reference(o));
    }
  });
});
