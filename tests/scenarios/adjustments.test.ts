// Write-offs, Skonto, fees and refunds booked by hand on the Balances ledger, and their undo: the
// invoices' Open Amount, Payment Status and Paid On follow, every refusal says why, a retry (same
// key, or the same booking without one) never books twice, also after a crash at any write.
import { runInvoicing } from '../../src/app/runInvoicing';
import { creditInvoice, finalizeInvoices, verifyLedger } from '../../src/app/ledgerActions';
import { bookAdjustment, undoAdjustment, type AdjustmentRequest } from '../../src/app/receivables/adjustments';
import { importPayments } from '../../src/app/receivables/payments';
import { openItems } from '../../src/app/receivables/openItems';
import { BillingError } from '../../src/core/errors';
import { moneyByInvoice } from '../../src/core/receivables/balances';
import { readLedgerWith, RECEIVABLES_TABLES } from '../../src/app/workbook';
import { camt053, type Booking } from '../../src/node/sampleStatement';
import { DEC, NOV, account, amt, item, ports, product, subscription, table, everyWrite as everyWriteOf } from './helpers';

function setup() {
  const p = ports({
    Accounts: [account('A1'), account('A2'), account('A3')],
    Products: [product('P1', '100.00')],
    Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A2'), subscription('S3', 'A3')],
    Items: [item('I1', 'S1', 'P1'), item('I2', 'S2', 'P1'), item('I3', 'S3', 'P1')],
  });
  runInvoicing(p, NOV);
  finalizeInvoices(p);
  return p;
}
type P = ReturnType<typeof setup>;

const INV1 = 'INV-2026-00001';
const INV2 = 'INV-2026-00002';
const pay = (p: P, bookings: Booking[], id = 'S-1') =>
  importPayments(p, [{ name: `${id}.xml`, text: camt053({ id, iban: 'DE89370400440532013000', owner: 'Muster GmbH', created: '2026-12-02T06:00:00', bookings }) }]);

