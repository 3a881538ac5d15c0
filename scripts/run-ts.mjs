// Runs a TypeScript script of the project in Node: bundled by esbuild into out/.run/ first.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { basename, join, resolve } from 'node:path';

const [file, ...args] = process.argv.slice(2);
const outfile = join(process.cwd(), 'out', '.run', basename(file).replace(/\.ts$/, '.cjs'));
await build({ entryPoints: [resolve(file)], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'warning' });
const r = spawnSync(process.execPath, ['--max-old-space-size=16384', outfile, ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
