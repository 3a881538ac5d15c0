#!/usr/bin/env node
// `billing` command. Runs the CLI (src/node/cli.ts), compiled once by `npm run build` (npm ci and
// npm install run it too) to lib/billing-cli.cjs, in this very process: no child process and no
// build at each command, so a signal sent to `billing` (Ctrl-C, kill, SIGKILL) stops the work
// itself. Its run() waits until stdout and stderr are drained, then exits with the command's code.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../lib/billing-cli.cjs', import.meta.url));
if (!existsSync(cli)) {
  console.error(`billing: ${cli} is missing: run \`npm run build\` in the project first`);
  process.exit(1);
}
await createRequire(import.meta.url)(cli).run(process.argv);
