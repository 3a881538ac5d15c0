#!/usr/bin/env node
// `billing` command. The CLI (src/node/cli.ts) is bundled by esbuild and run in this very process:
// no child process, so a signal sent to `billing` (Ctrl-C, kill, SIGKILL) stops the work itself.
import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'out', '.run');
const outfile = join(dir, 'billing-cli.cjs');
const bundle = await build({
  entryPoints: [join(root, 'src/node/cli.ts')], packages: 'external', bundle: true, platform: 'node', format: 'cjs',
  target: 'node20', write: false, logLevel: 'warning', absWorkingDir: root, outfile,
});
// Several commands may start at once: each writes its own file, then renames it into place.
mkdirSync(dir, { recursive: true });
const tmp = `${outfile}.${process.pid}`;
writeFileSync(tmp, bundle.outputFiles[0].contents);
renameSync(tmp, outfile);
await createRequire(import.meta.url)(outfile).run(process.argv);
