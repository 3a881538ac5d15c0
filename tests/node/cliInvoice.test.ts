// `billing invoice`: manual and pro-forma invoices from the command line (issue 13), through the
// built CLI on a temporary workbook. Lines as --line texts or a CSV file; errors name the line and
// the field and exit 2 with nothing saved; a pro-forma is numbered from its own range.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkbook } from '../../src/node/xlsxWorkbook';
import type { InvoiceDetail } from '../../src/app/summary';
import { billingBinary as billing } from '../support/billingBinary';
import { DE_TENANT, TAX_RULES, account, product } from '../support/fixtures';

type Detail = InvoiceDetail;

const LINES = ['--line', 'P1; 3', '--line', 'P1: Extra setup; 1; 99.5; reduced; 2026-11-14', '--line', 'Travel to Munich; 1; 412.50; standard; 2026-11-01..2026-11-30'];

/** The cases where `billing invoice <args>` did not exit 2 with the expected message (its first line). */
async function notRefusedAsUsage(file: string, cases: [string[], string | RegExp][]): Promise<unknown[]> {
  const wrong: unknown[] = [];
  for (const [args, message] of cases) {
    const r = await billing(['-w', file, 'invoice', ...args]);
    const first = r.err.split('\n')[0].trim();
    if (r.code !== 2 || (typeof message === 'string' ? first !== message : !message.test(first))) wrong.push({ args, code: r.code, err: r.err });
  }
  return wrong;
}

