/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { FederatedApp } from '../../../lib';
import { applyAppOverrides } from '../../../lib/constructs/overrides';
import { errorOf, federation, find, objectsOf } from '../../support/fixtures';

const WEB = { containers: [{ image: 'web:1', ports: [{ name: 'http', containerPort: 8080, servicePort: 80 }] }] };

describe('FederatedApp output per cluster', () => {
  test('emits Namespace, Deployment and Service in every cluster; standbys get standbyReplicas (default 0)', () => {
    const { fed } = federation();
    new FederatedApp(fed, 'web', { ...WEB, replicas: 3 });
    expect(fed.placedClusters).toEqual(['ap-1', 'ap-2', 'eu-1', 'eu-2', 'us-1', 'us-2']);
    const us1 = objectsOf(fed, 'us-1');
    expect(us1.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Namespace/shop', 'Service/web', 'Deployment/web']);
    expect(find(us1, 'Deployment', 'web').spec.replicas).toBe(3);
    expect(find(objectsOf(fed, 'us-2'), 'Deployment', 'web').spec.replicas).toBe(0);
    const svc = find(us1, 'Service', 'web');
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }]);
    expect(svc.spec.selector).toEqual(find(us1, 'Deployment', 'web').spec.selector.matchLabels);
  });

  test('every object carries ownership labels and the cluster annotation', () => {
    const { fed } = federation();
    new FederatedApp(fed, 'web', { ...WEB, config: { A: '1' } });
    for (const o of objectsOf(fed, 'eu-1')) {
      expect(o.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'cdk-federation', 'cdk-federation.io/federation': 'shop' });
      expect(o.metadata.annotations).toEqual({ 'cdk-federation.io/cluster': 'eu-1' });
      if (o.kind !== 'Namespace') expect(o.metadata.labels!['cdk-federation.io/app']).toBe('web');
    }
  });

  test('one Namespace per cluster however many apps share it', () => {
    const { fed } = federation();
    new FederatedApp(fed, 'web', WEB);
    new FederatedApp(fed, 'api', { containers: [{ image: 'api:1' }] });
    new FederatedApp(fed, 'jobs', { containers: [{ image: 'jobs:1' }], namespace: 'batch' });
    const kinds = objectsOf(fed, 'ap-1').filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name);
    expect(kinds).toEqual(['batch', 'shop']);
  });

  test('divided replicas split by capacity over active clusters', () => {
    const { fed } = federation();
    const app = new FederatedApp(fed, 'web', { ...WEB, replicas: { mode: 'divided', total: 12 }, standbyReplicas: 1 });
    const byCluster = Object.fromEntries(app.placements.map((p) => [p.cluster.name, p.replicas]));
    expect(byCluster).toEqual({ 'us-1': 6, 'eu-1': 4, 'ap-1': 2, 'us-2': 1, 'eu-2': 1, 'ap-2': 1 });
  });

  test('config becomes a ConfigMap, mounted with envFrom, and its digest rolls the pods', () => {
    const { fed } = federation();
    new FederatedApp(fed, 'web', { ...WEB, config: { B: '2', A: '1' }, overrides: { clusters: { 'eu-1': { config: { A: 'eu' } } } } });
    const cm = find(objectsOf(fed, 'us-1'), 'ConfigMap', 'web-config');
    expect(Object.keys(cm.data)).toEqual(['A', 'B']);
    const dep = (c: string) => find(objectsOf(fed, c), 'Deployment', 'web');
    expect(dep('us-1').spec.template.spec.containers[0].envFrom).toEqual([{ configMapRef: { name: 'web-config' } }]);
    const digest = (c: string) => dep(c).spec.template.metadata.annotations['cdk-federation.io/config-digest'];
    expect(digest('us-1')).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(digest('eu-1')).not.toBe(digest('us-1'));
    expect(digest('ap-1')).toBe(digest('us-1'));
  });

  test('secrets are referenced, never valued', () => {
    const { fed } = federation();
    new FederatedApp(fed, 'api', { containers: [{ image: 'api:1', env: { PW: { secretKeyRef: { name: 'db', key: 'pw' } } }, envFromSecrets: ['tokens'] }] });
    const c = find(objectsOf(fed, 'us-1'), 'Deployment', 'api').spec.template.spec.containers[0];
    expect(c.env).toEqual([{ name: 'PW', valueFrom: { secretKeyRef: { name: 'db', key: 'pw' } } }]);
    expect(c.envFrom).toEqual([{ secretRef: { name: 'tokens' } }]);
    expect(objectsOf(fed, 'us-1').some((o) => o.kind === 'Secret')).toBe(false);
  });

  test('autoscaling adds an HPA and leaves replicas to it; standbys get no HPA; PDB only where pods run', () => {
    const { fed } = federation();
    new FederatedApp(fed, 'web', { ...WEB, replicas: 2, standbyReplicas: 0, autoscaling: { minReplicas: 2, maxReplicas: 10 }, disruptionBudget: { maxUnavailable: 1 } });
    const us1 = objectsOf(fed, 'us-1');
    expect(find(us1, 'Deployment', 'web').spec.replicas).toBeUndefined();
    expect(find(us1, 'HorizontalPodAutoscaler', 'web').spec).toMatchObject({ minReplicas: 2, maxReplicas: 10, scaleTargetRef: { kind: 'Deployment', name: 'web' } });
    expect(find(us1, 'PodDisruptionBudget', 'web').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'web', 'cdk-federation.io/app': 'web' } } });
    const us2 = objectsOf(fed, 'us-2');
    expect(find(us2, 'HorizontalPodAutoscaler', 'web')).toBeUndefined();
    expect(find(us2, 'PodDisruptionBudget', 'web')).toBeUndefined();
    expect(find(us2, 'Deployment', 'web').spec.replicas).toBe(0);
  });

  test('probes and resources render as in the Kubernetes API', () => {
    const { fed } = federation();
    new FederatedApp(fed, 'web', { containers: [{ ...WEB.containers[0], readiness: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 }, resources: { requests: { cpu: '100m' } } }] });
    const c = find(objectsOf(fed, 'us-1'), 'Deployment', 'web').spec.template.spec.containers[0];
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 });
    expect(c.resources).toEqual({ requests: { cpu: '100m' } });
  });
});

