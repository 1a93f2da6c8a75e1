/**
 * Yardstick for bench/fleet.ts: plain cdk8s emitting the same objects (same kinds, fields,
 * labels and annotations; one file per object) with no federation logic: placement,
 * overrides, validation, federation.json and ordering are left out.
 *   node --require tsx/cjs bench/fleet-raw-cdk8s.ts <clusters> <apps>   (writes $CDK8S_OUTDIR, default dist.raw)
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { ApiObject, App, Chart, YamlOutputType } from 'cdk8s';
import { renderApp } from '../lib/constructs/render-app';
import { fleetClusters } from './fleet-clusters';

const [clusters, apps] = [Number(process.argv[2] ?? 10), Number(process.argv[3] ?? 10)];
const app = new App({ outdir: process.env.CDK8S_OUTDIR ?? 'dist.raw', yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
const labels = { 'app.kubernetes.io/managed-by': 'cdk-federation', 'applyset.kubernetes.io/part-of': 'applyset-x-v1', 'cdk-federation.io/federation': 'fleet' };
for (const c of fleetClusters(clusters)) {
  const chart = new Chart(app, c.name, { disableResourceNameHashes: true, labels });
  const annotations = { 'cdk-federation.io/cluster': c.name };
  new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fleet', annotations } });
  for (let a = 0; a < apps; a++) {
    const name = `app-${String(a + 1).padStart(3, '0')}`;
    const objects = renderApp({
      name, namespace: 'fleet', replicas: 2,
      spec: {
        containers: [{
          name, image: `registry.example.com/${name}:1.${a % 7}.0`,
          ports: [{ name: 'http', containerPort: 8080, servicePort: 80 }],
          env: { APP_NAME: name, LOG_LEVEL: a % 2 ? 'info' : 'debug' },
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
          readiness: { httpGet: { path: '/healthz', port: 'http' } },
        }],
        config: { FEATURE_X: String(a % 2 === 0), GREETING: `hello from ${name}`, TIMEOUT: '30s' },
      },
    });
    for (const { id, object } of objects) {
      new ApiObject(chart, `${name}-${id}`, { ...object, metadata: { ...object.metadata, annotations } } as any);
    }
  }
}
app.synth();
