// Runs a TypeScript script of the project in Node: bundled by esbuild into out/.run/ first.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const [file, ...args] = process.argv.slice(2);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'out', '.run', basename(file).replace(/\.ts$/, '.cjs'));
await build({ entryPoints: [resolve(file)], packages: 'external', bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'warning' });
// A child process (for the larger heap of the benchmarks): signals to this one are passed on to it.
const child = spawn(process.execPath, ['--max-old-space-size=16384', outfile, ...args], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
