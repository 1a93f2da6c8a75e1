/**
 * The one error type of cdk-federation. Every failure a user can cause (bad registry,
 * bad props, bad cluster state) is a FederationError: it names where (file:line or
 * construct path), what (the value) and how to fix it (hint). The CLI prints it without
 * a stack trace and exits 1.
 */
export class FederationError extends Error {
  public readonly code: string;
  public readonly where: string;
  public readonly hint?: string;

  constructor(code: string, where: string, message: string, hint?: string) {
    super(`${where}: ${message}${hint ? `\n  hint: ${hint}` : ''}`);
    this.name = 'FederationError';
    this.code = code;
    this.where = where;
    this.hint = hint;
  }
}

export function isFederationError(e: unknown): e is FederationError {
  return e instanceof Error && (e as FederationError).name === 'FederationError' && typeof (e as FederationError).code === 'string';
}

/**
 * Something synth will write although it is probably not what the user meant (e.g. a
 * literal credential in plain env). Synth still succeeds; FederationApp.synth prints each
 * warning to stderr. Like an error, it names where, what and the fix, never a secret value.
 */
export interface FederationWarning {
  readonly code: string;
  /** Construct path. */
  readonly where: string;
  readonly message: string;
  readonly hint?: string;
}

/** `warning CODE: where: message` and the hint on a second line, as the CLI prints it. */
export function formatWarning(w: FederationWarning): string {
  return `warning ${w.code}: ${w.where}: ${w.message}${w.hint ? `\n  hint: ${w.hint}` : ''}`;
}
