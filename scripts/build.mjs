// Bundles the Apps Script host into dist/Code.js: one IIFE (no import/export left) whose exports
// are reached through a top-level function stub each, plus dist/appsscript.json.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

// 2. The bundle itself: V8 in Apps Script supports ES2020; no Node APIs are allowed in it.
await build({
  entryPoints: [entry], bundle: true, format: 'iife', globalName: '__billing', target: 'es2020', platform: 'neutral',
  mainFields: ['module', 'main'], outfile: join(dist, 'Code.js'), legalComments: 'none', charset: 'utf8', logLevel: 'warning',
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
