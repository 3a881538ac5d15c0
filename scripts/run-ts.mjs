// Runs a TypeScript script of the project in Node: bundled by esbuild into out/.run/ first, then run
// in this process (signals stop it), with the arguments after the file name as its own.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const [file, ...args] = process.argv.slice(2);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'out', '.run', basename(file).replace(/\.ts$/, '.cjs'));
await build({ entryPoints: [resolve(file)], packages: 'external', bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'warning' });
process.argv = [process.argv[0], outfile, ...args];
createRequire(import.meta.url)(outfile);
