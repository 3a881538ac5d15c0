// MoneyBook's adjustments, pure: a write-off, Skonto, fee or refund becomes one row with the sign
// of its kind, refused when it would take an invoice below 0 or an account's credit below 0; an
// undo is a reversal row; Paid On follows the settling rows still standing; BT-113 counts only cash.
import { BillingError } from '../../../src/core/errors';
import type { Balance, Invoice } from '../../../src/core/model';
import { D } from '../../../src/core/money';
import { moneyByInvoice } from '../../../src/core/receivables/balances';
import { type Adjustment, keyedSource, MoneyBook, skontoAmount } from '../../../src/core/receivables/posting';

const inv = (over: Partial<Invoice> = {}): Invoice =>
  ({
    invoiceId: 'I-000001',
    key: 'k',
    type: 'invoice',
    status: 'Open',
    number: 'INV-1',
    tenantId: 'DE',
    accountId: 'A1',
    invoiceDate: '2026-11-01',
    dueDate: '2026-11-15',
    currency: 'EUR',
    net: new D('100'),
    tax: new D('19'),
    gross: new D('119'),
    rounding: new D(0),
    payable: new D('119.00'),
    ...over,
  }) as Invoice;

const row = (id: number, over: Partial<Balance>): Balance => ({
  balanceId: `B-${String(id).padStart(7, '0')}`,
  date: '2026-11-01',
  kind: 'invoice',
  accountId: 'A1',
  amount: new D(0),
  currency: 'EUR',
  ...over,
});
const posted = row(1, { invoiceId: 'I-000001', number: 'INV-1', amount: new D('119.00') });
const ctx = { today: '2026-11-10', now: '2026-11-10T09:00:00.000Z', user: 'ann' };
const book = (...rows: Balance[]) => new MoneyBook([posted, ...rows], ctx);
const adj = (over: Partial<Adjustment>): Adjustment => ({ kind: 'write_off', invoice: inv(), amount: new D('10.00'), date: '2026-11-05', source: 'write-off by ann', ...over });
const refused = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof BillingError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'not refused';
};

