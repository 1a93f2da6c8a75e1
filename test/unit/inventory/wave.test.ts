/** The one wave type: WaveProps map to InventoryWave in one place, and the waits a wave's times bound have names. */
import * as fs from 'fs';
import * as path from 'path';
import { Duration, FederatedApp } from '../../../lib';
import { inventoryDocumentSchema, inventoryWaveSchema } from '../../../lib/inventory/types';
import { bakeMs, gateTimeoutMs, rollbackTimeoutMs, settleTimeoutMs } from '../../../lib/inventory/wave';
import { federation } from '../../support/fixtures';

const IMAGE = { containers: [{ image: 'web:1' }] };

/** us-1 and eu-1 receive objects; the canary wave also selects us-2, the rest wave eu-2, ap-1 and ap-2, which receive nothing. */
function twoWaves() {
  const { app, fed } = federation({
    rollout: {
      waves: [
        { name: 'canary', clusters: ['us-1', 'us-2'], maxParallel: 2, healthTimeout: Duration.seconds(90), bakeTime: Duration.minutes(2) },
        { name: 'rest', selector: { matchExpressions: [{ key: 'region', operator: 'NotIn', values: ['us'] }] } },
      ],
    },
  });
  new FederatedApp(fed, 'web', { ...IMAGE, placement: { clusters: ['us-1', 'eu-1'] }, replicas: { mode: 'duplicated', replicas: 1 } });
  return { app, fed };
}

describe('WaveProps → InventoryWave', () => {
  test('resolveWaves converts the Durations to seconds, fills the defaults and lists every selected cluster', () => {
    expect(twoWaves().fed.resolveWaves()).toEqual([
      { name: 'canary', clusters: ['us-1', 'us-2'], maxParallel: 2, healthTimeoutSeconds: 90, bakeTimeSeconds: 120 },
      { name: 'rest', clusters: ['ap-1', 'ap-2', 'eu-1', 'eu-2'], maxParallel: 1, healthTimeoutSeconds: 300, bakeTimeSeconds: 0 },
    ]);
  });

  test('inventoryWaves keeps only the clusters that receive objects, and are exactly the waves synth writes to federation.json', () => {
    const { app, fed } = twoWaves();
    const waves = fed.inventoryWaves();
    expect(waves.map((w) => [w.name, w.clusters])).toEqual([['canary', ['us-1']], ['rest', ['eu-1']]]);
    for (const w of waves) expect(inventoryWaveSchema.parse(w)).toEqual(w);
    expect(fed.toSource().outline.waves).toEqual(waves);
    app.synth();
    const doc = inventoryDocumentSchema.parse(JSON.parse(fs.readFileSync(path.join(app.outdir, 'federation.json'), 'utf8')));
    expect(doc.waves).toEqual(waves);
  });
});

describe('the waits of a wave', () => {
  const wave = { healthTimeoutSeconds: 90, bakeTimeSeconds: 120 };
  test('the health timeout bounds the gate, the settle after the bake and the rollback; the bake time the bake', () => {
    expect(gateTimeoutMs(wave)).toBe(90_000);
    expect(settleTimeoutMs(wave)).toBe(90_000);
    expect(rollbackTimeoutMs(wave)).toBe(90_000);
    expect(bakeMs(wave)).toBe(120_000);
  });
  test('fractions of a second are kept', () => {
    expect(gateTimeoutMs({ healthTimeoutSeconds: 0.5 })).toBe(500);
  });
});
