/**
 * Time synthTerraform on a generated federation: clusters × objects per cluster.
 *   npx tsx bench/synth-terraform.ts [clusters=6] [objectsPerCluster=50] [runs=5]
 * Prints the one-off cost of loading cdktf and the per-run synth time (min/median/max).
 *   npx tsx bench/synth-terraform.ts --example [runs=5]
 * Times the example (apps/shop.ts) in-process: charts + dist/ alone, then with cdktf.out/.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';

const example = process.argv[2] === '--example';
const [clusters, perCluster, runs] = example
  ? [0, 0, Number(process.argv[3] ?? 5)]
  : [6, 50, 5].map((d, i) => Number(process.argv[2 + i] ?? d));
const f = (ms: number) => `${ms.toFixed(0)} ms`;
/** user + system CPU time, in ms, of a process.cpuUsage() delta */
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const stats = (xs: number[]) => {
  const t = [...xs].sort((a, b) => a - b);
  return `min ${f(t[0])}, median ${f(t[Math.floor(t.length / 2)])}, max ${f(t[t.length - 1])}`;
};

function objects(n: number) {
  // a namespace, then ConfigMap/Deployment/Service triples: a typical app's mix
  const out: Record<string, unknown>[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } }];
  for (let i = 0; out.length < n; i++) {
    const name = `app-${i}`;
    const labels = { 'app.kubernetes.io/name': name };
    out.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'bench', labels }, data: { 'app.yaml': `name: ${name}\nport: 8080\n` } });
    if (out.length < n) {
      out.push({
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'bench', labels },
        spec: {
          replicas: 3, selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name, image: `registry.example.com/${name}:1.0.0`, ports: [{ containerPort: 8080 }], resources: { requests: { cpu: '100m', memory: '128Mi' } } }] },
          },
        },
      });
    }
    if (out.length < n) out.push({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'bench', labels }, spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] } });
  }
  return out;
}

if (example) {
  benchExample();
  process.exit(0);
}

const t0 = performance.now();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { synthTerraform } = require('../lib/synth/terraform') as typeof import('../lib/synth/terraform');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded here on purpose, as synthTerraform loads it on first use (cdktf)
require('../lib/synth/terraform-stack');
const loadMs = performance.now() - t0;

const names = Array.from({ length: clusters }, (_, i) => `cluster-${String(i + 1).padStart(2, '0')}`);
const waves = [names.slice(0, 1), names.slice(1, Math.ceil(clusters / 2)), names.slice(Math.ceil(clusters / 2))].filter((w) => w.length > 0);
const objs = objects(perCluster);
const model = {
  name: 'bench',
  clusters: names.map((name) => ({
    cluster: { name, region: 'r', provider: 'local', jurisdiction: 'eu', labels: {}, context: name, capacity: 1, role: 'primary' as const },
    wave: `wave-${waves.findIndex((w) => w.includes(name)) + 1}`,
    objects: objs as never,
  })),
  waves: waves.map((w, i) => ({ name: `wave-${i + 1}`, clusters: w, maxParallel: 1, healthTimeoutSeconds: 300, bakeTimeSeconds: 0 })),
  terraform: {},
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-tf-'));
const times: number[] = [];
const cpu: number[] = [];
for (let i = 0; i < runs; i++) {
  const s = performance.now();
  const c = process.cpuUsage();
  synthTerraform(model, path.join(dir, `run${i}`, 'cdktf.out'));
  times.push(performance.now() - s);
  cpu.push(cpuMs(process.cpuUsage(c)));
}
const bytes = fs.readdirSync(path.join(dir, 'run0', 'cdktf.out', 'stacks'))
  .reduce((sum, s) => sum + fs.statSync(path.join(dir, 'run0', 'cdktf.out', 'stacks', s, 'cdk.tf.json')).size, 0);
fs.rmSync(dir, { recursive: true, force: true });

console.log(`synthTerraform: ${clusters} clusters × ${perCluster} objects (${clusters * perCluster} resources, ${(bytes / 1024).toFixed(0)} KiB of cdk.tf.json)`);
console.log(`  load cdktf + provider bindings: ${f(loadMs)}`);
console.log(`  synth, ${runs} runs, wall: ${stats(times)} (first run includes JIT warm-up)`);
console.log(`  synth, ${runs} runs, CPU:  ${stats(cpu)} (less affected by other load on the machine)`);
console.log(`  heap used after: ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);

/** The example, each run from a fresh app: build charts → model → dist/ (→ cdktf.out/). */
function benchExample(): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const t = performance.now();
  const { FederationApp } = require('../lib') as typeof import('../lib');
  const { buildShop } = require('../apps/shop') as typeof import('../apps/shop');
  const { writeManifests } = require('../lib/synth/write') as typeof import('../lib/synth/write');
  const { synthTerraform } = require('../lib/synth/terraform') as typeof import('../lib/synth/terraform');
  require('../lib/synth/terraform-stack'); // what synthTerraform loads on first use (cdktf)
  console.log(`example (apps/shop.ts), ${runs} runs; loading the library incl. cdk8s and cdktf: ${f(performance.now() - t)}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ex-'));
  const without: number[] = [];
  const tfOnly: number[] = [];
  const withoutCpu: number[] = [];
  const tfOnlyCpu: number[] = [];
  let resources = 0;
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    const sc = process.cpuUsage();
    const app = new FederationApp({ outdir: path.join(dir, `dist${i}`), terraformOutdir: false });
    const model = buildShop(app).toModel();
    writeManifests(model, fs.mkdtempSync(path.join(dir, 'dist-')));
    const m = performance.now();
    const mc = process.cpuUsage();
    synthTerraform(model, path.join(dir, `cdktf${i}.out`));
    without.push(m - s);
    tfOnly.push(performance.now() - m);
    withoutCpu.push(cpuMs(process.cpuUsage(sc)) - cpuMs(process.cpuUsage(mc)));
    tfOnlyCpu.push(cpuMs(process.cpuUsage(mc)));
    resources = model.clusters.reduce((n, c) => n + c.objects.length, 0);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`  ${resources} objects in total`);
  console.log(`  without Terraform (charts, model, dist/): wall ${stats(without)}; CPU ${stats(withoutCpu)}`);
  console.log(`  Terraform output added (cdktf.out/):      wall ${stats(tfOnly)}; CPU ${stats(tfOnlyCpu)}`);
  console.log(`  with Terraform:                           wall ${stats(without.map((w, i) => w + tfOnly[i]))}; CPU ${stats(withoutCpu.map((w, i) => w + tfOnlyCpu[i]))}`);
}
