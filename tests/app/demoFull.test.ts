// The full demo workbook (core + generated customers) runs clean and covers what a demo must show.
import { runInvoicing } from '../../src/app/runInvoicing';
import { finalizeInvoices, verifyLedger } from '../../src/app/ledgerActions';
import { memoryPorts } from '../../src/node/memoryHost';
import { demoRows } from '../../sheets-templates/demoGenerator';
import { workbook } from '../support/fixtures';

describe('full demo workbook', () => {
  const rows = demoRows();

  it('is the same every time and covers every period, timing, price model, contact role and a year of usage', () => {
    expect(JSON.stringify(demoRows())).toBe(JSON.stringify(rows));
    expect(rows.Accounts!.length).toBeGreaterThanOrEqual(30);
    expect(rows.Subscriptions!.length).toBeGreaterThanOrEqual(38);
    const set = (table: keyof typeof rows, key: string) => new Set(rows[table]!.map((r) => r[key]));
    expect(set('Subscriptions', 'billingPeriod')).toEqual(new Set(['monthly', 'quarterly', 'semiannual', 'annual']));
    expect(set('Subscriptions', 'billingTiming')).toEqual(new Set(['advance', 'arrears']));
    expect(set('Products', 'priceModel')).toEqual(new Set(['per_unit', 'flat', 'graduated', 'volume', 'package']));
    expect(set('Contacts', 'role')).toEqual(new Set(['invoice', 'cc', 'bcc', 'mailing']));
    for (const c of ['DE', 'AT', 'FR', 'NL', 'CH', 'US']) expect(set('Accounts', 'country').has(c)).toBe(true);
    const months = new Set(rows.Transactions!.map((t) => String(t.date).slice(0, 7)));
    expect(months.size).toBe(12);
  });

  it('runs November without errors, finalizes, verifies, and a second run bills nothing', () => {
    const p = memoryPorts(workbook(rows), { now: () => new Date('2026-12-01T09:00:00Z') });
    const run = runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-12-01' });
    expect(run.rowErrors).toEqual([]);
    expect(run.failed).toEqual([]);
    expect(run.drafts.length).toBeGreaterThanOrEqual(30);
    // Only November's usage is billed: the other eleven months are on archived invoices.
    const usage = p.tables.objects('Transactions').filter((t) => t['Invoice ID'] && !String(t['Invoice ID']).startsWith('ARCHIVED'));
    expect(new Set(usage.map((t) => String(t['Date']).slice(0, 7)))).toEqual(new Set(['2026-11']));
    const fin = finalizeInvoices(p, {});
    expect(fin.failed).toEqual([]);
    expect(fin.invoices).toHaveLength(run.drafts.length);
    expect(verifyLedger(p).problems).toEqual([]);
    expect(runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' }).drafts).toEqual([]);
  });
});
