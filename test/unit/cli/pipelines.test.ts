/**
 * The pipeline recipes of docs/pipelines.md (examples/): they parse, every cdkfed command line
 * in them is one the CLI accepts, and they rely only on documented exit codes.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { parseCommandLine, ParsedCommandLine } from '../../../lib/cli/main';
import { EXIT_CODES, exitCodesOf, exitCodeTable } from '../../../lib/cli/exit-codes';
import { tmpdir } from '../../support/fixtures';
import { cdkfedArgs, simpleCommands } from '../../support/shell';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const GITHUB = ['cdkfed-plan.yml', 'cdkfed-deploy.yml', 'cdkfed-drift.yml'].map((f) => `examples/github-actions/${f}`);
const GITLAB = 'examples/gitlab-ci/.gitlab-ci.yml';
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), 'utf8');

function parseYaml(file: string): any {
  const docs = YAML.parseAllDocuments(read(file), { uniqueKeys: true });
  expect(docs).toHaveLength(1);
  expect(docs[0].errors.map((e) => e.message)).toEqual([]);
  return docs[0].toJS();
}

/** Every shell script of a workflow: GitHub `run:` of each step; GitLab `script` / `before_script` of each job and of `default`. */
function scripts(file: string): { job: string; script: string }[] {
  const doc = parseYaml(file);
  if (file.includes('github')) {
    return Object.entries<any>(doc.jobs).flatMap(([job, j]) => (j.steps as any[]).filter((s) => typeof s.run === 'string').map((s) => ({ job, script: s.run as string })));
  }
  return Object.entries<any>(doc).filter(([, j]) => j && typeof j === 'object' && !Array.isArray(j))
    .flatMap(([job, j]) => [...(j.before_script ?? []), ...(j.script ?? [])].map((s: string) => ({ job, script: s })));
}

interface Invocation extends ParsedCommandLine {
  readonly job: string;
  readonly line: string;
  /** Redirections, e.g. `>plan.md`. */
  readonly redirects: readonly string[];
  /** The exit codes the script compares the command's code with (`code=$?` then `[ "$code" -eq N ]`). */
  readonly compared: readonly number[];
  /** The script ends with the command's code (`exit "$code"`), or does not capture it (a non-zero code fails the step). */
  readonly failsOnNonZero: boolean;
}

/** Every cdkfed invocation of the scripts, parsed by the CLI's own parser (which throws on a bad command line). */
function invocations(items: { job: string; script: string }[]): Invocation[] {
  return items.flatMap(({ job, script }) => {
    const cmds = simpleCommands(script);
    return cmds.flatMap((cmd, k) => {
      const args = cdkfedArgs(cmd);
      if (!args) return [];
      const parsed = parseCommandLine(args);
      const capture = cmds[k + 1]?.words.length === 1 ? /^([A-Za-z_]\w*)=\$\?$/.exec(cmds[k + 1].words[0]) : null;
      const compared: number[] = [];
      let propagated = false;
      if (capture) {
        const v = `$${capture[1]}`;
        for (const c of cmds.slice(k + 2)) {
          for (let i = 0; i + 2 < c.words.length; i++) {
            if (c.words[i] === v && ['-eq', '-ne'].includes(c.words[i + 1])) compared.push(Number(c.words[i + 2]));
          }
          if (c.words[0] === 'exit' && c.words[1] === v) propagated = true;
        }
      }
      return [{ ...parsed, job, line: `cdkfed ${args.join(' ')}`, redirects: cmd.redirects, compared, failsOnNonZero: !capture || propagated }];
    });
  });
}

/** Exit codes a script compares with that the command does not document for these flags. */
function undocumented(inv: Invocation): number[] {
  const documented = exitCodesOf(inv.command, inv.flags);
  return inv.compared.filter((c) => !documented.includes(c));
}

