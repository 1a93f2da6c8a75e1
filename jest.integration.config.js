/**
 * Integration tests: real Kubernetes control planes on 127.0.0.1 (test/localk8s).
 * globalSetup starts (or reuses) local-1..local-3 once for the whole run and fails with build
 * instructions if the toolchain is missing (`npm run clusters:build`); it never skips.
 */
module.exports = {
  testEnvironment: '<rootDir>/test/support/integration/environment.js',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { ...require('./tsconfig.json').compilerOptions, sourceMap: true } }] },
  testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
  roots: ['<rootDir>/test'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  globalSetup: '<rootDir>/test/support/integration/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/integration/global-teardown.ts',
  testTimeout: 180000,
  // The clusters share 2 cores; a second worker adds contention, not speed.
  maxWorkers: 1,
};
