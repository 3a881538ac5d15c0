// The demo workbook's November cycle, totals checked by hand (see comments).
import { runInvoicing } from '../../src/app/runInvoicing';
import { finalizeInvoices, verifyLedger } from '../../src/app/ledgerActions';
import { coreDemoRows as demoRows } from '../../sheets-templates/demoData';
import { memoryPorts } from '../../src/node/memoryHost';
import { workbook } from '../support/fixtures';

describe('demo workbook, November 2026', () => {
  const p = memoryPorts(workbook(demoRows()), { now: () => new Date('2026-12-01T09:00:00Z') });
  const run = runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-12-01' });
  const byBuyer = Object.fromEntries(run.drafts.map((d) => [d.accountId, d]));

  it('bills every subscription without errors', () => {
    expect(run.failed).toEqual([]);
    expect(run.rowErrors).toEqual([]);
    expect(run.drafts).toHaveLength(8);
  });

  it('prices volume seats with discount and graduated usage', () => {
    // 49.00 plan + 12 seats volume tier 8.99 − 10 % = 97.09 + API 1235.5: 50 + 360 + 10 fee + 58.88 → 624.97; tax 19 % 118.74
    expect([byBuyer['ACC-001'].net, byBuyer['ACC-001'].tax, byBuyer['ACC-001'].payable]).toEqual(['624.97', '118.74', '743.71']);
  });

  it('prorates a quarterly start and applies reverse charge', () => {
    // 2 × 49 × 47/92 (0.510870) = 50.07 + setup 890.00; AE 0 %
    expect([byBuyer['ACC-002'].net, byBuyer['ACC-002'].tax]).toEqual(['940.07', '0.00']);
  });

  it('uses destination rates for an EU consumer, price increase and end-date proration, CHF cash rounding', () => {
    // 49 × 21 % = 10.29 + 29.90 × 9 % = 2.69
    expect([byBuyer['ACC-004'].net, byBuyer['ACC-004'].tax]).toEqual(['78.90', '12.98']);
    // 4 × (49 × 1.05 = 51.45) × 20/30 = 137.20
    expect(byBuyer['ACC-006'].net).toBe('137.20');
    // 120 − 3.3 % = 116.04; tax 9.40; gross 125.44 → payable 125.45
    expect([byBuyer['ACC-101'].gross, byBuyer['ACC-101'].payable]).toEqual(['125.44', '125.45']);
  });

  it('finalizes into two number ranges, verifies, and a second run finds nothing', () => {
    const fin = finalizeInvoices(p, {});
    expect(fin.failed).toEqual([]);
    expect(fin.invoices.map((i) => i.number)).toEqual(['RE-2026-00001', 'RE-2026-00002', 'RE-2026-00003', 'RE-2026-00004', 'RE-2026-00005', 'RE-2026-00006', 'CH-2026-0001', 'CH-2026-0002']);
    expect(verifyLedger(p).problems).toEqual([]);
    expect(runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' }).drafts).toEqual([]);
  });
});
