// Bad rows and bad requests: reported with sheet, row, column and value; the rest goes on.
import { runInvoicing } from '../../src/app/runInvoicing';
import { creditInvoice, finalizeInvoices } from '../../src/app/ledgerActions';
import { NOV, account, item, ports, product, subscription, table } from './helpers';

describe('bad input', () => {
  it('25 bad rows do not stop the run', () => {
    const p = ports({
      Accounts: [account('A1'), account('A2')],
      Products: [product('P1', '10.00'), product('P-BAD', 'abc')],
      Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A2'), subscription('S3', 'A2', { startDate: 'someday' })],
      Items: [item('I1', 'S1', 'P1'), item('I-BAD', 'S2', 'P-BAD'), item('I-X', 'S-NONE', 'P1'), item('I2', 'S2', 'P1', { quantity: 2 })],
    });
    const run = runInvoicing(p, NOV);
    expect(run.status).toBe('done_with_errors');
    // Reported in sheet order (sheets as in the workbook, then rows).
    expect(run.rowErrors.map((e) => [e.sheet, e.row, e.column, e.value, e.message])).toEqual([
      ['Products', 3, 'Price', 'abc', '"abc" is not a number'],
      ['Subscriptions', 4, 'Start Date', 'someday', '"someday" is not a date (use YYYY-MM-DD or DD.MM.YYYY)'],
      ['Items', 3, 'Product ID', 'P-BAD', 'product "P-BAD" does not exist (or its row has errors)'],
      ['Items', 4, 'Subscription ID', 'S-NONE', 'subscription "S-NONE" does not exist (or its row has errors)'],
    ]);
    expect(run.rowErrors[0].text).toBe('Products row 3, column Price (value "abc"): "abc" is not a number');
    // S1 still gets its draft (10.00). S2 has a rejected item row, so it is not billed at all rather
    // than invoiced with an item missing; it is listed as failed with the row to fix.
    expect(run.drafts.map((d) => [d.subscriptionId, d.net])).toEqual([['S1', '10.00']]);
    expect(run.failed.map((f) => [f.subscriptionId, f.reason])).toEqual([['S2', 'not billed while Items row 3 has an error (Product ID: product "P-BAD" does not exist (or its row has errors))']]);
    const [runRow] = table(p, 'Runs');
    expect([runRow['Status'], runRow['Errors'], runRow['Drafts'], runRow['In Scope'], runRow['Remaining']]).toEqual(['done_with_errors', 5, 1, 2, 'S2']);
    expect(runRow['Last Error']).toBe(run.failed[0].reason);
    expect(run.rowErrors.map((e) => e.text)).toContain('Items row 4, column Subscription ID (value "S-NONE"): subscription "S-NONE" does not exist (or its row has errors)');
    expect(table(p, 'Log').map((l) => l['Details'])).toEqual(['R-000001 2026-11-01..2026-11-30: 1 drafts, 5 errors']);
  });

  it('a failed subscription is named in Runs and can be re-run alone', () => {
    const p = ports({
      Accounts: [account('A1'), account('A2', { country: 'PL', customerType: 'B2C' })],
      Products: [product('P1', '10.00')],
      Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A2')],
      Items: [item('I1', 'S1', 'P1'), item('I2', 'S2', 'P1')],
    });
    const run = runInvoicing(p, NOV);
    expect(run.failed.map((f) => [f.subscriptionId, f.row])).toEqual([['S2', 3]]);
    expect(table(p, 'Runs')[0]['Remaining']).toBe('S2');
    // Fixed: the customer is German after all.
    const t = p.tables.sheets.get('Accounts')!;
    t.rows[1][t.headers.indexOf('Country')] = 'DE';
    const again = runInvoicing(p, { ...NOV, subscriptionIds: ['S2'] });
    expect(again.status).toBe('done');
    expect(again.drafts.map((d) => [d.subscriptionId, d.gross])).toEqual([['S2', '11.90']]);
    expect(table(p, 'Invoices').map((i) => i['Subscription ID'])).toEqual(['S1', 'S2']);
  });

  it('bad run requests are refused before anything is written', () => {
    const p = ports({ Accounts: [account('A1')], Products: [product('P1', '10.00')], Subscriptions: [subscription('S1', 'A1')], Items: [item('I1', 'S1', 'P1')] });
    expect(() => runInvoicing(p, { periodStart: '2026-13-01', periodEnd: '2026-11-30' })).toThrow('"2026-13-01" is not a date in the form YYYY-MM-DD');
    expect(() => runInvoicing(p, { periodStart: '2026-11-30', periodEnd: '2026-11-01' })).toThrow('run period ends (2026-11-01) before it starts (2026-11-30)');
    expect(() => finalizeInvoices(p, { invoiceDate: '30.11.2026' })).toThrow('"30.11.2026" is not a date in the form YYYY-MM-DD');
    expect(table(p, 'Runs')).toEqual([]);
    expect(table(p, 'Invoices')).toEqual([]);
    runInvoicing(p, NOV);
    finalizeInvoices(p);
    expect(() => creditInvoice(p, { invoiceId: 'I-000001', amount: 'ten' })).toThrow('credit amount "ten" is not a number');
    expect(() => creditInvoice(p, { invoiceId: 'I-404', amount: '1' })).toThrow('invoice I-404 does not exist');
    expect(finalizeInvoices(p, { invoiceIds: ['I-404'] }).failed).toEqual([{ invoiceId: 'I-404', reason: 'invoice I-404 does not exist' }]);
  });

  it('numbers typed as text follow the tenant: an empty Number Locale reads like its Language (de, fr: 1.234,50; en: 1,234.50)', () => {
    const rows = (tenant: Partial<Record<'locale' | 'language', string>>) => ({
      Settings: [{ tenantId: 'DE', legalName: 'Muster GmbH', country: 'DE', currency: 'EUR', ...tenant }],
      Accounts: [account('A1')],
      Products: [product('P1', '1.234,50')],
      Subscriptions: [subscription('S1', 'A1', { startDate: '15.11.2026' })],
      Items: [item('I1', 'S1', 'P1')],
    });
    // An English tenant: "1.234,50" is not an en number → the product row is rejected.
    const en = runInvoicing(ports(rows({ language: 'en' })), NOV);
    expect(en.rowErrors.map((e) => [e.sheet, e.column, e.value])).toEqual([
      ['Products', 'Price', '1.234,50'],
      ['Items', 'Product ID', 'P1'],
    ]);
    // 16/30 × 1234.50 = 658.40, whether the locale is set or follows the language.
    for (const tenant of [{ locale: 'de' }, { language: 'de' }, { language: 'fr' }]) {
      const r = runInvoicing(ports(rows(tenant)), NOV);
      expect({ tenant, errors: r.rowErrors, net: r.drafts[0]?.net }).toEqual({ tenant, errors: [], net: '658.40' });
    }
    // "1.234" is a thousand two hundred thirty-four for a German tenant, not 1.234.
    const de = ports({ ...rows({ language: 'de' }), Products: [product('P1', '1.234')] });
    expect(runInvoicing(de, NOV).drafts[0].net).toBe('658.13');
  });
});
