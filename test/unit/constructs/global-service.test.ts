/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { ClusterRegistry, FederatedApp, GlobalService } from '../../../lib';
import { errorOf, federation, find, objectsOf } from '../../support/fixtures';

const WEB = { containers: [{ image: 'web:1', ports: [{ name: 'http', containerPort: 8080, servicePort: 80 }] }] };

function setup(routing: any, appProps: any = {}, gsProps: any = {}) {
  const { fed } = federation();
  const app = new FederatedApp(fed, 'web', { ...WEB, ...appProps });
  new GlobalService(fed, 'storefront', { app, hostname: 'shop.example.com', routing, ...gsProps });
  const endpoints = (c: string) => find(objectsOf(fed, c), 'DNSEndpoint', 'storefront')?.spec.endpoints ?? [];
  return { fed, app, endpoints };
}

describe('GlobalService', () => {
  test('exports the app Service in each of its clusters and imports it in consumers', () => {
    const { fed } = setup({ policy: 'weighted' }, { placement: { clusters: ['us-1', 'eu-1'] } }, { consumers: { clusters: ['ap-1'] } });
    const exp = find(objectsOf(fed, 'us-1'), 'ServiceExport', 'web');
    expect(exp).toMatchObject({ apiVersion: 'multicluster.x-k8s.io/v1alpha1', metadata: { namespace: 'shop' } });
    const imp = find(objectsOf(fed, 'ap-1'), 'ServiceImport', 'web');
    expect(imp.spec).toEqual({ type: 'ClusterSetIP', ports: [{ name: 'http', protocol: 'TCP', port: 80 }] });
    // The consumer cluster gets the namespace the import lives in.
    expect(find(objectsOf(fed, 'ap-1'), 'Namespace', 'shop')).toBeDefined();
    expect(find(objectsOf(fed, 'us-1'), 'ServiceImport', 'web')).toBeUndefined();
  });

  test('weighted: active clusters publish weighted records (default weight = replicas); standbys none', () => {
    const { endpoints } = setup({ policy: 'weighted' }, { replicas: { mode: 'divided', total: 12 } });
    expect(endpoints('us-1')).toEqual([{
      dnsName: 'shop.example.com', recordTTL: 60, recordType: 'CNAME', targets: ['us-1.shop.example.com'], setIdentifier: 'us-1',
      providerSpecific: [{ name: 'aws/weight', value: '6' }],
    }]);
    expect(endpoints('eu-1')[0].providerSpecific).toEqual([{ name: 'aws/weight', value: '4' }]);
    expect(endpoints('us-2')).toEqual([]);
  });

  test('geo: one record per region with its continent; IPv4 targets become A records', () => {
    const { endpoints } = setup({ policy: 'geo' }, { placement: { selector: { matchLabels: { role: 'primary' } } } }, { targets: { 'eu-1': '203.0.113.7' } });
    expect(endpoints('us-1')[0]).toMatchObject({ dnsName: 'shop.example.com', providerSpecific: [{ name: 'aws/geolocation-continent-code', value: 'NA' }] });
    expect(endpoints('eu-1')[0]).toMatchObject({ recordType: 'A', targets: ['203.0.113.7'], providerSpecific: [{ name: 'aws/geolocation-continent-code', value: 'EU' }] });
    expect(endpoints('ap-1')[0].providerSpecific[0].value).toBe('AS');
  });

  test('geo with failover: geo record to the region name, PRIMARY on the active, SECONDARY on the standby', () => {
    const { endpoints } = setup({ policy: 'geo', failover: true, defaultRegion: 'eu' });
    const eu1 = endpoints('eu-1');
    expect(eu1.map((e: any) => [e.dnsName, e.setIdentifier, e.targets[0], e.providerSpecific[0].value])).toEqual([
      ['shop.example.com', 'eu', 'eu.shop.example.com', 'EU'],
      ['shop.example.com', 'default', 'eu.shop.example.com', '*'],
      ['eu.shop.example.com', 'eu-1', 'eu-1.shop.example.com', 'PRIMARY'],
    ]);
    expect(endpoints('eu-2')).toEqual([expect.objectContaining({ dnsName: 'eu.shop.example.com', targets: ['eu-2.shop.example.com'], providerSpecific: [{ name: 'aws/failover', value: 'SECONDARY' }] })]);
  });

  test('failover: needs exactly one active and one standby', () => {
    const { endpoints } = setup({ policy: 'failover' }, { placement: { clusters: ['eu-1', 'eu-2'] } });
    expect(endpoints('eu-1')[0].providerSpecific).toEqual([{ name: 'aws/failover', value: 'PRIMARY' }]);
    expect(endpoints('eu-2')[0].providerSpecific).toEqual([{ name: 'aws/failover', value: 'SECONDARY' }]);
    const e = errorOf(() => setup({ policy: 'failover' }));
    expect(e.code).toBe('INVALID_ROUTING');
    expect(e.message).toContain('shop/storefront');
  });

  test.each<[string, any, any, any, RegExp]>([
    ['bad hostname', { policy: 'weighted' }, {}, { hostname: 'not a host' }, /hostname/],
    ['weights for a non-member', { policy: 'weighted', weights: { nope: 1 } }, {}, {}, /cluster "nope"/],
    ['weight out of range', { policy: 'weighted', weights: { 'us-1': 300 } }, {}, {}, /weight 300/],
    ['targets for a non-member', { policy: 'weighted' }, { placement: { clusters: ['us-1'] } }, { targets: { 'eu-1': 'x.example.com' } }, /cluster "eu-1"/],
    ['defaultRegion without clusters', { policy: 'geo', defaultRegion: 'mars' }, {}, {}, /defaultRegion/],
    ['bad policy', { policy: 'random' }, {}, {}, /routing/],
  ])('%s is rejected', (_n, routing, appProps, gsProps, re) => {
    const e = errorOf(() => setup(routing, appProps, gsProps));
    expect(e.message).toContain('shop/storefront');
    expect(e.message).toMatch(re);
  });

  test('geo needs one active cluster per region and a location for every region', () => {
    const registry = ClusterRegistry.fromClusters([
      { name: 'us-a', region: 'us', provider: 'x', jurisdiction: 'us', context: 'a' },
      { name: 'us-b', region: 'us', provider: 'x', jurisdiction: 'us', context: 'b' },
      { name: 'm-1', region: 'mars', provider: 'x', jurisdiction: 'x', context: 'c' },
    ]);
    const { fed } = federation({ registry });
    const two = new FederatedApp(fed, 'web', { ...WEB, placement: { clusters: ['us-a', 'us-b'] } });
    expect(errorOf(() => new GlobalService(fed, 'g1', { app: two, hostname: 'shop.example.com', routing: { policy: 'geo' } })).message)
      .toMatch(/exactly one active cluster in region "us", found \[us-a, us-b\]/);
    const mars = new FederatedApp(fed, 'api', { ...WEB, placement: { clusters: ['m-1'] } });
    expect(errorOf(() => new GlobalService(fed, 'g2', { app: mars, hostname: 'shop.example.com', routing: { policy: 'geo' } })).message)
      .toContain('no geolocation for region "mars"');
    const ok = new GlobalService(fed, 'g3', { app: mars, hostname: 'shop.example.com', routing: { policy: 'geo', locations: { mars: { country: 'US' } } } });
    expect(ok.hostname).toBe('shop.example.com');
  });

  test('an app without ports cannot be a GlobalService', () => {
    const { fed } = federation();
    const app = new FederatedApp(fed, 'worker', { containers: [{ image: 'w:1' }] });
    expect(errorOf(() => new GlobalService(fed, 'g', { app, hostname: 'a.example.com', routing: { policy: 'weighted' } })).message).toContain('exposes no ports');
  });
});