describe('billing invoice', () => {
  const dir = mkdtempSync(join(tmpdir(), 'billing-invoice-'));

  async function book(name: string): Promise<string> {
    const file = join(dir, name);
    await createWorkbook(file, {
      Settings: [DE_TENANT],
      TaxRules: TAX_RULES,
      Accounts: [account('A1'), account('A2', { country: 'FR', vatId: 'FR12345678901' })],
      Products: [product('P1', '10.00'), product('SEAT', '9.99', { priceModel: 'volume', tiers: '1-10: 9.99; 11+: 8.99' })],
    });
    return file;
  }

  it('saves a draft from --line texts: a product line takes its name, unit and price, "<product>: <text>" and free text their own; prints the lines and totals', async () => {
    const file = await book('lines.xlsx');
    const r = await billing(['-w', file, '--json', 'invoice', '--account', 'A1', ...LINES]);
    expect([r.code, r.err]).toEqual([0, '']);
    const d = JSON.parse(r.out) as Detail;
    expect([d.invoiceId, d.type, d.status, d.number]).toEqual(['I-000001', 'invoice', 'Draft', undefined]);
    expect(d.lines.map((l) => [l.lineNo, l.productId, l.description, l.serviceStart, l.serviceEnd, l.quantity, l.unit, l.unitPrice, l.net, l.taxCategory, l.taxRate])).toEqual([
      [1, 'P1', 'Product P1', undefined, undefined, '3', 'C62', '10.00', '30.00', 'S', '19'],
      [2, 'P1', 'Extra setup', '2026-11-14', '2026-11-14', '1', 'C62', '99.50', '99.50', 'S', '7'],
      [3, undefined, 'Travel to Munich', '2026-11-01', '2026-11-30', '1', undefined, '412.50', '412.50', 'S', '19'],
    ]);
    // 99.50 × 7 % = 6.965 → 6.97; (30.00 + 412.50) × 19 % = 84.075 → 84.08.
    expect(d.taxBreakdown).toEqual([
      { category: 'S', rate: '7', taxable: '99.50', tax: '6.97' },
      { category: 'S', rate: '19', taxable: '442.50', tax: '84.08' },
    ]);
    expect([d.net, d.tax, d.gross, d.payable]).toEqual(['542.00', '91.05', '633.05', '633.05']);
    expect(JSON.parse((await billing(['-w', file, '--json', 'drafts'])).out)).toEqual([d]);

    const text = await billing(['-w', file, 'invoice', '--account', 'A1', ...LINES]);
    expect(text.code).toBe(0);
    const rows = text.out.split('\n');
    expect(rows[0]).toBe('Saved draft I-000002 for A1 Customer A1 (DE, EUR).');
    expect(rows[1]).toMatch(/^ +# +Description +Service period +Quantity +Unit +Unit price +Net +Tax$/);
    expect(rows[3]).toMatch(/^ +2 +Extra setup +2026-11-14 +1 C62 +99\.50 +99\.50 +S 7%$/);
    expect(rows[4]).toMatch(/^ +3 +Travel to Munich +2026-11-01\.\.2026-11-30 +1 +412\.50 +412\.50 +S 19%$/);
    expect(text.out).toContain('  Tax S 7% on 99.50: 6.97\n  Tax S 19% on 442.50: 84.08\n  Net 542.00  Tax 91.05  Gross 633.05  Payable 633.05 EUR');
    expect(text.out).toContain('number it with `billing finalize I-000002`');
  }, 180_000);

  it('a pro-forma is saved as a pro-forma draft and finalized with a number of its own range, never one of the invoice range', async () => {
    const file = await book('proforma.xlsx');
    const pf = await billing(['-w', file, 'invoice', '--account', 'A2', '--proforma', '--date', '2026-12-01', '--line', 'Offer: consulting; 4; 125']);
    expect(pf.code).toBe(0);
    expect(pf.out.split('\n')[0]).toBe('Saved pro-forma I-000001 for A2 Customer A2 (DE, EUR).');
    expect(pf.out).toContain('  Net 500.00  Tax 0.00  Gross 500.00  Payable 500.00 EUR');
    expect(pf.out).toContain('(a pro-forma number PF-…, never one of the invoice range)');
    expect((await billing(['-w', file, 'invoice', '--account', 'A1', '--line', 'P1; 1'])).code).toBe(0);
    const fin = await billing(['-w', file, '--json', 'finalize']);
    expect(fin.code).toBe(0);
    const numbered = (JSON.parse(fin.out).invoices as Detail[]).map((i) => [i.invoiceId, i.type, i.number, i.payable]);
    expect(numbered).toEqual([
      ['I-000001', 'pro_forma', 'PF-2026-00001', '500.00'],
      ['I-000002', 'invoice', 'INV-2026-00001', '11.90'],
    ]);
  }, 180_000);

  it('--type prepayment / final with --project: the final invoice deducts the finalized prepayment of its project per VAT rate', async () => {
    const file = await book('project.xlsx');
    const pre = await billing(['-w', file, 'invoice', '--account', 'A1', '--type', 'prepayment', '--project', 'P-7', '--date', '2026-12-01', '--line', 'Anzahlung 30 %; 1; 3000']);
    expect([pre.code, pre.out.split('\n')[0]]).toEqual([0, 'Saved prepayment invoice draft I-000001 for A1 Customer A1 (DE, EUR).']);
    expect((await billing(['-w', file, 'finalize', 'I-000001'])).code).toBe(0);
    const fin = await billing(['-w', file, '--json', 'invoice', '--account', 'A1', '--type', 'final', '--project', 'P-7', '--date', '2026-12-20', '--line', 'Projekt P-7; 1; 10000']);
    expect(fin.code).toBe(0);
    const d = JSON.parse(fin.out) as Detail;
    expect([d.type, d.net, d.tax, d.gross]).toEqual(['final', '7000.00', '1330.00', '8330.00']);
    const numbers = (JSON.parse((await billing(['-w', file, '--json', 'finalize', 'I-000002'])).out).invoices as Detail[]).map((i) => [i.type, i.number, i.payable]);
    expect(numbers).toEqual([['final', 'INV-2026-00002', '8330.00']]);
  }, 180_000);

  it('a wrong --type, --type final without --project, or --proforma with --type exits 2 and says what to give', async () => {
    const file = await book('types.xlsx');
    const before = readFileSync(file);
    const cases: [string[], string][] = [
      [['--account', 'A1', '--type', 'deposit', '--line', 'P1; 1'], 'billing: unknown --type deposit: give invoice, prepayment, partial, final (or --proforma)'],
      [['--account', 'A1', '--type', 'final', '--line', 'P1; 1'], 'billing: --type final needs --project <project>: the prepayment and partial invoices of that project are deducted'],
      [['--account', 'A1', '--proforma', '--type', 'partial', '--line', 'P1; 1'], 'billing: --proforma and --type partial exclude each other: give one'],
    ];
    expect(await notRefusedAsUsage(file, cases)).toEqual([]);
    expect(readFileSync(file).equals(before)).toBe(true);
  }, 180_000);

  it('--lines-csv reads the columns by their header names (semicolons, quotes, any order) after the --line lines', async () => {
    const file = await book('csv.xlsx');
    const csv = join(dir, 'lines.csv');
    writeFileSync(csv, '\uFEFFquantity;description;unitPrice;product;serviceStart;serviceEnd\r\n2;;;P1;2026-11-01;2026-11-30\r\n\r\n1;"Workshop; ""hands-on""";250;;2026-11-20;\r\n');
    const r = await billing(['-w', file, '--json', 'invoice', '--account', 'A1', '--line', 'Travel; 1; 80', '--lines-csv', csv]);
    expect([r.code, r.err]).toEqual([0, '']);
    const d = JSON.parse(r.out) as Detail;
    expect(d.lines.map((l) => [l.lineNo, l.productId, l.description, l.serviceStart, l.serviceEnd, l.quantity, l.unitPrice, l.net])).toEqual([
      [1, undefined, 'Travel', undefined, undefined, '1', '80.00', '80.00'],
      [2, 'P1', 'Product P1', '2026-11-01', '2026-11-30', '2', '10.00', '20.00'],
      [3, undefined, 'Workshop; "hands-on"', '2026-11-20', '2026-11-20', '1', '250.00', '250.00'],
    ]);
    expect([d.net, d.tax, d.payable]).toEqual(['350.00', '66.50', '416.50']);
  });

  it('a wrong line exits 2 with the line and the field named, and saves nothing', async () => {
    const file = await book('errors.xlsx');
    const before = readFileSync(file);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'product,description,quantity,unitPrice\n,Setup,1,100\n,Travel,1,"80,00"\n');
    const noRule = join(dir, 'no-rule.csv');
    writeFileSync(noRule, 'description,quantity,unitPrice,taxClass\nSetup,1,100,standard\nWine,6,12,luxury\n');
    const cases: [string[], string][] = [
      [['--line', 'P1; 1', '--line', 'Setup; two; 100'], 'billing: --line 2, quantity: "two" is not a number (a dot as the decimal mark: 1234.50)'],
      [['--line', 'Setup; 1'], 'billing: --line 1, unit price: missing'],
      [['--line', 'SEAT; 12'], 'billing: --line 1, unit price: missing (product SEAT has no single per-unit price to take)'],
      [['--line', '; 1; 100'], 'billing: --line 1, description: empty: give a text or a product ID'],
      [['--line', 'Setup; 1; 100; standard; 2026-11-30..2026-11-01'], 'billing: --line 1, service period: ends (2026-11-01) before it starts (2026-11-30)'],
      [['--line', 'Setup; 1; 100; standard; 2026-02-30'], 'billing: --line 1, service start: "2026-02-30" is not a date in the form YYYY-MM-DD'],
      [
        ['--line', 'Setup; 1; 100; standard; 2026-11-01; x'],
        'billing: --line 1: 6 fields, at most 5 (product; quantity; unit price; tax class; service period): "Setup; 1; 100; standard; 2026-11-01; x"',
      ],
      [['--line', 'P1; 1', '--lines-csv', bad], 'billing: bad.csv row 3, unit price: "80,00" is not a number (a dot as the decimal mark: 1234.50)'],
      // The engine's own refusal of a line ("line 3: …") names it as the user gave it.
      [['--line', 'P1; 1', '--lines-csv', noRule], 'billing: no-rule.csv row 3: tax class "luxury": no tax rule for seller DE, buyer DE, tax class "luxury", B2B on 2026-12-02: add a row to TaxRules'],
    ];
    expect(
      await notRefusedAsUsage(
        file,
        cases.map(([lines, message]) => [['--account', 'A1', ...lines], message]),
      ),
    ).toEqual([]);
    expect(readFileSync(file).equals(before)).toBe(true);
  }, 180_000);

  it('a wrong account, date or file, or no lines at all, exits 2 and says what to give', async () => {
    const file = await book('usage.xlsx');
    const before = readFileSync(file);
    const header = join(dir, 'header.csv');
    writeFileSync(header, 'product,qty\nP1,1\n');
    const cases: [string[], RegExp][] = [
      [['--account', 'NOPE', '--line', 'P1; 1'], /^billing: unknown --account NOPE: the Accounts sheet has A1, A2$/],
      [['--account', 'A1'], /^billing: give the lines with --line "<product ID or text>; <quantity>; <unit price>; <tax class>; <from>\.\.<to>" or --lines-csv <file>$/],
      [['--line', 'P1; 1'], /required option '--account <id>' not specified/],
      [['--account', 'A1', '--date', '2026-12-32', '--line', 'P1; 1'], /^billing: --date 2026-12-32 is not a date in the form YYYY-MM-DD$/],
      [['--account', 'A1', '--lines-csv', join(dir, 'none.csv')], /^billing: --lines-csv .*none\.csv: no such file$/],
      [
        ['--account', 'A1', '--lines-csv', header],
        /^billing: header\.csv row 1: the header names the columns product, description, quantity, unitPrice, taxClass, serviceStart, serviceEnd \(quantity is required\); unknown: qty$/,
      ],
    ];
    expect(await notRefusedAsUsage(file, cases)).toEqual([]);
    expect(readFileSync(file).equals(before)).toBe(true);
  }, 180_000);
});