describe('overrides: defaults < region < cluster', () => {
  test('cluster beats region beats defaults; maps merge, containers merge by name', () => {
    const { fed } = federation();
    new FederatedApp(fed, 'web', {
      containers: [{ name: 'web', image: 'web:1', env: { A: 'base', B: 'base' } }, { name: 'sidecar', image: 'proxy:1' }],
      replicas: 2,
      overrides: {
        regions: { eu: { replicas: 4, containers: [{ name: 'web', image: 'web:2-eu', env: { A: 'eu' } }] } },
        clusters: { 'eu-1': { replicas: 5, containers: [{ name: 'web', env: { B: 'eu-1' } }] } },
      },
    });
    const dep = (c: string) => find(objectsOf(fed, c), 'Deployment', 'web');
    const web = (c: string) => dep(c).spec.template.spec.containers[0];
    expect(web('us-1')).toMatchObject({ image: 'web:1', env: [{ name: 'A', value: 'base' }, { name: 'B', value: 'base' }] });
    expect(web('eu-2')).toMatchObject({ image: 'web:2-eu', env: [{ name: 'A', value: 'eu' }, { name: 'B', value: 'base' }] });
    expect(web('eu-1')).toMatchObject({ image: 'web:2-eu', env: [{ name: 'A', value: 'eu' }, { name: 'B', value: 'eu-1' }] });
    expect(dep('us-1').spec.replicas).toBe(2);
    expect(dep('eu-2').spec.replicas).toBe(4);
    expect(dep('eu-1').spec.replicas).toBe(5);
    expect(dep('eu-1').spec.template.spec.containers[1].image).toBe('proxy:1');
  });

  test('applyAppOverrides is pure and skips missing levels', () => {
    const base = { containers: [{ name: 'a', image: 'a:1' }], config: { X: '1' }, autoscaling: { minReplicas: 1, maxReplicas: 3 } };
    const out = applyAppOverrides(base, [undefined, { config: { Y: '2' }, autoscaling: { maxReplicas: 9 } }], 'p');
    expect(out.config).toEqual({ X: '1', Y: '2' });
    expect(out.autoscaling).toEqual({ minReplicas: 1, maxReplicas: 9 });
    expect(base.config).toEqual({ X: '1' });
  });

  test('an override naming an unknown container, region or unplaced cluster fails', () => {
    expect(errorOf(() => new FederatedApp(federation().fed, 'web', { ...WEB, overrides: { regions: { us: { containers: [{ name: 'nope', image: 'x' }] } } } })).message)
      .toMatch(/shop\/web \(cluster us-1\).*container "nope"/);
    expect(errorOf(() => new FederatedApp(federation().fed, 'web', { ...WEB, overrides: { regions: { mars: {} } } })).message).toContain('region "mars"');
    const e = errorOf(() => new FederatedApp(federation().fed, 'web', { ...WEB, placement: { clusters: ['us-1'] }, overrides: { clusters: { 'eu-1': {} } } }));
    expect(e.code).toBe('UNKNOWN_OVERRIDE_TARGET');
    expect(e.message).toContain('cluster "eu-1"');
  });

  test('an override that makes the spec invalid names the cluster', () => {
    const e = errorOf(() => new FederatedApp(federation().fed, 'web', { ...WEB, autoscaling: { minReplicas: 1, maxReplicas: 3 }, overrides: { clusters: { 'us-1': { autoscaling: { maxReplicas: 0 } } } } }));
    expect(e.message).toMatch(/shop\/web \(cluster us-1\).*autoscaling\.maxReplicas.*0/);
  });
});

