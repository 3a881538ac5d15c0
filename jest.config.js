/** Tests are TypeScript, transformed by esbuild (fast, no type check: `npm run typecheck` does that). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/tests/support/esbuild-transform.js' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // The local-host tests write and read real .xlsx and PDF files: slower than 5 s on a busy 2-core machine.
  testTimeout: 60000,
};
