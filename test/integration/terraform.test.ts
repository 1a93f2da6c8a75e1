/**
 * Terraform path: `tofu init` offline from the local filesystem mirror, then `tofu apply` of a
 * small kubernetes-provider config against local-1; the objects are checked with client-node,
 * then `tofu destroy` removes them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { clients, contexts, kubeconfigPath, uniqueName, waitUntil } from '../support/integration/k8s';
import { runTofu, tofuEnv } from '../support/integration/tofu';

// Any attempt to reach a registry during init fails fast through this dead proxy.
const OFFLINE = { HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1,localhost' };

describe('terraform (OpenTofu + kubernetes provider)', () => {
  const ctx = contexts()[0];
  const c = clients(ctx);
  const namespace = uniqueName('tf');
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkfed-tofu-'));
    const { kubernetesProviderVersion } = tofuEnv();
    fs.writeFileSync(path.join(dir, 'main.tf'), `
terraform {
  required_providers {
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "${kubernetesProviderVersion}"
    }
  }
}

provider "kubernetes" {
  config_path    = ${JSON.stringify(kubeconfigPath())}
  config_context = ${JSON.stringify(ctx)}
}

resource "kubernetes_namespace_v1" "ns" {
  metadata {
    name   = ${JSON.stringify(namespace)}
    labels = { "app.kubernetes.io/managed-by" = "tofu" }
  }
}

resource "kubernetes_config_map_v1" "greeting" {
  metadata {
    name      = "greeting"
    namespace = kubernetes_namespace_v1.ns.metadata[0].name
  }
  data = { hello = "world" }
}
`);
  });

  afterAll(async () => {
    await c.core.deleteNamespace({ name: namespace }).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('tofu init works offline from the filesystem mirror', async () => {
    const r = await runTofu(['init', '-input=false', '-no-color'], dir, OFFLINE);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/Installed hashicorp\/kubernetes v/);
    expect(fs.existsSync(path.join(dir, '.terraform.lock.hcl'))).toBe(true);
  });

  test(`tofu apply creates a namespace and a config map on ${ctx}`, async () => {
    const r = await runTofu(['apply', '-auto-approve', '-input=false', '-no-color'], dir);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/Apply complete! Resources: 2 added/);

    const ns = await c.core.readNamespace({ name: namespace });
    expect(ns.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('tofu');
    const cm = await c.core.readNamespacedConfigMap({ name: 'greeting', namespace });
    expect(cm.data).toEqual({ hello: 'world' });

    const plan = await runTofu(['plan', '-detailed-exitcode', '-input=false', '-no-color'], dir);
    expect(plan.code).toBe(0); // no changes after apply
  });

  test('tofu destroy removes them', async () => {
    const r = await runTofu(['destroy', '-auto-approve', '-input=false', '-no-color'], dir);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    await waitUntil(`namespace ${namespace} gone`, 60_000, async () =>
      (await c.core.readNamespace({ name: namespace }).then(() => undefined, () => true)));
  });
});
