// Validation of received supplier e-invoices (src/node/einvoiceRules.ts) with the official material
// (EINVOICE_DIR or tests/fixtures/einvoice): official examples pass, a changed total fails BR-CO-16,
// XRechnung (and the Peppol rules it adopts) run only for XRechnung documents, BR-CL-23 is only a
// warning there (KoSIT's scenarios; tests/einvoice/receiveRules.test.ts has the rest), malformed XML is
// one XSD finding, a rules directory without the layout is named, and it all works from an esbuild
// bundle in out/ (as the CLI runs it). The first run compiles the rule sets (cached on disk).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkRulesDir, isXRechnung, projectDir, validateReceived, type RuleFinding } from '../../src/node/einvoiceRules';
import { einvoiceDir } from '../support/einvoiceValidation';
import { demoLedger, xmlOf } from '../support/einvoiceCases';

const COMPILE_TIMEOUT = 10 * 60_000; // a cache miss compiles a rule set: 4–20 s each on a busy 2-core machine
const dir = einvoiceDir();
const example = (kind: 'ubl' | 'cii', file: string) => readFileSync(join(dir, 'examples', kind, file), 'utf8');
const ids = (fs: RuleFinding[]) => fs.map((f) => f.id);

describe('checkRulesDir', () => {
  it('accepts the validation material', () => {
    expect(() => checkRulesDir(dir)).not.toThrow();
  });

  it('names every missing file of an empty directory, and a directory that does not exist', () => {
    const empty = mkdtempSync(join(tmpdir(), 'einvoice-rules-'));
    try {
      let message = '';
      try {
        checkRulesDir(empty);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toContain(empty);
      for (const f of [
        'xsd/ubl-2.1/maindoc/UBL-Invoice-2.1.xsd',
        'xsd/ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd',
        'xsd/cii-d16b/CrossIndustryInvoice_100pD16B.xsd',
        'schematron/en16931/EN16931-UBL-validation-preprocessed.sch',
        'schematron/en16931/EN16931-CII-validation-preprocessed.sch',
        'schematron/xrechnung/ubl/XRechnung-UBL-validation.sch',
        'schematron/xrechnung/cii/XRechnung-CII-validation.sch',
      ])
        expect(message).toContain(f);
      expect(() => checkRulesDir(join(empty, 'nope'))).toThrow(/does not exist/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('validateReceived', () => {
  it('finds the project directory from the TypeScript source', () => {
    expect(projectDir()).toBe(resolve(__dirname, '../..'));
  });

  it.each([
    ['ubl', 'ubl-tc434-example1.xml', ['xsd-ubl-invoice', 'en16931-ubl']],
    ['ubl', 'ubl-tc434-creditnote1.xml', ['xsd-ubl-creditnote', 'en16931-ubl']],
    ['cii', 'CII_example1.xml', ['xsd-cii', 'en16931-cii']],
    // Its XRechnung guideline id is commented out: EN 16931 only.
    ['cii', 'XRechnung-O.xml', ['xsd-cii', 'en16931-cii']],
  ] as const)(
    'official example %s/%s has no errors',
    async (kind, file, sets) => {
      const r = await validateReceived(example(kind, file), dir);
      expect(r.errors).toEqual([]);
      expect(r.ruleSets).toEqual(sets);
    },
    COMPILE_TIMEOUT,
  );

  it.each(['xrechnung-cii', 'xrechnung-ubl'] as const)(
    'an XRechnung invoice (ours, %s) runs the XRechnung rules too and has no errors',
    async (format) => {
      const ds = demoLedger();
      const inv = ds.invoices.map((r) => r.record).find((i) => i.number && i.type === 'invoice')!;
      const xml = xmlOf(ds, inv, format);
      expect(isXRechnung(xml)).toBe(true);
      const r = await validateReceived(xml, dir);
      expect(r.errors).toEqual([]);
      expect(r.ruleSets).toEqual(format === 'xrechnung-cii' ? ['xsd-cii', 'en16931-cii', 'xrechnung-cii', 'peppol-cii'] : ['xsd-ubl-invoice', 'en16931-ubl', 'xrechnung-ubl', 'peppol-ubl']);
    },
    COMPILE_TIMEOUT,
  );

  it(
    'a changed PayableAmount (UBL) and DuePayableAmount (CII) fail BR-CO-16',
    async () => {
      const ubl = example('ubl', 'ubl-tc434-example1.xml');
      const badUbl = ubl.replace(/(<cbc:PayableAmount[^>]*>)[^<]+/, '$1251.33');
      const cii = example('cii', 'CII_example1.xml');
      const badCii = cii.replace(/(<ram:DuePayableAmount>)[^<]+/, '$1251.33');
      expect(badUbl).not.toBe(ubl);
      expect(badCii).not.toBe(cii);
      for (const bad of [badUbl, badCii]) {
        const r = await validateReceived(bad, dir);
        expect(ids(r.errors)).toEqual(['BR-CO-16']);
        expect(r.errors[0]).toEqual({ id: 'BR-CO-16', flag: 'fatal', text: expect.stringContaining('BT-115'), location: expect.any(String) });
      }
    },
    COMPILE_TIMEOUT,
  );

  it(
    "an unknown unit code (BR-CL-23) is a warning in an XRechnung, as the German validator's scenarios have it; in a plain EN 16931 invoice an error",
    async () => {
      const ds = demoLedger();
      const inv = ds.invoices.map((r) => r.record).find((i) => i.number && i.type === 'invoice')!;
      const xrechnung = xmlOf(ds, inv, 'xrechnung-ubl').replace(/unitCode="[^"]*"/, 'unitCode="NOPE"');
      const r = await validateReceived(xrechnung, dir);
      expect(r.errors).toEqual([]);
      expect(r.warnings).toContainEqual(expect.objectContaining({ id: 'BR-CL-23', flag: 'warning' }));
      const plain = example('ubl', 'ubl-tc434-example1.xml').replace(/unitCode="[^"]*"/, 'unitCode="NOPE"');
      expect(ids((await validateReceived(plain, dir)).errors)).toEqual(['BR-CL-23']);
    },
    COMPILE_TIMEOUT,
  );

  it(
    "a schema error is an XSD finding with xmllint's message",
    async () => {
      const xml = example('ubl', 'ubl-tc434-example1.xml').replace(/<cbc:IssueDate>[^<]*<\/cbc:IssueDate>/, '');
      const r = await validateReceived(xml, dir);
      expect(r.errors[0]).toEqual({ id: 'XSD', flag: 'error', text: expect.stringContaining('IssueDate'), location: expect.stringMatching(/^line \d+$/) });
    },
    COMPILE_TIMEOUT,
  );

  it('malformed XML is one XSD error, not a crash; a document that is no invoice is an Error', async () => {
    const undeclaredPrefix = '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><cbc:ID>1</cbc:ID></Invoice>';
    for (const xml of ['<Invoice><broken', 'not XML at all', example('cii', 'CII_example1.xml').slice(0, 500), undeclaredPrefix]) {
      const r = await validateReceived(xml, dir);
      expect(r.errors).toEqual([{ id: 'XSD', flag: 'fatal', text: expect.stringMatching(/^not well-formed XML: (?:parser|namespace) error : \S/), location: expect.stringMatching(/^line \d+$/) }]);
      expect(r.warnings).toEqual([]);
    }
    await expect(validateReceived('<html><body>hi</body></html>', dir)).rejects.toThrow(/neither a UBL Invoice/);
  });
});

describe('from an esbuild bundle in out/ (as `billing receive` runs it)', () => {
  let work: string;
  beforeAll(() => {
    mkdirSync(join(projectDir(), 'out'), { recursive: true }); // not there in a fresh clone
    work = mkdtempSync(join(projectDir(), 'out', 'einvoice-rules-test-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it(
    'finds the translator and the cache and validates an official example',
    async () => {
      const entry = join(work, 'entry.ts');
      writeFileSync(
        entry,
        `import { readFileSync } from 'node:fs';
import { projectDir, validateReceived } from ${JSON.stringify(join(projectDir(), 'src/node/einvoiceRules'))};
const [rulesDir, file] = process.argv.slice(2);
validateReceived(readFileSync(file, 'utf8'), rulesDir).then((r) => console.log(JSON.stringify({ dirname: __dirname, project: projectDir(), ...r })));
`,
      );
      const outfile = join(work, 'entry.cjs');
      // The options of scripts/run-ts.mjs.
      await build({ entryPoints: [entry], packages: 'external', bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'warning' });
      const run = (file: string) => JSON.parse(execFileSync(process.execPath, [outfile, dir, file], { encoding: 'utf8' }));
      const ok = run(join(dir, 'examples/cii/CII_example2.xml'));
      expect(ok).toMatchObject({ dirname: work, project: projectDir(), errors: [], ruleSets: ['xsd-cii', 'en16931-cii'] });
      const badFile = join(work, 'bad.xml');
      writeFileSync(
        badFile,
        example('ubl', 'ubl-tc434-example2.xml').replace(/(<cbc:PayableAmount[^>]*>)([^<]+)/, (_m, a: string, v: string) => `${a}${(Number(v) + 1).toFixed(2)}`),
      );
      expect(ids(run(badFile).errors)).toEqual(['BR-CO-16']);
    },
    COMPILE_TIMEOUT,
  );
});
