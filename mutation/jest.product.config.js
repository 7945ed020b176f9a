// Jest config of the "product" mutation suite: only mutation/product-checks.check.ts. The root
// jest.config.ts does not list mutation/ among its roots, so `npm test` never runs this file.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '..',
  testEnvironment: 'node',
  roots: ['<rootDir>/mutation'],
  testMatch: ['**/product-checks.check.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  testTimeout: 300_000,
};
