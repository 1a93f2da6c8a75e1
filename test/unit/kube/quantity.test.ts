import { isQuantityPath, parseQuantity, sameQuantity } from '../../../lib/kube/quantity';

const MAX = (1n << 63n) - 1n;
const value = (q: unknown) => {
  const v = parseQuantity(q);
  return v === undefined ? undefined : `${v.num}/${v.den}`;
};

describe('parseQuantity: the value the API server stores', () => {
  test.each([
    ['0', '0/1'], ['0n', '0/1'], ['-0', '0/1'], ['+0', '0/1'], ['0.0', '0/1'], ['0Gi', '0/1'], ['0e9', '0/1'],
    ['1', '1/1'], ['+1', '1/1'], ['-1', '-1/1'], ['007', '7/1'], ['1000m', '1/1'],
    ['0.5', '1/2'], ['500m', '1/2'], ['.5', '1/2'], ['5.', '5/1'], ['1.G', '1000000000/1'],
    ['1n', '1/1000000000'], ['1u', '1/1000000'], ['1m', '1/1000'], ['1k', '1000/1'], ['1M', '1000000/1'],
    ['1G', '1000000000/1'], ['1T', '1000000000000/1'], ['1P', '1000000000000000/1'], ['1E', '1000000000000000000/1'],
    ['1Ki', '1024/1'], ['1Mi', '1048576/1'], ['1Gi', '1073741824/1'], ['1Ti', `${2n ** 40n}/1`], ['1Pi', `${2n ** 50n}/1`], ['1Ei', `${2n ** 60n}/1`],
    ['1.5Gi', '1610612736/1'], ['0.5Ki', '512/1'], ['0.1Ki', '512/5'], ['0.0000000001Ki', '103/1000000000'],
    ['1e3', '1000/1'], ['1E3', '1000/1'], ['1e+3', '1000/1'], ['1e-3', '1/1000'], ['12.5e-1', '5/4'], ['1e0', '1/1'],
    ['-1.5', '-3/2'], ['-500m', '-1/2'],
  ])('%s = %s', (q, want) => expect(value(q)).toBe(want));

  test('finer than nano rounds up, away from zero (0.1n is stored as 1n)', () => {
    expect(value('0.0000000001')).toBe('1/1000000000');
    expect(value('1.0000000001')).toBe('1000000001/1000000000');
    expect(value('-0.0000000001')).toBe('-1/1000000000');
    expect(value('0.1n')).toBe('1/1000000000');
    expect(value('1e-300')).toBe('1/1000000000');
    expect(value('1.5n')).toBe('1/500000000');
  });

  test('binary SI above 2^63-1 is capped, as ParseQuantity does; decimal values are kept exact', () => {
    expect(value('8Ei')).toBe(`${MAX}/1`);
    expect(value('-16Ei')).toBe(`-${MAX}/1`);
    expect(value('7Ei')).toBe(`${7n << 60n}/1`);
    expect(value('9223372036854775808')).toBe('9223372036854775808/1');
    expect(value('1e30')).toBe(`${10n ** 30n}/1`);
    expect(value('-1e999')).toBe(`-${10n ** 999n}/1`);
  });

  test('an empty number reads as 0, as ParseQuantity does (`Gi`, `-`, `.`, `e3`)', () => {
    for (const q of ['Gi', '-', '+', '.', 'e3', 'm']) expect(value(q)).toBe('0/1');
  });

  test('numbers as YAML carries them: 1, 0.5, 1e21', () => {
    expect(value(1)).toBe('1/1');
    expect(value(0.5)).toBe('1/2');
    expect(value(1e21)).toBe(`${10n ** 21n}/1`);
    expect(value(1e-7)).toBe('1/10000000');
    expect(value(-0)).toBe('0/1');
  });

  test.each([
    [''], [' 1'], ['1 '], ['abc'], ['1e'], ['1K'], ['1ki'], ['1mi'], ['1.2.3'], ['1e3Ki'], ['0x10'], ['++1'], ['+-1'], ['1Mi3'], ['1e1.5'], ['1e9999999999'], ['1e10001'],
    ['1,5'], ['1_000'], ['١'], ['1constructor'], ['1toString'], ['1__proto__'], ['1hasOwnProperty'],
  ])('%j is not a quantity', (q) => expect(parseQuantity(q)).toBeUndefined());

  test('non-strings and non-finite numbers are not quantities', () => {
    for (const q of [NaN, Infinity, -Infinity, null, undefined, true, {}, [], ['1']]) expect(parseQuantity(q)).toBeUndefined();
  });
});

describe('sameQuantity', () => {
  test.each([
    ['0.5', '500m'], ['1024Mi', '1Gi'], ['1e3', '1k'], ['1', '1000m'], ['0.1', '100m'], ['1u', '1000n'], ['1536Mi', '1.5Gi'],
    ['1Ki', '1024'], ['1E', '1e18'], ['0.001M', '1k'], [1, '1'], [0.5, '500m'], [1073741824, '1Gi'], [2, 2], ['0', '-0'],
  ])('%j == %j', (a, b) => {
    expect(sameQuantity(a, b)).toBe(true);
    expect(sameQuantity(b, a)).toBe(true);
  });
  test.each([
    ['1', '1001m'], ['1Gi', '1G'], ['1Ki', '1k'], ['1', '-1'], ['500m', '501m'], ['1e3', '1e4'], ['1', 'one'], ['x', 'x'], [undefined, undefined],
  ])('%j != %j', (a, b) => expect(sameQuantity(a, b)).toBe(false));
});

