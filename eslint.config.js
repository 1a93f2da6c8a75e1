// Lint: eslint's and typescript-eslint's recommended rules (`npm test` runs it first).
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const globals = { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', __filename: 'readonly', console: 'readonly' };

module.exports = tseslint.config(
  { ignores: ['build/', 'node_modules/', 'dist/', 'dist.*/', 'cdktf.out/', 'coverage/', '.localk8s/', '**/*.d.ts', 'test/localk8s/go/', 'lib/**/*.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `any` only where a comment says why (eslint-disable with a reason).
      '@typescript-eslint/no-explicit-any': 'error',
      // `_name` marks what is unused on purpose (a destructured field left out, a callback argument).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  { files: ['**/*.js'], languageOptions: { sourceType: 'commonjs', globals }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
