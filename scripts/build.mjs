// Bundles the Apps Script host into dist/Code.js: one IIFE (no import/export left) whose exports
// are reached through a top-level function stub each, plus dist/appsscript.json; and the local
// CLI into lib/billing-cli.cjs, which bin/billing.mjs runs.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'src/gas/main.ts');
const dist = join(root, 'dist');
mkdirSync(dist, { recursive: true });

// 1. Which names does the entry export? (esbuild's metafile lists them for an ESM build.)
const probe = await build({ entryPoints: [entry], bundle: true, format: 'esm', write: false, metafile: true, outfile: 'probe.js', logLevel: 'silent' });
const exportsList = Object.values(probe.metafile.outputs).flatMap((o) => o.exports ?? []);
if (!exportsList.length) throw new Error('build: src/gas/main.ts exports no entry points');

// fflate builds its Huffman tables at its module's top level, which every Apps Script execution
// would pay for (most of the bundle's start-up), although only reading Factur-X PDFs inflates.
// esbuild evaluates an ES import up front but a require()d module only at its first require, so
// in this bundle `import … from 'fflate'` gets a stand-in whose exports require fflate on first
// call, through a module re-exporting just these names (so fflate stays tree-shaken). src/core keeps
// its plain import (no require there: it is also the Node host's and the tests' code). Importing a
// name not listed here fails this build with esbuild's "No matching export": add it here.
// Forwarded are functions and classes only (`new` on a stand-in returns the real instance). esbuild
// resolves the require itself (its lazy init of the module): no require is left in dist/Code.js.
const FFLATE_NAMES = ['Inflate', 'Unzlib'];
const lazyFflate = {
  name: 'lazy-fflate',
  setup(b) {
    const ns = 'lazy-fflate';
    // The re-exporting module's own import is the real fflate; every other import gets the stand-in.
    b.onResolve({ filter: /^fflate$/ }, (args) => (args.importer === 'fflate-used' ? undefined : { path: 'stand-in', namespace: ns }));
    b.onResolve({ filter: /^fflate-used$/ }, () => ({ path: 'fflate-used', namespace: ns }));
    b.onLoad({ filter: /^fflate-used$/, namespace: ns }, () => ({ resolveDir: root, loader: 'js', contents: `export { ${FFLATE_NAMES.join(', ')} } from 'fflate';` }));
    b.onLoad({ filter: /^stand-in$/, namespace: ns }, () => ({
      resolveDir: root,
      loader: 'js',
      contents: [
        'let real;',
        'const lazy = (name) => function (...args) { real ??= require("fflate-used"); return new.target ? new real[name](...args) : real[name](...args); };',
        ...FFLATE_NAMES.map((n) => `export const ${n} = /* @__PURE__ */ lazy(${JSON.stringify(n)});`),
      ].join('\n'),
    }));
  },
};

// 2. The bundle itself: V8 in Apps Script supports ES2020; no Node APIs are allowed in it.
await build({
  entryPoints: [entry],
  bundle: true,
  format: 'iife',
  globalName: '__billing',
  target: 'es2020',
  platform: 'neutral',
  plugins: [lazyFflate],
  mainFields: ['module', 'main'],
  outfile: join(dist, 'Code.js'),
  legalComments: 'none',
  charset: 'utf8',
  logLevel: 'warning',
  banner: { js: '// Built by scripts/build.mjs from src/gas/main.ts. Do not edit: run `npm run build`.' },
  footer: {
    js: exportsList.map((n) => `function ${n}() { return __billing.${n}.apply(this, arguments); }`).join('\n'),
  },
});

copyFileSync(join(root, 'src/gas/appsscript.json'), join(dist, 'appsscript.json'));
copyFileSync(join(root, 'sidebar/Sidebar.html'), join(dist, 'Sidebar.html'));
const size = readFileSync(join(dist, 'Code.js')).length;
writeFileSync(join(dist, 'entry-points.json'), JSON.stringify(exportsList, null, 2) + '\n');
console.log(`dist/Code.js ${(size / 1024).toFixed(0)} KiB, entry points: ${exportsList.join(', ')}`);

// 3. The `billing` CLI, compiled once here (npm ci and npm install run this through `prepare`)
// instead of at every command: src/node/cli.ts for Node 20, the packages left in node_modules.
// Written to a temp file and renamed into place: a command starting meanwhile reads a whole file.
const cli = await build({
  entryPoints: [join(root, 'src/node/cli.ts')],
  packages: 'external',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  write: false,
  logLevel: 'warning',
  absWorkingDir: root,
  outfile: join(root, 'lib/billing-cli.cjs'),
});
mkdirSync(join(root, 'lib'), { recursive: true });
const cliTmp = join(root, `lib/billing-cli.cjs.${process.pid}`);
writeFileSync(cliTmp, cli.outputFiles[0].contents);
renameSync(cliTmp, join(root, 'lib/billing-cli.cjs'));
console.log(`lib/billing-cli.cjs ${(cli.outputFiles[0].contents.length / 1024).toFixed(0)} KiB`);

// 4. The demo workbook's rows as data (lib/demo-rows.json), for `billing init --demo`: the CLI reads
// this file and never imports sheets-templates/, so demo code stays out of production's import path.
const demo = await build({
  entryPoints: [join(root, 'sheets-templates/demoGenerator.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  write: false,
  logLevel: 'warning',
  absWorkingDir: root,
});
const demoModule = { exports: {} };
new Function('module', 'exports', 'require', demo.outputFiles[0].text)(demoModule, demoModule.exports, createRequire(import.meta.url));
const demoTmp = join(root, `lib/demo-rows.json.${process.pid}`);
writeFileSync(demoTmp, JSON.stringify(demoModule.exports.demoRows()));
renameSync(demoTmp, join(root, 'lib/demo-rows.json'));
