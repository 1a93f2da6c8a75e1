/** Unit tests need no cluster; integration tests (test/integration) need local clusters. */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }] },
  testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
};
