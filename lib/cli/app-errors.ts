/**
 * Preloaded by `cdkfed synth` into the app it runs (NODE_OPTIONS=--require): a
 * FederationError the app throws (from a construct's constructor or from synth()) is printed
 * as `error CODE: message` with its hint, without a stack trace, and the process exits 1.
 * The CLI owns the processes it starts; the library itself installs no process handler.
 */
import { isFederationError } from '../errors';

const INSTALLED = Symbol.for('cdk-federation.app-errors');
const g = globalThis as { [INSTALLED]?: boolean };
if (!g[INSTALLED]) {
  g[INSTALLED] = true;
  process.on('uncaughtException', (e) => {
    process.stderr.write(isFederationError(e) ? `error ${e.code}: ${e.message}\n` : `${e.stack ?? e}\n`);
    process.exit(1);
  });
}
