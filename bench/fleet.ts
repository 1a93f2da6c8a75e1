/**
 * Fleet generator: N clusters × K FederatedApps (Deployment + Service + ConfigMap each, every
 * app on every cluster), synthesized like any app: dist/ and, unless CDKFED_TERRAFORM=0, cdktf.out/.
 *   node --require tsx/cjs bench/fleet.ts <clusters> <apps>
 * Output folders follow CDKFED_OUTDIR / CDKTF_OUTDIR as for every FederationApp.
 * Objects: clusters × (3 × apps + 1 Namespace).
 */
import { ClusterRegistry, Duration, FederatedApp, Federation, FederationApp } from '../lib';
import { fleetClusters } from './fleet-clusters';

export function buildFleet(app: FederationApp, clusters: number, apps: number): Federation {
  const fed = new Federation(app, 'fleet', {
    registry: ClusterRegistry.fromClusters(fleetClusters(clusters)),
    rollout: {
      waves: [
        { name: 'canary', selector: { matchLabels: { role: 'standby' } }, maxParallel: 5, bakeTime: Duration.minutes(10) },
        { name: 'rest', selector: { matchExpressions: [{ key: 'role', operator: 'NotIn', values: ['standby'] }] }, maxParallel: 20 },
      ],
    },
  });
  for (let a = 0; a < apps; a++) {
    const name = `app-${String(a + 1).padStart(3, '0')}`;
    new FederatedApp(fed, name, {
      containers: [{
        image: `registry.example.com/${name}:1.${a % 7}.0`,
        ports: [{ name: 'http', containerPort: 8080, servicePort: 80 }],
        env: { APP_NAME: name, LOG_LEVEL: a % 2 ? 'info' : 'debug' },
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
        readiness: { httpGet: { path: '/healthz', port: 'http' } },
      }],
      replicas: a % 3 === 0 ? { mode: 'divided', total: clusters * 2, weights: 'capacity', min: 1 } : 2,
      config: { FEATURE_X: String(a % 2 === 0), GREETING: `hello from ${name}`, TIMEOUT: '30s' },
    });
  }
  return fed;
}

if (require.main === module) {
  const [clusters, apps] = [Number(process.argv[2] ?? 10), Number(process.argv[3] ?? 10)];
  const app = new FederationApp();
  buildFleet(app, clusters, apps);
  app.synth();
}
