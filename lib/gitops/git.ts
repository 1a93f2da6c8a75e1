/**
 * The few git operations promotion needs, through the git binary (what users and CI
 * runners have, with their credentials and config): read a branch, a commit's tree, write
 * a commit with a given tree, push a branch fast-forward only. Never a force push: a
 * release branch only ever grows, so its history shows every promotion and rollback.
 */
import { execFile } from 'child_process';
import { FederationError } from '../errors';

export interface GitRepo {
  readonly dir: string;
  /** The remote promotion pushes to; undefined when the repository is worked on in place. */
  readonly remote?: string;
}

function run(repo: GitRepo, args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', [...args], { cwd: repo.dir, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...env }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        reject(new FederationError('GIT_FAILED', repo.dir, `git ${args.join(' ')} failed: ${(stderr || err.message).trim().split('\n').slice(-3).join(' | ')}`,
          'check that --repo is a clone of the GitOps repository and that you may push to it'));
      } else resolve(stdout.trim());
    });
  });
}

/** Opens `dir` as a repository; the remote is `origin` when it has one. */
export async function openRepo(dir: string): Promise<GitRepo> {
  const probe: GitRepo = { dir };
  await run(probe, ['rev-parse', '--git-dir']);
  const remotes = (await run(probe, ['remote'])).split('\n').filter(Boolean);
  return remotes.includes('origin') ? { dir, remote: 'origin' } : probe;
}

/** Updates the remote-tracking branches (a no-op without a remote). */
export async function fetch(repo: GitRepo): Promise<void> {
  if (repo.remote) await run(repo, ['fetch', '--quiet', '--prune', repo.remote, `+refs/heads/*:refs/remotes/${repo.remote}/*`]);
}

/** The commit a branch points at (on the remote when there is one), or undefined when the branch does not exist. */
export async function branchCommit(repo: GitRepo, branch: string): Promise<string | undefined> {
  const ref = repo.remote ? `refs/remotes/${repo.remote}/${branch}` : `refs/heads/${branch}`;
  try {
    return await run(repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    return undefined;
  }
}

export function treeOf(repo: GitRepo, commit: string): Promise<string> {
  return run(repo, ['rev-parse', `${commit}^{tree}`]);
}

/** A file's content at a commit, or undefined when it has none. */
export async function showFile(repo: GitRepo, commit: string, file: string): Promise<string | undefined> {
  try {
    return await run(repo, ['show', `${commit}:${file}`]);
  } catch {
    return undefined;
  }
}

/** A new commit holding `tree` with the given parents (nothing in the working tree changes). */
export function commitTree(repo: GitRepo, tree: string, parents: readonly string[], message: string): Promise<string> {
  const identity = { GIT_AUTHOR_NAME: process.env.GIT_AUTHOR_NAME ?? 'cdkfed', GIT_AUTHOR_EMAIL: process.env.GIT_AUTHOR_EMAIL ?? 'cdkfed@localhost',
    GIT_COMMITTER_NAME: process.env.GIT_COMMITTER_NAME ?? 'cdkfed', GIT_COMMITTER_EMAIL: process.env.GIT_COMMITTER_EMAIL ?? 'cdkfed@localhost' };
  return run(repo, ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-m', message], identity);
}

/** Points `branch` at `commit`, fast-forward only: on the remote (and its tracking branch) or locally. */
export async function pushBranch(repo: GitRepo, branch: string, commit: string): Promise<void> {
  if (repo.remote) {
    await run(repo, ['push', '--quiet', repo.remote, `${commit}:refs/heads/${branch}`]);
    await run(repo, ['update-ref', `refs/remotes/${repo.remote}/${branch}`, commit]);
  } else {
    const old = await branchCommit(repo, branch);
    if (old) await run(repo, ['merge-base', '--is-ancestor', old, commit]);
    await run(repo, ['update-ref', `refs/heads/${branch}`, commit, ...(old ? [old] : [])]);
  }
}
