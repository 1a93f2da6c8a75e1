import { instantiate, substituter } from '../../../lib/synth/stack-template';

describe('substituter', () => {
  test('replaces every occurrence of every placeholder', () => {
    const r = substituter([['P-name', 'eu-1'], ['P_name', 'eu_1']]);
    expect(r('terraform.P-name.tfstate')).toBe('terraform.eu-1.tfstate');
    expect(r('${var.P_name_host == null ? var.kubeconfig : null} P-name/P-name')).toBe('${var.eu_1_host == null ? var.kubeconfig : null} eu-1/eu-1');
    expect(r('no placeholder here')).toBe('no placeholder here');
  });

  test('one pass: a value that contains a placeholder is not replaced again', () => {
    // replacing one placeholder after the other would turn the inserted 'Q' into 'x'
    const r = substituter([['P', 'Q'], ['Q', 'x']]);
    expect(r('P Q')).toBe('Q x');
  });

  test('the longest placeholder wins where several start: the quoted form of a string before the bare one', () => {
    const r = substituter([['C', 'ctx "a"'], ['"C"', '"ctx \\"a\\""']]);
    expect(r('${x == null ? "C" : null} C')).toBe('${x == null ? "ctx \\"a\\"" : null} ctx "a"');
  });

  test('placeholders are text, not patterns; replacement values are text, not patterns', () => {
    const r = substituter([['a.b', '$&$1'], ['(x)', '$$']]);
    expect(r('a.b axb (x) x')).toBe('$&$1 axb $$ x');
  });

  test('refuses an empty placeholder or one placeholder for two values; no placeholders change nothing', () => {
    expect(() => substituter([['', 'x']])).toThrow(/empty/);
    expect(() => substituter([['P', 'x'], ['P', 'y']])).toThrow(/two values/);
    expect(substituter([['P', 'x'], ['P', 'x']])('P')).toBe('x');
    expect(substituter([])('P')).toBe('P');
  });

  test('the same placeholders with other values (one compiled pattern, shared) stay apart', () => {
    const a = substituter([['P', 'a'], ['PP', 'aa']]);
    const b = substituter([['PP', 'bb'], ['P', 'b']]);
    expect([a('P PP'), b('P PP'), a('PPP')]).toEqual(['a aa', 'b bb', 'aaa']);
  });
});

describe('instantiate', () => {
  test('replaces in every string and key at any depth; other values and the template stay as they are', () => {
    const template = {
      '//': { metadata: { stackName: '@P@', version: '0.21.0' } },
      variable: { '@P_@_host': { default: null, nullable: true, description: 'API server of @P@' } },
      list: ['@P@', 1, true, null, { '@P@': ['@P@'] }],
    };
    const copy = JSON.parse(JSON.stringify(template));
    const out = instantiate(template, substituter([['@P@', 'eu-1'], ['@P_@', 'eu_1']]));
    expect(out).toEqual({
      '//': { metadata: { stackName: 'eu-1', version: '0.21.0' } },
      variable: { eu_1_host: { default: null, nullable: true, description: 'API server of eu-1' } },
      list: ['eu-1', 1, true, null, { 'eu-1': ['eu-1'] }],
    });
    expect(template).toEqual(copy);
  });
});
