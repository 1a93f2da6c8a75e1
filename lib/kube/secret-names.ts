/**
 * Which env var names look like credentials: synth warns about literal values under them,
 * plan and drift mask their values. One rule for both.
 */
import { boundedMemo } from './memo';

/** Name parts that mark a credential on their own: DB_PASSWORD, GITHUB_TOKEN, JWT_SECRET, … */
const CREDENTIAL_WORDS = new Set([
  'PASSWORD', 'PASSWORDS', 'PASSWD', 'PASSPHRASE', 'PWD', 'SECRET', 'SECRETS', 'TOKEN', 'TOKENS',
  'CREDENTIAL', 'CREDENTIALS', 'CREDS', 'APIKEY', 'PRIVATEKEY', 'ACCESSKEY', 'SECRETKEY', 'AUTHKEY',
]);
/** Words that make a credential together with a following KEY: API_KEY, PRIVATE_KEY, ACCESS_KEY, … */
const KEY_PREFIXES = new Set(['API', 'PRIVATE', 'ACCESS', 'SECRET', 'SIGNING', 'ENCRYPTION', 'MASTER', 'AUTH', 'LICENSE']);

/** The words of an env name: split at `_`, `-`, `.` and lower→upper case changes, upper-cased. */
export function envNameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[_.-]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toUpperCase());
}

/**
 * Whether an env var name looks like it holds a credential: one of its words is PASSWORD,
 * PASSWD, PASSPHRASE, SECRET, TOKEN, CREDENTIAL(S), APIKEY, … or it has API/PRIVATE/ACCESS/
 * SECRET/SIGNING/ENCRYPTION/MASTER/AUTH/LICENSE followed by KEY. `PWD` alone is the shell's
 * working directory, not a password.
 */
// Remembered by name: synth asks for every container of every app on every cluster, with the same few names.
export const looksLikeCredential: (name: string) => boolean = boundedMemo(10_000, (name: string) => {
  const words = envNameWords(name);
  return !(words.length === 1 && words[0] === 'PWD') && words.some((w, i) => CREDENTIAL_WORDS.has(w) || (w === 'KEY' && i > 0 && KEY_PREFIXES.has(words[i - 1])));
});
