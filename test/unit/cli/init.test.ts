/**
 * `cdkfed init` as a command: writes only into an empty or new folder, all or nothing.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { initCommand } from '../../../lib/cli/commands/init';
import { PROJECT_FILES } from '../../../lib/init/project';
import { isFederationError } from '../../../lib';
import { tmpdir } from '../../support/fixtures';

const ROOT = path.resolve(__dirname, '..', '..', '..');

let out = '';
beforeEach(() => {
  out = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
});
afterEach(() => jest.restoreAllMocks());

/** The error initCommand throws (a FederationError), or undefined. */
function failure(fn: () => unknown): { code: string; message: string } | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (!isFederationError(e)) throw e;
    return { code: e.code, message: e.message };
  }
}

const listing = (dir: string) => fs.readdirSync(dir).sort();

describe('cdkfed init', () => {
  test('writes the project into a new folder (created) and says what to run next', () => {
    const dir = path.join(tmpdir(), 'My Fleet');
    expect(initCommand(dir, {})).toBe(0);
    expect(listing(dir)).toEqual([...PROJECT_FILES].sort());
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name).toBe('my-fleet');
    expect(out).toMatch(/^created project "my-fleet" in .*My Fleet: package\.json, tsconfig\.json, cdk8s\.yaml, cdktf\.json, clusters\.yaml, main\.ts, \.gitignore \(2 example clusters\)\nnext:\n {2}cd .*\n {2}npm install\n {2}npm run synth/);
  });

  test('an empty folder, or one holding only .git, is fine; --name names the federation', () => {
    const dir = tmpdir();
    fs.mkdirSync(path.join(dir, '.git'));
    expect(initCommand(dir, { name: 'shop' })).toBe(0);
    expect(listing(dir)).toEqual(['.git', ...PROJECT_FILES].sort());
    expect(fs.readFileSync(path.join(dir, 'main.ts'), 'utf8')).toContain('new Federation(app, \'shop\', {');
  });

  test('a non-empty folder is refused, naming what is there; nothing is written', () => {
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, 'main.ts'), 'mine');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    const err = failure(() => initCommand(dir, {}));
    expect(err?.code).toBe('INIT_NOT_EMPTY');
    expect(err?.message).toMatch(/is not empty \(2 entries: main\.ts, notes\.txt\); init writes a whole new project and never mixes it with existing files \(it would overwrite main\.ts\)/);
    expect(err?.message).toMatch(/hint: run `cdkfed init` in an empty folder/);
    expect(listing(dir)).toEqual(['main.ts', 'notes.txt']);
    expect(fs.readFileSync(path.join(dir, 'main.ts'), 'utf8')).toBe('mine');
    const file = path.join(dir, 'notes.txt');
    expect(failure(() => initCommand(file, {}))?.code).toBe('INIT_NOT_A_FOLDER');
  });

  test('a bad --name or an unreadable --clusters kubeconfig fails before anything is written; a folder init would create is not created', () => {
    const parent = tmpdir();
    const dir = path.join(parent, 'new');
    expect(failure(() => initCommand(dir, { name: 'Bad_Name' }))?.code).toBe('INIT_INVALID_NAME');
    expect(failure(() => initCommand(dir, { clusters: path.join(parent, 'missing') }))?.code).toBe('KUBECONFIG_UNREADABLE');
    fs.writeFileSync(path.join(parent, 'empty'), YAML.stringify({ contexts: [] }));
    expect(failure(() => initCommand(dir, { clusters: path.join(parent, 'empty') }))?.code).toBe('INIT_NO_CONTEXTS');
    expect(listing(parent)).toEqual(['empty']);
  });

  test('a failure half way through leaves no half project: moved files are removed, and the folder if init made it', () => {
    // The fs module itself (lib's `import * as fs` reads through to it).
    const realFs: typeof fs = jest.requireActual('fs');
    const rename = realFs.renameSync;
    let calls = 0;
    jest.spyOn(realFs, 'renameSync').mockImplementation((from, to) => {
      if (++calls === 4) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      rename(from, to);
    });
    const existing = tmpdir();
    const err = failure(() => initCommand(existing, {}));
    expect(err?.code).toBe('INIT_WRITE_FAILED');
    expect(err?.message).toMatch(/cannot write the project: ENOSPC: no space left on device; nothing was left behind/);
    expect(calls).toBe(4);
    expect(listing(existing)).toEqual([]);
    calls = 0;
    const created = path.join(tmpdir(), 'fleet');
    expect(failure(() => initCommand(created, {}))?.code).toBe('INIT_WRITE_FAILED');
    expect(fs.existsSync(created)).toBe(false);
  });

  test('--clusters without a file reads $KUBECONFIG (every file of it, first context of a name wins) and leaves `kubeconfig` out of the registry', () => {
    const dir = tmpdir();
    const a = path.join(dir, 'a.yaml');
    const b = path.join(dir, 'b.yaml');
    fs.writeFileSync(a, YAML.stringify({ contexts: [{ name: 'one', context: { cluster: 'x' } }] }));
    fs.writeFileSync(b, YAML.stringify({ contexts: [{ name: 'two', context: { cluster: 'x' } }, { name: 'one', context: { cluster: 'y' } }] }));
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = [a, path.join(dir, 'absent'), b].join(path.delimiter);
    try {
      expect(initCommand(path.join(dir, 'p'), { clusters: true })).toBe(0);
      const reg = YAML.parse(fs.readFileSync(path.join(dir, 'p', 'clusters.yaml'), 'utf8'));
      expect(reg.clusters.map((c: any) => [c.name, c.context, c.kubeconfig, c.role])).toEqual([['one', 'one', undefined, 'canary'], ['two', 'two', undefined, 'primary']]);
      expect(out).toContain('(2 clusters from $KUBECONFIG (');
      process.env.KUBECONFIG = path.join(dir, 'absent');
      expect(failure(() => initCommand(path.join(dir, 'q'), { clusters: true }))?.code).toBe('INIT_NO_KUBECONFIG');
      // A named file is written into the registry, so plan and deploy find it.
      expect(initCommand(path.join(dir, 'r'), { clusters: b })).toBe(0);
      expect(YAML.parse(fs.readFileSync(path.join(dir, 'r', 'clusters.yaml'), 'utf8')).clusters[0].kubeconfig).toBe(b);
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });
});

