import * as fs from 'fs';
import * as path from 'path';
import { FederatedApp, FederatedResource } from '../../../lib';
import { inventoryDocumentSchema } from '../../../lib/inventory/types';
import { errorOf, federation } from '../../support/fixtures';

describe('ignoreDifferences reach federation.json', () => {
  test('from the Federation, a FederatedApp (scoped to its app and namespace) and a FederatedResource (scoped to its object), in canonical-JSON order', () => {
    const { app, fed } = federation({ ignoreDifferences: [{ kind: 'ConfigMap', jsonPointers: ['/data/generated'], clusters: ['us-1', 'eu-1'] }] });
    new FederatedApp(fed, 'web', { containers: [{ image: 'web:1' }], ignoreDifferences: [{ kind: 'Deployment', jsonPointers: ['/spec/template/metadata/annotations/restartedAt'], reason: 'kubectl rollout restart' }] });
    new FederatedResource(fed, 'quota', { manifest: { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'shop' } }, ignoreDifferences: [{ jsonPointers: ['/spec/hard'] }] });
    app.synth();
    const plan = inventoryDocumentSchema.parse(JSON.parse(fs.readFileSync(path.join(app.outdir, 'federation.json'), 'utf8')));
    expect(plan.ignoreDifferences).toEqual([
      { kind: 'Deployment', app: 'web', namespace: 'shop', jsonPointers: ['/spec/template/metadata/annotations/restartedAt'], reason: 'kubectl rollout restart' },
      { kind: 'ConfigMap', jsonPointers: ['/data/generated'], clusters: ['eu-1', 'us-1'] },
      { kind: 'ResourceQuota', name: 'q', namespace: 'shop', jsonPointers: ['/spec/hard'] },
    ]);
  });
  test('no rules: no field', () => {
    const { app, fed } = federation();
    new FederatedApp(fed, 'web', { containers: [{ image: 'web:1' }] });
    app.synth();
    expect(JSON.parse(fs.readFileSync(path.join(app.outdir, 'federation.json'), 'utf8')).ignoreDifferences).toBeUndefined();
  });
  test('a rule without kind or with a pointer that is not a path is refused naming the prop', () => {
    const e = errorOf(() => federation({ ignoreDifferences: [{ kind: 'Deployment', jsonPointers: ['spec.replicas'] }] }));
    expect(e.message).toMatch(/prop "ignoreDifferences".*jsonPointers starting with "\/" or "\."/);
  });
});