describe('MoneyBook.adjust', () => {
  it('a write-off and Skonto lower what is open, a fee raises it, each one row with the sign of its kind', () => {
    const b = book();
    const w = b.adjust(adj({ amount: new D('10.00') }));
    const s = b.adjust(adj({ kind: 'skonto', amount: new D('2.38') }));
    const f = b.adjust(adj({ kind: 'fee', amount: new D('5.00'), reason: 'dunning fee' }));
    expect([w, s, f].map((r) => `${r.balanceId} ${r.kind} ${r.amount.toFixed(2)} ${r.invoiceId} ${r.number} ${r.accountId} ${r.reason ?? ''}`)).toEqual([
      'B-0000002 write_off -10.00 I-000001 INV-1 A1 ',
      'B-0000003 skonto -2.38 I-000001 INV-1 A1 ',
      'B-0000004 fee 5.00 I-000001 INV-1 A1 dunning fee',
    ]);
    expect(b.openOf('I-000001').toFixed(2)).toBe('111.62');
    expect([...b.touched]).toEqual(['I-000001']);
    expect(b.added.map((r) => [r.at, r.by])).toEqual(Array(3).fill([ctx.now, 'ann']));
  });

  it('refuses a write-off or Skonto above what is open, or on an invoice with nothing open', () => {
    const b = book();
    expect(refused(() => b.adjust(adj({ amount: new D('119.01') })))).toBe('refused: a write-off of 119.01 EUR on INV-1 is more than is open on it: 119.00 EUR');
    b.adjust(adj({ amount: new D('119.00') }));
    expect(refused(() => b.adjust(adj({ kind: 'skonto', amount: new D('0.01') })))).toBe('refused: nothing is open on INV-1: a Skonto has nothing to lower');
    expect(b.added).toHaveLength(1);
  });

  it('refuses drafts, credit notes, pro-forma invoices, a fee on a cancelled invoice, amounts of 0 or below and cents the currency lacks', () => {
    const b = book();
    expect(refused(() => b.adjust(adj({ invoice: inv({ status: 'Draft', number: undefined }) })))).toBe('refused: I-000001 is a draft: only a finalized invoice has money to adjust');
    expect(refused(() => b.adjust(adj({ invoice: inv({ type: 'credit_note', number: 'CN-1' }) })))).toBe('refused: CN-1 is a credit note: it asks for no money, so there is nothing to adjust');
    expect(refused(() => b.adjust(adj({ invoice: inv({ type: 'pro_forma', number: 'PF-1' }) })))).toBe('refused: PF-1 is a pro-forma invoice: it asks for no money, so there is nothing to adjust');
    expect(refused(() => b.adjust(adj({ kind: 'fee', invoice: inv({ status: 'Cancelled' }) })))).toBe('refused: INV-1 is cancelled: put the fee on another invoice');
    expect(refused(() => b.adjust(adj({ kind: 'fee', amount: new D(0) })))).toBe('invalid: the amount of a fee must be above 0, not 0');
    expect(refused(() => b.adjust(adj({ kind: 'fee', amount: new D('-1') })))).toBe('invalid: the amount of a fee must be above 0, not -1');
    expect(refused(() => b.adjust(adj({ amount: new D('1.005') })))).toBe('invalid: 1.005 EUR has more decimals than the currency has');
    expect(refused(() => b.adjust(adj({ kind: 'fee', invoice: undefined })))).toBe('invalid: a fee needs the invoice it is on');
    expect(b.added).toEqual([]);
  });

  it('a refund is paid out of the account credit in its currency, never more', () => {
    const credit = row(2, { kind: 'payment', amount: new D('-30.00'), paymentId: 'P-1' });
    const b = book(credit);
    expect(b.creditOf('A1', 'EUR').toFixed(2)).toBe('30.00');
    expect(refused(() => b.adjust({ kind: 'refund', accountId: 'A1', currency: 'EUR', amount: new D('30.01'), date: '2026-11-06', source: 'refund by ann' }))).toBe(
      'refused: a refund of 30.01 EUR is more than the credit on account A1: 30.00 EUR',
    );
    expect(refused(() => b.adjust({ kind: 'refund', accountId: 'A1', currency: 'CHF', amount: new D('1'), date: '2026-11-06', source: 'refund by ann' }))).toBe(
      'refused: a refund of 1.00 CHF is more than the credit on account A1: 0.00 CHF',
    );
    const r = b.adjust({ kind: 'refund', accountId: 'A1', currency: 'EUR', amount: new D('30.00'), date: '2026-11-06', source: 'refund by ann' });
    expect([r.kind, r.amount.toFixed(2), r.invoiceId, b.creditOf('A1', 'EUR').toFixed(2), b.openOf('I-000001').toFixed(2)]).toEqual(['refund', '30.00', undefined, '0.00', '119.00']);
  });
});

describe('Paid On and BT-113', () => {
  it('a write-off that settles the invoice makes it Paid on its date; undone, the last settling row still standing counts', () => {
    const pay = row(2, { kind: 'payment', invoiceId: 'I-000001', amount: new D('-100.00'), paymentId: 'P-1', date: '2026-11-03' });
    const b = book(pay);
    expect(b.openFields(inv()).paymentStatus).toBe('Partially paid');
    const w = b.adjust(adj({ amount: new D('19.00'), date: '2026-11-08' }));
    expect(b.openFields(inv())).toEqual({ openAmount: expect.anything(), paymentStatus: 'Paid', paidOn: '2026-11-08' });
    b.undoAdjustment(w.balanceId, { date: '2026-11-09', source: 'undone by ann' });
    b.adjust(adj({ kind: 'skonto', amount: new D('19.00'), date: '2026-11-04' }));
    expect(b.openFields(inv()).paidOn).toBe('2026-11-04');
  });

  it("a final invoice's paid amount (BT-113) counts payments only, not write-offs, Skonto or fees", () => {
    const pay = row(2, { kind: 'payment', invoiceId: 'I-000001', amount: new D('-100.00'), paymentId: 'P-1' });
    const b = book(pay);
    b.adjust(adj({ kind: 'fee', amount: new D('5.00') }));
    b.adjust(adj({ kind: 'skonto', amount: new D('4.00') }));
    b.adjust(adj({ amount: new D('20.00') }));
    const m = moneyByInvoice([posted, pay, ...b.added]).get('I-000001')!;
    expect([m.open.toFixed(2), m.paid.toFixed(2)]).toEqual(['0.00', '100.00']);
  });
});

