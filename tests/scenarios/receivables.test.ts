// The cash side end to end on in-memory tables: finalize posts to Balances, a bank statement pays,
// overpays and returns, hand assignment and undo, credit notes on paid invoices, account credit.
import { runInvoicing } from '../../src/app/runInvoicing';
import { creditInvoice, finalizeInvoices, verifyLedger } from '../../src/app/ledgerActions';
import { assignPayment, importPayments, undoPayment } from '../../src/app/receivables/payments';
import { listPayments, openItems } from '../../src/app/receivables/openItems';
import { creditorReference } from '../../src/core/receivables/rf';
import { camt053, type Booking } from '../../src/node/sampleStatement';
import { NOV, account, amt, appendRow, edit, item, invoiceRow, ports, product, subscription, table } from './helpers';

const customers = (settings: Record<string, unknown> = {}) => {
  const p = ports({
    Accounts: [
      account('4711', { name: 'Müller & Söhne GmbH', iban: 'DE02120300000000202051' }),
      account('A2', { name: 'Beta AG' }),
      account('A3', { name: 'Gamma KG' }),
      account('A4', { name: 'Delta GmbH' }),
    ],
    Products: [product('P1', '100.00')],
    Subscriptions: [subscription('S1', '4711'), subscription('S2', 'A2'), subscription('S3', 'A3'), subscription('S4', 'A4')],
    Items: [item('I1', 'S1', 'P1'), item('I2', 'S2', 'P1'), item('I3', 'S3', 'P1'), item('I4', 'S4', 'P1')],
  });
  if (Object.keys(settings).length) edit(p, 'Settings', 'Tenant ID', 'DE', settings as never);
  runInvoicing(p, NOV);
  finalizeInvoices(p);
  return p;
};

const statement = (bookings: Booking[], id = 'STMT-1') => ({
  name: `${id}.xml`,
  text: camt053({ id, iban: 'DE89370400440532013000', owner: 'Muster GmbH', created: '2026-12-01T06:00:00', bookings }),
});
const day = '2026-12-01';
type P = ReturnType<typeof customers>;
const byNumber = (p: P, n: string) => {
  const r = table(p, 'Invoices').find((x) => x.Number === n);
  if (!r) throw new Error(`no invoice ${n}`);
  return r;
};
const money = (p: P, n: string) => {
  const r = byNumber(p, n);
  return `${n}: ${r['Payment Status']} open ${amt(r['Open Amount'])}${r['Paid On'] ? ` paid ${r['Paid On']}` : ''}`;
};
const balanceSum = (p: P, invoiceId: string) =>
  table(p, 'Balances')
    .filter((b) => b['Invoice ID'] === invoiceId)
    .reduce((s, b) => s + Math.round(Number(b.Amount) * 100), 0) / 100;

