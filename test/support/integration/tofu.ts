/**
 * OpenTofu for integration tests (and cdktf stacks): the locally built tofu plus an environment
 * whose CLI config installs hashicorp/kubernetes only from the local filesystem mirror, so
 * `tofu init` works offline.
 *
 *   const { tofu, env } = tofuEnv();
 *   execFileSync(tofu, ['init'], { cwd, env: { ...process.env, ...env } });
 *   // cdktf: env.TERRAFORM_BINARY_NAME is the tofu path; env.PATH has its directory first.
 */
import { execFile } from 'node:child_process';
import { tofuEnv, type TofuEnv } from '../../localk8s/tofu';

export { tofuEnv, type TofuEnv };

export interface TofuResult { readonly code: number; readonly stdout: string; readonly stderr: string }

/** Runs tofu with the mirror environment in `cwd`; never throws on a non-zero exit. */
export function runTofu(args: readonly string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<TofuResult> {
  const { tofu, env } = tofuEnv();
  return new Promise((resolve) => {
    execFile(tofu, [...args], { cwd, env: { ...process.env, ...env, ...extraEnv }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
  });
}
