// globalSetup of the browser lane (jest.config.js): builds like the hosts lane, then finds Debian's
// chromium for playwright-core (which downloads no browser). Missing in CI (CI=true, root, apt-get):
// installed with apt. Missing elsewhere: the lane's tests are skipped with a message saying why
// (tests/browser reads BILLING_CHROMIUM and BILLING_NO_BROWSER). In CI a browser that cannot be had
// fails the run, never a silent pass.
const { execFileSync, execSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const built = require('./globalSetup');

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
const find = () => CANDIDATES.find((p) => existsSync(p));
const ci = /^(1|true)$/i.test(process.env.CI ?? '');

module.exports = () => {
  built();
  let path = find();
  if (!path && ci) {
    const root = typeof process.getuid === 'function' && process.getuid() === 0;
    if (!root || !existsSync('/usr/bin/apt-get')) {
      throw new Error('browser lane: no chromium (tried ' + CANDIDATES.join(', ') + ') and CI cannot install it: apt-get install -y chromium needs root on Debian');
    }
    console.log('browser lane: installing chromium with apt-get (CI)');
    execSync('apt-get update && apt-get install -y chromium', { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    path = find();
    if (!path) throw new Error('browser lane: apt-get installed chromium, but none of ' + CANDIDATES.join(', ') + ' exists');
  }
  if (path) {
    execFileSync(path, ['--version'], { stdio: 'ignore' });
    process.env.BILLING_CHROMIUM = path;
  } else {
    process.env.BILLING_NO_BROWSER =
      'browser tests skipped: no chromium at ' +
      CANDIDATES.join(' or ') +
      '. Install it (Debian: apt-get install -y chromium, or set CHROMIUM_PATH); in CI (CI=true) the setup installs it and a missing browser fails.';
  }
};
