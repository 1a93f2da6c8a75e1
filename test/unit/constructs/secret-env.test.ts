/** Literal credentials in plain env: warned at synth, by name, never by value. */
/* eslint-disable @typescript-eslint/no-explicit-any -- test data: live objects, reports and deliberately malformed input are read and built as loose JSON */
import * as fs from 'fs';
import * as path from 'path';
import { FederatedApp } from '../../../lib';
import { literalCredentialNames } from '../../../lib/constructs/secret-env';
import { envNameWords, looksLikeCredential } from '../../../lib/kube/secret-names';
import { errorOf, federation } from '../../support/fixtures';

const VALUE = 'hunter2-s3cr3t-value';

describe('looksLikeCredential', () => {
  test.each([
    'DB_PASSWORD', 'password', 'dbPassword', 'DB_PASSWD', 'GPG_PASSPHRASE', 'DB_PWD', 'GITHUB_TOKEN', 'accessToken', 'JWT_SECRET', 'SECRETS',
    'API_KEY', 'apiKey', 'APIKEY', 'STRIPE_SECRET_KEY', 'AWS_SECRET_ACCESS_KEY', 'PRIVATE_KEY', 'CLIENT_SECRET', 'GOOGLE_CREDENTIALS',
    'my.token', 'x-auth-key', 'SIGNING_KEY', 'ENCRYPTION_KEY', 'LICENSE_KEY', 'DOCKER_CREDS',
  ])('%s looks like a credential', (name) => {
    expect(looksLikeCredential(name)).toBe(true);
  });

  test.each([
    'API_URL', 'PWD', 'KEY', 'LOG_LEVEL', 'PATH', 'HOME', 'KEYCLOAK_URL', 'MONKEY', 'TOKENIZER_MODEL', 'PASSWORDLESS_LOGIN', 'CACHE_KEY', 'SORT_KEY', 'LOCALE_DEFAULT',
  ])('%s does not', (name) => {
    expect(looksLikeCredential(name)).toBe(false);
  });

  test('words split at separators and case changes', () => {
    expect(envNameWords('awsSecretAccessKey')).toEqual(['AWS', 'SECRET', 'ACCESS', 'KEY']);
    expect(envNameWords('a.b-c__D')).toEqual(['A', 'B', 'C', 'D']);
  });

  test('literalCredentialNames: non-empty literals only, minus the allowed names, names only', () => {
    const env = { DB_PASSWORD: VALUE, TOKEN_URL: 'https://x', EMPTY_SECRET: '', API_KEY: { secretKeyRef: { name: 's', key: 'k' } }, LEVEL: 'debug' };
    expect(literalCredentialNames(env, new Set())).toEqual(['DB_PASSWORD', 'TOKEN_URL']);
    expect(literalCredentialNames(env, new Set(['TOKEN_URL']))).toEqual(['DB_PASSWORD']);
    expect(literalCredentialNames(undefined, new Set())).toEqual([]);
  });
});

describe('FederatedApp warns about literal credentials', () => {
  test('a literal under a credential-like name: one warning naming path, container and env name, never the value', () => {
    const { fed } = federation();
    new FederatedApp(fed, 'api', { containers: [{ image: 'api:1', env: { DB_PASSWORD: VALUE, LEVEL: 'debug' } }] });
    expect(fed.warnings).toEqual([{
      code: 'LITERAL_SECRET_ENV', where: 'shop/api',
      message: 'env "DB_PASSWORD" of container "api" looks like a credential but is a literal value, written in plain text into the Deployment and the Terraform JSON of every cluster of the app',
      hint: 'reference a Secret instead: env: { DB_PASSWORD: { secretKeyRef: { name: \'<secret>\', key: \'<key>\' } } }; if it is not a secret, add "DB_PASSWORD" to the app\'s nonSecretEnv',
    }]);
    expect(JSON.stringify(fed.warnings)).not.toContain(VALUE);
  });

  test('secretKeyRef, empty literals and names in nonSecretEnv give no warning', () => {
    const { fed } = federation();
    new FederatedApp(fed, 'api', {
      containers: [{ image: 'api:1', env: { DB_PASSWORD: { secretKeyRef: { name: 'db', key: 'pw' } }, OPTIONAL_TOKEN: '', TOKEN_URL: 'https://auth.example.com/token' } }],
      nonSecretEnv: ['TOKEN_URL'],
    });
    expect(fed.warnings).toEqual([]);
  });

  test('a literal introduced by an override names the clusters it reaches', () => {
    const { fed } = federation();
    new FederatedApp(fed, 'api', {
      containers: [{ image: 'api:1', env: { DB_PASSWORD: { secretKeyRef: { name: 'db', key: 'pw' } } } }],
      overrides: { regions: { eu: { containers: [{ name: 'api', env: { DB_PASSWORD: VALUE } }] } } },
    });
    expect(fed.warnings).toHaveLength(1);
    expect(fed.warnings[0].message).toContain('Terraform JSON of cluster(s) eu-1, eu-2');
    expect(JSON.stringify(fed.warnings)).not.toContain(VALUE);
  });

  test('synth prints each warning to stderr, without the value, and still writes the output', () => {
    const { app, fed } = federation();
    new FederatedApp(fed, 'api', { containers: [{ name: 'main', image: 'api:1', env: { GITHUB_TOKEN: VALUE } }] });
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => {
      written.push(String(chunk));
      return true;
    });
    try {
      app.synth();
    } finally {
      spy.mockRestore();
    }
    const out = written.join('');
    expect(out).toContain('warning LITERAL_SECRET_ENV: shop/api: env "GITHUB_TOKEN" of container "main" looks like a credential');
    expect(out).toContain('\n  hint: reference a Secret instead');
    expect(out).not.toContain(VALUE);
    expect(fs.existsSync(path.join(app.outdir, 'federation.json'))).toBe(true);
  });

  test('nonSecretEnv must be a list of names', () => {
    const e = errorOf(() => new FederatedApp(federation().fed, 'api', { containers: [{ image: 'a' }], nonSecretEnv: 'TOKEN_URL' as any }));
    expect(e.message).toContain('prop "nonSecretEnv" has invalid value "TOKEN_URL"');
  });
});
