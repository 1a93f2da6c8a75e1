/**
 * Argo CD's own CRDs (Application, ApplicationSet, AppProject), read from the argo-cd Go
 * module in the module cache: `go mod download` fetches it through the Go module proxy once
 * (about 10 s, nothing is built). Tests install them in a local cluster to check what
 * `cdkfed gitops --engine argocd` renders by a server-side dry run with strict field validation.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as YAML from 'yaml';
import type { KubeObject } from '../../lib/kube/object';

/** The newest release whose go directive (1.26.3) the machine's Go accepts. */
export const ARGOCD_VERSION = 'v3.5.7';
const MODULE = 'github.com/argoproj/argo-cd/v3';

export function argoCdCrds(): KubeObject[] {
  let dir: string;
  try {
    const out = execFileSync('go', ['mod', 'download', '-json', `${MODULE}@${ARGOCD_VERSION}`], {
      encoding: 'utf8',
      env: { ...process.env, GOFLAGS: '', GOTOOLCHAIN: 'local', PATH: `${process.env.PATH}:/usr/local/go/bin` },
      cwd: fs.mkdtempSync(path.join(os.tmpdir(), 'argocd-crds-')),
      timeout: 300_000,
    });
    dir = JSON.parse(out).Dir;
  } catch (e) {
    throw new Error(`cannot fetch ${MODULE}@${ARGOCD_VERSION} from the Go module proxy (needs Go and the proxy): ${(e as Error).message.split('\n')[0]}`, { cause: e });
  }
  return ['application-crd.yaml', 'applicationset-crd.yaml', 'appproject-crd.yaml']
    .map((f) => YAML.parse(fs.readFileSync(path.join(dir, 'manifests', 'crds', f), 'utf8')) as KubeObject);
}
