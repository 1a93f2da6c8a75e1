import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { plainContext } from '../../../lib/cluster/kubeconfig';

const b64 = (s: string) => Buffer.from(s).toString('base64');
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkfed-kubeconfig-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(user: Record<string, unknown>, cluster: Record<string, unknown> = {}, extra = ''): string {
  const file = path.join(dir, 'config');
  fs.writeFileSync(file, `apiVersion: v1
kind: Config
clusters:
- name: c1
  cluster: ${JSON.stringify({ server: 'https://10.0.0.1:6443/', 'certificate-authority-data': b64('CA'), ...cluster })}
contexts:
- name: ctx
  context: { cluster: c1, user: u1 }
users:
- name: u1
  user: ${JSON.stringify(user)}
${extra}`);
  return file;
}

describe('plainContext: a kubeconfig context read without client-node, or undefined so client-node reads it', () => {
  test('certificates and a static token: the TLS material and header client-node would give', () => {
    const c = plainContext(write({ 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY'), token: 'tok' }, { 'tls-server-name': 'api' }), 'ctx')!;
    expect(c.server).toBe('https://10.0.0.1:6443');
    expect([c.ca?.toString(), c.cert?.toString(), c.key?.toString(), c.servername, c.token, c.insecure]).toEqual(['CA', 'CERT', 'KEY', 'api', 'tok', false]);
    expect(c.user).toEqual({ name: 'u1', certData: b64('CERT'), certFile: undefined });
  });

  test('file paths are relative to the kubeconfig\'s folder; insecure-skip-tls-verify only when true', () => {
    fs.writeFileSync(path.join(dir, 'ca.crt'), 'CAFILE');
    fs.writeFileSync(path.join(dir, 'u.crt'), 'CERTFILE');
    fs.writeFileSync(path.join(dir, 'u.key'), 'KEYFILE');
    const c = plainContext(write({ 'client-certificate': 'u.crt', 'client-key': 'u.key' }, { 'certificate-authority': 'ca.crt', 'certificate-authority-data': undefined, 'insecure-skip-tls-verify': true }), 'ctx')!;
    expect([c.ca?.toString(), c.cert?.toString(), c.key?.toString(), c.insecure]).toEqual(['CAFILE', 'CERTFILE', 'KEYFILE', true]);
    expect(c.user.certFile).toBe(path.join(dir, 'u.crt'));
    expect(plainContext(write({}, { 'insecure-skip-tls-verify': 'true' }), 'ctx')!.insecure).toBe(false);
  });

  test.each<[string, Record<string, unknown>, Record<string, unknown>, string]>([
    ['an exec plugin', { exec: { command: 'aws', apiVersion: 'client.authentication.k8s.io/v1' } }, {}, ''],
    ['an auth provider', { 'auth-provider': { name: 'oidc' } }, {}, ''],
    ['a token file', { 'token-file': '/var/run/token' }, {}, ''],
    ['basic auth', { username: 'a', password: 'b' }, {}, ''],
    ['impersonation', { as: 'admin' }, {}, ''],
    ['a proxy', {}, { 'proxy-url': 'socks5://p:1080' }, ''],
    ['plain http', {}, { server: 'http://10.0.0.1:8080', 'insecure-skip-tls-verify': true }, ''],
    ['a missing certificate file', { 'client-certificate': 'nope.crt' }, {}, ''],
    ['an invalid entry elsewhere in the file', {}, {}, 'extra'],
  ])('%s: undefined (client-node reads it, with its errors)', (_what, user, cluster, extra) => {
    const file = write(user, cluster);
    if (extra) fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('contexts:\n', 'contexts:\n- name: broken\n'));
    expect(plainContext(file, 'ctx')).toBeUndefined();
  });

  test('a context that is not there, a context without a user, an unreadable or unparsable file: undefined', () => {
    expect(plainContext(write({}), 'other')).toBeUndefined();
    const file = write({});
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('user: u1 ', ''));
    expect(plainContext(file, 'ctx')).toBeUndefined();
    expect(plainContext(path.join(dir, 'none'), 'ctx')).toBeUndefined();
    fs.writeFileSync(file, 'clusters: [');
    expect(plainContext(file, 'ctx')).toBeUndefined();
  });

  test('a JSON kubeconfig is read as well', () => {
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, JSON.stringify({ clusters: [{ name: 'c', cluster: { server: 'https://h' } }], contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }], users: [{ name: 'u', user: { token: 't' } }] }));
    expect(plainContext(file, 'x')).toMatchObject({ server: 'https://h', token: 't' });
  });
});
