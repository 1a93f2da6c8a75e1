/**
 * Jest test environment for the integration suite: Node, plus @kubernetes/client-node.
 *
 * @kubernetes/client-node 1.x is ESM only. Jest (on Node < 24.9) cannot require() ESM inside its
 * module sandbox, and it intercepts createRequire/getBuiltinModule there too. This environment
 * module runs outside the sandbox, where Node's own require() loads ESM (Node >= 20.19), exactly as
 * the tsc-compiled CommonJS CLI does, and hands the module to the tests as a global.
 * test/support/integration/k8s.ts exports it with its types; import it from there.
 */
const envModule = require('jest-environment-node');
const TestEnvironment = envModule.TestEnvironment || envModule.default || envModule;

class IntegrationEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__CDKFED_CLIENT_NODE__ = require('@kubernetes/client-node');
  }
}

module.exports = IntegrationEnvironment;
