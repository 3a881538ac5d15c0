/**
 * Tests are TypeScript, transformed by esbuild (fast, no type check: `npm run typecheck` does that).
 *
 * Five lanes (Jest projects). `jest` runs them all; `jest --selectProjects unit` one (the option takes
 * several names: put test paths before it), as does JEST_LANES=unit (npm run test:unit -- <paths, flags>):
 * - unit: the engine, the use cases and the scenarios on in-memory tables; no build needed.
 * - hosts: the built Apps Script bundle on the fakes (tests/gas) and the local host and CLI
 *   (tests/node); its globalSetup builds dist/Code.js and lib/billing-cli.cjs (bin/billing.mjs) first,
 *   so npx jest never tests a stale bundle.
 * - conformance: the e-invoices against the official rule sets (tests/einvoice).
 * - scale: the year, the large runs and the crash tests of tests/gas and tests/node (most of the
 *   suite's 20 minutes); built first like hosts.
 * - browser: the built sidebar in Debian's chromium (playwright-core) on the preview server of
 *   `npm run sidebar` (tests/browser); built first, and its globalSetup finds chromium (installs it
 *   in CI, skips with a message elsewhere).
 * Every folder of tests/ with tests is in a lane (checked below); the scale files are taken out of
 * hosts, so each file runs once.
 */
const { existsSync, readdirSync } = require('node:fs');
const { dirname, join } = require('node:path');

const SCALE = [
  'tests/gas/scale.test.ts',
  'tests/gas/year.test.ts',
  'tests/gas/deliverySlice.test.ts',
  'tests/node/crashMatrix.test.ts',
  'tests/node/sendCrash.test.ts',
];
const LANES = {
  unit: ['tests/core', 'tests/app', 'tests/scenarios'],
  hosts: ['tests/gas', 'tests/node', 'tests/contract'],
  conformance: ['tests/einvoice'],
  browser: ['tests/browser'],
};

const missing = SCALE.filter((f) => !existsSync(join(__dirname, f)));
const withTests = [...new Set(readdirSync(join(__dirname, 'tests'), { recursive: true })
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => join('tests', dirname(f))))];
const inNoLane = withTests.filter((d) => !Object.values(LANES).flat().some((l) => d === l || d.startsWith(l + '/')));
if (missing.length || inNoLane.length) {
  throw new Error(`jest.config.js: scale files that do not exist: [${missing}]; test folders in no lane: [${inNoLane}]`);
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const lane = (displayName, roots, testTimeout, more = {}) => ({
  displayName,
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: roots.map((r) => `<rootDir>/${r}`),
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/tests/support/esbuild-transform.js' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Jest 29 takes testTimeout for a whole run only: jest.timeout.js sets this lane's.
  globals: { laneTestTimeout: testTimeout },
  setupFilesAfterEnv: ['<rootDir>/jest.timeout.js'],
  ...more,
});
const built = { globalSetup: '<rootDir>/tests/support/globalSetup.js' };

const projects = [
    // Property tests and the demo run (a child process) take a few seconds; everything else far less.
    lane('unit', LANES.unit, 15000),
    // The local-host tests write and read real .xlsx and PDF files: slower than 5 s on a busy 2-core machine.
    lane('hosts', LANES.hosts, 60000, { ...built, testPathIgnorePatterns: SCALE.map((f) => `^${escape(join(__dirname, f))}$`) }),
    lane('conformance', LANES.conformance, 60000),
    lane('scale', ['tests/gas', 'tests/node'], 600000, { ...built, testMatch: SCALE.map((f) => `<rootDir>/${f}`) }),
    // The built sidebar in headless chromium against the preview server: a browser start and a flow take seconds.
    lane('browser', LANES.browser, 120000, { globalSetup: '<rootDir>/tests/support/browserSetup.js' }),
];
const only = process.env.JEST_LANES?.split(',');
const unknown = (only ?? []).filter((n) => !projects.some((p) => p.displayName === n));
if (unknown.length) throw new Error(`jest.config.js: JEST_LANES names no lane: ${unknown} (lanes: ${projects.map((p) => p.displayName)})`);

module.exports = { projects: only ? projects.filter((p) => only.includes(p.displayName)) : projects };
