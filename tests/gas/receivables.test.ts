// Payments and SEPA direct debits in Apps Script, through the built bundle's server functions on the
// strict fakes: a camt.053 statement (text) and a German bank's Windows-1252 CSV (base64, as the
// sidebar sends it) booked against the invoices, read again without effect, with one bulk read per
// sheet read and one bulk write per sheet written; a hand assignment and its undo; open items; and
// a collection whose pain.008 file lands in the company's Drive folder under SEPA/, written once.
import { FakeSpreadsheet } from '../support/gasFakes';
import { addOn, rowsOf, seedCustomers, seedTable } from '../support/gasHarness';
import { camt053, type Booking } from '../../src/node/sampleStatement';
import { columnNote, SCHEMA } from '../../src/core/schema';

const DEC_2 = Date.parse('2026-12-02T08:00:00Z');
const DUE = '2026-12-14';
const CSV_COLUMNS = 'date=Buchungstag; amount=Betrag; reference=Verwendungszweck; name=Beguenstigter/Zahlungspflichtiger; iban=IBAN';
const SEPA = (i: number) => ({ paymentMethod: 'direct_debit', iban: i ? 'DE89370400440532013000' : 'DE02120300000000202051', mandateReference: `M-000${i}`, mandateDate: '2025-06-01' });

