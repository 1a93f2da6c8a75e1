/** A small hand-made federation model for the Terraform tests (no cdk8s needed). */
import { cluster } from './placement';
import { ClusterManifests, FederationModel, KubeObject, TerraformOptions } from '../../lib/synth/model';
import type { InventoryWave } from '../../lib/inventory/types';

export { cluster };

export function wave(name: string, clusters: string[], healthTimeoutSeconds = 300): InventoryWave {
  return { name, clusters, maxParallel: 1, healthTimeoutSeconds, bakeTimeSeconds: 0 };
}

/** Namespace, CRD, ConfigMap, Deployment, Service and a custom resource, in apply order. */
export function shopObjects(replicas = 2): KubeObject[] {
  const labels = { 'app.kubernetes.io/name': 'web' };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'canaries.shop.example.com' },
      spec: {
        group: 'shop.example.com', scope: 'Namespaced',
        names: { kind: 'Canary', plural: 'canaries', singular: 'canary', listKind: 'CanaryList' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { weight: { type: 'integer' } } } } } } }],
      },
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'shop', labels }, data: { 'start.sh': 'echo ${HOME} %{x}' } },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', labels },
      spec: {
        replicas, selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'registry.k8s.io/pause:3.10', ports: [{ containerPort: 8080 }] }] } },
      },
    },
    {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', labels },
      spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] },
    },
    { apiVersion: 'shop.example.com/v1', kind: 'Canary', metadata: { name: 'web', namespace: 'shop' }, spec: { weight: 10 } },
  ];
}

/** eu-1 and eu-2 in wave `canary`/`eu`, us-1 in wave `us`. */
export function shopModel(terraform: TerraformOptions = {}, objects: KubeObject[] = shopObjects()): FederationModel {
  const clusters: ClusterManifests[] = [
    { cluster: cluster('eu-1'), wave: 'eu', objects },
    { cluster: cluster('eu-2', { kubeconfig: 'kubeconfigs/eu.yaml' }), wave: 'eu', objects },
    { cluster: cluster('us-1', { region: 'us-east-1', jurisdiction: 'us' }), wave: 'us', objects },
  ];
  return { name: 'shop', clusters, waves: [wave('eu', ['eu-1', 'eu-2'], 120), wave('us', ['us-1'])], terraform };
}