describe('the first hour: cdkfed outside a project (compiled CLI, bin/cdkfed)', () => {
  const run = (args: string[], cwd: string) => spawnSync(process.execPath, [path.join(ROOT, 'bin', 'cdkfed'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, KUBECONFIG: path.join(cwd, 'none') } });

  test('--version prints the version of package.json', () => {
    const r = run(['--version'], tmpdir());
    expect([r.status, r.stdout]).toEqual([0, `${JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version}\n`]);
  });

  test('each command\'s --help lists its exit codes', () => {
    const help = run(['plan', '--help'], tmpdir());
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Exit codes:\n  0  planned (with --detailed-exitcode: no changes)\n  1  error\n  2  with --detailed-exitcode only: changes to deploy\n');
    expect(run(['drift', '--help'], tmpdir()).stdout).toContain('  2  drift found\n');
  });

  test('plan, deploy, drift and synth in a folder with no cdk8s.yaml and no dist/ say what to run first; exit 1', () => {
    const dir = tmpdir();
    for (const cmd of ['plan', 'deploy', 'drift']) {
      const r = run([cmd], dir);
      expect([r.status, r.stdout]).toEqual([1, '']);
      expect(r.stderr).toContain(`error NOT_A_PROJECT: ${fs.realpathSync(dir)}: nothing to ${cmd}: no dist/ (what \`cdkfed synth\` writes) and no cdk8s.yaml here`);
      expect(r.stderr).toContain('npx cdkfed init my-fleet');
    }
    const synth = run(['synth'], dir);
    expect(synth.status).toBe(1);
    expect(synth.stderr).toMatch(/^error NO_APP: .*no --app given and no cdk8s\.yaml here, so this is not a cdk-federation project folder\n {2}hint: .*`npx cdkfed init my-fleet`, then `cd my-fleet && npm install && npm run synth`\n$/);
    // In a project that was not synthesized yet: run synth first.
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'app: npx tsx main.ts\n');
    const plan = run(['plan'], dir);
    expect(plan.status).toBe(1);
    expect(plan.stderr).toMatch(/^error DIST_MISSING: dist\/federation\.json: cannot read federation\.json: ENOENT\n {2}hint: run `cdkfed synth` first/);
  });

  test('synth in a project whose npm install was not run says so', () => {
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'app: node main.js\n');
    fs.writeFileSync(path.join(dir, 'package.json'), '{}');
    fs.writeFileSync(path.join(dir, 'main.js'), 'require("cdk-federation")');
    const r = run(['synth'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('hint: there is a package.json but no node_modules/ here: run `npm install` first');
  });
});
