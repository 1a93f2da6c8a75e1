/** Unit tests need no cluster; integration tests (test/integration) need local clusters. */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { ...require('./tsconfig.json').compilerOptions, sourceMap: true } }] },
  testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
};
