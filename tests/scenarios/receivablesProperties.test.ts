// Properties of the cash side: for any sequence of payments, partial and over-payments, returns,
// credit notes, hand assignments and undos, write-offs, Skonto, fees, refunds and their undos, every
// invoice's Open Amount and Payment Status and every account's balance are what the Balances rows
// say; importing any statement again changes nothing.
import fc from 'fast-check';
import { runInvoicing } from '../../src/app/runInvoicing';
import { creditInvoice, finalizeInvoices, verifyLedger } from '../../src/app/ledgerActions';
import { bookAdjustment, undoAdjustment } from '../../src/app/receivables/adjustments';
import { assignPayment, importPayments, undoPayment } from '../../src/app/receivables/payments';
import { openItems } from '../../src/app/receivables/openItems';
import { BillingError } from '../../src/core/errors';
import { D } from '../../src/core/money';
import { paymentStatusOf } from '../../src/core/receivables/balances';
import { camt053 } from '../../src/node/sampleStatement';
import { NOV, account, item, ports, product, subscription, table } from './helpers';

const NUMBERS = ['INV-2026-00001', 'INV-2026-00002', 'INV-2026-00003', 'INV-2026-00004'];

function setup(quantities: number[]) {
  const p = ports({
    Accounts: ['A1', 'A2', 'A3'].map((a) => account(a)),
    Products: [product('P1', '10.00')],
    Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A2'), subscription('S3', 'A3'), subscription('S4', 'A1')],
    Items: quantities.map((q, i) => item(`I${i + 1}`, `S${i + 1}`, 'P1', { quantity: q })),
  });
  runInvoicing(p, NOV);
  finalizeInvoices(p);
  return p;
}
type P = ReturnType<typeof setup>;

