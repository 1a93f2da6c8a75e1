import { resolveWaves, selectClusters, PlacementErrorCode as E, WaveSpec } from '../../../lib/placement';
import { cluster, expectFedError } from '../../support/placement';

const F = 'shop';
const registry = [
  cluster('canary-1', { role: 'canary' }),
  cluster('eu-2', { region: 'eu-central-1' }),
  cluster('eu-1'),
  cluster('us-1', { region: 'us-east-1', jurisdiction: 'us' }),
  cluster('us-2', { region: 'us-east-1', jurisdiction: 'us' }),
  cluster('spare', { region: 'ap-south-1', jurisdiction: 'in' }),
];
const placed = ['canary-1', 'eu-1', 'eu-2', 'us-1', 'us-2'];

describe('resolveWaves', () => {
  test('names ∩ selector (ANDed, as in placement), clusters sorted, declared wave order and defaults kept', () => {
    const waves: WaveSpec[] = [
      { name: 'canary', selector: { matchLabels: { role: 'canary' } } },
      { name: 'us', selector: { matchLabels: { jurisdiction: 'us' } }, maxParallel: 2, healthTimeoutSeconds: 120, bakeTimeSeconds: 600 },
      { name: 'eu', clusters: ['eu-2', 'eu-1', 'canary-1'], selector: { matchExpressions: [{ key: 'role', operator: 'NotIn', values: ['canary'] }] } },
    ];
    expect(resolveWaves(registry, waves, placed, F)).toEqual([
      { name: 'canary', clusters: ['canary-1'], maxParallel: 1, healthTimeoutSeconds: 300, bakeTimeSeconds: 0 },
      { name: 'us', clusters: ['us-1', 'us-2'], maxParallel: 2, healthTimeoutSeconds: 120, bakeTimeSeconds: 600 },
      { name: 'eu', clusters: ['eu-1', 'eu-2'], maxParallel: 1, healthTimeoutSeconds: 300, bakeTimeSeconds: 0 },
    ]);
  });

  test('a wave selects exactly the clusters an app placement with the same clusters and selector selects', () => {
    const cases: Array<{ clusters?: string[]; selector?: WaveSpec['selector'] }> = [
      { clusters: ['us-2'], selector: { matchLabels: { jurisdiction: 'us' } } },
      { clusters: ['eu-1', 'us-1', 'spare'], selector: { matchLabels: { jurisdiction: 'eu' } } },
      { clusters: ['eu-1', 'eu-2'] },
      { selector: { matchExpressions: [{ key: 'region', operator: 'In', values: ['eu-west-1', 'us-east-1'] }] } },
      { clusters: ['canary-1', 'us-1'], selector: {} },
    ];
    for (const c of cases) {
      const wave = resolveWaves(registry, [{ name: 'w', ...c }], [], F)[0].clusters;
      const placement = selectClusters(registry, c, F).map((x) => x.name);
      expect(wave).toEqual(placement);
    }
  });

  test('registry clusters that are neither placed nor in a wave are fine; a wave may hold unplaced clusters', () => {
    const r = resolveWaves(registry, [{ name: 'all', selector: { matchExpressions: [{ key: 'jurisdiction', operator: 'In', values: ['eu', 'us', 'in'] }] } }], ['eu-1'], F);
    expect(r[0].clusters).toEqual(['canary-1', 'eu-1', 'eu-2', 'spare', 'us-1', 'us-2']);
    expect(resolveWaves(registry, [{ name: 'one', clusters: ['eu-1'] }], ['eu-1'], F)).toHaveLength(1);
  });

  test('no waves and nothing placed → no waves', () => {
    expect(resolveWaves(registry, [], [], F)).toEqual([]);
  });

  test('a placed cluster in no wave → WAVE_MISSING_CLUSTER naming every missing cluster, with a hint', () => {
    const e = expectFedError(() => resolveWaves(registry, [{ name: 'eu', clusters: ['eu-1', 'eu-2'] }], placed, F), E.WAVE_MISSING_CLUSTER, F,
      '"canary-1"', '"us-1"', '"us-2"', 'waves: eu');
    expect(e.message).not.toContain('"eu-1"');
    expect(e.hint).toContain('"us-1"');
  });

  test('placed clusters but no waves at all → WAVE_MISSING_CLUSTER', () => {
    expectFedError(() => resolveWaves(registry, [], ['eu-1'], F), E.WAVE_MISSING_CLUSTER, F, '"eu-1"');
  });

  test('a cluster in two waves → WAVE_OVERLAP naming the cluster and both waves', () => {
    expectFedError(() => resolveWaves(registry, [
      { name: 'canary', selector: { matchLabels: { role: 'canary' } } },
      { name: 'rest', selector: {} },
    ], placed, F), E.WAVE_OVERLAP, F, '"canary-1"', '"canary"', '"rest"');
    expectFedError(() => resolveWaves(registry, [{ name: 'a', clusters: ['eu-1'] }, { name: 'b', clusters: ['eu-1'] }], ['eu-1'], F),
      E.WAVE_OVERLAP, F, '"eu-1"', '"a" and "b"');
  });

  test('a named cluster that the wave selector does not match is not in the wave', () => {
    expect(resolveWaves(registry, [{ name: 'w', clusters: ['eu-1', 'eu-2'], selector: { matchLabels: { region: 'eu-west-1' } } }], ['eu-1'], F)[0].clusters)
      .toEqual(['eu-1']);
    // so a placed cluster named only by such a wave is in no wave
    expectFedError(() => resolveWaves(registry, [{ name: 'w', clusters: ['eu-1', 'eu-2'], selector: { matchLabels: { region: 'eu-west-1' } } }], ['eu-2'], F),
      E.WAVE_MISSING_CLUSTER, F, '"eu-2"');
  });

  test('an unknown cluster name in a wave → WAVE_UNKNOWN_CLUSTER naming it and the known ones', () => {
    expectFedError(() => resolveWaves(registry, [{ name: 'eu', clusters: ['eu-1', 'eu-9'] }], ['eu-1'], F), E.WAVE_UNKNOWN_CLUSTER, F, '"eu-9"', 'wave "eu"', 'canary-1, eu-1');
  });

  test('a placed cluster missing from the registry → WAVE_UNKNOWN_CLUSTER', () => {
    expectFedError(() => resolveWaves(registry, [{ name: 'eu', clusters: ['eu-1'] }], ['eu-1', 'ghost'], F), E.WAVE_UNKNOWN_CLUSTER, F, '"ghost"');
  });

  test('an empty wave → WAVE_EMPTY, whether it names nothing or its selector matches nothing', () => {
    expectFedError(() => resolveWaves(registry, [{ name: 'eu', clusters: ['eu-1'] }, { name: 'void' }], ['eu-1'], F), E.WAVE_EMPTY, F, '"void"', 'names none');
    expectFedError(() => resolveWaves(registry, [{ name: 'mars', selector: { matchLabels: { region: 'mars' } } }], [], F), E.WAVE_EMPTY, F, '"mars"', 'matches no registered cluster');
    expectFedError(() => resolveWaves(registry, [{ name: 'nil', clusters: [] }], [], F), E.WAVE_EMPTY, F, '"nil"', 'list is empty');
    expectFedError(() => resolveWaves(registry, [{ name: 'both', clusters: ['us-1'], selector: { matchLabels: { jurisdiction: 'eu' } } }], [], F),
      E.WAVE_EMPTY, F, '"both"', '[us-1]', 'jurisdiction=eu', 'ANDed');
  });

  test.each([
    ['', 'empty'],
    ['Canary', 'upper case'],
    ['wave_1', 'underscore'],
    ['-wave', 'leading dash'],
    ['w'.repeat(64), 'too long'],
  ])('wave name %j (%s) → WAVE_INVALID_NAME', (name) => {
    expectFedError(() => resolveWaves(registry, [{ name, clusters: ['eu-1'] }], ['eu-1'], F), E.WAVE_INVALID_NAME, F, JSON.stringify(name), 'waves[0].name');
  });

  test('a missing name → WAVE_INVALID_NAME', () => {
    expectFedError(() => resolveWaves(registry, [{ clusters: ['eu-1'] } as never], ['eu-1'], F), E.WAVE_INVALID_NAME, F, 'undefined');
  });

  test('duplicate wave names → WAVE_DUPLICATE_NAME', () => {
    expectFedError(() => resolveWaves(registry, [{ name: 'eu', clusters: ['eu-1'] }, { name: 'eu', clusters: ['eu-2'] }], ['eu-1', 'eu-2'], F),
      E.WAVE_DUPLICATE_NAME, F, '"eu"', 'waves[1]');
  });

  test.each<[Partial<WaveSpec>, string, string]>([
    [{ maxParallel: 0 }, 'maxParallel', '0'],
    [{ maxParallel: 1.5 }, 'maxParallel', '1.5'],
    [{ maxParallel: -1 }, 'maxParallel', '-1'],
    [{ healthTimeoutSeconds: 0 }, 'healthTimeoutSeconds', '0'],
    [{ healthTimeoutSeconds: -5 }, 'healthTimeoutSeconds', '-5'],
    [{ healthTimeoutSeconds: Infinity }, 'healthTimeoutSeconds', 'Infinity'],
    [{ bakeTimeSeconds: -1 }, 'bakeTimeSeconds', '-1'],
    [{ bakeTimeSeconds: NaN }, 'bakeTimeSeconds', 'NaN'],
  ])('%j → WAVE_INVALID_SETTING naming the wave, setting and value', (setting, ...mentions) => {
    expectFedError(() => resolveWaves(registry, [{ name: 'eu', clusters: ['eu-1'], ...setting }], ['eu-1'], F), E.WAVE_INVALID_SETTING, F, 'wave "eu"', ...mentions);
  });

  test('fractional timeouts and zero bake time are accepted', () => {
    expect(resolveWaves(registry, [{ name: 'eu', clusters: ['eu-1'], healthTimeoutSeconds: 0.5, bakeTimeSeconds: 0 }], ['eu-1'], F)[0])
      .toMatchObject({ healthTimeoutSeconds: 0.5, bakeTimeSeconds: 0 });
  });

  test('malformed input → WAVE_INVALID_SETTING', () => {
    expectFedError(() => resolveWaves(registry, 'eu' as never, [], F), E.WAVE_INVALID_SETTING, F, '"eu"');
    expectFedError(() => resolveWaves(registry, [null] as never, [], F), E.WAVE_INVALID_SETTING, F, 'waves[0]');
    expectFedError(() => resolveWaves(registry, [{ name: 'eu', clusters: 'eu-1' }] as never, [], F), E.WAVE_INVALID_SETTING, F, '"eu-1"');
  });

  test('an invalid wave selector is reported with its field path', () => {
    expectFedError(() => resolveWaves(registry, [{ name: 'eu', selector: { matchExpressions: [{ key: 'role', operator: 'Exists', values: ['x'] }] } }], [], F),
      E.SELECTOR_VALUES_FORBIDDEN, F, 'waves[0].selector.matchExpressions[0]');
  });

  test('the result does not depend on registry order', () => {
    const waves: WaveSpec[] = [{ name: 'canary', selector: { matchLabels: { role: 'canary' } } }, { name: 'rest', selector: { matchLabels: { role: 'primary' } } }];
    expect(resolveWaves([...registry].reverse(), waves, placed, F)).toEqual(resolveWaves(registry, waves, placed, F));
  });
});
