import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FederationError } from '../../../lib/errors';
import { KubeObject } from '../../../lib/synth/model';
import { synthTerraform } from '../../../lib/synth/terraform';
import { cdktfJson } from '../../../lib/synth/stable-json';
import { dependencies, escapeTemplate, logicalIds, manifestResources, podReferences, printedManifest, toManifest } from '../../../lib/synth/terraform-objects';
import { cluster, shopModel, shopObjects, wave } from '../../support/terraform';

/* eslint-disable @typescript-eslint/no-explicit-any */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkfed-tf-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;
function synth(model = shopModel()): string {
  const out = path.join(tmp, `run${n++}`, 'cdktf.out');
  synthTerraform(model, out);
  return out;
}
const stackJson = (out: string, name: string): any => JSON.parse(fs.readFileSync(path.join(out, 'stacks', name, 'cdk.tf.json'), 'utf8'));
const manifestJson = (out: string): any => JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
function files(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

describe('synthTerraform', () => {
  const out = synth();

  test('one stack per cluster, named after it', () => {
    expect(Object.keys(manifestJson(out).stacks)).toEqual(['eu-1', 'eu-2', 'us-1']);
    expect(fs.readdirSync(path.join(out, 'stacks')).sort()).toEqual(['eu-1', 'eu-2', 'us-1']);
  });

  test('each stack has its own kubernetes provider, pinned, on the cluster context', () => {
    for (const name of ['eu-1', 'eu-2', 'us-1']) {
      const s = stackJson(out, name);
      const p = name.replace('-', '_');
      expect(s.provider.kubernetes).toEqual([{
        config_path: `\${var.${p}_host == null ? var.kubeconfig : null}`,
        config_context: `\${var.${p}_host == null ? "ctx-${name}" : null}`,
        host: `\${var.${p}_host}`,
        cluster_ca_certificate: `\${var.${p}_cluster_ca_certificate}`,
        token: `\${var.${p}_token}`,
      }]);
      expect(s.terraform.required_providers.kubernetes.version).toBe('2.38.0');
      expect(s.variable[`${p}_token`]).toMatchObject({ sensitive: true, default: null });
      expect(s.variable[`${p}_host`]).toMatchObject({ default: null, nullable: true });
    }
    expect(stackJson(out, 'eu-1').variable.kubeconfig.default).toBe('~/.kube/config');
    // relative to the project (the folder holding cdktf.out/), as cdkfed deploy reads it; Terraform runs in the stack folder
    expect(stackJson(out, 'eu-2').variable.kubeconfig.default).toBe('../../../kubeconfigs/eu.yaml');
    const m = shopModel();
    const abs = synth({ ...m, clusters: m.clusters.map((c) => ({ ...c, cluster: { ...c.cluster, kubeconfig: '/etc/kube/config' } })) });
    expect(stackJson(abs, 'eu-1').variable.kubeconfig.default).toBe('/etc/kube/config');
  });

  test('endpoints from the model become the host/CA variable defaults', () => {
    const o = synth(shopModel({ endpoints: { 'us-1': { host: 'https://10.0.0.1:6443', clusterCaCertificate: 'PEM' } } }));
    expect(stackJson(o, 'us-1').variable.us_1_host.default).toBe('https://10.0.0.1:6443');
    expect(stackJson(o, 'us-1').variable.us_1_cluster_ca_certificate.default).toBe('PEM');
    expect(stackJson(o, 'eu-1').variable.eu_1_host.default).toBeNull();
  });

  test('one kubernetes_manifest per object, with readable logical IDs', () => {
    const r = stackJson(out, 'eu-1').resource;
    expect(Object.keys(r)).toEqual(['kubernetes_manifest']);
    expect(Object.keys(r.kubernetes_manifest).sort()).toEqual([
      'canary_shop_web', 'configmap_shop_web-config', 'customresourcedefinition_canaries_shop_example_com',
      'deployment_shop_web', 'namespace_shop', 'service_shop_web',
    ]);
    expect(r.kubernetes_manifest.service_shop_web.manifest).toEqual(shopObjects()[4]);
    for (const res of Object.values<any>(r.kubernetes_manifest)) {
      expect(res.field_manager).toEqual({ name: 'cdkfed-terraform' });
      expect(res['//']).toBeUndefined(); // no construct metadata repeating the address
    }
  });

  test('workloads wait for their rollout within the wave health timeout', () => {
    const r = stackJson(out, 'eu-1').resource.kubernetes_manifest;
    expect(r.deployment_shop_web.wait).toEqual({ rollout: true });
    expect(r.deployment_shop_web.timeouts).toEqual({ create: '120s', update: '120s' });
    expect(stackJson(out, 'us-1').resource.kubernetes_manifest.deployment_shop_web.timeouts.create).toBe('300s');
    expect(r.service_shop_web.wait).toBeUndefined();
    expect(r['configmap_shop_web-config'].wait).toBeUndefined();
    // CRDs wait until served, so their custom resources can follow
    expect(r.customresourcedefinition_canaries_shop_example_com.wait).toEqual({ condition: [{ type: 'Established', status: 'True' }] });
  });

  test('namespaced objects after their namespace, custom resources after their CRD, pods after what they reference', () => {
    const r = stackJson(out, 'eu-1').resource.kubernetes_manifest;
    expect(r.namespace_shop.depends_on).toBeUndefined();
    expect(r.service_shop_web.depends_on).toEqual(['kubernetes_manifest.namespace_shop']);
    // the fixture's Deployment references no ConfigMap: it waits for its namespace only
    expect(r.deployment_shop_web.depends_on).toEqual(['kubernetes_manifest.namespace_shop']);
    expect(r.canary_shop_web.depends_on).toEqual([
      'kubernetes_manifest.namespace_shop', 'kubernetes_manifest.customresourcedefinition_canaries_shop_example_com',
    ]);
    // ...and the stack warns that such a CR cannot be planned before its CRD exists
    expect(manifestJson(out).stacks['eu-1'].annotations).toEqual([expect.objectContaining({ level: '@cdktf/warn', message: expect.stringContaining('Canary shop/web') })]);
  });

  test('stack dependencies are the rollout waves', () => {
    const deps = (o: string) => Object.fromEntries(Object.entries<any>(manifestJson(o).stacks).map(([k, v]) => [k, v.dependencies]));
    expect(deps(out)).toEqual({ 'eu-1': [], 'eu-2': [], 'us-1': ['eu-1', 'eu-2'] });

    // each wave depends on the previous non-empty one only (earlier ones follow transitively)
    const objects = shopObjects();
    const o = synth({
      name: 'shop',
      clusters: ['a', 'b', 'c', 'd'].map((c, i) => ({ cluster: cluster(c), wave: ['w1', 'w2', 'w2', 'w4'][i], objects })),
      waves: [wave('w1', ['a']), wave('w2', ['b', 'c']), wave('w3', []), wave('w4', ['d'])],
      terraform: {},
    });
    expect(deps(o)).toEqual({ a: [], b: ['a'], c: ['a'], d: ['b', 'c'] });
  });

  test('restores Error.prepareStackTrace (suspended during synth for speed)', () => {
    const before = Error.prepareStackTrace;
    synth();
    expect(Error.prepareStackTrace).toBe(before);
    expect(new Error('x').stack).toContain('terraform.test.ts');
  });

  test('a cluster in an unknown wave is an error', () => {
    const m = shopModel();
    expect(() => synthTerraform({ ...m, waves: m.waves.slice(0, 1) }, path.join(tmp, 'nowave'))).toThrow(/wave 'us'/);
  });

  describe('state backend per cluster', () => {
    test('local by default, beside the output directory, as a relative path', () => {
      expect(stackJson(out, 'eu-1').terraform.backend).toEqual({ local: { path: '../../../terraform.eu-1.tfstate' } });
    });
    test('s3: key per cluster, encrypted, locking', () => {
      const o = synth(shopModel({ backend: { type: 's3', bucket: 'tf', region: 'eu-west-1' } }));
      expect(stackJson(o, 'us-1').terraform.backend).toEqual({ s3: { bucket: 'tf', region: 'eu-west-1', key: 'cdkfed/shop/us-1.tfstate', encrypt: true, use_lockfile: true } });
      const o2 = synth(shopModel({ backend: { type: 's3', bucket: 'tf', region: 'eu-west-1', keyPrefix: 'states', dynamodbTable: 'locks' } }));
      expect(stackJson(o2, 'eu-1').terraform.backend.s3).toEqual({ bucket: 'tf', region: 'eu-west-1', key: 'states/eu-1.tfstate', encrypt: true, dynamodb_table: 'locks' });
    });
    test('gcs: prefix per cluster', () => {
      const o = synth(shopModel({ backend: { type: 'gcs', bucket: 'tf', prefix: 'fed' } }));
      expect(stackJson(o, 'eu-2').terraform.backend).toEqual({ gcs: { bucket: 'tf', prefix: 'fed/eu-2' } });
      expect(stackJson(synth(shopModel({ backend: { type: 'gcs', bucket: 'tf' } })), 'eu-1').terraform.backend.gcs.prefix).toBe('cdkfed/shop/eu-1');
    });
    test('kubernetes: secret suffix per cluster, in the cluster itself or a shared context', () => {
      const o = synth(shopModel({ backend: { type: 'kubernetes', namespace: 'tf-state' } }));
      expect(stackJson(o, 'eu-2').terraform.backend).toEqual({ kubernetes: { secret_suffix: 'shop-eu-2', namespace: 'tf-state', config_path: '../../../kubeconfigs/eu.yaml', config_context: 'ctx-eu-2' } });
      const o2 = synth(shopModel({ backend: { type: 'kubernetes', secretSuffixPrefix: 'x-', configPath: '/k', configContext: 'mgmt' } }));
      expect(stackJson(o2, 'eu-2').terraform.backend).toEqual({ kubernetes: { secret_suffix: 'x-eu-2', config_path: '/k', config_context: 'mgmt' } });
    });
  });

  test('deterministic: byte-identical files wherever and however often it runs, no absolute paths', () => {
    const a = synth();
    const b = synth();
    expect(files(a)).toEqual(files(b));
    expect(files(a)).toEqual(['manifest.json', 'stacks/eu-1/cdk.tf.json', 'stacks/eu-2/cdk.tf.json', 'stacks/us-1/cdk.tf.json']);
    for (const f of files(a)) {
      const text = fs.readFileSync(path.join(a, f), 'utf8');
      expect(text).toBe(fs.readFileSync(path.join(b, f), 'utf8'));
      expect(text).not.toContain(tmp);
      expect(text).not.toContain(process.cwd());
    }
  });

  test('re-synth removes stacks of removed clusters and keeps the working dirs of the others', () => {
    const o = synth();
    fs.mkdirSync(path.join(o, 'stacks', 'eu-1', '.terraform'));
    const m = shopModel();
    synthTerraform({ ...m, clusters: m.clusters.filter((c) => c.cluster.name !== 'eu-2') }, o);
    expect(fs.readdirSync(path.join(o, 'stacks')).sort()).toEqual(['eu-1', 'us-1']);
    expect(fs.existsSync(path.join(o, 'stacks', 'eu-1', '.terraform'))).toBe(true);
  });

  test('Terraform template sigils in values stay literal', () => {
    const r = stackJson(out, 'eu-1').resource.kubernetes_manifest;
    expect(r['configmap_shop_web-config'].manifest.data).toEqual({ 'start.sh': 'echo $${HOME} %%{x}' });
    expect(escapeTemplate('a $${b} ${c}')).toBe('a $$${b} $${c}');
  });

  describe('secrets', () => {
    const value = 'hunter2-s3cr3t';
    const secret = (extra: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, ...extra });
    for (const [label, extra] of [
      ['data', { data: { password: Buffer.from(value).toString('base64') } }],
      ['stringData', { stringData: { password: value } }],
      ['binaryData', { binaryData: { password: Buffer.from(value).toString('base64') } }],
    ] as const) {
      test(`a Secret with ${label} throws and nothing is written`, () => {
        const dir = path.join(tmp, `secret-${label}`);
        let err: unknown;
        try {
          synthTerraform(shopModel({}, [...shopObjects(), secret(extra)]), dir);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(FederationError);
        expect((err as FederationError).code).toBe('TF_SECRET_VALUE');
        expect((err as Error).message).toContain('Secret shop/db');
        expect((err as Error).message).not.toContain(value);
        expect(fs.existsSync(dir)).toBe(false);
      });
    }

    test('a Secret without values (a reference target) is fine; no value is in any file', () => {
      const o = synth(shopModel({}, [...shopObjects(), secret({ type: 'Opaque' })]));
      expect(stackJson(o, 'eu-1').resource.kubernetes_manifest.secret_shop_db.manifest).toEqual(secret({ type: 'Opaque' }));
      for (const f of files(o)) expect(fs.readFileSync(path.join(o, f), 'utf8')).not.toContain(value);
    });
  });
});

describe('terraform objects', () => {
  test('same kind from another API group gets the group in its ID; the same object twice is an error', () => {
    const svc = shopObjects()[4];
    const knative: KubeObject = { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' } };
    expect(logicalIds([svc, knative], 'x')).toEqual(['service_shop_web', 'service_serving_knative_dev_shop_web']);
    expect(() => logicalIds([svc, svc], 'cluster eu-1')).toThrow(/Service shop\/web .* appears twice/);
  });

  test('the manifest drops what the server owns and nulls', () => {
    const obj: KubeObject = {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'n', creationTimestamp: null, uid: 'u', labels: { x: 'y' } },
      data: { k: 'v', gone: null }, status: {},
    };
    expect(toManifest(obj)).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'n', labels: { x: 'y' } }, data: { k: 'v' } });
  });

  test('the printed manifest is toManifest printed, wherever it lands; the object is left as it was', () => {
    const objects: KubeObject[] = [
      ...shopObjects(),
      {
        apiVersion: 'v1', kind: 'ConfigMap', status: { x: 1 },
        metadata: { name: 'a', namespace: 'n', creationTimestamp: null, uid: 'u', managedFields: [{ manager: 'm' }], labels: { x: 'y', '${k}': 'v' }, annotations: {} },
        data: { 'run.sh': 'echo ${HOME} %{ if x }', '$%': '1', '${a}': '2', gone: null }, binaryData: undefined,
      } as unknown as KubeObject,
    ];
    for (const obj of objects) {
      const before = JSON.stringify(obj);
      expect(cdktfJson({ r: { m: printedManifest(obj) }, l: [printedManifest(obj)] })).toBe(cdktfJson({ r: { m: toManifest(obj) }, l: [toManifest(obj)] }));
      expect(JSON.stringify(obj)).toBe(before);
    }
    expect(cdktfJson(manifestResources(objects, 60, 'x', printedManifest))).toBe(cdktfJson(manifestResources(objects, 60, 'x')));
  });

  test('a workload depends on the ConfigMaps, Secrets, ServiceAccounts and claims its pods reference, not on every one of its namespace', () => {
    const input = (kind: string, name: string, namespace = 'shop'): KubeObject => ({ apiVersion: 'v1', kind, metadata: { name, namespace } });
    const pod = {
      serviceAccountName: 'runner',
      imagePullSecrets: [{ name: 'pull' }],
      initContainers: [{ name: 'init', env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'init-cfg', key: 'a' } } }] }],
      containers: [{
        name: 'web',
        envFrom: [{ configMapRef: { name: 'web-config' } }, { secretRef: { name: 'web-env' } }],
        env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'db', key: 'pw' } } }, { name: 'X', value: 'y' }],
      }],
      volumes: [
        { name: 'c', configMap: { name: 'files' } }, { name: 's', secret: { secretName: 'tls' } },
        { name: 'p', persistentVolumeClaim: { claimName: 'data' } },
        { name: 'j', projected: { sources: [{ configMap: { name: 'proj-cfg' } }, { secret: { name: 'proj-sec' } }] } },
      ],
    };
    const deployment: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { template: { spec: pod } } };
    const cron: KubeObject = {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'shop' },
      spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'n', envFrom: [{ configMapRef: { name: 'files' } }] }] } } } } },
    };
    const referenced = [
      input('ConfigMap', 'web-config'), input('Secret', 'web-env'), input('Secret', 'db'), input('ConfigMap', 'init-cfg'),
      input('ConfigMap', 'files'), input('Secret', 'tls'), input('PersistentVolumeClaim', 'data'), input('ConfigMap', 'proj-cfg'),
      input('Secret', 'proj-sec'), input('Secret', 'pull'), input('ServiceAccount', 'runner'),
    ];
    const unrelated = [input('ConfigMap', 'other-config'), input('Secret', 'other'), input('ConfigMap', 'web-config', 'elsewhere')];
    const objects = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, ...unrelated, ...referenced, deployment, cron];
    const deps = dependencies(objects);
    const names = (i: number) => deps[i].map((d) => `${objects[d].kind}/${objects[d].metadata.namespace ?? ''}/${objects[d].metadata.name}`).sort();
    expect(names(objects.indexOf(deployment))).toEqual(['Namespace//shop', ...referenced.map((o) => `${o.kind}/shop/${o.metadata.name}`)].sort());
    expect(names(objects.indexOf(cron))).toEqual(['ConfigMap/shop/files', 'Namespace//shop']);
    // a reference to an object that is not in the stack (a Secret made outside the federation) adds nothing
    expect(podReferences(deployment)).toContainEqual({ kind: 'Secret', name: 'db' });
    expect(dependencies([deployment])).toEqual([[]]);
  });
});