const cents = fc.integer({ min: 1, max: 30000 }).map((c) => new D(c).div(100).toFixed(2));
const op = fc.oneof(
  fc.record({ kind: fc.constant('pay' as const), invoice: fc.nat(3), amount: cents, noise: fc.constantFrom('', ' Kd-Nr. A9', '\nDanke') }),
  fc.record({ kind: fc.constant('stray' as const), amount: cents }),
  fc.record({ kind: fc.constant('return' as const), invoice: fc.nat(3), amount: cents }),
  fc.record({ kind: fc.constant('credit' as const), invoice: fc.nat(3), amount: fc.integer({ min: 1, max: 5000 }).map((c) => new D(c).div(100).toFixed(2)) }),
  fc.record({ kind: fc.constant('assign' as const), payment: fc.nat(8), invoice: fc.nat(3) }),
  fc.record({ kind: fc.constant('undo' as const), payment: fc.nat(8) }),
  fc.record({ kind: fc.constant('again' as const), statement: fc.nat(8) }),
  fc.record({ kind: fc.constant('write-off' as const), invoice: fc.nat(3), amount: fc.option(cents, { nil: undefined }) }),
  fc.record({ kind: fc.constant('skonto' as const), invoice: fc.nat(3), percent: fc.integer({ min: 1, max: 30 }).map((n) => new D(n).div(10).toString()) }),
  fc.record({ kind: fc.constant('fee' as const), invoice: fc.nat(3), amount: cents }),
  fc.record({ kind: fc.constant('refund' as const), account: fc.nat(2), amount: cents }),
  fc.record({ kind: fc.constant('undo adjustment' as const), row: fc.nat(8) }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

const statementOf = (id: number, booking: Parameters<typeof camt053>[0]['bookings'][number]) => ({
  name: `S${id}.xml`,
  text: camt053({ id: `S-${id}`, iban: 'DE89370400440532013000', owner: 'Muster GmbH', created: '2026-12-02T06:00:00', bookings: [booking] }),
});

/** Adjustments booked and undone over all runs: the property must have met some. */
const seen = { booked: 0, undone: 0 };

function apply(p: P, o: Op, files: { name: string; text: string }[]): void {
  const expected = (e: unknown) => {
    if (!(e instanceof BillingError)) throw e;
  };
  try {
    if (o.kind === 'pay') files.push(statementOf(files.length, { date: '2026-12-01', amount: o.amount, text: NUMBERS[o.invoice] + o.noise }));
    if (o.kind === 'stray') files.push(statementOf(files.length, { date: '2026-12-01', amount: o.amount, text: 'Vielen Dank' }));
    if (o.kind === 'return') files.push(statementOf(files.length, { date: '2026-12-03', amount: o.amount, direction: 'DBIT', endToEndId: NUMBERS[o.invoice], mandateId: 'M', returnReason: 'MD06' }));
    if (o.kind === 'pay' || o.kind === 'stray' || o.kind === 'return') importPayments(p, [files[files.length - 1]]);
    if (o.kind === 'credit') creditInvoice(p, { invoiceId: NUMBERS[o.invoice], amount: o.amount });
    if (o.kind === 'assign') assignPayment(p, `P-${String(o.payment + 1).padStart(6, '0')}`, [NUMBERS[o.invoice]]);
    // A return debit is refused (it would close its invoice below 0 once paid anew): the refusal is a BillingError.
    if (o.kind === 'undo') undoPayment(p, `P-${String(o.payment + 1).padStart(6, '0')}`);
    if (o.kind === 'write-off' || o.kind === 'fee') seen.booked += Number(!!bookAdjustment(p, { kind: o.kind, target: NUMBERS[o.invoice], amount: o.amount, again: true }));
    if (o.kind === 'skonto') seen.booked += Number(!!bookAdjustment(p, { kind: 'skonto', target: NUMBERS[o.invoice], percent: o.percent, again: true }));
    if (o.kind === 'refund') seen.booked += Number(!!bookAdjustment(p, { kind: 'refund', target: `A${o.account + 1}`, amount: o.amount, again: true }));
    if (o.kind === 'undo adjustment') {
      const rows = table(p, 'Balances').filter((b) => ['write_off', 'skonto', 'fee', 'refund'].includes(String(b.Kind)));
      if (rows.length) seen.undone += Number(!!undoAdjustment(p, { balanceId: String(rows[o.row % rows.length]['Balance ID']) }));
    }
    if (o.kind === 'again' && files.length) {
      const before = JSON.stringify([table(p, 'Payments'), table(p, 'Balances'), table(p, 'Invoices')]);
      importPayments(p, [files[o.statement % files.length]]);
      if (JSON.stringify([table(p, 'Payments'), table(p, 'Balances'), table(p, 'Invoices')]) !== before)
        throw new Error(`importing ${files[o.statement % files.length].name} again changed the workbook`);
    }
  } catch (e) {
    expected(e);
  }
}

/** Every invoice's sheet fields and every account's balance against the Balances rows. */
function check(p: P, ops: readonly Op[]): void {
  const rows = table(p, 'Balances');
  const sumOf = (pick: (b: (typeof rows)[number]) => boolean) => rows.filter(pick).reduce((s, b) => s.plus(String(b.Amount)), new D(0));
  const where = `after ${JSON.stringify(ops)}`;
  for (const inv of table(p, 'Invoices')) {
    if (inv.Type === 'credit_note') continue;
    const open = sumOf((b) => b['Invoice ID'] === inv['Invoice ID']);
    if (!open.eq(String(inv['Open Amount']))) throw new Error(`${inv.Number}: Open Amount ${inv['Open Amount']} but its rows add up to ${open} ${where}`);
    const status = paymentStatusOf({ payable: new D(String(inv.Payable)), dueDate: String(inv['Due Date']) }, open, '2026-11-30');
    if (inv['Payment Status'] !== status) throw new Error(`${inv.Number}: Payment Status ${inv['Payment Status']}, rows say ${status} ${where}`);
    if (open.isNegative()) throw new Error(`${inv.Number}: open ${open} below zero ${where}`);
  }
  const report = openItems(p);
  for (const a of ['A1', 'A2', 'A3']) {
    const balance = sumOf((b) => b['Account ID'] === a);
    const t = report.accounts.find((x) => x.accountId === a)?.totals[0] ?? { open: '0.00', credit: '0.00' };
    if (!new D(t.open).minus(t.credit).eq(balance)) throw new Error(`account ${a}: open ${t.open} − credit ${t.credit} ≠ balance ${balance} ${where}`);
    if (new D(t.credit).isNegative()) throw new Error(`account ${a}: credit ${t.credit} below zero ${where}`);
  }
  const problems = verifyLedger(p).problems;
  if (problems.length) throw new Error(`verify: ${JSON.stringify(problems)} ${where}`);
}

describe('receivables properties', () => {
  it('open amounts, statuses and account balances always equal what the Balances rows say; a statement imported again changes nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 4, maxLength: 4 }), fc.array(op, { minLength: 1, maxLength: 12 }), (quantities, ops) => {
        const p = setup(quantities);
        const files: { name: string; text: string }[] = [];
        for (const o of ops) apply(p, o, files);
        check(p, ops);
      }),
      { numRuns: 40 },
    );
    expect(seen.booked).toBeGreaterThan(0);
    expect(seen.undone).toBeGreaterThan(0);
  });
});
