/**
 * The exit codes of every command, documented once: `cdkfed <command> --help` prints them,
 * docs/pipelines.md shows them, and a test checks that the pipeline recipes rely on no other.
 */
export const EXIT_CODES = {
  init: { 0: 'project written', 1: 'error (nothing was written)' },
  synth: { 0: 'synthesized', 1: 'error (the previous output is unchanged)' },
  plan: { 0: 'planned (with --detailed-exitcode: no changes)', 1: 'error', 2: 'with --detailed-exitcode only: changes to deploy' },
  deploy: { 0: 'deployed, or already up to date', 1: 'error, or a failed health gate (after rollback)' },
  drift: { 0: 'no drift (with --correct: all corrected)', 1: 'error', 2: 'drift found' },
  gitops: { 0: 'written', 1: 'error (nothing was written)' },
} as const;

export type CommandName = keyof typeof EXIT_CODES;

/** The codes one invocation can return: plan returns 2 only with --detailed-exitcode. */
export function exitCodesOf(command: CommandName, flags: Readonly<Record<string, unknown>> = {}): number[] {
  const codes = Object.keys(EXIT_CODES[command]).map(Number);
  return command === 'plan' && !flags.detailedExitcode ? codes.filter((c) => c !== 2) : codes;
}

/** The "Exit codes:" section of a command's --help. */
export function exitCodeHelp(command: CommandName): string {
  return `\nExit codes:\n${Object.entries(EXIT_CODES[command]).map(([c, what]) => `  ${c}  ${what}`).join('\n')}\n`;
}

/** The markdown table of every command's exit codes (docs/pipelines.md holds it verbatim). */
export function exitCodeTable(): string {
  const rows = (Object.keys(EXIT_CODES) as CommandName[])
    .map((cmd) => `| \`cdkfed ${cmd}\` | ${Object.entries(EXIT_CODES[cmd]).map(([c, what]) => `**${c}** ${what}`).join('; ')} |`);
  return ['| command | exit codes |', '|---|---|', ...rows].join('\n');
}
