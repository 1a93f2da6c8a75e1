/**
 * The global shop: web, api and checkout in three regions (us, eu, apac), each with a
 * primary and a standby (DR) cluster; user-data stays in the EU (GDPR); the storefront is
 * reachable at one global name with geo routing and per-region failover to the standbys.
 * Rollout: the standbys act as canaries, then the primaries region by region.
 */
import * as path from 'path';
import { ClusterRegistry, Duration, FederatedApp, FederatedResource, Federation, FederationApp, GlobalService } from '../lib';

/** Knobs for trying the shop on local clusters (`npm run demo`); production values by default. */
export interface ShopOptions {
  /** Every wave's health timeout. @default 5 min for the canaries, 10 min for the primaries */
  readonly healthTimeout?: Duration;
  /** Every wave's bake time (apac has none). @default 10 min for the canaries, 15 min for us and eu */
  readonly bakeTime?: Duration;
  /** The web image. @default 'ghcr.io/example/shop-web:1.8.0' */
  readonly webImage?: string;
  /** A cluster whose web pods never become Ready (kwok's `cdk-federation.io/simulate: fail`), to show a failed gate. @default none */
  readonly breakWebIn?: string;
}

export function buildShop(app: FederationApp, registryFile = path.join(__dirname, 'clusters.yaml'), opts: ShopOptions = {}): Federation {
  const health = (d: Duration) => opts.healthTimeout ?? d;
  const bake = (d: Duration) => opts.bakeTime ?? d;
  const fed = new Federation(app, 'shop', {
    registry: ClusterRegistry.fromFile(registryFile),
    rollout: {
      waves: [
        { name: 'canary', selector: { matchLabels: { role: 'standby' } }, maxParallel: 3, healthTimeout: health(Duration.minutes(5)), bakeTime: bake(Duration.minutes(10)) },
        { name: 'us', clusters: ['us-primary'], healthTimeout: health(Duration.minutes(10)), bakeTime: bake(Duration.minutes(15)) },
        { name: 'eu', clusters: ['eu-primary'], healthTimeout: health(Duration.minutes(10)), bakeTime: bake(Duration.minutes(15)) },
        { name: 'apac', clusters: ['apac-primary'], healthTimeout: health(Duration.minutes(10)) },
      ],
    },
  });

  const web = new FederatedApp(fed, 'web', {
    containers: [{
      image: opts.webImage ?? 'ghcr.io/example/shop-web:1.8.0',
      ports: [{ name: 'http', containerPort: 8080, servicePort: 80 }],
      env: { API_URL: 'http://api.shop.svc.clusterset.local' },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
      readiness: { httpGet: { path: '/healthz', port: 'http' } },
    }],
    replicas: { mode: 'divided', total: 18, weights: 'capacity', min: 2 },
    standbyReplicas: 1,
    autoscaling: { minReplicas: 2, maxReplicas: 20 },
    disruptionBudget: { maxUnavailable: 1 },
    overrides: {
      regions: { apac: { config: { LOCALE_DEFAULT: 'en-SG' } } },
      clusters: {
        'us-primary': { autoscaling: { maxReplicas: 40 } },
        ...(opts.breakWebIn ? { [opts.breakWebIn]: { labels: { 'cdk-federation.io/simulate': 'fail' } } } : {}),
      },
    },
    config: { LOCALE_DEFAULT: 'en-US', FEATURE_RECOMMENDATIONS: 'true' },
  });

  new FederatedApp(fed, 'api', {
    containers: [{
      image: 'ghcr.io/example/shop-api:3.2.1',
      ports: [{ name: 'http', containerPort: 9000 }],
      env: { DATABASE_PASSWORD: { secretKeyRef: { name: 'api-db', key: 'password' } } },
      readiness: { httpGet: { path: '/ready', port: 9000 } },
      liveness: { tcpSocket: { port: 9000 } },
      resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { memory: '512Mi' } },
    }],
    replicas: 3,
    disruptionBudget: { minAvailable: 2 },
    overrides: { regions: { eu: { containers: [{ name: 'api', env: { REGION_POLICY: 'gdpr' } }] } } },
  });

  new FederatedApp(fed, 'checkout', {
    containers: [{
      image: 'ghcr.io/example/shop-checkout:2.0.4',
      ports: [{ name: 'http', containerPort: 8443 }],
      envFromSecrets: ['payment-provider'],
      resources: { requests: { cpu: '250m', memory: '256Mi' } },
    }],
    placement: { selector: { matchLabels: { role: 'primary' } } },
    replicas: 2,
    overrides: { clusters: { 'us-primary': { replicas: 4 } } },
  });

  // GDPR: personal data is stored and processed only in EU clusters.
  new FederatedApp(fed, 'user-data', {
    containers: [{
      image: 'ghcr.io/example/user-data:5.1.0',
      ports: [{ containerPort: 7000 }],
      resources: { requests: { cpu: '100m', memory: '128Mi' } },
    }],
    placement: { selector: { matchLabels: { jurisdiction: 'eu' } } },
    residency: 'eu',
    replicas: 2,
    standbyReplicas: 1,
  });

  new GlobalService(fed, 'storefront', {
    app: web,
    hostname: 'shop.example.com',
    routing: { policy: 'geo', failover: true, defaultRegion: 'us' },
  });

  new FederatedResource(fed, 'shop-quota', {
    manifest: {
      apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'shop-quota', namespace: 'shop' },
      spec: { hard: { 'requests.cpu': '40', 'requests.memory': '80Gi' } },
    },
    overrides: { clusters: { 'apac-standby': [{ op: 'replace', path: '/spec/hard/requests.cpu', value: '8' }] } },
  });

  return fed;
}

if (require.main === module) {
  const app = new FederationApp();
  buildShop(app);
  app.synth();
}