describe('pipeline recipes (examples/)', () => {
  const github = GITHUB.map((f) => ({ file: f, invs: invocations(scripts(f)), doc: parseYaml(f) }));
  const gitlab = { file: GITLAB, invs: invocations(scripts(GITLAB)), doc: parseYaml(GITLAB) };

  test('every cdkfed command line is accepted by the CLI parser, and each recipe runs the commands it promises', () => {
    const lines = (invs: Invocation[]) => invs.map((i) => [i.job, i.line]);
    expect(lines(github[0].invs)).toEqual([
      ['plan', 'cdkfed synth'],
      ['plan', 'cdkfed plan --kubeconfig $RUNNER_TEMP/kubeconfig --output markdown --detailed-exitcode'],
    ]);
    expect(lines(github[1].invs)).toEqual([
      ['deploy', 'cdkfed synth'],
      ['deploy', 'cdkfed deploy --yes --kubeconfig $RUNNER_TEMP/kubeconfig --output json'],
    ]);
    expect(lines(github[2].invs)).toEqual([['drift', 'cdkfed drift --kubeconfig $RUNNER_TEMP/kubeconfig --output markdown']]);
    expect(lines(gitlab.invs)).toEqual([
      ['synth', 'cdkfed synth'],
      ['plan', 'cdkfed plan --kubeconfig /tmp/kubeconfig --output markdown --detailed-exitcode'],
      ['deploy', 'cdkfed deploy --yes --kubeconfig /tmp/kubeconfig --output json'],
      ['drift', 'cdkfed drift --kubeconfig /tmp/kubeconfig --output markdown'],
    ]);
    for (const inv of [...github.flatMap((g) => g.invs), ...gitlab.invs]) {
      if (inv.command === 'plan') expect(inv.flags).toMatchObject({ output: 'markdown', detailedExitcode: true, dist: 'dist' });
      if (inv.command === 'deploy') {
        expect(inv.flags).toMatchObject({ yes: true, output: 'json', rollback: true });
        expect(inv.redirects).toEqual(['>deploy-report.json']);
      }
      if (inv.command === 'drift') {
        expect(inv.flags).toMatchObject({ output: 'markdown' });
        expect(inv.flags.correct).toBeUndefined(); // a scheduled drift check only reads
      }
    }
  });

  test('the parser the test relies on refuses what cdkfed refuses', () => {
    expect(() => parseCommandLine(['plan', '--outptu', 'markdown'])).toThrow(/unknown option '--outptu'/);
    expect(() => parseCommandLine(['deploy', '--output', 'markdown'])).toThrow(/Allowed choices are text, json/);
    expect(() => parseCommandLine(['promote'])).toThrow(/unknown command 'promote'/);
    expect(parseCommandLine(['init', 'my-fleet', '--clusters'])).toEqual({ command: 'init', args: ['my-fleet'], flags: { clusters: true } });
    const s = simpleCommands('if [ -s plan.md ]; then X=1 npx cdkfed plan --output "mark"down 2> err.txt | tee p; fi\necho "npx cdkfed nope"');
    expect(s.map((c) => cdkfedArgs(c)).filter(Boolean)).toEqual([['plan', '--output', 'markdown']]);
    expect(s.find((c) => cdkfedArgs(c))!.redirects).toEqual(['2>err.txt']);
  });

  test('exit codes: the scripts compare only with documented codes; PR plans tolerate 2, drift fails on 2, deploy fails on 1', () => {
    const all = [...github.flatMap((g) => g.invs), ...gitlab.invs];
    for (const inv of all) expect([inv.line, undocumented(inv)]).toEqual([inv.line, []]);
    for (const inv of all.filter((i) => i.command === 'plan')) {
      expect(inv.compared).toContain(1);
      expect(inv.failsOnNonZero).toBe(false); // exit 2 (changes) is what a pull request is for
    }
    for (const inv of all.filter((i) => i.command === 'drift')) {
      expect(inv.compared).toContain(2);
      expect(inv.failsOnNonZero).toBe(true);
    }
    for (const inv of all.filter((i) => i.command === 'deploy' || i.command === 'synth')) expect(inv.failsOnNonZero).toBe(true);
    // The check can fail: a plan without --detailed-exitcode never returns 2.
    const bad = invocations([{ job: 'x', script: 'set +e\nnpx cdkfed plan --output markdown\ncode=$?\nif [ "$code" -eq 2 ]; then exit 0; fi' }]);
    expect(undocumented(bad[0])).toEqual([2]);
    expect(exitCodesOf('deploy')).toEqual([0, 1]);
  });

  test('triggers: pull request → synth, stale dist/ check, plan comment; push to main → deploy with the report kept; schedule → drift', () => {
    const [pr, deploy, drift] = github.map((g) => g.doc);
    expect(Object.keys(pr.on)).toEqual(['pull_request']);
    expect(deploy.on).toEqual({ push: { branches: ['main'] } });
    expect(Object.keys(drift.on)).toContain('schedule');
    const stale = (steps: any[]) => steps.find((s) => /git status --porcelain -- dist/.test(s.run ?? ''));
    expect(stale(pr.jobs.plan.steps).run).toMatch(/exit 1/);
    expect(stale(deploy.jobs.deploy.steps).run).toMatch(/npx cdkfed synth[\s\S]*exit 1/);
    expect(pr.jobs.plan.steps.at(-1).run).toMatch(/gh pr comment "\$PR" --body-file plan\.md/);
    expect(pr.permissions['pull-requests']).toBe('write');
    const upload = deploy.jobs.deploy.steps.find((s: any) => String(s.uses).startsWith('actions/upload-artifact@'));
    expect(upload).toMatchObject({ if: 'always()', with: { path: 'deploy-report.json' } });
    expect(deploy.concurrency['cancel-in-progress']).toBe(false);

    const gl = gitlab.doc;
    expect(gl.synth.rules.map((r: any) => r.if)).toEqual(['$CI_PIPELINE_SOURCE == "merge_request_event"', '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE == "push"']);
    expect(gl.synth.script.join('\n')).toMatch(/git status --porcelain -- dist[\s\S]*exit 1/);
    expect(gl.plan.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
    expect(gl.plan.script.join('\n')).toMatch(/merge_requests\/\$CI_MERGE_REQUEST_IID\/notes/);
    expect(gl.deploy.rules).toEqual([{ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE == "push"' }]);
    expect(gl.deploy.artifacts).toMatchObject({ when: 'always', paths: ['deploy-report.json'] });
    expect(gl.drift.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "schedule"' }]);
    expect(gl.stages).toEqual(['verify', 'deploy', 'drift']);
    for (const job of ['synth', 'plan', 'deploy', 'drift']) expect(gl.stages).toContain(gl[job].stage);
  });

  test('docs/pipelines.md holds every recipe as it is in examples/ and the exit codes as the CLI documents them', () => {
    const doc = read('docs/pipelines.md');
    for (const f of [...GITHUB, GITLAB]) expect(doc).toContain(`\`\`\`yaml\n${read(f)}\`\`\``);
    expect(doc).toContain(exitCodeTable());
    expect(Object.keys(EXIT_CODES).sort()).toEqual(['deploy', 'drift', 'gitops', 'init', 'plan', 'synth']);
  });
});

/**
 * The recipes' shell steps run for real with bash -e (as GitHub's `run:` and GitLab's
 * `script:` run them), with `npx` and `gh` / `curl` replaced by stubs on PATH that log their
 * arguments and exit with a chosen code: what a recipe does with each exit code of cdkfed.
 */
describe('pipeline recipes (examples/): the shell steps, run', () => {
  const step = (file: string, job: string, match: RegExp): string => {
    const found = scripts(file).filter((s) => s.job === job && match.test(s.script));
    expect(found).toHaveLength(1);
    return found[0].script;
  };

  /** Runs `script` in `cwd` with stubs for npx (exit `code`, stdout "report"), gh and curl. */
  function runStep(script: string, cwd: string, code = 0): { status: number | null; log: string; out: string; summary: string } {
    const bin = tmpdir('cdkfed-stubs-');
    const log = path.join(bin, 'log');
    for (const [name, body] of Object.entries({
      npx: `echo "npx $*" >> ${log}; case "$2" in synth) exit 0;; esac; echo report; exit ${code}`,
      gh: `echo "gh $*" >> ${log}`,
      curl: `echo "curl $*" >> ${log}`,
    })) fs.writeFileSync(path.join(bin, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
    const summary = path.join(bin, 'summary');
    fs.writeFileSync(path.join(bin, 'script.sh'), script);
    const r = spawnSync('bash', ['-e', path.join(bin, 'script.sh')], {
      cwd, encoding: 'utf8',
      env: { PATH: `${bin}:${process.env.PATH}`, HOME: bin, RUNNER_TEMP: bin, KUBECONFIG_B64: Buffer.from('kubeconfig').toString('base64'), PR: '7', GITHUB_STEP_SUMMARY: summary },
    });
    return { status: r.status, log: fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '', out: r.stdout + r.stderr, summary: fs.existsSync(summary) ? fs.readFileSync(summary, 'utf8') : '' };
  }

  /** A git repository with a committed dist/. */
  function repo(): string {
    const dir = tmpdir('cdkfed-repo-');
    fs.mkdirSync(path.join(dir, 'dist'));
    fs.writeFileSync(path.join(dir, 'dist', 'federation.json'), '{}\n');
    const git = (...a: string[]) => expect(spawnSync('git', a, { cwd: dir, encoding: 'utf8' }).status).toBe(0);
    git('init', '-q');
    git('add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'dist');
    return dir;
  }

  test('the stale dist/ check passes on the committed dist/ and fails on a changed, deleted or new file under dist/', () => {
    const checks = [step(GITHUB[0], 'plan', /git status --porcelain/), step(GITHUB[1], 'deploy', /git status --porcelain/), step(GITLAB, 'synth', /git status --porcelain/)];
    for (const check of checks) {
      const dir = repo();
      expect(runStep(check, dir).status).toBe(0);
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'outside dist/ does not count');
      expect(runStep(check, dir).status).toBe(0);
      fs.writeFileSync(path.join(dir, 'dist', 'federation.json'), '{"changed":true}\n');
      const changed = runStep(check, dir);
      expect(changed.status).toBe(1);
      expect(changed.out).toMatch(/M dist\/federation\.json[\s\S]*is not what main\.ts synthesizes/);
      fs.rmSync(path.join(dir, 'dist', 'federation.json'));
      expect(runStep(check, dir).status).toBe(1);
      spawnSync('git', ['checkout', '--', 'dist'], { cwd: dir });
      fs.writeFileSync(path.join(dir, 'dist', 'new.yaml'), 'x: 1\n');
      expect(runStep(check, dir).status).toBe(1);
    }
  });

  test('plan: changes (2) and no changes (0) pass and post the comment; an error (1) fails after posting it', () => {
    const gh = step(GITHUB[0], 'plan', /cdkfed plan/);
    const gl = step(GITLAB, 'plan', /cdkfed plan/);
    for (const [code, status] of [[0, 0], [2, 0], [1, 1]]) {
      const dir = tmpdir();
      const r = runStep(gh, dir, code);
      expect([code, r.status]).toEqual([code, status]);
      expect(r.log).toMatch(/^npx cdkfed plan --kubeconfig .*\/kubeconfig --output markdown --detailed-exitcode$/m);
      expect(r.log).toMatch(/gh pr comment 7 --body-file plan\.md --edit-last/);
      expect(fs.readFileSync(path.join(dir, 'plan.md'), 'utf8')).toBe('report\n');
      const g = runStep(gl, tmpdir(), code);
      expect([code, g.status]).toEqual([code, status]);
      expect(g.log).toMatch(/curl .*--data-urlencode body@plan\.md .*\/merge_requests\/\/notes/);
    }
  });

  test('drift: exit 2 (drift) and 1 (error) fail the job, 0 passes; the report is the job summary', () => {
    const gh = step(GITHUB[2], 'drift', /cdkfed drift/);
    const gl = step(GITLAB, 'drift', /cdkfed drift/);
    for (const code of [0, 1, 2]) {
      const r = runStep(gh, tmpdir(), code);
      expect([code, r.status]).toEqual([code, code]);
      expect(r.summary).toBe('report\n');
      expect(r.out.includes('::error::drift found')).toBe(code === 2);
      expect(runStep(gl, tmpdir(), code).status).toBe(code);
    }
  });

  test('deploy: the JSON report is written to deploy-report.json whatever the outcome, and a failed deploy fails the job', () => {
    const gh = step(GITHUB[1], 'deploy', /cdkfed deploy/);
    for (const code of [0, 1]) {
      const dir = tmpdir();
      const r = runStep(gh, dir, code);
      expect([code, r.status]).toEqual([code, code]);
      expect(fs.readFileSync(path.join(dir, 'deploy-report.json'), 'utf8')).toBe('report\n');
      expect(r.log).toMatch(/^npx cdkfed deploy --yes --kubeconfig .*\/kubeconfig --output json$/m);
    }
  });
});
