// The CLI end to end on a real .xlsx file: init, run, drafts, finalize, cancel by number, credit,
// verify; JSON output; exit codes; errors with sheet/row/column.
import ExcelJS from 'exceljs';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/node/cli';
import { createWorkbook } from '../../src/node/xlsxWorkbook';
import { coreDemoRows } from '../../sheets-templates/demoData';
import { demoRows } from '../../sheets-templates/demoGenerator';
import { renderInvoicePdf } from '../../src/node/invoicePdf';
import { oneInvoiceDoc, oneTenant } from '../support/fixtures';
import { einvoiceDir } from '../support/einvoiceValidation';

async function billing(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const error = jest.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  const wOut = jest.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  const wErr = jest.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'billing', ...args]);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    wOut.mockRestore();
    wErr.mockRestore();
    process.exitCode = undefined;
  }
}

describe('billing CLI', () => {
  beforeAll(() => {
    process.env.BILLING_NOW = '2026-12-02T10:00:00Z';
  });
  afterAll(() => {
    delete process.env.BILLING_NOW;
  });
  const dir = mkdtempSync(join(tmpdir(), 'billing-cli-'));
  const book = join(dir, 'demo.xlsx');

  it('init --demo creates the demo workbook and refuses to overwrite it', async () => {
    const full = join(dir, 'full.xlsx');
    expect((await billing('-w', full, 'init', '--demo')).code).toBe(0);
    expect(existsSync(full)).toBe(true);
    const again = await billing('-w', full, 'init');
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/exists; use --force/);
    const drafts = JSON.parse((await billing('-w', full, '--json', '--dry-run', 'run', '--period', '2026-11')).out).drafts;
    expect(drafts.length).toBeGreaterThanOrEqual(30);
    // The CLI reads the demo as data that the build writes from sheets-templates/: the same rows.
    expect(JSON.parse(readFileSync(join(__dirname, '../../lib/demo-rows.json'), 'utf8'))).toEqual(demoRows());
    // The rest of this file works on the hand-checked core of the demo.
    await createWorkbook(book, coreDemoRows());
  });

  it('init --country writes the example tax rules of that country; an unknown one is a usage error naming the known', async () => {
    const fr = join(dir, 'fr.xlsx');
    const made = await billing('-w', fr, 'init', '--country', 'fr');
    expect([made.code, made.out]).toEqual([0, `Created ${fr} with example tax rules for FR (Rule IDs EXAMPLE-…: check them).`]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(fr);
    const rules = wb.getWorksheet('TaxRules')!;
    const ids = rules.getColumn(1).values.slice(2).map(String);
    expect(ids.length).toBeGreaterThan(3);
    expect(ids.filter((id) => !id.startsWith('EXAMPLE-FR-'))).toEqual([]);
    const unknown = await billing('-w', join(dir, 'xx.xlsx'), 'init', '--country', 'XX');
    expect([unknown.code, unknown.err]).toEqual([2, expect.stringMatching(/^billing: --country XX: no example tax rules for it; known: DE, AT, FR,/)]);
    expect(existsSync(join(dir, 'xx.xlsx'))).toBe(false);
  });

  it('run --dry-run saves nothing; run prints drafts with totals', async () => {
    const dry = await billing('-w', book, '--dry-run', 'run', '--period', '2026-11');
    expect(dry.out).toMatch(/8 drafts.*dry run: nothing saved/s);
    expect(JSON.parse((await billing('-w', book, '--json', 'drafts')).out)).toEqual([]);
    const run = await billing('-w', book, '--json', 'run', '--period', '2026-11', '--invoice-date', '2026-12-01');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.out);
    expect(report.drafts.map((d: { payable: string }) => d.payable)).toEqual(['743.71', '940.07', '1500.00', '91.88', '15.00', '163.27', '125.45', '36.05']);
  });

  it('finalize numbers the drafts; cancel by number makes a mirrored credit note; verify passes', async () => {
    const fin = JSON.parse((await billing('-w', book, '--json', 'finalize')).out);
    expect(fin.invoices.map((i: { number: string }) => i.number).slice(0, 2)).toEqual(['RE-2026-00001', 'RE-2026-00002']);
    const cancel = JSON.parse((await billing('-w', book, '--json', 'cancel', 'RE-2026-00002', '--reason', 'wrong customer')).out);
    const note = cancel.invoices.find((i: { type: string }) => i.type === 'credit_note');
    expect([note.number, note.payable]).toEqual(['GS-2026-00001', '-940.07']);
    const credit = JSON.parse((await billing('-w', book, '--json', 'credit', 'RE-2026-00003', '--amount', '100')).out);
    expect(credit.invoices.find((i: { type: string }) => i.type === 'credit_note').net).toBe('-100.00');
    // Revenue per month: the invoices are dated 2026-12-01, the credit notes (−940.07, −100.00) 2026-12-02.
    const report = JSON.parse((await billing('-w', book, '--json', 'report')).out);
    expect(report.map((r: Record<string, unknown>) => [r.month, r.tenantId, r.currency, r.invoices, r.creditNotes, r.net])).toEqual([
      ['2026-12', 'CH', 'CHF', 2, 0, '149.37'],
      ['2026-12', 'DE', 'EUR', 5, 2, '2241.07'],
      ['2026-12', 'DE', 'USD', 1, 0, '15.00'],
    ]);
    const verify = await billing('-w', book, 'verify');
    expect([verify.code, verify.out]).toEqual([0, 'Ledger intact: 10 finalized invoices checked.']);
  });

  it('exits non-zero and names sheet, row and column when rows are bad', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(book);
    const products = wb.getWorksheet('Products')!;
    const priceCol = (products.getRow(1).values as unknown[]).indexOf('Price');
    products.getCell(2, priceCol).value = 'forty-nine';
    await wb.xlsx.writeFile(book);
    const run = await billing('-w', book, 'run', '--period', '2026-12');
    expect(run.code).toBe(1);
    expect(run.out).toContain('Products row 2, column Price (value "forty-nine"): "forty-nine" is not a number');
    expect(run.out).toMatch(/Failed subscriptions/);
    // The subscriptions that do not use the broken product still get their December drafts.
    expect(run.out).toContain('Summary: 3 drafts, 4 failed subscriptions, 5 row errors');
    expect(run.out).toContain('Gipfel Treuhand GmbH');
  });

  it('receive reads supplier e-invoices into the workbook; a non-invoice exits 1 and a missing file 2', async () => {
    const example = join(einvoiceDir(), 'examples/cii/XRechnung-O.xml');
    const junk = join(dir, 'junk.xml');
    writeFileSync(junk, '<notes><note>hi</note></notes>');
    const r = await billing('-w', book, '--json', 'receive', example, junk);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    expect(report.received.map((x: { file: string; status: string }) => [x.file, x.status])).toEqual([['XRechnung-O.xml', 'valid']]);
    expect(report.failed.map((x: { file: string }) => x.file)).toEqual(['junk.xml']);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(book);
    expect(wb.getWorksheet('Received')!.rowCount).toBe(2);
    expect((await billing('-w', book, 'receive', join(dir, 'nope.xml'))).code).toBe(2);
  });

  it('receive takes the XML out of a Factur-X PDF, and with --rules runs the schema and EN 16931 rules on each file', async () => {
    const rules = einvoiceDir();
    const xml = readFileSync(join(rules, 'examples/cii/CII_example1.xml'), 'utf8');
    const hybrid = join(dir, 'supplier-facturx.pdf');
    const plain = join(dir, 'plain.pdf');
    writeFileSync(hybrid, await renderInvoicePdf(oneInvoiceDoc(), { tenant: oneTenant, facturX: xml }));
    writeFileSync(plain, await renderInvoicePdf(oneInvoiceDoc(), { tenant: oneTenant }));
    const payable = /<ram:DuePayableAmount>([^<]+)</.exec(xml)![1];
    const changed = join(dir, 'changed.xml');
    writeFileSync(changed, xml.replace(`<ram:DuePayableAmount>${payable}<`, '<ram:DuePayableAmount>999999.99<').replace(/(<rsm:ExchangedDocument>\s*<ram:ID>)([^<]+)/, '$1$2-B'));
    const r = await billing('-w', book, '--json', 'receive', '--rules', rules, hybrid, changed, plain);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    expect(report.received.map((x: { file: string; checked: string }) => [x.file, x.checked])).toEqual([
      ['supplier-facturx.pdf', 'CII D16B schema, EN 16931'],
      ['changed.xml', 'CII D16B schema, EN 16931'],
    ]);
    expect(report.received[0].status).toBe('valid');
    expect(report.received[1].status).toMatch(/^BR-CO-16: the amount due for payment \(BT-115\)/);
    expect(report.received[1].status.match(/BR-CO-16/g)).toHaveLength(1);
    expect(report.failed).toEqual([{ file: 'plain.pdf', reason: expect.stringMatching(/^the PDF has no embedded e-invoice \(factur-x\.xml \/ xrechnung\.xml\)/) }]);
    const bad = await billing('-w', book, 'receive', '--rules', dir, hybrid);
    expect([bad.code, bad.err]).toEqual([2, expect.stringMatching(/CII D16B|missing|does not/i)]);
  }, 300_000);

  it('credit needs exactly one of --amount and --lines; unknown tenants and filters are named; a non-.xlsx file gets a plain message (all exit 2)', async () => {
    const before = readFileSync(book);
    const neither = await billing('-w', book, 'credit', 'RE-2026-00004');
    expect([neither.code, neither.err]).toEqual([2, 'billing: credit needs exactly one of --amount <net> or --lines <numbers> (to cancel the whole invoice: billing cancel <invoiceId>)']);
    const both = await billing('-w', book, 'credit', 'RE-2026-00004', '--amount', '10', '--lines', '1');
    expect([both.code, both.err]).toEqual([2, 'billing: credit needs exactly one of --amount <net> or --lines <numbers>, not both']);
    expect(readFileSync(book).equals(before)).toBe(true);
    const tenant = await billing('-w', book, '--dry-run', 'run', '--period', '2026-12', '--tenant', 'XX');
    expect([tenant.code, tenant.err]).toEqual([2, 'billing: unknown --tenant XX: the Settings sheet has DE, CH']);
    expect((await billing('-w', book, 'finalize', '--tenant', 'XX')).err).toBe('billing: unknown --tenant XX: the Settings sheet has DE, CH');
    const filter = await billing('-w', book, '--dry-run', 'run', '--period', '2026-12', '--filter', 'nope');
    expect([filter.code, filter.err]).toEqual([2, expect.stringMatching(/^billing: unknown --filter nope: the Filters sheet has \S/)]);
    const csv = join(dir, 'customers.csv');
    writeFileSync(csv, 'a;b\n1;2\n');
    const notXlsx = await billing('-w', csv, 'drafts');
    expect([notXlsx.code, notXlsx.err]).toEqual([2, `billing: ${csv} is not an .xlsx workbook (a .xls, .csv or .ods file must be saved as .xlsx first; create a new one with: billing init)`]);
  });

  it("--version prints the version; every command's help has an example; the help states the exit codes", async () => {
    const v = await billing('--version');
    expect([v.code, v.out.trim()]).toEqual([0, JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')).version]);
    expect((await billing('--help')).out).toMatch(/Exit codes: 0 done; 1 the work failed[\s\S]*2 a usage error/);
    const names = ['init', 'run', 'drafts', 'invoice', 'finalize', 'cancel', 'credit', 'preview', 'pdf', 'send', 'mark-sent', 'report', 'receive', 'verify'];
    const without: string[] = [];
    for (const name of names) if (!/\nExample:\n {2}billing -w billing\.xlsx \S/.test((await billing(name, '--help')).out)) without.push(name);
    expect(without).toEqual([]);
  });

  it('drafts prints a table with headings and a total per currency', async () => {
    const t = join(dir, 'drafts.xlsx');
    await createWorkbook(t, coreDemoRows());
    expect((await billing('-w', t, 'run', '--period', '2026-11')).code).toBe(0);
    const r = await billing('-w', t, 'drafts');
    const rows = r.out.split('\n');
    expect(rows[1]).toMatch(/^ {2}Invoice +Status +Buyer +Cur +Net +Tax +Gross +Payable$/);
    expect(rows.filter((l) => l.includes('Total'))).toEqual([
      expect.stringMatching(/^ {2}Total \(2\) +CHF +/),
      expect.stringMatching(/^ {2}Total \(5\) +EUR +/),
      expect.stringMatching(/^ {2}Total \(1\) +USD +15\.00 +0\.00 +15\.00 +15\.00$/),
    ]);
  });

  it('usage errors exit with 2 and say what is missing', async () => {
    const r = await billing('-w', book, 'run');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--period YYYY-MM/);
    expect((await billing('-w', join(dir, 'nope.xlsx'), 'drafts')).err).toMatch(/not found/);
    expect((await billing('--help')).out).toMatch(/Commands:[\s\S]*finalize[\s\S]*verify/);
    expect((await billing('-w', book, 'run', '--bogus')).code).toBe(2);
    expect((await billing('-w', book, 'cancel')).code).toBe(2);
    const dry = await billing('-w', book, '--dry-run', 'send');
    expect([dry.code, dry.err]).toEqual([2, 'billing: send has no --dry-run: use `billing preview` to look at the invoices first']);
  });
});