/** A small deterministic generator (no seed from the clock): the same cases on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('properties: every spelling of a value parses to it', () => {
  const r = rng(15);
  const int = (n: number) => Math.floor(r() * n);
  const digits = (n: number) => Array.from({ length: n }, () => String(int(10))).join('');
  const DEC: Array<[string, number]> = [['n', -9], ['u', -6], ['m', -3], ['', 0], ['k', 3], ['M', 6], ['G', 9], ['T', 12], ['P', 15], ['E', 18]];
  const BIN: Array<[string, bigint]> = [['Ki', 10n], ['Mi', 20n], ['Gi', 30n], ['Ti', 40n], ['Pi', 50n], ['Ei', 60n]];

  test('a decimal SI suffix is its exponent: `<n><suffix>` == `<n>e<exp>`', () => {
    for (let i = 0; i < 500; i++) {
      const n = `${digits(1 + int(8))}${r() < 0.5 ? `.${digits(1 + int(6))}` : ''}`;
      const [suffix, exp] = DEC[int(DEC.length)];
      expect([n, suffix, sameQuantity(`${n}${suffix}`, `${n}e${exp}`)]).toEqual([n, suffix, true]);
    }
  });

  test('moving the decimal point and the exponent together keeps the value', () => {
    for (let i = 0; i < 500; i++) {
      const [a, b] = [digits(1 + int(6)), digits(1 + int(6))];
      const e = int(30) - 15;
      expect([a, b, e, sameQuantity(`${a}.${b}e${e}`, `${a}${b}e${e - b.length}`)]).toEqual([a, b, e, true]);
    }
  });

  test('a binary SI suffix is a power of two: `<n>Ki` == `<n × 1024>`', () => {
    for (let i = 0; i < 500; i++) {
      const n = BigInt(digits(1 + int(4)));
      const [suffix, shift] = BIN[int(BIN.length)];
      const plain = n << shift;
      expect([`${n}${suffix}`, value(`${n}${suffix}`)]).toEqual([`${n}${suffix}`, `${plain > MAX ? MAX : plain}/1`]);
      if (plain <= MAX) expect(sameQuantity(`${n}${suffix}`, String(plain))).toBe(true);
    }
  });

  test('a sign negates; leading zeros change nothing', () => {
    for (let i = 0; i < 300; i++) {
      const n = `${digits(1 + int(6))}.${digits(1 + int(3))}${DEC[int(DEC.length)][0]}`;
      const v = parseQuantity(n)!;
      expect(parseQuantity(`-${n}`)).toEqual({ num: -v.num, den: v.den });
      expect(parseQuantity(`000${n}`)).toEqual(v);
    }
  });
});

describe('isQuantityPath', () => {
  const c = ['spec', 'template', 'spec', 'containers', 0, 'resources'];
  test('resources, sizeLimit, overhead, quota, limit range, PV capacity, HPA targets', () => {
    expect(isQuantityPath('Deployment', [...c, 'requests', 'cpu'])).toBe(true);
    expect(isQuantityPath('Deployment', [...c, 'limits', 'memory'])).toBe(true);
    expect(isQuantityPath('PersistentVolumeClaim', ['spec', 'resources', 'requests', 'storage'])).toBe(true);
    expect(isQuantityPath('Pod', ['spec', 'volumes', 0, 'emptyDir', 'sizeLimit'])).toBe(true);
    expect(isQuantityPath('Pod', ['spec', 'overhead', 'cpu'])).toBe(true);
    expect(isQuantityPath('ResourceQuota', ['spec', 'hard', 'requests.cpu'])).toBe(true);
    expect(isQuantityPath('LimitRange', ['spec', 'limits', 0, 'defaultRequest', 'memory'])).toBe(true);
    expect(isQuantityPath('PersistentVolume', ['spec', 'capacity', 'storage'])).toBe(true);
    expect(isQuantityPath('HorizontalPodAutoscaler', ['spec', 'metrics', 0, 'resource', 'target', 'averageValue'])).toBe(true);
  });
  test('nowhere else: a ConfigMap value "1.0" is a string, not a quantity', () => {
    expect(isQuantityPath('ConfigMap', ['data', 'VERSION'])).toBe(false);
    expect(isQuantityPath('Deployment', [...c, 'claims', 0, 'name'])).toBe(false);
    expect(isQuantityPath('Deployment', ['spec', 'replicas'])).toBe(false);
    expect(isQuantityPath('Widget', ['spec', 'hard', 'cpu'])).toBe(false);
    expect(isQuantityPath('Widget', ['spec', 'limits', 0, 'max', 'cpu'])).toBe(false);
    expect(isQuantityPath('Deployment', [...c, 'requests'])).toBe(false);
    expect(isQuantityPath('Deployment', [])).toBe(false);
  });
});
