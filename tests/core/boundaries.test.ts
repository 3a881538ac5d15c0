// The layers, checked: src/core knows no host and no app; src/app knows core and the ports but no
// host; the Apps Script and Node hosts never import each other. Core and app run inside Apps
// Script's V8, so they may import only the few pure libraries the bundle carries, never a Node
// module (tsconfig.core.json also type-checks them with no Node or Apps Script types at all).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = join(__dirname, '../..');
const files = (dir: string): string[] =>
  readdirSync(join(root, dir)).flatMap((f) => {
    const p = join(dir, f);
    return statSync(join(root, p)).isDirectory() ? files(p) : /\.ts$/.test(f) ? [p] : [];
  });

/** Libraries core and app may use: pure JavaScript that runs in Apps Script's V8. */
const PURE = ['decimal.js', 'fast-xml-parser', 'fflate', 'ibantools', 'qrcode-generator', 'saxes'];
const layerOf = (p: string) => (p === 'src/ports.ts' ? 'app' : p.split('/')[1]);
// The CLI reads the demo rows as data (lib/demo-rows.json), so no host imports sheets-templates/.
const ALLOWED: Record<string, string[]> = { core: ['core'], app: ['core', 'app'], gas: ['core', 'app', 'gas'], node: ['core', 'app', 'node'] };

/** Every import of a source file that breaks the layer rules, as "file: import". */
function layerViolations(file: string, text: string): string[] {
  const layer = layerOf(file);
  const out: string[] = [];
  for (const imp of ts.preProcessFile(text, true, true).importedFiles.map((i) => i.fileName)) {
    if (imp.startsWith('.')) {
      const target = relative(root, join(root, file, '..', imp)).replace(/\\/g, '/');
      const to = target === 'src/ports' ? 'app' : target.startsWith('src/') ? target.split('/')[1] : target.split('/')[0];
      if (!ALLOWED[layer].includes(to)) out.push(`${file}: ${imp}`);
    } else if ((layer === 'core' || layer === 'app') && !PURE.includes(imp)) out.push(`${file}: ${imp}`);
  }
  return out;
}

describe('layers', () => {
  it('no source file imports across the layer rules', () => {
    const all = files('src').filter((f) => f !== 'src/gas/appsscript.json');
    expect(all.length).toBeGreaterThan(50);
    expect(all.flatMap((f) => layerViolations(f, readFileSync(join(root, f), 'utf8')))).toEqual([]);
  });

  it('the check finds a Node module or a host in core, a host in app, and one host in the other', () => {
    expect(layerViolations('src/core/money.ts', "import { readFileSync } from 'node:fs';")).toEqual(['src/core/money.ts: node:fs']);
    expect(layerViolations('src/core/money.ts', "import { x } from '../app/workbook';")).toEqual(['src/core/money.ts: ../app/workbook']);
    expect(layerViolations('src/app/delivery.ts', "import { SheetTables } from '../gas/sheetTables';")).toEqual(['src/app/delivery.ts: ../gas/sheetTables']);
    expect(layerViolations('src/gas/main.ts', "import { outbox } from '../node/outbox';")).toEqual(['src/gas/main.ts: ../node/outbox']);
    expect(layerViolations('src/app/access.ts', "import type { Ports } from '../ports';\nimport { D } from '../core/money';")).toEqual([]);
  });

  it('core and app type-check without Node or Apps Script types: Buffer or SpreadsheetApp there does not compile', () => {
    const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.core.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
    expect(config.options.types).toEqual([]);
    const probe = (code: string) => {
      const file = join(root, 'src/core/__probe.ts');
      const host = ts.createCompilerHost(config.options);
      const read = host.readFile;
      host.readFile = (f) => (f === file ? code : read(f));
      host.fileExists = (
        (exists) => (f: string) =>
          f === file || exists(f)
      )(host.fileExists);
      const program = ts.createProgram([file], config.options, host);
      return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    };
    expect(probe('export const n: number = 1;')).toEqual([]);
    expect(probe("export const b = Buffer.from('x');").join()).toMatch(/Cannot find name 'Buffer'/);
    expect(probe('export const s = SpreadsheetApp.getActive();').join()).toMatch(/Cannot find name 'SpreadsheetApp'/);
    expect(probe("import { readFileSync } from 'node:fs';\nexport const r = readFileSync;").join()).toMatch(/Cannot find module 'node:fs'/);
  });
});
