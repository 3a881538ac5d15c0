// Sizes users reach: 500 invoices driven from the sidebar in ~20 s slices, and 2,000 invoices of
// the unattended monthly run spread by the hourly trigger over executions and days (documents
// and mail have daily quotas). No execution may come near Apps Script's 6 minutes.
import { FakeSpreadsheet, TIME_LIMIT_MS } from '../support/gasFakes';
import { addOn, fireTrigger, recipientsOf, rowsOf, seedCustomers } from '../support/gasHarness';

describe('500 invoices from the sidebar', () => {
  it('runs, finalizes, makes documents and sends in slices, each call well inside the time limit', () => {
    const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: Date.parse('2026-12-02T08:00:00Z') });
    const n = 500;
    seedCustomers(ss, n);
    // A Google Workspace account: 1,500 documents and 1,500 email recipients a day.
    Object.assign(ss.quotas, { docsPerDay: 1500, mailRecipientsPerDay: 1500 });
    const admin = addOn(ss);
    admin.exec('setupBillingSheets');
    let longest = 0;
    const call = (fn: string, ...args: unknown[]) => {
      const out = admin.exec(fn, ...args);
      longest = Math.max(longest, ss.elapsedMs);
      return out;
    };
    const before = { ...ss.counters };
    let r = call('runInvoicing', { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-11-30' });
    let drafts = r.drafts.length;
    while (!r.done) {
      r = call('continueRun', r.runId);
      drafts += r.drafts.length;
    }
    expect(drafts).toBe(n);
    // Bulk: the run reads each table once per slice and writes Invoices in one call per slice.
    expect((ss.counters['getValues:Subscriptions'] ?? 0) - (before['getValues:Subscriptions'] ?? 0)).toBeLessThanOrEqual(3);
    expect(call('finalizeInvoices', {}).invoices).toHaveLength(n);
    let docCalls = 0;
    while (call('renderDocuments', {}).remaining) docCalls++;
    expect(docCalls).toBeGreaterThan(10); // ~20 s slices: a few documents each
    let sent = 0;
    for (let done = false; !done; ) {
      const s = call('sendInvoices', {});
      sent += s.sent.length;
      done = s.done;
    }
    expect(sent).toBe(n);
    const inv = rowsOf(ss, 'Invoices');
    expect(inv.every((i) => i.Delivery === 'sent' && i['PDF URL'])).toBe(true);
    expect(ss.mail.sent.reduce((k, m) => k + m.recipients.length, 0)).toBe(Array.from({ length: n }, (_, i) => recipientsOf(i)).reduce((a, b) => a + b, 0));
    expect(longest).toBeLessThan(60_000);
    expect(admin.exec('verifyLedger').problems).toEqual([]);
  }, 240_000);
});

describe('2,000 invoices unattended', () => {
  it('the hourly trigger runs, finalizes, makes documents and mails them over several executions and days', () => {
    const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: Date.parse('2026-12-01T05:10:00Z') });
    const n = 2000;
    seedCustomers(ss, n);
    Object.assign(ss.quotas, { docsPerDay: 1500, mailRecipientsPerDay: 1500 });
    const admin = addOn(ss);
    admin.exec('setupBillingSheets');
    admin.exec('saveScheduleSettings', { dayOfMonth: 1, hour: 6, autoFinalize: true, autoSend: true, enabled: true });
    const recipients = Array.from({ length: n }, (_, i) => recipientsOf(i)).reduce((a, b) => a + b, 0);
    let executions = 0;
    let longest = 0;
    while (executions < 24 * 6) {
      fireTrigger(ss);
      executions++;
      longest = Math.max(longest, ss.elapsedMs);
      const cells = ss.getSheetByName('Invoices')!.cells;
      const delivery = cells[0].indexOf('Delivery');
      if (cells.length === n + 1 && cells.slice(1).every((r) => r[delivery] === 'sent')) break;
      ss.advance(3600_000);
    }
    const inv = rowsOf(ss, 'Invoices');
    expect(inv.map((i) => i.Status)).toEqual(Array(n).fill('Open'));
    expect(inv.every((i) => i['PDF URL'] && i.Delivery === 'sent')).toBe(true);
    expect(ss.mail.sent.reduce((k, m) => k + m.recipients.length, 0)).toBe(recipients);
    // Documents take ~5 s each in Apps Script: spread over many hourly executions and, by the
    // quotas (1,500 a day), over more than one day; no execution near the 6-minute limit.
    expect(executions).toBeGreaterThan(20);
    expect(longest).toBeLessThan(TIME_LIMIT_MS - 60_000);
    expect(rowsOf(ss, 'Log').filter((l) => /failed/.test(String(l.Action)))).toEqual([]);
    expect(admin.exec('verifyLedger').problems).toEqual([]);
  }, 240_000);
});
