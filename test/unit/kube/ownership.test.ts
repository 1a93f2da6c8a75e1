import { applySetTooling, isOurTooling, ownershipLabels, recordLabels } from '../../../lib/kube/ownership';
import { packageInfo } from '../../../lib/package-info';

describe('ownership spellings', () => {
  test('the ApplySet tooling annotation names this tool and its released version', () => {
    expect(applySetTooling(packageInfo().version)).toBe(`cdk-federation/${packageInfo().version}`);
    expect(isOurTooling('cdk-federation/9.9.9')).toBe(true);
    expect(isOurTooling('kubectl/v1.31')).toBe(false);
  });

  test('records carry managed-by and the federation; every synthesized object also its ApplySet', () => {
    expect(recordLabels('shop')).toEqual({ 'app.kubernetes.io/managed-by': 'cdk-federation', 'cdk-federation.io/federation': 'shop' });
    expect(recordLabels()).toEqual({ 'app.kubernetes.io/managed-by': 'cdk-federation' });
    expect(Object.keys(ownershipLabels('shop'))).toEqual(['app.kubernetes.io/managed-by', 'cdk-federation.io/federation', 'applyset.kubernetes.io/part-of']);
  });
});
