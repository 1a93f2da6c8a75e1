/**
 * The built `cdkfed` runs plan, deploy and drift from one bundled file (scripts/bundle.js), not
 * from the modules it was made of, and that file is the bundle of this very build (a build
 * whose bundle was not made again would run old code), loaded with the code cache the build made.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cdkfed, tmpDist } from '../support/integration/fleet';

const REPO = path.join(__dirname, '..', '..');
const BUNDLE = path.join(REPO, 'build', 'lib', 'cli', 'remote.bundle.js');

test('the bundle is the one this build makes', () => {
  const again = path.join(tmpDist('cdkfed-bundle-'), 'remote.bundle.js');
  execFileSync(process.execPath, [path.join(REPO, 'scripts', 'bundle.js'), again], { cwd: REPO });
  expect(fs.readFileSync(BUNDLE).equals(fs.readFileSync(again))).toBe(true);
});

test('the build writes the bundle\'s code cache, and this Node takes it', () => {
  const loader = path.join(REPO, 'build', 'lib', 'cli', 'cached-require.js');
  const use = execFileSync(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(loader)}).requireCached(${JSON.stringify(BUNDLE)}).cache)`], { encoding: 'utf8' });
  expect(use).toBe('used');
});

test.each([['plan'], ['deploy', '--yes'], ['drift']])('cdkfed %s loads the bundle and none of the modules in it; its errors are the same', async (command, ...rest) => {
  const dist = tmpDist();
  fs.writeFileSync(path.join(dist, 'federation.json'), '{ "truncated": ');
  const loaded = path.join(tmpDist('cdkfed-bundle-'), 'loaded.json');
  const preload = path.join(path.dirname(loaded), 'record.js');
  fs.writeFileSync(preload, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(loaded)}, JSON.stringify(Object.keys(require.cache))));\n`);
  const r = await cdkfed([command, ...rest, '--dist', dist], { env: { NODE_OPTIONS: `--require ${preload}` } });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`error DIST_INVALID: ${path.join(dist, 'federation.json')}: is not valid JSON`);
  const modules = (JSON.parse(fs.readFileSync(loaded, 'utf8')) as string[]).map((f) => path.relative(REPO, f));
  expect(modules).toContain(path.join('build', 'lib', 'cli', 'remote.bundle.js'));
  // main and what it needs before a command runs, nothing of plan, deploy or drift
  expect(modules.filter((f) => f.startsWith(`build${path.sep}`)).sort()).toEqual(['build/lib/cli/cached-require.js', 'build/lib/cli/exit-codes.js', 'build/lib/cli/main.js', 'build/lib/cli/project.js',
    'build/lib/cli/remote.bundle.js', 'build/lib/errors.js', 'build/lib/inventory/format.js', 'build/lib/package-info.js'].map((f) => f.split('/').join(path.sep)));
});