describe('FederatedApp validation names the construct path, the prop and the value', () => {
  test.each<[string, any, RegExp]>([
    ['no containers', { containers: [] }, /prop "containers"/],
    ['empty image', { containers: [{ image: '' }] }, /containers\[0\]\.image/],
    ['port out of range', { containers: [{ image: 'a', ports: [{ containerPort: 70000 }] }] }, /containerPort.*70000/],
    ['unnamed containers', { containers: [{ image: 'a' }, { image: 'b' }] }, /containers\[0\]\.name/],
    ['probe with two handlers', { containers: [{ image: 'a', readiness: { tcpSocket: { port: 1 }, exec: { command: ['x'] } } }] }, /readiness[\s\S]*exactly one/],
    ['bad env ref', { containers: [{ image: 'a', env: { X: { secretKeyRef: { name: 'a' } } } }] }, /env\.X/],
    ['hpa max < min', { containers: [{ image: 'a' }], autoscaling: { minReplicas: 3, maxReplicas: 2 } }, /autoscaling/],
    ['pdb with both', { containers: [{ image: 'a' }], disruptionBudget: { minAvailable: 1, maxUnavailable: 1 } }, /disruptionBudget/],
    ['negative replicas', { containers: [{ image: 'a' }], replicas: -1 }, /replicas.*-1/],
    ['bad namespace', { containers: [{ image: 'a' }], namespace: 'Bad_NS' }, /namespace.*Bad_NS/],
    ['bad label', { containers: [{ image: 'a' }], labels: { ok: 'not valid!' } }, /labels\.ok/],
  ])('%s', (_name, props, re) => {
    const e = errorOf(() => new FederatedApp(federation().fed, 'web', props));
    expect(e.message).toContain('shop/web');
    expect(e.message).toMatch(re);
    expect(e.hint).toBeTruthy();
  });

  test('invalid app name', () => {
    expect(errorOf(() => new FederatedApp(federation().fed, 'Web_App', WEB)).message).toContain('"Web_App" is not a DNS label');
  });
});

describe('placement through the construct', () => {
  test('a placement selecting no cluster is an error, not an empty output', () => {
    const e = errorOf(() => new FederatedApp(federation().fed, 'web', { ...WEB, placement: { selector: { matchLabels: { tier: 'gpu' } } } }));
    expect(e.message).toContain('shop/web');
  });

  test('residency: crossing the jurisdiction fails synth naming app, cluster and rule; an eu-only selection passes', () => {
    const e = errorOf(() => new FederatedApp(federation().fed, 'users', { ...WEB, residency: 'eu' }));
    expect(e.code).toBe('RESIDENCY_VIOLATION');
    expect(e.message).toContain('shop/users');
    expect(e.message).toMatch(/ap-1|us-1/);
    expect(e.message).toContain('eu');
    const { fed } = federation();
    const app = new FederatedApp(fed, 'users', { ...WEB, residency: 'eu', placement: { selector: { matchLabels: { jurisdiction: 'eu' } } } });
    expect(app.placements.map((p) => p.cluster.name)).toEqual(['eu-1', 'eu-2']);
  });

  test('spread: at most one cluster per region keeps the primaries', () => {
    const { fed } = federation();
    const app = new FederatedApp(fed, 'web', { ...WEB, spread: [{ maxPerDomain: 1 }] });
    expect(app.placements.map((p) => p.cluster.name)).toEqual(['ap-1', 'eu-1', 'us-1']);
  });
});
