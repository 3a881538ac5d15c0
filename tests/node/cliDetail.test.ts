// What `run` and `drafts` tell without the workbook (issue 13, first steps): with --json each
// invoice's lines, tax per category and rate, cash rounding and notes as exact decimal strings; as
// text, labelled amounts with a total per currency, every draft's warnings (a catch-up of periods
// never billed among them) and the run's row errors. Through the built CLI on a temporary workbook.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkbook } from '../../src/node/xlsxWorkbook';
import type { InvoiceDetail, LineSummary } from '../../src/app/summary';
import { billingBinary as billing } from '../support/billingBinary';
import { CH_TENANT, DE_TENANT, TAX_RULES, account, item, product, subscription } from '../support/fixtures';

const CATCH_UP = 'item I5: catching up 2 earlier period(s) from 2026-09-01 never billed (set Billed Until if they were billed elsewhere)';
const REVERSE_CHARGE = 'Reverse charge: VAT to be paid by the recipient (Art. 196 VAT Directive)';

type Line = LineSummary;
type Draft = InvoiceDetail;

const lineRow = (l: Line) => [l.lineNo, l.description, l.serviceStart, l.serviceEnd, l.quantity, l.unit, l.unitPrice, l.net, l.taxCategory, l.taxRate];

describe('billing run and drafts: invoice detail and warnings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'billing-detail-'));

  /** Four customers: two tax rates, reverse charge, Swiss cash rounding, a catch-up; one bad Items row (S5). */
  async function book(name: string): Promise<string> {
    const file = join(dir, name);
    await createWorkbook(file, {
      // The Swiss company with complete payment details (IBAN, postal code): the catch-up is the only warning.
      Settings: [DE_TENANT, { ...CH_TENANT, iban: 'CH9300762011623852957', street: 'Bahnhofstrasse 1', postalCode: '8001' }],
      TaxRules: TAX_RULES,
      Accounts: [account('A1'), account('A2', { country: 'FR', vatId: 'FR12345678901' }), account('A3', { country: 'CH', tenantId: 'CH' }), account('A4')],
      Products: [product('P1', '10.00'), product('P2', 12.345, { taxClass: 'reduced', unit: 'HUR' }), product('P3', '10.33')],
      Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A2'), subscription('S3', 'A3'), subscription('S4', 'A4', { startDate: '2026-09-01' }), subscription('S5', 'A1')],
      Items: [
        item('I1', 'S1', 'P1', { quantity: 3 }),
        item('I2', 'S1', 'P2', { quantity: 2 }),
        item('I3', 'S2', 'P1'),
        item('I4', 'S3', 'P3'),
        item('I5', 'S4', 'P1'),
        item('I6', 'S5', 'P1', { quantity: 'many' }),
      ],
    });
    return file;
  }

  it('run --json gives each draft its lines, tax per category and rate, cash rounding and notes as exact decimal strings', async () => {
    const r = await billing(['-w', await book('json.xlsx'), '--json', '--dry-run', 'run', '--period', '2026-11']);
    expect(r.code).toBe(1); // the bad Items row
    const drafts = JSON.parse(r.out).drafts as Draft[];
    const [two, reverse, swiss, late] = drafts;
    expect(two.lines.map(lineRow)).toEqual([
      [1, 'Product P1', '2026-11-01', '2026-11-30', '3', 'C62', '10.00', '30.00', 'S', '19'],
      [2, 'Product P2', '2026-11-01', '2026-11-30', '2', 'HUR', '12.345', '24.69', 'S', '7'],
    ]);
    // Tax per group from the group's net, rounded once: 24.69 × 7 % = 1.7283 → 1.73; 30.00 × 19 % = 5.70.
    expect(two.taxBreakdown).toEqual([
      { category: 'S', rate: '7', taxable: '24.69', tax: '1.73' },
      { category: 'S', rate: '19', taxable: '30.00', tax: '5.70' },
    ]);
    expect([two.net, two.tax, two.gross, two.rounding, two.payable]).toEqual(['54.69', '7.43', '62.12', '0.00', '62.12']);
    expect(reverse.taxBreakdown).toEqual([{ category: 'AE', rate: '0', taxable: '10.00', tax: '0.00', exemptionText: REVERSE_CHARGE }]);
    expect(reverse.taxNote).toBe(REVERSE_CHARGE);
    // CHF to 0.05: 10.33 + 8.1 % (0.84) = 11.17, payable 11.15.
    expect([swiss.currency, swiss.lines[0].taxRate, swiss.gross, swiss.rounding, swiss.payable]).toEqual(['CHF', '8.1', '11.17', '-0.02', '11.15']);
    expect(late.warnings).toBe(CATCH_UP);
    expect(late.lines.map((l) => `${l.serviceStart}..${l.serviceEnd}`)).toEqual(['2026-09-01..2026-09-30', '2026-10-01..2026-10-31', '2026-11-01..2026-11-30']);
  }, 120_000);

  it('drafts --json gives the saved drafts with the same detail as the run that made them', async () => {
    const file = await book('saved.xlsx');
    const run = JSON.parse((await billing(['-w', file, '--json', 'run', '--period', '2026-11'])).out).drafts as Draft[];
    const drafts = await billing(['-w', file, '--json', 'drafts']);
    expect(drafts.code).toBe(0);
    expect(JSON.parse(drafts.out)).toEqual(run);
    expect((JSON.parse(drafts.out) as Draft[]).map((d) => [d.invoiceId, d.lines.length, d.taxBreakdown.length])).toEqual([
      ['I-000001', 2, 2],
      ['I-000002', 1, 1],
      ['I-000003', 1, 1],
      ['I-000004', 3, 1],
    ]);
  }, 120_000);

  it('run and drafts print labelled amounts with a total per currency, and every draft warning; run also the rows skipped', async () => {
    const file = await book('text.xlsx');
    const run = await billing(['-w', file, 'run', '--period', '2026-11']);
    const drafts = await billing(['-w', file, 'drafts']);
    for (const [name, r] of [
      ['run', run],
      ['drafts', drafts],
    ] as const) {
      const rows = r.out.split('\n');
      expect([name, rows.filter((l) => /^ {2}Invoice /.test(l))]).toEqual([name, [expect.stringMatching(/^ {2}Invoice +Status +Buyer +Cur +Net +Tax +Gross +Payable$/)]]);
      expect([name, rows.filter((l) => l.startsWith('  Total'))]).toEqual([
        name,
        [expect.stringMatching(/^ {2}Total \(1\) +CHF +10\.33 +0\.84 +11\.17 +11\.15$/), expect.stringMatching(/^ {2}Total \(3\) +EUR +94\.69 +13\.13 +107\.82 +107\.82$/)],
      ]);
      expect([name, r.out]).toEqual([name, expect.stringContaining(`Warnings (1 invoice to look at):\n  I-000004 (S4): ${CATCH_UP}`)]);
    }
    expect(run.code).toBe(1);
    expect(run.out).toContain('Rows skipped:\n  Items row 7, column Quantity (value "many")');
    expect(run.out).toContain('Summary: 4 drafts, 1 failed subscriptions, 1 row errors');
  }, 120_000);
});
