import type { Config } from 'jest';

// Type checking runs once in `npm test` (tsc --noEmit); ts-jest only transpiles, which keeps the suite fast.
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/core', '<rootDir>/trace', '<rootDir>/checkers', '<rootDir>/linearizability', '<rootDir>/sim', '<rootDir>/cli', '<rootDir>/integration', '<rootDir>/tla', '<rootDir>/browser-adapter', '<rootDir>/introducer', '<rootDir>/traces', '<rootDir>/viewer', '<rootDir>/bench', '<rootDir>/deploy', '<rootDir>/protocol', '<rootDir>/examples'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  testTimeout: 120_000,
};

export default config;
