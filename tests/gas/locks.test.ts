// Every entry point that changes anything (sheets, Document Properties, triggers, Drive files of
// the ledger, mail) takes the document lock: while another action holds it, each one refuses with
// who holds it and changes nothing. Queueing work for the trigger counts: two editors asking at
// once must not lose a request.
import { FakeSpreadsheet } from '../support/gasFakes';
import { addOn, seedCustomers } from '../support/gasHarness';

const DEC_2 = Date.parse('2026-12-02T08:00:00Z');
const OWNER = 'owner@example.com';
const SECOND = 'second@example.com';
const CLERK = 'clerk@example.com';
const NOV = { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-11-30' };

/** The owner set up, turned the schedule on, ran November and finalized one of two drafts. */
function workbook() {
  const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: DEC_2 });
  ss.owner = OWNER;
  seedCustomers(ss, 2, { billingAdmins: `${OWNER}, ${SECOND}` });
  const owner = addOn(ss, OWNER);
  owner.exec('setupBillingSheets');
  owner.exec('saveScheduleSettings', { dayOfMonth: 3, hour: 7, autoFinalize: false, autoSend: false, enabled: true });
  const [a, b] = owner.exec('runInvoicing', NOV).drafts.map((d: { invoiceId: string }) => d.invoiceId);
  const number = owner.exec('finalizeInvoices', { invoiceIds: [a] }).invoices[0].number;
  return { ss, draft: b as string, number: number as string };
}

const snapshot = (ss: FakeSpreadsheet) =>
  JSON.stringify({
    sheets: [...ss.sheets].map(([n, s]) => [n, s.cells, s.protections.map((p) => [p.editors, p.rect])]),
    props: [...ss.properties].filter(([k]) => k !== 'billing.lockHolder'),
    triggers: ss.triggers,
    drive: ss.drive.items.size,
    mail: ss.mail.sent.length,
  });

type Case = [string, string, (ids: { draft: string; number: string }) => unknown[]];
const CASES: Case[] = [
  ['runInvoicing', OWNER, () => [{ periodStart: '2026-12-01', periodEnd: '2026-12-31' }]],
  ["runInvoicing (an editor's, queued)", CLERK, () => [{ periodStart: '2026-12-01', periodEnd: '2026-12-31' }]],
  ['finalizeInvoices', OWNER, (i) => [{ invoiceIds: [i.draft] }]],
  ['cancelInvoice', OWNER, (i) => [{ invoiceId: i.number, reason: 'x' }]],
  ['creditInvoice', OWNER, (i) => [{ invoiceId: i.number, amount: '1.00', reason: 'x' }]],
  ['createManualInvoice', OWNER, () => [{ accountId: 'A0', tenantId: 'DE', lines: [{ description: 'Extra', quantity: 1, unitPrice: '10.00', taxClass: 'standard' }] }]],
  ['renderDocuments', OWNER, () => [{}]],
  ["renderDocuments (another admin's, queued)", SECOND, () => [{}]],
  ['sendInvoices', OWNER, () => [{}]],
  ["sendInvoices (another admin's, queued)", SECOND, () => [{}]],
  ['markInvoicesSent', OWNER, (i) => [[i.number]]],
  ['receiveInvoices', OWNER, () => [[{ name: 'x.xml', xml: '<Invoice/>' }]]],
  ['setupBillingSheets', OWNER, () => []],
  ['saveScheduleSettings', OWNER, () => [{ dayOfMonth: 5, hour: 7, autoFinalize: false, autoSend: false, enabled: true }]],
  ['takeOverDocuments', SECOND, () => []],
  ['bookAdjustment', OWNER, (i) => [{ kind: 'fee', target: i.number, amount: '5.00' }]],
  ['undoAdjustment', OWNER, () => [{ balanceId: 'B-0000001' }]],
];

describe('while another action holds the document lock', () => {
  it.each(CASES)('%s refuses, naming who holds it, and changes nothing', (label, user, args) => {
    const { ss, draft, number } = workbook();
    ss.lockedElsewhere = true;
    ss.properties.set('billing.lockHolder', JSON.stringify({ what: 'send invoices', user: 'boss@example.com', at: '2026-12-02 09:00' }));
    const before = snapshot(ss);
    const fn = label.split(' ')[0];
    expect(() => addOn(ss, user).exec(fn, ...args({ draft, number }))).toThrow(
      'Another billing action is in progress: boss@example.com started to send invoices at 2026-12-02 09:00. Try again when it has finished.',
    );
    expect(snapshot(ss)).toBe(before);
  });
});
