import * as os from 'os';
import { FederationApp } from '../../lib';

describe('FederationApp does not own the process', () => {
  test('its constructor installs no process handler (cdkfed synth preloads the error handler into the app it runs)', () => {
    const before = process.listenerCount('uncaughtException');
    new FederationApp({ outdir: os.tmpdir(), terraformOutdir: false });
    new FederationApp({ outdir: os.tmpdir(), terraformOutdir: false, exitOnError: true });
    expect(process.listenerCount('uncaughtException')).toBe(before);
  });
});
