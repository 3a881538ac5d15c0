// The hourly trigger's delivery takes documents and the mail queue in turns, so the day's mail quota
// is used while documents are still being made. Compared with documents first (the trigger before:
// all documents within the execution's time, mail only with time left over), driven here through
// the entry points a sidebar uses, hour by hour, on the same invoices and quotas.
import { FakeSpreadsheet } from '../support/gasFakes';
import { addOn, fireTrigger, rowsOf, seedCustomers } from '../support/gasHarness';

const N = 1500;
/** What an hourly execution may spend before it stops starting work (src/gas/main.ts: 4.5 min less 1). */
const EXECUTION_BUDGET_MS = 3.5 * 60_000;

function queued(): { ss: FakeSpreadsheet; admin: ReturnType<typeof addOn> } {
  const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: Date.parse('2026-12-02T05:10:00Z') });
  seedCustomers(ss, N);
  const admin = addOn(ss);
  admin.exec('setupBillingSheets');
  // The hourly trigger, with a monthly run not due in these days.
  admin.exec('saveScheduleSettings', { dayOfMonth: 28, hour: 6, autoFinalize: true, autoSend: true, enabled: true });
  let r = admin.exec('runInvoicing', { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-11-30' });
  while (!r.done) r = admin.exec('continueRun', r.runId);
  expect(admin.exec('finalizeInvoices', {}).invoices).toHaveLength(N);
  // Send with no quota left queues every invoice for the trigger, as auto-send does.
  Object.assign(ss.quotas, { docsPerDay: 0, mailRecipientsPerDay: 0 });
  expect(admin.exec('sendInvoices', {}).queued).toBe(N);
  // A Google Workspace account: 1,500 documents and 1,500 email recipients a day.
  Object.assign(ss.quotas, { docsPerDay: 1500, mailRecipientsPerDay: 1500 });
  return { ss, admin };
}

const allSent = (ss: FakeSpreadsheet) => rowsOf(ss, 'Invoices').every((i) => i.Delivery === 'sent');
const allDocuments = (ss: FakeSpreadsheet) => rowsOf(ss, 'Invoices').every((i) => i['PDF URL']);

/** Hours until every invoice is mailed, and the day (1 = the first) each of documents and mail was done. */
function hourly(ss: FakeSpreadsheet, hour: () => void) {
  const day = () => Math.floor((ss.now() - Date.parse('2026-12-01T23:00:00Z')) / 86_400_000) + 1;
  let docsDay = 0;
  for (let hours = 1; hours <= 24 * 10; hours++) {
    hour();
    if (!docsDay && allDocuments(ss)) docsDay = day();
    if (allSent(ss)) return { hours, docsDay, mailDay: day() };
    ss.advance(3600_000);
  }
  throw new Error('not mailed in 10 days');
}

describe('the hourly trigger with documents and mail waiting', () => {
  it('mails 1,500 invoices a day earlier than documents first would', () => {
    const first = queued();
    const docsFirst = hourly(first.ss, () => {
      // One execution of the trigger before: documents as long as its time lasts, then the queue.
      const t0 = first.ss.now();
      const left = () => EXECUTION_BUDGET_MS - (first.ss.now() - t0);
      while (left() > 0) {
        const r = first.admin.exec('renderDocuments', {});
        if (!r.remaining || r.quotaExhausted) break;
      }
      while (left() > 0 && !first.admin.exec('sendInvoices', { queuedOnly: true }).done);
    });
    const turns = queued();
    const interleaved = hourly(turns.ss, () => fireTrigger(turns.ss));
    // An execution makes ~50 documents an hour (~4 s each): time, not the 1,500 quota, limits them
    // to ~1,200 in the 24 hours a quota window lasts (it starts at its first use, here the morning
    // of day 1). The 1,500 invoices have 2,500 recipients: two windows of mail at 1,500.
    // Documents first: the documents fill every execution for ~30 hours; mail starts on day 2, in
    // the second window, sends its 1,500 recipients in a few hours and waits for the third window
    // (the morning of day 3) for the rest: 50 hourly executions (measured).
    // In turns: each execution mails what it has just made, so the first window's 1,500 recipients
    // go out on day 1 while documents are made, and the rest with the last documents in the second
    // window, on day 2: 35 executions (measured).
    expect(docsFirst).toMatchObject({ docsDay: 2, mailDay: 3 });
    expect(interleaved).toMatchObject({ docsDay: 2, mailDay: 2 });
    expect(docsFirst.hours - interleaved.hours).toBeGreaterThanOrEqual(12);
    for (const { ss } of [first, turns]) {
      expect(ss.mail.sent).toHaveLength(N);
      expect(rowsOf(ss, 'Log').filter((l) => /failed/.test(String(l.Action)))).toEqual([]);
    }
  }, 300_000);
});
