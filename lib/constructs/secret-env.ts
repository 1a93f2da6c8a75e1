import { looksLikeCredential } from '../kube/secret-names';
import { EnvValue } from './app-spec';


/**
 * The env vars of an env map that are given as a non-empty literal under a credential-like
 * name, minus the names in `allowed`. Names only: the values are never returned.
 */
export function literalCredentialNames(env: Readonly<Record<string, EnvValue>> | undefined, allowed: ReadonlySet<string>): string[] {
  return Object.entries(env ?? {})
    .filter(([name, v]) => typeof v === 'string' && v !== '' && !allowed.has(name) && looksLikeCredential(name))
    .map(([name]) => name);
}
