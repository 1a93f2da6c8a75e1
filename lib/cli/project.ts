import * as fs from 'fs';
import * as path from 'path';
import { FederationError } from '../errors';
import { INVENTORY_FILE } from '../inventory/format';

/**
 * Before plan, deploy or drift read dist/: outside a project (no synthesized output and no
 * cdk8s.yaml) say what to run first instead of a bare "cannot read dist/federation.json".
 * Inside a project that was not synthesized yet, or with --dist pointing elsewhere, the
 * inventory reader's DIST_MISSING (run `cdkfed synth` first) says it.
 */
export function requireProject(dist: string, command: string): void {
  if (fs.existsSync(path.join(dist, INVENTORY_FILE)) || fs.existsSync(dist) || fs.existsSync('cdk8s.yaml')) return;
  throw new FederationError('NOT_A_PROJECT', process.cwd(),
    `nothing to ${command}: no ${dist}/ (what \`cdkfed synth\` writes) and no cdk8s.yaml here, so this is not a cdk-federation project folder`,
    'run it in your project folder after `npm run synth`, or pass --dist <folder written by cdkfed synth>; to start a project: `npx cdkfed init my-fleet`, then `cd my-fleet && npm install && npm run synth`');
}