describe('MoneyBook.undoAdjustment', () => {
  it('reverses the row once, names the reversal when asked again, and refuses other kinds of rows', () => {
    const pay = row(2, { kind: 'payment', invoiceId: 'I-000001', amount: new D('-10.00'), paymentId: 'P-7' });
    const b = book(pay);
    const f = b.adjust(adj({ kind: 'fee', amount: new D('5.00') }));
    const u = b.undoAdjustment(f.balanceId, { date: '2026-11-09', source: 'undone by ann', reason: 'waived' });
    expect([u.kind, u.amount.toFixed(2), u.reverses, u.invoiceId, u.date, u.reason]).toEqual(['reversal', '-5.00', f.balanceId, 'I-000001', '2026-11-09', 'waived']);
    expect(b.reversalOf(f.balanceId)).toBe(u.balanceId);
    expect(refused(() => b.undoAdjustment(f.balanceId, { date: '2026-11-09', source: 's' }))).toBe(`refused: ${f.balanceId} was already undone by ${u.balanceId}`);
    expect(refused(() => b.undoAdjustment(u.balanceId, { date: '2026-11-09', source: 's' }))).toBe(
      `refused: ${u.balanceId} is a reversal row, not a write-off, Skonto, fee or refund: it undoes another row`,
    );
    expect(refused(() => b.undoAdjustment('B-0000002', { date: '2026-11-09', source: 's' }))).toBe(
      'refused: B-0000002 is a payment row, not a write-off, Skonto, fee or refund: undo payment P-7 instead',
    );
    expect(refused(() => b.undoAdjustment('B-0000099', { date: '2026-11-09', source: 's' }))).toBe('not-found: there is no row B-0000099 in the Balances sheet');
  });

  it('refuses to undo a fee already paid, which would take the invoice below 0', () => {
    const b = book();
    const f = b.adjust(adj({ kind: 'fee', amount: new D('5.00') }));
    b.adjust(adj({ amount: new D('122.00') }));
    expect(refused(() => b.undoAdjustment(f.balanceId, { date: '2026-11-09', source: 's' }))).toBe(
      `refused: the fee ${f.balanceId} on INV-1 is already paid in part: only 2.00 EUR is open, less than the fee of 5.00`,
    );
  });
});

describe('keys and repeats', () => {
  it('a key kept in the Source finds its row again, also in a book read back from the rows', () => {
    const b = book();
    const w = b.adjust(adj({ source: keyedSource('write-off by ann', 'sb-42') }));
    expect(w.source).toBe('write-off by ann (request sb-42)');
    expect(new MoneyBook([posted, ...b.added], ctx).rowWithKey('sb-42')?.balanceId).toBe(w.balanceId);
    expect(b.rowWithKey('sb-43')).toBeUndefined();
  });

  it('twinOf finds a standing row of the same kind, invoice, amount and date, and none once it is undone', () => {
    const b = book();
    const w = b.adjust(adj({}));
    expect(b.twinOf(adj({}))?.balanceId).toBe(w.balanceId);
    expect(b.twinOf(adj({ date: '2026-11-06' }))).toBeUndefined();
    expect(b.twinOf(adj({ amount: new D('10.01') }))).toBeUndefined();
    expect(b.twinOf(adj({ amount: new D('3') }), true)?.balanceId).toBe(w.balanceId);
    b.undoAdjustment(w.balanceId, { date: '2026-11-06', source: 's' });
    expect(b.twinOf(adj({}))).toBeUndefined();
  });
});

describe('skontoAmount', () => {
  it.each([
    ['119.00', '2', 'EUR', '2.38'],
    ['119.00', '2.5', 'EUR', '2.98'],
    ['100.10', '3', 'EUR', '3.00'],
    ['1000', '1.5', 'JPY', '15'],
    ['10.01', '5', 'EUR', '0.50'],
  ])('%s × %s %% in %s is %s (half-up to the currency)', (payable, percent, currency, want) => {
    expect(skontoAmount({ payable: new D(payable), currency }, new D(percent)).toFixed(currency === 'JPY' ? 0 : 2)).toBe(want);
  });
});
