// Crash safety of the cash side: an import, an assignment and a collection stopped at every write
// (Apps Script ends an execution between two bulk writes), then done again, end as if nothing had
// happened: no payment booked twice, no invoice in two collection files, every invoice's money right.
import { runInvoicing } from '../../src/app/runInvoicing';
import { creditInvoice, finalizeInvoices, verifyLedger } from '../../src/app/ledgerActions';
import { collectDirectDebits } from '../../src/app/receivables/collections';
import { assignPayment, importPayments } from '../../src/app/receivables/payments';
import { camt053 } from '../../src/node/sampleStatement';
import { NOV, account, amt, edit, item, ports, product, subscription, table, crashAt, everyWrite as everyWriteOf } from './helpers';

const SEPA = { paymentMethod: 'direct_debit', iban: 'DE02120300000000202051', mandateReference: 'M-1', mandateDate: '2025-06-01' };

function setup(finalize = true) {
  const p = ports({
    Accounts: [account('A1', SEPA), account('A2'), account('A3', { ...SEPA, mandateReference: 'M-3' })],
    Products: [product('P1', '100.00')],
    Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A2'), subscription('S3', 'A3')],
    Items: [item('I1', 'S1', 'P1'), item('I2', 'S2', 'P1'), item('I3', 'S3', 'P1')],
  });
  edit(p, 'Settings', 'Tenant ID', 'DE', { 'Creditor ID': 'DE98ZZZ09999999999', 'Book Direct Debits': true } as never);
  runInvoicing(p, NOV);
  if (finalize) finalizeInvoices(p);
  return p;
}
type P = ReturnType<typeof setup>;

const file = {
  name: 'stmt.xml',
  text: camt053({
    id: 'S-1',
    iban: 'DE89370400440532013000',
    owner: 'Muster GmbH',
    created: '2026-12-02T06:00:00',
    bookings: [
      { date: '2026-12-01', amount: '119.00', text: 'INV-2026-00002' },
      { date: '2026-12-01', amount: '150.00', text: 'INV-2026-00001 INV-2026-00003' },
      { date: '2026-12-01', amount: '20.00', text: 'Spende' },
    ],
  }),
};

/** What must come out the same: each payment's parts, each invoice's money, the live rows per payment, the files. */
function state(p: P) {
  const balances = table(p, 'Balances');
  const reversed = new Set(balances.map((b) => b.Reverses).filter(Boolean));
  const live = balances.filter((b) => b.Kind !== 'reversal' && !reversed.has(b['Balance ID']));
  return {
    payments: table(p, 'Payments').map((x) => `${x['Payment ID']} ${amt(x.Amount)} ${x.Status} ${x['Matched Invoices']}`),
    invoices: table(p, 'Invoices').map((i) => `${i.Number} ${amt(i['Open Amount'])} ${i['Payment Status']} ${i.Collection}`),
    live: live.map((b) => `${b.Kind} ${b['Payment ID']} ${b.Number} ${amt(b.Amount)}`).sort(),
    collections: table(p, 'Collections').map((c) => `${c['Message ID']} ${c.Invoices} ${c.Status}`),
  };
}

/** Runs `act` crashed at each write in turn, then again in full, and compares with a run without crash. */
const everyWrite = (before: (p: P) => void, act: (p: P) => unknown) => everyWriteOf({ setup: () => setup(), before, act, state });

describe('receivables survive a crash at any write', () => {
  it('importing a statement', () => {
    everyWrite(
      () => undefined,
      (p) => importPayments(p, [file]),
    );
  });

  it('assigning a payment by hand', () => {
    everyWrite(
      (p) => importPayments(p, [file]),
      (p) => {
        const r = assignPayment(p, 'P-000003', ['INV-2026-00003']);
        if (r.status !== 'partially matched') throw new Error(`assign: ${r.status}`);
      },
    );
  });

  it('collecting direct debits with booking on the collection date', () => {
    everyWrite(
      () => undefined,
      (p) => collectDirectDebits(p, { date: '2026-12-14' }),
    );
  });

  it('a finalize stopped at any write, then a statement import: what was issued is posted once and paid; billing completes the rest', () => {
    const reference = setup(false);
    const restore = crashAt(reference, Number.POSITIVE_INFINITY);
    finalizeInvoices(reference);
    const writes = restore();
    expect(writes).toBeGreaterThan(2);
    for (let n = 1; n <= writes; n++) {
      const p = setup(false);
      const undo = crashAt(p, n);
      expect(() => finalizeInvoices(p)).toThrow(/crash before write/);
      undo();
      // The import reads only the invoices and the money tables; it posts what the finalize issued but did not post.
      importPayments(p, [file]);
      const issued = table(p, 'Invoices').filter((i) => i.Status !== 'Draft' && i.Number);
      const posted = table(p, 'Balances').filter((b) => b.Kind === 'invoice');
      const paid = table(p, 'Payments').filter((x) => x.Status === 'matched' || x.Status === 'partially matched');
      const where = `crash at write ${n} of ${writes}`;
      expect([where, posted.map((b) => b.Number).sort()]).toEqual([where, issued.map((i) => i.Number).sort()]);
      expect([where, paid.every((x) => issued.some((i) => String(x['Matched Invoices']).includes(String(i.Number))))]).toEqual([where, true]);
      // Billing's next action repairs its own part and issues the rest; the ledger then verifies whole, each invoice posted once.
      finalizeInvoices(p);
      importPayments(p, [file]);
      expect([where, verifyLedger(p).problems]).toEqual([where, []]);
      const once = table(p, 'Balances')
        .filter((b) => b.Kind === 'invoice')
        .map((b) => b.Number);
      expect([where, once.length, new Set(once).size, once.length]).toEqual([where, 3, 3, 3]);
    }
  });

  it('a credit stopped at any write, then a statement import: the credit note (19.00 net, 22.61 with VAT) is posted once', () => {
    const reference = setup();
    const restore = crashAt(reference, Number.POSITIVE_INFINITY);
    creditInvoice(reference, { invoiceId: 'INV-2026-00002', amount: '19.00' });
    const writes = restore();
    expect(writes).toBeGreaterThan(1);
    for (let n = 1; n <= writes; n++) {
      const p = setup();
      const undo = crashAt(p, n);
      expect(() => creditInvoice(p, { invoiceId: 'INV-2026-00002', amount: '19.00' })).toThrow(/crash before write/);
      undo();
      importPayments(p, [file]);
      const where = `crash at write ${n} of ${writes}`;
      const note = table(p, 'Invoices').find((i) => i.Type === 'credit_note' && i.Status !== 'Draft');
      const rows = table(p, 'Balances').filter((b) => b.Kind === 'credit_note');
      // Issued before the crash: posted by the import, once; not issued: nothing to post.
      expect([where, rows.map((b) => `${b.Number} ${amt(b.Amount)}`)]).toEqual([where, note ? [`${note.Number} -22.61`] : []]);
      expect([where, verifyLedger(p).problems]).toEqual([where, []]);
    }
  });
});