/** "Paid 0.00 2026-12-05": Payment Status, Open Amount and Paid On of an invoice as the sheet says. */
const fields = (p: P, number: string) => {
  const r = table(p, 'Invoices').find((x) => x.Number === number)!;
  return `${r['Payment Status']} ${amt(r['Open Amount'])}${r['Paid On'] ? ` ${r['Paid On']}` : ''}`;
};
const adjustments = (p: P) => table(p, 'Balances').filter((b) => ['write_off', 'skonto', 'fee', 'refund', 'reversal'].includes(String(b.Kind)) && !b['Payment ID']);
const refusal = (fn: () => unknown): { code: string; message: string } => {
  try {
    fn();
  } catch (e) {
    if (e instanceof BillingError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('not refused');
};

describe('write-offs', () => {
  it('a write-off without an amount writes off all that is open: the invoice is Paid on the write-off date, its BT-113 paid amount stays the cash', () => {
    const p = setup();
    pay(p, [{ date: '2026-12-01', amount: '100.00', text: INV1 }]);
    expect(fields(p, INV1)).toBe('Partially paid 19.00');
    const r = bookAdjustment(p, { kind: 'write-off', target: INV1, date: '2026-12-05', reason: 'small rest' });
    expect([r.kind, r.amount, r.open, r.paymentStatus, r.paidOn]).toEqual(['write_off', '-19.00', '0.00', 'Paid', '2026-12-05']);
    expect(fields(p, INV1)).toBe('Paid 0.00 2026-12-05');
    const row = table(p, 'Balances').find((b) => b['Balance ID'] === r.balanceId)!;
    expect([row.Kind, amt(row.Amount), row.Date, row.Source, row.Reason, row['Booked By']]).toEqual([
      'write_off',
      '-19.00',
      '2026-12-05',
      'write-off by tester@example.com',
      'small rest',
      'tester@example.com',
    ]);
    const money = moneyByInvoice(readLedgerWith(p, RECEIVABLES_TABLES).balances.map((b) => b.record));
    const id = table(p, 'Invoices').find((x) => x.Number === INV1)!['Invoice ID'] as string;
    expect([money.get(id)!.paid.toFixed(2), money.get(id)!.open.toFixed(2)]).toEqual(['100.00', '0.00']);
    expect(
      table(p, 'Log')
        .filter((l) => l.Action === 'adjustment')
        .map((l) => l.Details),
    ).toEqual([`${r.balanceId}: write-off -19.00 EUR on ${INV1} (small rest)`]);
  });

  it('a write-off of less than is open leaves the invoice partly paid, defaulting to today', () => {
    const p = setup();
    const r = bookAdjustment(p, { kind: 'write_off', target: INV1, amount: '19.99' });
    expect([r.date, r.amount, r.open, r.paymentStatus]).toEqual(['2026-11-30', '-19.99', '99.01', 'Partially paid']);
    expect(fields(p, INV1)).toBe('Partially paid 99.01');
  });

  it('refuses more than is open, an invoice with nothing open, a draft and a credit note, naming why', () => {
    const p = setup();
    expect(refusal(() => bookAdjustment(p, { kind: 'write-off', target: INV1, amount: '119.01' }))).toEqual({
      code: 'refused',
      message: `a write-off of 119.01 EUR on ${INV1} is more than is open on it: 119.00 EUR`,
    });
    pay(p, [{ date: '2026-12-01', amount: '119.00', text: INV2 }]);
    expect(refusal(() => bookAdjustment(p, { kind: 'write-off', target: INV2 })).message).toBe(`nothing is open on ${INV2}: there is nothing to write off`);
    expect(refusal(() => bookAdjustment(p, { kind: 'write-off', target: INV2, amount: '1.00' })).message).toBe(`nothing is open on ${INV2}: a write-off has nothing to lower`);
    creditInvoice(p, { invoiceId: 'INV-2026-00003', amount: '10.00' });
    const note = table(p, 'Invoices').find((x) => x.Type === 'credit_note')!;
    expect(refusal(() => bookAdjustment(p, { kind: 'write-off', target: String(note.Number), amount: '1.00' })).message).toBe(
      `${note.Number} is a credit note: it asks for no money, so there is nothing to adjust`,
    );
    runInvoicing(p, DEC);
    const draft = table(p, 'Invoices').find((x) => x.Status === 'Draft')!;
    expect(refusal(() => bookAdjustment(p, { kind: 'fee', target: String(draft['Invoice ID']), amount: '5.00' })).message).toBe(
      `${draft['Invoice ID']} is a draft: only a finalized invoice has money to adjust`,
    );
    expect(refusal(() => bookAdjustment(p, { kind: 'write-off', target: 'INV-2026-00099' })).code).toBe('not-found');
    expect(refusal(() => bookAdjustment(p, { kind: 'discount', target: INV1, amount: '1' }))).toEqual({
      code: 'invalid',
      message: '"discount" is not a kind of adjustment: write-off, skonto, fee or refund',
    });
    expect(refusal(() => bookAdjustment(p, { kind: 'write-off', target: INV1, amount: '1.001' })).message).toBe('1.001 EUR has more decimals than the currency has');
    expect(refusal(() => bookAdjustment(p, { kind: 'write-off', target: INV1, amount: '5', date: '1.12.2026' })).message).toBe('the date "1.12.2026" is not YYYY-MM-DD');
    expect(adjustments(p)).toEqual([]);
  });
});

describe('Skonto', () => {
  it('a percent of the payable total is rounded half-up to cents; the customer pays the rest and the invoice is Paid on the payment date', () => {
    const p = setup();
    const r = bookAdjustment(p, { kind: 'skonto', target: INV1, percent: '2.5', date: '2026-12-01', reason: '2.5 % within 10 days' });
    // 119.00 × 2.5 % = 2.975 → 2.98
    expect([r.kind, r.amount, r.open, r.paymentStatus]).toEqual(['skonto', '-2.98', '116.02', 'Partially paid']);
    pay(p, [{ date: '2026-12-03', amount: '116.02', text: INV1 }]);
    expect(fields(p, INV1)).toBe('Paid 0.00 2026-12-03');
  });

  it('needs an amount or a percent, one of them, and refuses more than is open', () => {
    const p = setup();
    expect(refusal(() => bookAdjustment(p, { kind: 'skonto', target: INV1 })).message).toBe('give Skonto as an amount or as a percent of the invoice total, one of them');
    expect(refusal(() => bookAdjustment(p, { kind: 'skonto', target: INV1, amount: '2', percent: '2' })).code).toBe('invalid');
    expect(refusal(() => bookAdjustment(p, { kind: 'skonto', target: INV1, percent: '101' })).message).toBe('a Skonto percent must be above 0 and at most 100, not 101');
    expect(refusal(() => bookAdjustment(p, { kind: 'fee', target: INV1, percent: '2' })).message).toBe('only Skonto is given as a percent');
    pay(p, [{ date: '2026-12-01', amount: '118.00', text: INV1 }]);
    expect(refusal(() => bookAdjustment(p, { kind: 'skonto', target: INV1, amount: '1.01' })).message).toBe(`a Skonto of 1.01 EUR on ${INV1} is more than is open on it: 1.00 EUR`);
    const r = bookAdjustment(p, { kind: 'skonto', target: INV1, amount: '1.00', date: '2026-12-04' });
    expect([r.open, r.paymentStatus, r.paidOn]).toEqual(['0.00', 'Paid', '2026-12-04']);
  });
});

describe('fees', () => {
  it('a fee raises what is open, also on a paid invoice, which is then no longer Paid', () => {
    const p = setup();
    pay(p, [{ date: '2026-12-01', amount: '119.00', text: INV1 }]);
    expect(fields(p, INV1)).toBe('Paid 0.00 2026-12-01');
    const r = bookAdjustment(p, { kind: 'fee', target: INV1, amount: '7.50', reason: 'return debit charge' });
    expect([r.kind, r.amount, r.open, r.paymentStatus, r.paidOn]).toEqual(['fee', '7.50', '7.50', 'Partially paid', undefined]);
    expect(fields(p, INV1)).toBe('Partially paid 7.50');
    expect(
      openItems(p)
        .accounts.find((a) => a.accountId === 'A1')!
        .items.map((i) => `${i.number} ${i.open}`),
    ).toEqual([`${INV1} 7.50`]);
  });

  it('needs an amount above 0', () => {
    const p = setup();
    expect(refusal(() => bookAdjustment(p, { kind: 'fee', target: INV1 })).message).toBe('a fee needs its amount');
    expect(refusal(() => bookAdjustment(p, { kind: 'fee', target: INV1, amount: '0' })).message).toBe('the amount of a fee must be above 0, not 0');
    expect(refusal(() => bookAdjustment(p, { kind: 'fee', target: INV1, amount: '-5' })).message).toBe('the amount of a fee must be above 0, not -5');
    expect(refusal(() => bookAdjustment(p, { kind: 'fee', target: INV1, amount: 'five' })).message).toBe('the amount "five" is not a number like 19.99');
  });
});

describe('refunds', () => {
  it('pays back an account credit, never more than it holds, and open items show the credit lowered', () => {
    const p = setup();
    pay(p, [{ date: '2026-12-01', amount: '150.00', text: INV2 }]);
    const credit = () =>
      openItems(p)
        .accounts.find((a) => a.accountId === 'A2')
        ?.totals.map((t) => `${t.currency} ${t.credit}`);
    expect(credit()).toEqual(['EUR 31.00']);
    expect(refusal(() => bookAdjustment(p, { kind: 'refund', target: 'A2', amount: '31.01' }))).toEqual({
      code: 'refused',
      message: 'a refund of 31.01 EUR is more than the credit on account A2: 31.00 EUR',
    });
    expect(refusal(() => bookAdjustment(p, { kind: 'refund', target: 'A2', amount: '1.00', currency: 'CHF' })).message).toBe('a refund of 1.00 CHF is more than the credit on account A2: 0.00 CHF');
    const r = bookAdjustment(p, { kind: 'refund', target: 'A2', amount: '30.00', reason: 'paid back by transfer' });
    expect([r.kind, r.amount, r.currency, r.credit, r.open]).toEqual(['refund', '30.00', 'EUR', '1.00', undefined]);
    expect(credit()).toEqual(['EUR 1.00']);
    bookAdjustment(p, { kind: 'refund', target: 'A2', amount: '1.00' });
    expect(credit()).toBeUndefined();
    expect(refusal(() => bookAdjustment(p, { kind: 'refund', target: 'A9', amount: '1.00' })).code).toBe('not-found');
    expect(refusal(() => bookAdjustment(p, { kind: 'refund', target: 'A1', amount: '1.00' })).message).toBe('a refund of 1.00 EUR is more than the credit on account A1: 0.00 EUR');
  });
});

describe('undo', () => {
  it('a write-off undone opens the invoice again and clears Paid On; undone twice is refused naming the reversal', () => {
    const p = setup();
    const w = bookAdjustment(p, { kind: 'write-off', target: INV1, date: '2026-12-05' });
    expect(fields(p, INV1)).toBe('Paid 0.00 2026-12-05');
    const u = undoAdjustment(p, { balanceId: w.balanceId, reason: 'booked on the wrong invoice' });
    expect([u.kind, u.amount, u.reverses, u.open, u.paymentStatus, u.paidOn]).toEqual(['reversal', '119.00', w.balanceId, '119.00', 'Open', undefined]);
    expect(fields(p, INV1)).toBe('Open 119.00');
    const row = table(p, 'Balances').find((b) => b['Balance ID'] === u.balanceId)!;
    expect([row.Source, row.Reason, row.Reverses]).toEqual(['undone by tester@example.com', 'booked on the wrong invoice', w.balanceId]);
    expect(refusal(() => undoAdjustment(p, { balanceId: w.balanceId }))).toEqual({ code: 'refused', message: `${w.balanceId} was already undone by ${u.balanceId}` });
    expect(
      table(p, 'Log')
        .filter((l) => l.Action === 'adjustment undone')
        .map((l) => l.Details),
    ).toEqual([`${w.balanceId} undone by ${u.balanceId} (booked on the wrong invoice)`]);
  });

  it('Paid On is the last settling row still standing: a later write-off undone leaves the payment date', () => {
    const p = setup();
    pay(p, [{ date: '2026-12-01', amount: '100.00', text: INV1 }]);
    const w = bookAdjustment(p, { kind: 'write-off', target: INV1, date: '2026-12-09' });
    expect(fields(p, INV1)).toBe('Paid 0.00 2026-12-09');
    undoAdjustment(p, { balanceId: w.balanceId });
    bookAdjustment(p, { kind: 'skonto', target: INV1, amount: '19.00', date: '2026-12-02' });
    expect(fields(p, INV1)).toBe('Paid 0.00 2026-12-02');
  });

  it('a refund undone gives the credit back; a fee already paid cannot be undone', () => {
    const p = setup();
    pay(p, [{ date: '2026-12-01', amount: '150.00', text: INV2 }]);
    const r = bookAdjustment(p, { kind: 'refund', target: 'A2', amount: '31.00' });
    expect(undoAdjustment(p, { balanceId: r.balanceId }).credit).toBe('31.00');
    const f = bookAdjustment(p, { kind: 'fee', target: INV1, amount: '5.00' });
    bookAdjustment(p, { kind: 'write-off', target: INV1, amount: '122.00' });
    expect(refusal(() => undoAdjustment(p, { balanceId: f.balanceId })).message).toBe(`the fee ${f.balanceId} on ${INV1} is already paid in part: only 2.00 EUR is open, less than the fee of 5.00`);
  });

  it('refuses rows that are not adjustments, naming the way to undo a payment', () => {
    const p = setup();
    pay(p, [{ date: '2026-12-01', amount: '119.00', text: INV1 }]);
    const rows = table(p, 'Balances');
    const payment = rows.find((b) => b.Kind === 'payment')!;
    const invoice = rows.find((b) => b.Kind === 'invoice')!;
    expect(refusal(() => undoAdjustment(p, { balanceId: String(payment['Balance ID']) })).message).toBe(
      `${payment['Balance ID']} is a payment row, not a write-off, Skonto, fee or refund: undo payment P-000001 instead`,
    );
    expect(refusal(() => undoAdjustment(p, { balanceId: String(invoice['Balance ID']) })).message).toBe(`${invoice['Balance ID']} is an invoice row, not a write-off, Skonto, fee or refund`);
    expect(refusal(() => undoAdjustment(p, { balanceId: 'B-0999999' }))).toEqual({ code: 'not-found', message: 'there is no row B-0999999 in the Balances sheet' });
  });
});

describe('a retry never books twice', () => {
  it('the same key returns the first booking and writes nothing', () => {
    const p = setup();
    const first = bookAdjustment(p, { kind: 'fee', target: INV1, amount: '5.00', key: 'req-1' });
    const before = JSON.stringify([table(p, 'Balances'), table(p, 'Invoices'), table(p, 'Log')]);
    const again = bookAdjustment(p, { kind: 'fee', target: INV1, amount: '5.00', key: 'req-1' });
    expect(again).toEqual({ ...first, repeated: true });
    expect(JSON.stringify([table(p, 'Balances'), table(p, 'Invoices'), table(p, 'Log')])).toBe(before);
    expect(table(p, 'Balances').find((b) => b['Balance ID'] === first.balanceId)!.Source).toBe('fee by tester@example.com (request req-1)');
    expect(refusal(() => bookAdjustment(p, { kind: 'fee', target: INV1, amount: '5.00', key: 'bad key!' })).code).toBe('invalid');
    expect(refusal(() => bookAdjustment(p, { kind: 'fee', target: INV2, amount: '5.00', key: 'req-1' }))).toEqual({
      code: 'invalid',
      message: `the request key req-1 was used for ${first.balanceId} (fee on ${INV1}): use a new key`,
    });
    expect(refusal(() => bookAdjustment(p, { kind: 'write-off', target: INV1, key: 'req-1' })).code).toBe('invalid');
  });

  it('without a key the same booking on the same date is refused naming the row, unless again', () => {
    const p = setup();
    const first = bookAdjustment(p, { kind: 'fee', target: INV1, amount: '5.00' });
    expect(refusal(() => bookAdjustment(p, { kind: 'fee', target: INV1, amount: '5.00' }))).toEqual({
      code: 'refused',
      message: `an identical fee of 5.00 EUR on ${INV1} dated 2026-11-30 is already booked as ${first.balanceId}, so it was not booked again; to book a second one, use --again`,
    });
    bookAdjustment(p, { kind: 'fee', target: INV1, amount: '5.00', date: '2026-12-01' });
    bookAdjustment(p, { kind: 'fee', target: INV1, amount: '5.00', again: true });
    expect(adjustments(p).map((b) => `${b.Kind} ${amt(b.Amount)} ${b.Date}`)).toEqual(['fee 5.00 2026-11-30', 'fee 5.00 2026-12-01', 'fee 5.00 2026-11-30']);
    expect(fields(p, INV1)).toBe('Open 134.00');
  });

  it('two identical fees on one day, each sent with its own key (the sidebar), are both booked', () => {
    const p = setup();
    const first = bookAdjustment(p, { kind: 'fee', target: INV1, amount: '3.00', key: 'sb-form-1' });
    const second = bookAdjustment(p, { kind: 'fee', target: INV1, amount: '3.00', key: 'sb-form-2' });
    expect([first.repeated, second.repeated, second.balanceId === first.balanceId]).toEqual([undefined, undefined, false]);
    // The retry of the second form's call, after a lost answer, books nothing.
    expect(bookAdjustment(p, { kind: 'fee', target: INV1, amount: '3.00', key: 'sb-form-2' })).toMatchObject({ balanceId: second.balanceId, repeated: true });
    expect(adjustments(p).map((b) => `${b.Kind} ${amt(b.Amount)}`)).toEqual(['fee 3.00', 'fee 3.00']);
  });
});

const state = (p: P) => ({
  rows: adjustments(p).map((b) => `${b.Kind} ${b.Number} ${b['Account ID']} ${amt(b.Amount)} ${b.Reverses}`),
  invoices: table(p, 'Invoices').map((i) => `${i.Number} ${i['Payment Status']} ${amt(i['Open Amount'])} ${i['Paid On']}`),
});

/** `act` stopped at each of its writes in turn, then done again (a retry may be refused as a repeat): the same as done once. */
function everyWrite(before: (p: P) => void, act: (p: P) => unknown) {
  everyWriteOf({
    setup,
    before,
    act,
    state,
    again: (p) => {
      try {
        act(p);
      } catch (e) {
        // Without a key, a retry after the Balances append committed is refused as the same booking.
        if (!(e instanceof BillingError) || !/already (booked|undone)/.test(e.message)) throw e;
      }
    },
    check: (p) => expect(verifyLedger(p).problems).toEqual([]),
  });
}

describe('adjustments survive a crash at any write', () => {
  const partly = (p: P) => void pay(p, [{ date: '2026-12-01', amount: '100.00', text: INV1 }]);
  it.each<[string, AdjustmentRequest]>([
    ['a write-off with a key', { kind: 'write-off', target: INV1, key: 'k-1', date: '2026-12-05' }],
    ['a write-off without one', { kind: 'write-off', target: INV1, date: '2026-12-05' }],
    ['a Skonto', { kind: 'skonto', target: INV1, percent: '2' }],
    ['a fee', { kind: 'fee', target: INV1, amount: '5.00', key: 'k-2' }],
  ])('%s', (_name, req) => everyWrite(partly, (p) => bookAdjustment(p, req)));

  it('a refund', () =>
    everyWrite(
      (p) => void pay(p, [{ date: '2026-12-01', amount: '150.00', text: INV2 }]),
      (p) => bookAdjustment(p, { kind: 'refund', target: 'A2', amount: '31.00' }),
    ));

  it('an undo', () =>
    everyWrite(
      (p) => {
        partly(p);
        bookAdjustment(p, { kind: 'write-off', target: INV1 });
      },
      (p) => undoAdjustment(p, { balanceId: String(adjustments(p)[0]['Balance ID']) }),
    ));
});

describe('verify', () => {
  it('passes after adjustments and undos, and names a row undone twice or a write-off without its invoice', () => {
    const p = setup();
    pay(p, [{ date: '2026-12-01', amount: '150.00', text: INV2 }]);
    const w = bookAdjustment(p, { kind: 'write-off', target: INV1, amount: '9.00' });
    bookAdjustment(p, { kind: 'fee', target: INV1, amount: '2.00' });
    bookAdjustment(p, { kind: 'skonto', target: INV1, percent: '2' });
    bookAdjustment(p, { kind: 'refund', target: 'A2', amount: '31.00' });
    const u = undoAdjustment(p, { balanceId: w.balanceId });
    expect(verifyLedger(p).problems).toEqual([]);
    const t = p.tables.sheets.get('Balances')!;
    const copy = [...t.rows[t.rows.length - 1]];
    copy[t.headers.indexOf('Balance ID')] = 'B-0000099';
    copy[t.headers.indexOf('Amount')] = 0;
    const orphan = [...t.rows[t.rows.length - 2]];
    orphan[t.headers.indexOf('Balance ID')] = 'B-0000098';
    orphan[t.headers.indexOf('Kind')] = 'write_off';
    orphan[t.headers.indexOf('Invoice ID')] = '';
    orphan[t.headers.indexOf('Amount')] = 0;
    t.rows.push(copy, orphan);
    expect(verifyLedger(p).problems.map((x) => x.message)).toEqual([
      `Balances row ${t.rows.length} (B-0000099) reverses ${w.balanceId}, which ${u.balanceId} reversed already`,
      `Balances row ${t.rows.length + 1} (B-0000098): a write-off is booked on an invoice`,
    ]);
  });
});
