// SEPA direct-debit collection runs on in-memory tables: who is collected, the checks naming rows,
// the Collections record, no second file for a collected invoice, booking on the collection date.
import { runInvoicing } from '../../src/app/runInvoicing';
import { finalizeInvoices } from '../../src/app/ledgerActions';
import { cancelCollection, collectDirectDebits } from '../../src/app/receivables/collections';
import { importPayments } from '../../src/app/receivables/payments';
import type { MemoryFiles } from '../../src/node/memoryHost';
import { camt053 } from '../../src/node/sampleStatement';
import { NOV, account, amt, edit, item, ports, product, subscription, table } from './helpers';

const SEPA = { paymentMethod: 'direct_debit', iban: 'DE02120300000000202051', mandateReference: 'M-0001', mandateDate: '2025-06-01' };

const workbook = (settings: Record<string, unknown> = {}) => {
  const p = ports({
    Accounts: [
      account('A1', { name: 'Müller & Söhne GmbH', ...SEPA }),
      account('A2', { name: 'Beta AG', ...SEPA, mandateReference: 'M-0002', mandateScheme: 'B2B', iban: 'DE89370400440532013000' }),
      account('A3', { name: 'Gamma KG', ...SEPA, iban: 'DE00123', mandateReference: 'M-0003' }),
      account('A4', { name: 'Überweiser GmbH' }),
    ],
    Products: [product('P1', '100.00')],
    Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A2'), subscription('S3', 'A3'), subscription('S4', 'A4')],
    Items: [item('I1', 'S1', 'P1'), item('I2', 'S2', 'P1'), item('I3', 'S3', 'P1'), item('I4', 'S4', 'P1')],
  });
  edit(p, 'Settings', 'Tenant ID', 'DE', { 'Creditor ID': 'DE98ZZZ09999999999', BIC: 'COBADEFFXXX', ...settings } as never);
  runInvoicing(p, NOV);
  finalizeInvoices(p);
  return p;
};
type P = ReturnType<typeof workbook>;
const files = (p: P) => p.files as MemoryFiles;
const DUE = '2026-12-14';

