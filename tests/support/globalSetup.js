// globalSetup of the hosts and scale lanes (jest.config.js): their tests run dist/Code.js and the
// CLI (bin/billing.mjs runs lib/billing-cli.cjs), so both are built from the current src first,
// never stale. Under a second; once per jest run even when both lanes run.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = () => {
  if (process.env.BILLING_TESTS_BUILT) return;
  execFileSync(process.execPath, [join(__dirname, '../../scripts/build.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  process.env.BILLING_TESTS_BUILT = '1';
};
