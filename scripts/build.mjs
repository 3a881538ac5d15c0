// Bundles the Apps Script host into dist/Code.js: one IIFE (no import/export left) whose exported
// functions are reached through a top-level function stub each, plus dist/appsscript.json; the
// sidebar (sidebar/src, TypeScript) into dist/Sidebar.html, one file with its script inline; and the
// local CLI into lib/billing-cli.cjs, which bin/billing.mjs runs.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'src/gas/main.ts');
const dist = join(root, 'dist');
mkdirSync(dist, { recursive: true });

// 1. Which names does the entry export? (esbuild's metafile lists them for an ESM build.)
const probe = await build({ entryPoints: [entry], bundle: true, format: 'esm', write: false, metafile: true, outfile: 'probe.js', logLevel: 'silent' });
const exportsList = Object.values(probe.metafile.outputs).flatMap((o) => o.exports ?? []);

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
const bundle = await build({
  entryPoints: [entry],
  bundle: true,
  format: 'iife',
  globalName: '__billing',
  target: 'es2020',
  platform: 'neutral',
  plugins: [lazyFflate],
  mainFields: ['module', 'main'],
  outfile: join(dist, 'Code.js'),
  write: false,
  legalComments: 'none',
  charset: 'utf8',
  logLevel: 'warning',
  banner: { js: '// Built by scripts/build.mjs from src/gas/main.ts. Do not edit: run `npm run build`.' },
});
const codeText = bundle.outputFiles[0].text;

// Which exports are functions (the entry points), and does main.ts expose every function of the
// sidebar's server object (src/gas/server.ts)? Loading the bundle in a context with no globals also
// proves that loading it calls no Apps Script service (each execution loads it first).
const context = vm.createContext({});
vm.runInContext(codeText, context, { filename: 'Code.js' });
const mod = context.__billing;
const entryPoints = exportsList.filter((n) => typeof mod[n] === 'function');
const serverFunctions = Object.keys(mod.server ?? {});
if (!serverFunctions.length) throw new Error("build: src/gas/main.ts does not export `server` (src/gas/server.ts), the sidebar's server functions");
const unexposed = serverFunctions.filter((n) => mod[n] !== mod.server[n]);
if (unexposed.length) {
  throw new Error(`build: google.script.run reaches only top-level functions; add to src/gas/main.ts: ${unexposed.map((n) => `export const ${n} = server.${n};`).join(' ')}`);
}
const stubs = entryPoints.map((n) => `function ${n}() { return __billing.${n}.apply(this, arguments); }`).join('\n');
writeFileSync(join(dist, 'Code.js'), codeText + stubs + '\n');
copyFileSync(join(root, 'src/gas/appsscript.json'), join(dist, 'appsscript.json'));
const size = readFileSync(join(dist, 'Code.js')).length;
writeFileSync(join(dist, 'entry-points.json'), JSON.stringify(entryPoints, null, 2) + '\n');
console.log(`dist/Code.js ${(size / 1024).toFixed(0)} KiB, entry points: ${entryPoints.join(', ')}`);

// 2b. The sidebar: sidebar/src/main.ts for the browsers HtmlService serves (ES2017), one IIFE
// inlined into the template, so dist/Sidebar.html is one self-contained file (no CDN, no external
// script or style). It also loads as a plain page with a stand-in google.script.run injected first.
const SIDEBAR_SLOT = '<script>/* sidebar/src/main.ts */</script>';
const sidebarJs = await build({
  entryPoints: [join(root, 'sidebar/src/main.ts')],
  bundle: true,
  format: 'iife',
  target: 'es2017',
  platform: 'browser',
  tsconfig: join(root, 'tsconfig.sidebar.json'),
  write: false,
  outfile: join(dist, 'sidebar.js'),
  legalComments: 'none',
  charset: 'utf8',
  logLevel: 'warning',
});
const template = readFileSync(join(root, 'sidebar/Sidebar.template.html'), 'utf8');
if (template.split(SIDEBAR_SLOT).length !== 2) throw new Error(`build: sidebar/Sidebar.template.html must hold ${SIDEBAR_SLOT} once`);
// Inside <script>, "</script" would end the element early and "<!--" changes how it is parsed.
const script = sidebarJs.outputFiles[0].text.replace(/<\/script/gi, '<\\/script');
if (script.includes('<!--')) throw new Error('build: the sidebar script holds "<!--", which HTML parses differently inside <script>');
writeFileSync(
  join(dist, 'Sidebar.html'),
  template.replace(SIDEBAR_SLOT, () => `<script>\n${script}</script>`),
);
console.log(`dist/Sidebar.html ${(readFileSync(join(dist, 'Sidebar.html')).length / 1024).toFixed(0)} KiB`);

/** A file of the project bundled for Node 20 into memory (written by the caller). */
const forNode = (entry, more = {}) =>
  build({ entryPoints: [join(root, entry)], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'warning', absWorkingDir: root, ...more });

// 3. The `billing` CLI, compiled once here (npm ci and npm install run this through `prepare`)
// instead of at every command: src/node/cli.ts for Node 20, the packages left in node_modules.
// Written to a temp file and renamed into place: a command starting meanwhile reads a whole file.
const cli = await forNode('src/node/cli.ts', { packages: 'external', outfile: join(root, 'lib/billing-cli.cjs') });
mkdirSync(join(root, 'lib'), { recursive: true });
const cliTmp = join(root, `lib/billing-cli.cjs.${process.pid}`);
writeFileSync(cliTmp, cli.outputFiles[0].contents);
renameSync(cliTmp, join(root, 'lib/billing-cli.cjs'));
console.log(`lib/billing-cli.cjs ${(cli.outputFiles[0].contents.length / 1024).toFixed(0)} KiB`);

// 4. The demo workbook's rows as data (lib/demo-rows.json), for `billing init --demo`: the CLI reads
// this file and never imports sheets-templates/, so demo code stays out of production's import path.
const demo = await forNode('sheets-templates/demoGenerator.ts');
const demoModule = { exports: {} };
new Function('module', 'exports', 'require', demo.outputFiles[0].text)(demoModule, demoModule.exports, createRequire(import.meta.url));
const demoTmp = join(root, `lib/demo-rows.json.${process.pid}`);
writeFileSync(demoTmp, JSON.stringify(demoModule.exports.demoRows()));
renameSync(demoTmp, join(root, 'lib/demo-rows.json'));