describe('receivables', () => {
  it('finalizing posts each invoice to Balances with its RF reference and open amount', () => {
    const p = customers();
    const bal = table(p, 'Balances');
    expect(bal.map((b) => [b.Kind, b.Number, amt(b.Amount), b.Currency, b['Account ID']])).toEqual([
      ['invoice', 'INV-2026-00001', '119.00', 'EUR', '4711'],
      ['invoice', 'INV-2026-00002', '119.00', 'EUR', 'A2'],
      ['invoice', 'INV-2026-00003', '119.00', 'EUR', 'A3'],
      ['invoice', 'INV-2026-00004', '119.00', 'EUR', 'A4'],
    ]);
    const inv = invoiceRow(p, 'I-000001');
    expect([inv['Payment Reference'], inv['Payment Status'], amt(inv['Open Amount'])]).toEqual(['RF76INV202600001', 'Open', '119.00']);
  });

  it('imports a statement: paid in full, partly, overpaid, a typo left unmatched with a suggestion', () => {
    const p = customers();
    const report = importPayments(p, [
      statement([
        { date: day, amount: '119.00', name: 'Müller & Söhne GmbH', iban: 'DE02120300000000202051', text: 'INV-2026-00001 Kd-Nr. 4711' },
        { date: day, amount: '50.00', name: 'Beta AG', text: 'Rechnung inv 2026 0000\n2' },
        { date: day, amount: '130.00', name: 'Gamma KG', reference: creditorReference('INV-2026-00003') },
        { date: day, amount: '119.00', name: 'Delta GmbH', text: 'Rechnung INV-2026-00040' },
        { date: day, amount: '35.00', direction: 'DBIT', name: 'Vermieter', text: 'Miete Dezember' },
      ]),
    ]);
    expect(report.failed).toEqual([]);
    expect(report.files.map((f) => [f.imported, f.duplicates, f.outgoing])).toEqual([[4, 0, 1]]);
    expect(report.payments.map((x) => [x.paymentId, x.status, x.matched])).toEqual([
      ['P-000001', 'matched', 'INV-2026-00001 119.00'],
      ['P-000002', 'partially matched', 'INV-2026-00002 50.00'],
      ['P-000003', 'matched', 'INV-2026-00003 119.00; account credit 11.00'],
      ['P-000004', 'unmatched', ''],
    ]);
    expect(report.payments[3].suggestions).toContain('INV-2026-00004');
    expect(['INV-2026-00001', 'INV-2026-00002', 'INV-2026-00003', 'INV-2026-00004'].map((n) => money(p, n))).toEqual([
      `INV-2026-00001: Paid open 0.00 paid ${day}`,
      'INV-2026-00002: Partially paid open 69.00',
      `INV-2026-00003: Paid open 0.00 paid ${day}`,
      'INV-2026-00004: Open open 119.00',
    ]);
    const items = openItems(p);
    expect(items.accounts.map((a) => [a.accountId, a.items.map((i) => `${i.number} ${i.open}`), a.totals.map((t) => `${t.open}/${t.credit}`)])).toEqual([
      ['A2', ['INV-2026-00002 69.00'], ['69.00/0.00']],
      ['A3', [], ['0.00/11.00']],
      ['A4', ['INV-2026-00004 119.00'], ['119.00/0.00']],
    ]);
  });

  it('a statement imported twice adds nothing', () => {
    const p = customers();
    const file = statement([{ date: day, amount: '119.00', text: 'INV-2026-00001' }]);
    importPayments(p, [file]);
    const before = [table(p, 'Payments').length, table(p, 'Balances').length];
    const again = importPayments(p, [file]);
    expect(again.files.map((f) => [f.imported, f.duplicates])).toEqual([[0, 1]]);
    expect([table(p, 'Payments').length, table(p, 'Balances').length]).toEqual(before);
  });

  it('a Matched Invoices cell edited by hand is named in the next import report; the payment stays booked as it was', () => {
    const p = customers();
    importPayments(p, [statement([{ date: day, amount: '119.00', text: 'INV-2026-00001' }])]);
    const rows = table(p, 'Balances').length;
    edit(p, 'Payments', 'Payment ID', 'P-000001', { 'Matched Invoices': 'die erste Rechnung' });
    const report = importPayments(p, [statement([{ date: day, amount: '50.00', text: 'INV-2026-00002' }], 'STMT-2')]);
    expect(report.problems).toEqual([
      'Payments row 2, column Matched Invoices (value "die erste Rechnung"): not "<invoice number> <amount>; …" as the engine wrote it, so payment P-000001 was left as it is',
    ]);
    expect(money(p, 'INV-2026-00001')).toBe(`INV-2026-00001: Paid open 0.00 paid ${day}`);
    // Only the new payment's row was added: the edited one was neither reversed nor booked again.
    expect(table(p, 'Balances').length).toBe(rows + 1);
    expect(importPayments(p, []).problems).toHaveLength(1);
  });

  it('assigns an unmatched payment by hand and undoes it with reversal rows', () => {
    const p = customers();
    importPayments(p, [statement([{ date: day, amount: '119.00', name: 'Delta GmbH', text: 'Dezember' }])]);
    const assigned = assignPayment(p, 'P-000001', ['INV-2026-00004']);
    expect([assigned.status, assigned.matched]).toEqual(['matched', 'INV-2026-00004 119.00']);
    expect(money(p, 'INV-2026-00004')).toBe(`INV-2026-00004: Paid open 0.00 paid ${day}`);
    const undone = undoPayment(p, 'P-000001');
    expect([undone.status, undone.matched]).toEqual(['unmatched', '']);
    expect(money(p, 'INV-2026-00004')).toBe('INV-2026-00004: Open open 119.00');
    const rows = table(p, 'Balances').filter((b) => b['Payment ID'] === 'P-000001');
    expect(rows.map((b) => [b.Kind, amt(b.Amount), b.Reverses])).toEqual([
      ['payment', '-119.00', ''],
      ['reversal', '119.00', rows[0]['Balance ID']],
    ]);
    expect(listPayments(p, { unmatched: true }).map((x) => x.paymentId)).toEqual(['P-000001']);
  });

  it('a return debit reopens the invoice it paid and shows the reason', () => {
    const p = customers();
    importPayments(p, [statement([{ date: day, amount: '119.00', text: 'INV-2026-00001' }])]);
    const r = importPayments(p, [
      statement([{ date: '2026-12-05', amount: '119.00', direction: 'DBIT', endToEndId: 'INV-2026-00001', mandateId: 'M-1', returnReason: 'MD06', name: 'Müller & Söhne GmbH' }], 'STMT-2'),
    ]);
    expect(r.payments.map((x) => [x.amount, x.status, x.matched, x.returnReason])).toEqual([['-119.00', 'matched', 'INV-2026-00001 -119.00', 'MD06 refund requested by the debtor']]);
    expect(money(p, 'INV-2026-00001')).toBe('INV-2026-00001: Open open 119.00');
    expect(balanceSum(p, 'I-000001')).toBe(119);
    // Paid anew, the return cannot be undone by hand: that would close the invoice below zero.
    importPayments(p, [statement([{ date: '2026-12-08', amount: '119.00', text: 'INV-2026-00001' }], 'STMT-3')]);
    const before = table(p, 'Balances').length;
    expect(() => undoPayment(p, 'P-000002')).toThrow(
      'Payment P-000002 is a return of 119.00 EUR that reopened INV-2026-00001: a return is not undone by hand; if the bank reversed it, import that statement.',
    );
    expect([table(p, 'Balances').length, money(p, 'INV-2026-00001')]).toEqual([before, 'INV-2026-00001: Paid open 0.00 paid 2026-12-08']);
  });

  it('a credit note on a paid invoice becomes a credit on the account, which the next invoice uses when Settings says so', () => {
    const p = customers({ 'Apply Account Credit': true });
    importPayments(p, [statement([{ date: day, amount: '119.00', text: 'INV-2026-00001' }])]);
    creditInvoice(p, { invoiceId: 'INV-2026-00001', amount: '50.00', reason: 'Ausfall' });
    const credits = table(p, 'Balances').filter((b) => b.Kind === 'credit_note');
    expect(credits.map((b) => [b['Invoice ID'], amt(b.Amount)])).toEqual([['', '-59.50']]);
    expect(openItems(p, { accountId: '4711' }).accounts[0].totals).toEqual([{ currency: 'EUR', open: '0.00', overdue: '0.00', credit: '59.50' }]);
    runInvoicing(p, { periodStart: '2026-12-01', periodEnd: '2026-12-31' });
    finalizeInvoices(p, { invoiceDate: '2026-12-31' });
    const dec = table(p, 'Invoices').find((i) => i['Account ID'] === '4711' && i['Period Start'] === '2026-12-01')!;
    expect([dec.Number, amt(dec.Payable), amt(dec.Prepaid), amt(dec['Open Amount']), dec['Payment Status']]).toEqual(['INV-2026-00005', '119.00', '59.50', '59.50', 'Partially paid']);
    expect(openItems(p, { accountId: '4711' }).accounts[0].totals).toEqual([{ currency: 'EUR', open: '59.50', overdue: '0.00', credit: '0.00' }]);
  });
});

