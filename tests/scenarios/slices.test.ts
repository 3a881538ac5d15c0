// Runs cut into slices (Apps Script's execution limit): each slice continues at the checkpoint in
// the Runs sheet, and the result is the same as one uninterrupted run.
import { continueRun, runInvoicing, unfinishedRun } from '../../src/app/runInvoicing';
import { memoryPorts } from '../../src/node/memoryHost';
import { NOV, account, item, ports, product, subscription, table, workbook } from './helpers';

const rows = () => ({
  Accounts: [1, 2, 3, 4, 5].map((i) => account(`A${i}`)),
  Products: [product('P1', '10.00')],
  Subscriptions: [1, 2, 3, 4, 5].map((i) => subscription(`S${i}`, `A${i}`)),
  Items: [1, 2, 3, 4, 5].map((i) => item(`I${i}`, `S${i}`, 'P1', { quantity: i })),
});

describe('runs in slices', () => {
  it('continues at the checkpoint and ends with the same ledger as one run', () => {
    const whole = ports(rows());
    runInvoicing(whole, NOV);

    const p = ports(rows());
    const first = runInvoicing(p, NOV, { maxGroups: 2 });
    expect([first.done, first.status, first.drafts.map((d) => d.subscriptionId)]).toEqual([false, 'running', ['S1', 'S2']]);
    const [running] = table(p, 'Runs');
    expect([running['Status'], running['Checkpoint'], running['Drafts']]).toEqual(['running', '{"after":"S:S2:2026-11-01..2026-11-30"}', 2]);
    expect(unfinishedRun(p, NOV.periodStart, NOV.periodEnd)).toBe(first.runId);
    expect(unfinishedRun(p, '2026-12-01', '2026-12-31')).toBeUndefined();
    const second = continueRun(p, first.runId, { maxGroups: 2 });
    expect([second.done, second.drafts.map((d) => d.subscriptionId)]).toEqual([false, ['S3', 'S4']]);
    const last = continueRun(p, first.runId, { maxGroups: 2 });
    expect([last.done, last.status, last.drafts.map((d) => d.subscriptionId)]).toEqual([true, 'done', ['S5']]);

    expect(table(p, 'Invoices')).toEqual(table(whole, 'Invoices'));
    expect(table(p, 'InvoiceLines')).toEqual(table(whole, 'InvoiceLines'));
    const [done] = table(p, 'Runs');
    expect([done['Status'], done['Checkpoint'], done['Drafts'], table(p, 'Runs').length]).toEqual(['done', '', 5, 1]);
    expect(table(p, 'Log').map((l) => l['Details'])).toEqual(['R-000001 2026-11-01..2026-11-30: 5 drafts, 0 errors']);
    expect(unfinishedRun(p, NOV.periodStart, NOV.periodEnd)).toBeUndefined();
    expect(() => continueRun(p, first.runId)).toThrow('run R-000001 is not waiting to continue (status done)');
  });

  it('reports the subscriptions worked through so far, counting those with nothing due, up to all in scope', () => {
    const r = rows();
    // S2 and S4 were billed for November already: nothing due, no draft, but worked through.
    r.Items = r.Items.map((it) => (it.itemId === 'I2' || it.itemId === 'I4' ? { ...it, billedUntil: '2026-11-30' } : it));
    const p = ports(r);
    const slices = [runInvoicing(p, NOV, { maxGroups: 2 })];
    while (!slices[slices.length - 1].done) slices.push(continueRun(p, slices[0].runId, { maxGroups: 2 }));
    expect(slices.map((x) => ({ processed: x.processed, inScope: x.inScope, drafts: x.drafts.map((d) => d.subscriptionId) }))).toEqual([
      { processed: 2, inScope: 5, drafts: ['S1'] },
      { processed: 4, inScope: 5, drafts: ['S3'] },
      { processed: 5, inScope: 5, drafts: ['S5'] },
    ]);
  });

  it('stops a slice when its time budget is spent, always after at least one draft', () => {
    let t = Date.parse('2026-11-30T12:00:00Z');
    // Every look at the clock takes a second: a 2.5 s budget ends the slice after a couple of drafts.
    const p = memoryPorts(workbook(rows()), { now: () => new Date((t += 1000)) });
    const r = runInvoicing(p, NOV, { budgetMs: 2500 });
    expect(r.done).toBe(false);
    expect(r.drafts.length).toBeGreaterThanOrEqual(1);
    expect(r.drafts.length).toBeLessThan(5);
    let n = r.drafts.length;
    while (true) {
      const next = continueRun(p, r.runId, { budgetMs: 0 });
      expect(next.drafts).toHaveLength(1);
      n += 1;
      if (next.done) break;
    }
    expect([n, table(p, 'Invoices').length]).toEqual([5, 5]);
  });

  it('a checkpoint whose draft key is gone restarts the run without duplicating a draft', () => {
    const p = ports(rows());
    runInvoicing(p, NOV, { maxGroups: 3 });
    const runs = p.tables.sheets.get('Runs')!;
    runs.rows[0][runs.headers.indexOf('Checkpoint')] = '{"after":"S:GONE:2026-11-01..2026-11-30"}';
    const again = continueRun(p, 'R-000001');
    expect(again.done).toBe(true);
    expect(table(p, 'Invoices').map((i) => i['Subscription ID'])).toEqual(['S1', 'S2', 'S3', 'S4', 'S5']);
    expect(table(p, 'Invoices').map((i) => i['Invoice ID'])).toEqual(['I-000001', 'I-000002', 'I-000003', 'I-000004', 'I-000005']);
  });
});