describe('direct-debit collections', () => {
  it('previews without writing, then collects the direct-debit invoices due, naming the row of each one left out', () => {
    const p = workbook();
    const preview = collectDirectDebits(p, { date: DUE, dryRun: true });
    expect(preview.files.map((f) => [f.count, f.controlSum, f.invoices.map((i) => `${i.number} ${i.amount} ${i.scheme} ${i.sequenceType}`)])).toEqual([
      [2, '238.00', ['INV-2026-00001 119.00 CORE RCUR', 'INV-2026-00002 119.00 B2B RCUR']],
    ]);
    expect(preview.problems.map((x) => `${x.sheet} row ${x.row} ${x.column} "${x.value}"`)).toEqual(['Accounts row 4 IBAN "DE00123"']);
    expect([table(p, 'Collections').length, files(p).saved.size]).toEqual([0, 0]);

    const done = collectDirectDebits(p, { date: DUE });
    const [file] = done.files;
    const rows = table(p, 'Collections');
    expect(rows.map((c) => [c['Message ID'], c['Collection Date'], c.Transactions, amt(c['Control Sum']), c.Invoices, c.Status])).toEqual([
      [file.messageId, DUE, 2, '238.00', 'INV-2026-00001 119.00; INV-2026-00002 119.00', 'submitted'],
    ]);
    const xml = files(p).saved.get(String(rows[0].File))!;
    expect(xml).toContain('<MsgId>' + file.messageId + '</MsgId>');
    expect(xml).toContain('<EndToEndId>INV-2026-00001</EndToEndId>');
    expect(xml).toContain('<Nm>Mueller + Soehne GmbH</Nm>');
    const collected = table(p, 'Invoices').map((i) => [i.Number, i.Collection]);
    expect(collected).toEqual([
      ['INV-2026-00001', file.messageId],
      ['INV-2026-00002', file.messageId],
      ['INV-2026-00003', ''],
      ['INV-2026-00004', ''],
    ]);
  });

  it('never puts a collected invoice into a second file', () => {
    const p = workbook();
    collectDirectDebits(p, { date: DUE });
    const again = collectDirectDebits(p, { date: '2026-12-31' });
    expect(again.files).toEqual([]);
    expect(table(p, 'Collections')).toHaveLength(1);
  });

  it('marks the first collection of an account FRST only when Settings asks for it', () => {
    const p = workbook({ 'SEPA FRST': true });
    const first = collectDirectDebits(p, { date: DUE });
    expect(first.files[0].invoices.map((i) => i.sequenceType)).toEqual(['FRST', 'FRST']);
  });

  it('with Book Direct Debits, books the payment on the collection date; a return debit reopens the invoice', () => {
    const p = workbook({ 'Book Direct Debits': true });
    const done = collectDirectDebits(p, { date: DUE });
    expect(done.booked.map((b) => [b.date, b.amount, b.matched])).toEqual([
      [DUE, '119.00', 'INV-2026-00001 119.00'],
      [DUE, '119.00', 'INV-2026-00002 119.00'],
    ]);
    const status = (n: string) => table(p, 'Invoices').find((i) => i.Number === n)!['Payment Status'];
    expect([status('INV-2026-00001'), status('INV-2026-00002')]).toEqual(['Paid', 'Paid']);
    const text = camt053({
      id: 'RET-1',
      iban: 'DE89370400440532013000',
      owner: 'Muster GmbH',
      created: '2026-12-20T06:00:00',
      bookings: [{ date: '2026-12-19', amount: '119.00', direction: 'DBIT', endToEndId: 'INV-2026-00002', mandateId: 'M-0002', returnReason: 'AM04', name: 'Beta AG' }],
    });
    const back = importPayments(p, [{ name: 'ret.xml', text }]);
    expect(back.payments.map((x) => [x.amount, x.matched, x.returnReason])).toEqual([['-119.00', 'INV-2026-00002 -119.00', 'AM04 insufficient funds']]);
    expect([status('INV-2026-00001'), status('INV-2026-00002')]).toEqual(['Paid', 'Open']);
  });

  it('refuses the whole file when the creditor identifier fails its check', () => {
    const p = workbook({ 'Creditor ID': 'DE99ZZZ09999999999' });
    const r = collectDirectDebits(p, { date: DUE });
    expect(r.problems.map((x) => `${x.sheet} row ${x.row} ${x.column} "${x.value}"`)).toContain('Settings row 2 Creditor ID "DE99ZZZ09999999999"');
    expect(table(p, 'Collections')).toHaveLength(0);
  });
});

describe('cancelling a collection', () => {
  it('frees its invoices for the next file and undoes what it booked', () => {
    const p = workbook({ 'Book Direct Debits': true });
    const first = collectDirectDebits(p, { date: DUE }).files[0];
    const cancelled = cancelCollection(p, first.messageId);
    expect(cancelled.invoices.map((i) => `${i.number} ${i.amount}`)).toEqual(['INV-2026-00001 119.00', 'INV-2026-00002 119.00']);
    expect(table(p, 'Invoices').map((i) => [i.Number, i.Collection, i['Payment Status']])).toEqual([
      ['INV-2026-00001', '', 'Open'],
      ['INV-2026-00002', '', 'Open'],
      ['INV-2026-00003', '', 'Open'],
      ['INV-2026-00004', '', 'Open'],
    ]);
    expect(table(p, 'Payments').map((x) => x.Status)).toEqual(['ignored', 'ignored']);
    const again = collectDirectDebits(p, { date: '2026-12-15' });
    expect(again.files.map((f) => f.count)).toEqual([2]);
    expect(table(p, 'Collections').map((c) => c.Status)).toEqual(['cancelled', 'submitted']);
  });

  it('collecting the same invoices on the same date again after a cancellation gives the file a new message id', () => {
    const p = workbook();
    const first = collectDirectDebits(p, { date: DUE }).files[0];
    cancelCollection(p, first.messageId);
    const again = collectDirectDebits(p, { date: DUE }).files[0];
    expect(again.messageId).toBe(`${first.messageId}-2`);
    expect(table(p, 'Collections').map((c) => [c['Message ID'], c.Status])).toEqual([
      [first.messageId, 'cancelled'],
      [again.messageId, 'submitted'],
    ]);
    expect(collectDirectDebits(p, { date: DUE }).files).toEqual([]);
  });
});
