/** Unit tests need no cluster; integration tests (test/integration) need local clusters. */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { ...require('./tsconfig.json').compilerOptions, sourceMap: true } }] },
  testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
  // Only test/ is crawled: .localk8s/ (etcd data of the local clusters) holds *.snap files that are not Jest's.
  roots: ['<rootDir>/test'],
  moduleFileExtensions: ['ts', 'js', 'json'],
};
