import * as fs from 'fs';
import * as path from 'path';

/** What `cdkfed --version` and `cdkfed init` need from cdk-federation's own package.json. */
export interface PackageInfo {
  readonly name: string;
  readonly version: string;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
}

let cached: PackageInfo | undefined;

/**
 * cdk-federation's package.json, read at run time (so the versions a generated project pins
 * are the ones this release was built and tested with, never a copy that goes stale). Found
 * by walking up from this file: lib/ in the repository (ts-jest, tsx) and build/lib/ in the
 * installed package sit at different depths.
 */
export function packageInfo(): PackageInfo {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const json = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (json.name === 'cdk-federation') {
        cached = { name: json.name, version: json.version, dependencies: json.dependencies ?? {}, devDependencies: json.devDependencies ?? {} };
        return cached;
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`cdk-federation: no package.json of cdk-federation above ${__dirname}`);
  }
}
