// Runs a TypeScript script of the project in Node: bundled by esbuild into out/.run/ first.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const [file, ...args] = process.argv.slice(2);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'out', '.run', basename(file).replace(/\.ts$/, '.cjs'));
await build({ entryPoints: [resolve(file)], packages: 'external', bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'warning' });
const r = spawnSync(process.execPath, ['--max-old-space-size=16384', outfile, ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