describe('verify checks the money', () => {
  it('finds an Open Amount that differs from the Balances rows and a Balances row naming no invoice', () => {
    const p = customers();
    importPayments(p, [statement([{ date: day, amount: '119.00', text: 'INV-2026-00001' }])]);
    expect(verifyLedger(p).problems).toEqual([]);
    edit(p, 'Invoices', 'Number', 'INV-2026-00002', { 'Open Amount': 100 });
    edit(p, 'Balances', 'Balance ID', 'B-0000001', { 'Invoice ID': 'I-999999' });
    expect(verifyLedger(p).problems.map((x) => `${x.number ?? x.invoiceId}: ${x.message}`)).toEqual([
      'INV-2026-00001: not posted to Balances (the next billing or payments action posts it)',
      'INV-2026-00002: Open Amount 100.00 differs from its Balances rows, which add up to 119.00',
      'INV-2026-00001: Balances row 2 (B-0000001) names invoice I-999999, which is not in Invoices',
    ]);
  });
});

describe('payments typed into the sheet', () => {
  it('are given an id and matched with the next import', () => {
    const p = customers();
    appendRow(p, 'Payments', { Date: day, Amount: 119, Currency: 'EUR', 'Payer Name': 'Beta AG', 'Remittance Text': 'Rechnung INV-2026-00002' });
    const r = importPayments(p, []);
    expect(r.payments.map((x) => [x.paymentId, x.status, x.matched, x.source])).toEqual([['P-000001', 'matched', 'INV-2026-00002 119.00', 'typed in']]);
    expect(money(p, 'INV-2026-00002')).toBe(`INV-2026-00002: Paid open 0.00 paid ${day}`);
    expect(importPayments(p, []).payments).toEqual([]);
  });

  it('several typed at once (no Payment ID yet) are each booked', () => {
    const p = customers();
    appendRow(p, 'Payments', { Date: day, Amount: 119, Currency: 'EUR', 'Remittance Text': 'INV-2026-00002' });
    appendRow(p, 'Payments', { Date: day, Amount: 119, Currency: 'EUR', 'Remittance Text': 'INV-2026-00003' });
    appendRow(p, 'Payments', { Date: day, Amount: 50, Currency: 'EUR', 'Remittance Text': 'bar' });
    const r = importPayments(p, []);
    expect(r.payments.map((x) => [x.paymentId, x.status, x.matched])).toEqual([
      ['P-000001', 'matched', 'INV-2026-00002 119.00'],
      ['P-000002', 'matched', 'INV-2026-00003 119.00'],
      ['P-000003', 'unmatched', ''],
    ]);
  });

  it('a typed row the engine cannot read is named in the import report and not booked; the others are', () => {
    const p = customers();
    appendRow(p, 'Payments', { Date: day, Amount: 'hundert', Currency: 'EUR', 'Remittance Text': 'INV-2026-00002' });
    appendRow(p, 'Payments', { Date: day, Amount: 119, Currency: 'EUR', 'Remittance Text': 'INV-2026-00003' });
    const r = importPayments(p, []);
    expect(r.problems).toEqual(['Payments row 2, column Amount (value "hundert"): "hundert" is not a number (not booked until the cell is fixed)']);
    expect(r.payments.map((x) => [x.paymentId, x.matched])).toEqual([['P-000001', 'INV-2026-00003 119.00']]);
  });
});