/** Four customers billed for November and finalized (invoice date 2026-11-30, due 2026-12-14); A0 and A1 pay by direct debit. */
function billed(settings: Record<string, unknown> = {}) {
  const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: DEC_2 });
  seedCustomers(ss, 4, { creditorId: 'DE98ZZZ09999999999', bic: 'COBADEFFXXX', bankCsvColumns: CSV_COLUMNS, ...settings });
  seedTable(
    ss,
    'Accounts',
    Array.from({ length: 4 }, (_, i) => ({
      accountId: `A${i}`,
      name: i === 3 ? 'Müller & Söhne GmbH' : `Kunde ${i}`,
      status: 'Active',
      customerType: 'B2B',
      country: 'DE',
      street: 'Weg 2',
      postalCode: '80331',
      city: 'München',
      ...(i < 2 ? SEPA(i) : {}),
    })),
  );
  const admin = addOn(ss);
  admin.exec('setupBillingSheets');
  let r = admin.exec('runInvoicing', { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-11-30' });
  while (!r.done) r = admin.exec('continueRun', r.runId);
  const fin = admin.exec('finalizeInvoices', {});
  expect(fin.failed).toEqual([]);
  const inv = (account: string) => rowsOf(ss, 'Invoices').find((x) => x['Account ID'] === account)!;
  return { ss, admin, inv };
}

const amount = (v: unknown) => Number(v).toFixed(2);
const german = (v: unknown) => amount(v).replace('.', ',');
const statement = (bookings: Booking[], id = 'STMT-1') => ({
  name: `${id}.xml`,
  text: camt053({ id, iban: 'DE89370400440532013000', owner: 'Muster GmbH', created: '2026-12-02T06:00:00', bookings }),
});

/** A German bank's export as its bytes: preamble, ';', decimal comma, dd.mm.yyyy, CRLF, Windows-1252 (ü is 0xFC, € 0x80). */
function cp1252Csv(rows: { date: string; amount: string; name: string; text: string }[]): string {
  const lines = [
    'Umsatzanzeige;Konto DE89370400440532013000',
    '',
    'Buchungstag;Valuta;Beguenstigter/Zahlungspflichtiger;IBAN;Verwendungszweck;Betrag',
    ...rows.map((r) => `${r.date};${r.date};"${r.name}";DE12500105170648489890;"${r.text}";${r.amount}`),
  ].join('\r\n');
  const bytes = Array.from(lines, (ch) => (ch === '€' ? 0x80 : ch.charCodeAt(0)));
  if (bytes.some((b) => b > 0xff)) throw new Error('not cp1252');
  return Buffer.from(bytes).toString('base64');
}

describe('importing bank statements in Apps Script', () => {
  it('books a camt.053 (text) and a cp1252 CSV (base64), sets Payment Status, and a second import adds nothing', () => {
    const { ss, admin, inv } = billed();
    const [a2, a3] = [inv('A2'), inv('A3')];
    const csv = cp1252Csv([{ date: '02.12.2026', amount: german(a3.Payable), name: 'Müller & Söhne GmbH', text: `Rechnung ${a3.Number} 5 € Skonto nicht abgezogen` }]);
    expect(Buffer.from(csv, 'base64').includes(0xfc)).toBe(true);
    const files = [statement([{ date: '2026-12-02', amount: amount(a2.Payable), name: 'Kunde 2', text: `${a2.Number}` }]), { name: 'umsaetze.csv', base64: csv }];

    ss.counters = {};
    const report = admin.exec('importPayments', files);
    expect(report.failed).toEqual([]);
    expect(report.files.map((f: any) => [f.file, f.format, f.imported, f.duplicates])).toEqual([
      ['STMT-1.xml', expect.stringMatching(/^camt/), 1, 0],
      ['umsaetze.csv', 'csv', 1, 0],
    ]);
    expect(report.payments.map((p: any) => [p.status, p.matched, p.payer])).toEqual([
      ['matched', `${a2.Number} ${amount(a2.Payable)}`, 'Kunde 2'],
      ['matched', `${a3.Number} ${amount(a3.Payable)}`, 'Müller & Söhne GmbH, DE12500105170648489890'],
    ]);
    // One bulk read of each sheet read, one bulk write of each sheet written (Log: its header, then the append).
    const per = (call: string) =>
      Object.fromEntries(
        Object.entries(ss.counters)
          .filter(([k]) => k.startsWith(`${call}:`))
          .map(([k, v]) => [k.slice(call.length + 1), v]),
      );
    const reads = per('getValues');
    const writes = per('setValues');
    expect(Object.values(reads).every((n) => n === 1)).toBe(true);
    expect(Object.values(writes).every((n) => n === 1)).toBe(true);
    expect(Object.keys(writes).sort()).toEqual(['Balances', 'Invoices', 'Log', 'Payments']);
    expect(Object.keys(reads)).toEqual(expect.arrayContaining(['Settings', 'Accounts', 'Invoices', 'Balances', 'Payments']));
    // Nothing cell by cell.
    expect([ss.counters.getValue ?? 0, ss.counters.setValue ?? 0]).toEqual([0, 0]);

    const paid = rowsOf(ss, 'Invoices').filter((x) => x['Payment Status'] === 'Paid');
    expect(paid.map((x) => x['Account ID']).sort()).toEqual(['A2', 'A3']);
    expect(rowsOf(ss, 'Payments').map((p) => [p['Payment ID'], p.Status, p.Source])).toEqual([
      ['P-000001', 'matched', 'STMT-1.xml'],
      ['P-000002', 'matched', 'umsaetze.csv'],
    ]);

    const again = admin.exec('importPayments', files);
    expect(again.files.map((f: any) => [f.imported, f.duplicates])).toEqual([
      [0, 1],
      [0, 1],
    ]);
    expect(again.payments).toEqual([]);
    expect(rowsOf(ss, 'Payments')).toHaveLength(2);
  });

  it('refuses a CSV whose base64 did not arrive whole, as Google refuses to decode it, writing nothing', () => {
    const { ss, admin } = billed();
    expect(() => admin.exec('importPayments', [{ name: 'kaputt.csv', base64: 'QnVjaHVuZ3N0YWc7$$$' }])).toThrow('kaputt.csv did not arrive whole');
    expect(() => admin.ctx.Utilities.base64Decode('data:text/csv;base64,QUJD')).toThrow('Could not decode string');
    expect(rowsOf(ss, 'Payments')).toEqual([]);
  });

  it('assigns an unmatched payment to a suggested invoice, undoes it, and shows open items per account', () => {
    const { admin, inv } = billed();
    const a2 = inv('A2');
    admin.exec('importPayments', [statement([{ date: '2026-12-02', amount: amount(a2.Payable), name: 'Kunde 2', text: 'Dezember' }])]);
    const unmatched = admin.exec('listPayments', { unmatched: true });
    expect(unmatched.map((p: any) => [p.paymentId, p.status])).toEqual([['P-000001', 'unmatched']]);
    expect(unmatched[0].suggestions).toContain(a2.Number);

    const assigned = admin.exec('assignPayment', { paymentId: 'P-000001', invoices: [a2.Number] });
    expect([assigned.status, assigned.matched]).toEqual(['matched', `${a2.Number} ${amount(a2.Payable)}`]);
    expect(inv('A2')['Payment Status']).toBe('Paid');
    expect(admin.exec('listPayments', { unmatched: true })).toEqual([]);
    const items = admin.exec('openItems', {});
    expect(items.accounts.map((a: any) => a.accountId)).toEqual(['A0', 'A1', 'A3']);
    expect(items.accounts[0].items.map((i: any) => [i.number, i.open, i.dueDate, i.daysOverdue])).toEqual([[inv('A0').Number, amount(inv('A0').Payable), DUE, 0]]);

    const undone = admin.exec('undoPayment', 'P-000001');
    expect([undone.status, undone.matched]).toEqual(['unmatched', '']);
    expect(inv('A2')['Payment Status']).toBe('Open');
    const one = admin.exec('openItems', { accountId: 'A2' });
    expect(one.accounts.map((a: any) => [a.accountId, a.totals])).toEqual([['A2', [{ currency: 'EUR', open: amount(a2.Payable), overdue: '0.00', credit: '0.00' }]]]);
    // A typo in an invoice number or an unknown payment is the user's to fix: said plainly.
    expect(() => admin.exec('assignPayment', { paymentId: 'P-000009', invoices: [a2.Number] })).toThrow('There is no payment P-000009');
    expect(() => admin.exec('openItems', { accountId: 'NOPE' })).toThrow('There is no account NOPE');
  });
});

describe('write-offs, Skonto, fees and refunds in Apps Script', () => {
  it('books them through the server functions with one bulk write per sheet, sets Payment Status and Paid On, and a retried key books nothing', () => {
    const { ss, admin, inv } = billed();
    const [a0, a2] = [inv('A0'), inv('A2')];
    admin.exec('importPayments', [statement([{ date: '2026-12-02', amount: '500.00', name: 'Kunde 2', text: `${a2.Number}` }])]);
    const credit = (500 - Number(a2.Payable)).toFixed(2);

    ss.counters = {};
    const w = admin.exec('bookAdjustment', { kind: 'write-off', target: a0.Number, date: '2026-12-03', reason: 'Kleinbetrag', key: 'sb-1' });
    expect([w.kind, w.amount, w.open, w.paymentStatus, w.paidOn]).toEqual(['write_off', `-${amount(a0.Payable)}`, '0.00', 'Paid', '2026-12-03']);
    const writes = Object.entries(ss.counters).filter(([k]) => k.startsWith('setValues:'));
    expect(Object.fromEntries(writes)).toEqual({ 'setValues:Balances': 1, 'setValues:Invoices': 1, 'setValues:Log': 1 });
    expect([inv('A0')['Payment Status'], amount(inv('A0')['Open Amount'])]).toEqual(['Paid', '0.00']);
    const row = rowsOf(ss, 'Balances').find((b) => b['Balance ID'] === w.balanceId)!;
    expect([row.Kind, row.Source, row.Reason]).toEqual(['write_off', 'write-off by admin@example.com (request sb-1)', 'Kleinbetrag']);

    // The sidebar's retry of the same form (same key): the row booked, nothing written.
    ss.counters = {};
    expect(admin.exec('bookAdjustment', { kind: 'write-off', target: a0.Number, date: '2026-12-03', key: 'sb-1' })).toEqual({ ...w, repeated: true });
    expect(Object.keys(ss.counters).filter((k) => k.startsWith('setValues:'))).toEqual([]);

    const r = admin.exec('bookAdjustment', { kind: 'refund', target: 'A2', amount: credit, reason: 'überwiesen' });
    expect([r.kind, r.amount, r.currency, r.credit]).toEqual(['refund', credit, 'EUR', '0.00']);
    expect(admin.exec('openItems', { accountId: 'A2' }).accounts).toEqual([]);
    expect(() => admin.exec('bookAdjustment', { kind: 'refund', target: 'A2', amount: '1.00' })).toThrow('a refund of 1.00 EUR is more than the credit on account A2: 0.00 EUR');

    const u = admin.exec('undoAdjustment', { balanceId: w.balanceId, reason: 'doch bezahlt' });
    expect([u.kind, u.reverses, u.paymentStatus, u.open]).toEqual(['reversal', w.balanceId, 'Open', amount(a0.Payable)]);
    expect(inv('A0')['Payment Status']).toBe('Open');
    expect(() => admin.exec('undoAdjustment', { balanceId: w.balanceId })).toThrow(`${w.balanceId} was already undone by ${u.balanceId}`);
    expect(
      rowsOf(ss, 'Log')
        .filter((l) => String(l.Action).startsWith('adjustment'))
        .map((l) => l.Action),
    ).toEqual(['adjustment', 'adjustment', 'adjustment undone']);
    expect(admin.exec('verifyLedger').problems).toEqual([]);
  });

  it('interrupted at any of its service calls, then sent again with the same key (the sidebar retrying), a write-off stands once', () => {
    const req = (number: string) => ({ kind: 'write-off', target: number, date: '2026-12-03', key: 'sb-retry-1' });
    const clean = billed();
    const before = clean.ss.callCount;
    clean.admin.exec('bookAdjustment', req(clean.inv('A0').Number));
    const calls = clean.ss.callCount - before;
    expect(calls).toBeGreaterThan(5);
    for (let n = 1; n <= calls; n++) {
      const { ss, admin, inv } = billed();
      ss.failAt(n);
      expect(() => admin.exec('bookAdjustment', req(inv('A0').Number))).toThrow('simulated crash');
      const again = admin.exec('bookAdjustment', req(inv('A0').Number));
      const rows = rowsOf(ss, 'Balances').filter((b) => b.Kind === 'write_off');
      expect([n, rows.map((b) => b['Balance ID']), again.balanceId, inv('A0')['Payment Status'], amount(inv('A0')['Open Amount'])]).toEqual([n, [again.balanceId], again.balanceId, 'Paid', '0.00']);
      expect([n, admin.exec('verifyLedger').problems]).toEqual([n, []]);
    }
  });

  it('Skonto as a percent and a fee; a viewer or an editor who is no billing admin is refused and nothing is written', () => {
    const { ss, admin, inv } = billed();
    const a1 = inv('A1');
    const sk = admin.exec('bookAdjustment', { kind: 'skonto', target: a1.Number, percent: '2' });
    expect(sk.amount).toBe(`-${(Math.round(Number(a1.Payable) * 2) / 100).toFixed(2)}`);
    const fee = admin.exec('bookAdjustment', { kind: 'fee', target: a1.Number, amount: '3.50', reason: 'Rücklastschriftgebühr' });
    expect(fee.open).toBe((Number(a1.Payable) - Number(sk.amount.slice(1)) + 3.5).toFixed(2));
    const before = rowsOf(ss, 'Balances').length;
    const clerk = addOn(ss, 'clerk@example.com');
    expect(() => clerk.exec('bookAdjustment', { kind: 'fee', target: a1.Number, amount: '1.00' })).toThrow(/billing admin/i);
    expect(rowsOf(ss, 'Balances')).toHaveLength(before);
  });
});

describe('direct-debit collections in Apps Script', () => {
  const sepaFiles = (ss: FakeSpreadsheet) => [...ss.drive.items.values()].filter((i) => i.name.startsWith('DD-') && !i.trashed);

  it('previews without a file, writes one pain.008 into <company folder>/SEPA/, and a second run writes none', () => {
    const { ss, admin, inv } = billed();
    const preview = admin.exec('collectDirectDebits', { date: DUE, dryRun: true });
    expect(preview.files.map((f: any) => [f.count, f.invoices.map((i: any) => i.number)])).toEqual([[2, [inv('A0').Number, inv('A1').Number]]]);
    expect(preview.problems).toEqual([]);
    expect([sepaFiles(ss), rowsOf(ss, 'Collections')]).toEqual([[], []]);

    const done = admin.exec('collectDirectDebits', { date: DUE });
    const [file] = done.files;
    const saved = sepaFiles(ss);
    expect(saved).toHaveLength(1);
    const folder = ss.drive.items.get(saved[0].parentId!)!;
    const root = rowsOf(ss, 'Settings')[0]['Drive Folder ID'];
    expect([saved[0].name, saved[0].mimeType, folder.name, folder.parentId]).toEqual([`${file.messageId}.xml`, 'application/xml', 'SEPA', root]);
    expect(saved[0].blob!.getDataAsString()).toContain(`<MsgId>${file.messageId}</MsgId>`);
    expect(file.file).toBe(`https://drive.google.com/file/d/${saved[0].id}/view`);
    expect(rowsOf(ss, 'Collections').map((c) => [c['Message ID'], c.File, c.Status])).toEqual([[file.messageId, file.file, 'submitted']]);
    expect([inv('A0').Collection, inv('A1').Collection, inv('A2').Collection]).toEqual([file.messageId, file.messageId, '']);

    const again = admin.exec('collectDirectDebits', { date: DUE });
    expect(again.files).toEqual([]);
    expect(sepaFiles(ss)).toHaveLength(1);
  });

  it('a collection cancelled and made again on the same date is a new file with its own message id; the cancelled one stays as it was', () => {
    const { ss, admin } = billed();
    const first = admin.exec('collectDirectDebits', { date: DUE }).files[0];
    const cancelled = admin.exec('cancelCollection', first.messageId);
    expect(cancelled.messageId).toBe(first.messageId);
    ss.advance(60_000);
    const second = admin.exec('collectDirectDebits', { date: DUE }).files[0];
    expect(second.messageId).toBe(`${first.messageId}-2`);
    expect(second.file).not.toBe(first.file);
    const saved = sepaFiles(ss);
    expect(saved.map((f) => f.name)).toEqual([`${first.messageId}.xml`, `${second.messageId}.xml`]);
    expect(saved[1].blob!.getDataAsString()).toContain(`<MsgId>${second.messageId}</MsgId>`);
    expect(rowsOf(ss, 'Collections').map((c) => [c['Message ID'], c.Status])).toEqual([
      [first.messageId, 'cancelled'],
      [second.messageId, 'submitted'],
    ]);
  });

  it("refuses another admin's collection (the folder is in the documents owner's Drive) before writing, but shows the preview", () => {
    const { ss, inv } = billed({ billingAdmins: 'admin@example.com, other@example.com' });
    const other = addOn(ss, 'other@example.com');
    expect(other.exec('collectDirectDebits', { date: DUE, dryRun: true }).files[0].count).toBe(2);
    expect(() => other.exec('collectDirectDebits', { date: DUE })).toThrow(/in the Drive of admin@example.com, which your account cannot reach/);
    expect([sepaFiles(ss), rowsOf(ss, 'Collections'), inv('A0').Collection]).toEqual([[], [], '']);
  });
});

describe('Set up billing sheets for the cash side', () => {
  it('gives Payments, Balances and Collections headers, notes, formats, drop-downs and protections, and the new columns of Accounts their drop-downs', () => {
    const { ss } = billed();
    const sheet = (name: string) => ss.getSheetByName(name)!;
    const at = (name: string, h: string) => sheet(name).cells[0].indexOf(h) + 1;
    const format = (name: string, h: string) => sheet(name).formats.all(at(name, h), 2, sheet(name).maxRows);
    const dropDown = (name: string, h: string) => sheet(name).validations.all(at(name, h), 2, sheet(name).maxRows);
    for (const name of ['Payments', 'Balances', 'Collections'] as const) {
      expect(sheet(name).cells[0]).toEqual(SCHEMA[name].columns.map((c) => c.header));
      expect(sheet(name).frozenRows).toBe(1);
      expect(SCHEMA[name].columns.map((c, i) => [c.header, sheet(name).notes.get(i + 1)])).toEqual(SCHEMA[name].columns.map((c) => [c.header, columnNote(name, c)]));
    }
    // Users may type payments: only the engine's columns of Payments are protected; the engine's own sheets whole.
    const engine = SCHEMA.Payments.columns.filter((c) => c.engine).map((c) => at('Payments', c.header));
    expect(
      sheet('Payments')
        .getProtections('RANGE')
        .map((p) => p.column)
        .sort((a, b) => a - b),
    ).toEqual(engine);
    expect(sheet('Payments').getProtections('SHEET')).toEqual([]);
    for (const name of ['Balances', 'Collections'])
      expect(
        sheet(name)
          .getProtections('SHEET')
          .map((p) => [...p.editors].sort()),
      ).toEqual([['admin@example.com', 'owner@example.com']]);
    expect([format('Payments', 'Date'), format('Payments', 'Amount'), format('Payments', 'Booked At'), format('Payments', 'Payer IBAN')]).toEqual([
      'yyyy-mm-dd',
      '#,##0.00####',
      'yyyy-mm-dd hh:mm:ss',
      '@',
    ]);
    expect([format('Balances', 'Date'), format('Balances', 'Amount'), format('Collections', 'Collection Date'), format('Collections', 'Control Sum')]).toEqual([
      'yyyy-mm-dd',
      '#,##0.00####',
      'yyyy-mm-dd',
      '#,##0.00####',
    ]);
    expect([format('Invoices', 'Open Amount'), format('Invoices', 'Paid On'), format('Accounts', 'Mandate Date')]).toEqual(['#,##0.00####', 'yyyy-mm-dd', 'yyyy-mm-dd']);
    expect([dropDown('Payments', 'Status'), dropDown('Accounts', 'Payment Method'), dropDown('Accounts', 'Mandate Scheme')]).toEqual([
      ['unmatched', 'matched', 'partially matched', 'ignored'],
      ['transfer', 'direct_debit'],
      ['CORE', 'B2B'],
    ]);
  });
});

describe('the Drive and Utilities fakes refuse what Google refuses', () => {
  it('createFile with a Google type or no content, setContent on a Doc or over 10 MB, base64Decode of what is not base64', () => {
    const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: DEC_2 });
    const { ctx } = addOn(ss);
    const root = ctx.DriveApp.createFolder('Root');
    expect(() => root.createFile('x.xml', '<a/>', 'application/vnd.google-apps.document')).toThrow('Invalid argument: file.contentType');
    expect(() => root.createFile('x.xml')).toThrow("don't match the method signature for DriveApp.Folder.createFile");
    expect(() => root.createFile(new Uint8Array([1, 2]))).toThrow("don't match the method signature");
    const file = root.createFile('x.xml', '<a/>', 'application/xml');
    expect(() => file.setContent('x'.repeat(10 * 1024 * 1024 + 1))).toThrow('too large');
    expect(file.setContent('<b/>').getBlob().getDataAsString()).toBe('<b/>');
    const doc = ctx.DocumentApp.create('Doc');
    expect(() => ctx.DriveApp.getFileById(doc.getId()).setContent('text')).toThrow('Invalid argument');
    expect(() => ctx.DriveApp.getFolderById(file.getId())).toThrow('No item with the given ID');
    for (const bad of ['QUJD=', 'QU JD', 'QUJDR', 'QUJD$', 'data:,QUJD']) expect(() => ctx.Utilities.base64Decode(bad)).toThrow('Could not decode string');
    expect(ctx.Utilities.base64Decode('gA==')).toEqual([-128]);
  });
});
