// The receivables commands through the built CLI on a temporary workbook: a camt.053 statement and
// a bank CSV imported (a bad file named, the others still read; a second import finds duplicates
// only), payments listed, assigned and undone, a SEPA collection previewed and written (the
// pain.008 file under <out>/<tenant>/sepa/ passes the XSD; a second run collects nothing), and the
// open items.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';
import type { OpenItemsReport } from '../../src/app/receivables/openItems';
import type { ImportReport, PaymentSummary } from '../../src/app/receivables/payments';
import { camt053 } from '../../src/node/sampleStatement';
import { createWorkbook } from '../../src/node/xlsxWorkbook';
import { billingBinary as billing } from '../support/billingBinary';
import { DE_TENANT, TAX_RULES, account, item, product, subscription } from '../support/fixtures';

const XSD = { fileName: 'pain.008.001.08.xsd', contents: readFileSync(join(__dirname, '../fixtures/receivables/sepa/pain.008.001.08.xsd'), 'utf8') };
const SEPA = { paymentMethod: 'direct_debit', iban: 'DE02120300000000202051', mandateReference: 'M-0001', mandateDate: '2025-06-01' };
const CSV_COLUMNS = 'date=Buchungstag; amount=Betrag; reference=Verwendungszweck; name=Name';

/** Four customers with one 119.00 EUR invoice each (INV-2026-00001..4, due 2026-12-15); A1 and A3 pay by direct debit, A3 with a bad IBAN. */
async function finalizedBook(dir: string): Promise<string> {
  const file = join(dir, 'billing.xlsx');
  await createWorkbook(file, {
    Settings: [{ ...DE_TENANT, creditorId: 'DE98ZZZ09999999999', bic: 'COBADEFFXXX', bankCsvColumns: CSV_COLUMNS }],
    TaxRules: TAX_RULES,
    Accounts: [
      account('A1', { name: 'Müller & Söhne GmbH', ...SEPA }),
      account('A2', { name: 'Beta AG' }),
      account('A3', { name: 'Gamma KG', ...SEPA, iban: 'DE00123', mandateReference: 'M-0003' }),
      account('A4', { name: 'Delta GmbH' }),
    ],
    Products: [product('P1', '100.00')],
    Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A2'), subscription('S3', 'A3'), subscription('S4', 'A4')],
    Items: [item('I1', 'S1', 'P1'), item('I2', 'S2', 'P1'), item('I3', 'S3', 'P1'), item('I4', 'S4', 'P1')],
  });
  expect((await billing(['-w', file, 'run', '--period', '2026-11', '--invoice-date', '2026-12-01'])).code).toBe(0);
  expect((await billing(['-w', file, 'finalize'])).code).toBe(0);
  return file;
}

/** The files a test reads in: a statement (a part payment, a payment naming no open invoice, rent paid out), a bank CSV (the rest), a broken XML. */
function statements(dir: string) {
  const stmt = join(dir, 'stmt.xml');
  writeFileSync(
    stmt,
    camt053({
      id: 'STMT-1',
      iban: 'DE89370400440532013000',
      owner: 'Muster GmbH',
      created: '2026-12-03T06:00:00',
      bookings: [
        { date: '2026-12-02', amount: '50.00', name: 'Beta AG', text: 'Rechnung INV-2026-00002' },
        { date: '2026-12-02', amount: '119.00', name: 'Delta GmbH', text: 'Rechnung INV-2026-00040 Dezember und vielen Dank für die gute Zusammenarbeit' },
        { date: '2026-12-02', amount: '35.00', direction: 'DBIT', name: 'Vermieter', text: 'Miete Dezember' },
      ],
    }),
  );
  const csv = join(dir, 'bank.csv');
  writeFileSync(csv, 'Buchungstag;Betrag;Verwendungszweck;Name\r\n02.12.2026;69,00;INV-2026-00002 Rest;Beta AG\r\n');
  const bad = join(dir, 'bad.xml');
  writeFileSync(bad, '<Document><nope/></Document>');
  return { stmt, csv, bad };
}

async function schemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({ xml: [{ fileName: 'pain.008.xml', contents: xml }], schema: [XSD] });
  return result.valid ? [] : result.errors.map((e) => e.rawMessage);
}

const DELTA =
  '  P-000002  2026-12-02  119.00 EUR  Delta GmbH  unmatched\n' +
  '    Remittance: Rechnung INV-2026-00040 Dezember und vielen Dank für die gute Zusammenarbeit\n' +
  '    Settles: nothing\n' +
  '    Match: nothing in the payment names an open invoice; 3 suggestions to confirm; INV-2026-00040 is not an open invoice (already paid?)\n' +
  '    Suggestions: INV-2026-00001 (open amount equals the payment (119.00 EUR)); INV-2026-00003 (open amount equals the payment (119.00 EUR)); INV-2026-00004 (open amount equals the payment (119.00 EUR))';

describe('billing payments, collect, open-items', () => {
  const dir = mkdtempSync(join(tmpdir(), 'billing-receivables-'));
  let file: string;
  let files: ReturnType<typeof statements>;

  beforeAll(async () => {
    file = await finalizedBook(dir);
    files = statements(dir);
  }, 120_000);

  it('payments import: per file what was read; a bad or missing file is named with the reason (exit 2), the others go in; each new payment with its match', async () => {
    const r = await billing(['-w', file, 'payments', 'import', files.stmt, files.bad, files.csv, join(dir, 'missing.xml')]);
    expect([r.code, r.err]).toEqual([2, '']);
    expect(r.out).toBe(
      [
        'stmt.xml: camt.053.001.08, 3 entries: 2 imported, 0 duplicates, 1 outgoing (not receivables), 0 skipped',
        'bank.csv: csv, 1 entry: 1 imported, 0 duplicates, 0 outgoing (not receivables), 0 skipped',
        `${join(dir, 'missing.xml')}: NOT READ: no such file`,
        'bad.xml: NOT READ: bad.xml: not a bank statement read here (camt.053.001.02/.04/.08 or camt.054.001.08): the document is <Document> without a namespace',
        '',
        'New payments (3):',
        '  P-000001  2026-12-02  50.00 EUR  Beta AG  partially matched',
        '    Remittance: Rechnung INV-2026-00002',
        '    Settles: INV-2026-00002 50.00',
        '    Match: invoice number INV-2026-00002 in the remittance text',
        DELTA,
        '  P-000003  2026-12-02  69.00 EUR  Beta AG  matched',
        '    Remittance: INV-2026-00002 Rest',
        '    Settles: INV-2026-00002 69.00',
        '    Match: invoice number INV-2026-00002 in the remittance text',
        '',
      ].join('\n'),
    );
  }, 60_000);

  it('collect: a dry run writes nothing; then the pain.008 file under <out>/<tenant>/sepa/ passes the XSD; every problem names sheet, row, column and value; again: nothing', async () => {
    const out = join(dir, 'out');
    const problem = '  Accounts row 4, column IBAN, value "DE00123": This is not a valid IBAN (check the digits and the country code).';
    const debit = '    INV-2026-00001   Müller & Söhne GmbH                119.00 EUR  RCUR CORE';

    const dry = await billing(['-w', file, '--dry-run', 'collect', '--date', '2026-12-15', '--out', out]);
    expect([dry.code, dry.err]).toEqual([1, '']);
    const id = /DD-20261215-[0-9a-f]{12}/.exec(dry.out)?.[0];
    expect(dry.out).toBe(
      [
        'Direct debits due by 2026-12-15 (dry run: nothing written)',
        '1 file would be written:',
        `  ${id} (DE): 1 debit, control sum 119.00 EUR`,
        debit,
        '',
        'Left out (1; fix the cell, then collect again):',
        problem,
        '',
      ].join('\n'),
    );
    expect(existsSync(out)).toBe(false);

    const done = await billing(['-w', file, 'collect', '--date', '2026-12-15', '--out', out]);
    expect(done.code).toBe(1);
    const path = join(out, 'DE', 'sepa', `${id}.xml`);
    expect(done.out).toBe(
      [
        'Direct debits due by 2026-12-15',
        '1 file:',
        `  ${id} (DE): 1 debit, control sum 119.00 EUR`,
        `    File: ${path}`,
        debit,
        '',
        'Left out (1; fix the cell, then collect again):',
        problem,
        '',
      ].join('\n'),
    );
    expect(readdirSync(join(out, 'DE', 'sepa'))).toEqual([`${id}.xml`]);
    const xml = readFileSync(path, 'utf8');
    expect(await schemaErrors(xml)).toEqual([]);
    expect(xml).toContain('<EndToEndId>INV-2026-00001</EndToEndId>');
    expect(xml).toMatch(/<CdtrSchmeId>\s*<Id>\s*<PrvtId>\s*<Othr>\s*<Id>DE98ZZZ09999999999<\/Id>/);

    const again = await billing(['-w', file, 'collect', '--date', '2026-12-31', '--out', out]);
    expect(again.out).toBe(
      [
        'Direct debits due by 2026-12-31',
        'Nothing to collect: no open direct-debit invoice due by 2026-12-31 that is not in a file already.',
        '',
        'Left out (1; fix the cell, then collect again):',
        problem,
        '',
      ].join('\n'),
    );
    expect(readdirSync(join(out, 'DE', 'sepa'))).toEqual([`${id}.xml`]);

    const bad = await billing(['-w', file, 'collect', '--date', '15.12.2026']);
    expect([bad.code, bad.err]).toEqual([2, 'billing: --date 15.12.2026 is not a date in the form YYYY-MM-DD\n']);
  }, 60_000);

  it('collect --cancel frees the invoices of a file for the next collection', async () => {
    const out = join(dir, 'out');
    const id = readdirSync(join(out, 'DE', 'sepa'))[0].replace(/\.xml$/, '');
    const r = await billing(['-w', file, 'collect', '--cancel', id]);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toBe(
      `Cancelled collection ${id} (DE): 1 debit, control sum 119.00 EUR; its invoices may be collected again.\n` +
        '    INV-2026-00001   Müller & Söhne GmbH                119.00 EUR\n' +
        `  The file ${join(out, 'DE', 'sepa', `${id}.xml`)} stays: do not submit it to the bank.\n`,
    );
    const twice = await billing(['-w', file, 'collect', '--cancel', id]);
    expect([twice.code, twice.err]).toEqual([2, `billing: Collection ${id} is already cancelled.\n`]);
    // Another date: collecting the same invoices on the same date again would make the cancelled file's message id.
    const next = await billing(['-w', file, '--json', 'collect', '--date', '2026-12-16', '--out', out]);
    expect(JSON.parse(next.out).files.map((f: { count: number; invoices: { number: string }[] }) => [f.count, f.invoices.map((i) => i.number)])).toEqual([[1, ['INV-2026-00001']]]);
  }, 60_000);

  it('open-items: per account the open invoices with totals per currency, then all accounts (text and --json)', async () => {
    const text = await billing(['-w', file, 'open-items'], '2026-12-20T10:00:00Z');
    expect([text.code, text.err]).toEqual([0, '']);
    expect(text.out.split('\n').slice(0, 10)).toEqual([
      'Open items on 2026-12-20',
      '',
      'A1 Müller & Söhne GmbH',
      '    Invoice          Date        Due                   Open  Status          Days overdue',
      expect.stringMatching(/^ {4}INV-2026-00001 {3}2026-12-01 {2}2026-12-15 {6}119\.00 EUR {2}Overdue {20}5 {2}\(direct debit DD-20261216-[0-9a-f]{12}\)$/),
      '    Total EUR: open 119.00 EUR, overdue 119.00 EUR, credit 0.00 EUR',
      '',
      'A3 Gamma KG',
      '    Invoice          Date        Due                   Open  Status          Days overdue',
      '    INV-2026-00003   2026-12-01  2026-12-15      119.00 EUR  Overdue                    5',
    ]);
    expect(text.out).toContain('\nAll accounts:\n  EUR: open 357.00 EUR, overdue 357.00 EUR\n');
    const json = JSON.parse((await billing(['-w', file, '--json', 'open-items'], '2026-12-20T10:00:00Z')).out) as OpenItemsReport;
    expect(
      json.accounts.map((a) => [a.accountId, a.items.map((i) => `${i.number} ${i.open} ${i.status} ${i.daysOverdue}`), a.totals.map((t) => `${t.currency} ${t.open}/${t.overdue}/${t.credit}`)]),
    ).toEqual([
      ['A1', ['INV-2026-00001 119.00 Overdue 5'], ['EUR 119.00/119.00/0.00']],
      ['A3', ['INV-2026-00003 119.00 Overdue 5'], ['EUR 119.00/119.00/0.00']],
      ['A4', ['INV-2026-00004 119.00 Overdue 5'], ['EUR 119.00/119.00/0.00']],
    ]);
    expect(json.totals).toEqual([{ currency: 'EUR', open: '357.00', overdue: '357.00' }]);
    const unknown = await billing(['-w', file, 'open-items', '--account', 'NOPE']);
    expect([unknown.code, unknown.err]).toEqual([2, 'billing: There is no account NOPE in Accounts.\n']);
  }, 60_000);
});

// The saved workbook keeps the payments the engine appended to the Payments sheet (a user sheet):
// every schema column of an appended row is written, not only the engine's columns.
describe('billing payments read back from the saved workbook', () => {
  const dir = mkdtempSync(join(tmpdir(), 'billing-receivables-saved-'));
  let file: string;
  let files: ReturnType<typeof statements>;

  beforeAll(async () => {
    file = await finalizedBook(dir);
    files = statements(dir);
    expect((await billing(['-w', file, 'payments', 'import', files.stmt, files.csv])).code).toBe(0);
  }, 120_000);

  it('a statement imported again: duplicates only, nothing new (--json)', async () => {
    const r = await billing(['-w', file, '--json', 'payments', 'import', files.stmt]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as ImportReport;
    expect(report).toEqual({ files: [{ file: 'stmt.xml', format: 'camt.053.001.08', entries: 3, imported: 0, duplicates: 2, outgoing: 1, skipped: [] }], payments: [], failed: [] });
    expect((await billing(['-w', file, 'payments', 'import', files.stmt])).out).toContain('\n\nNo new payments.\n');
  }, 60_000);

  it('a Matched Invoices cell edited in the workbook is named by the next import, which goes on', async () => {
    const copy = join(dir, 'edited.xlsx');
    cpSync(file, copy);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(copy);
    const sheet = wb.getWorksheet('Payments')!;
    const headers = (sheet.getRow(1).values as unknown[]).map(String);
    const row = sheet.getRow(2);
    expect(row.getCell(headers.indexOf('Payment ID')).value).toBe('P-000001');
    row.getCell(headers.indexOf('Matched Invoices')).value = 'Teilzahlung zweite Rechnung';
    await wb.xlsx.writeFile(copy);
    const next = join(dir, 'stmt-2.xml');
    writeFileSync(
      next,
      camt053({ id: 'STMT-2', iban: 'DE89370400440532013000', owner: 'Muster GmbH', created: '2026-12-04T06:00:00', bookings: [{ date: '2026-12-03', amount: '119.00', text: 'INV-2026-00004' }] }),
    );
    const r = await billing(['-w', copy, 'payments', 'import', next]);
    expect(r.code).toBe(0);
    expect(r.out.split('\n').slice(0, 4)).toEqual([
      'stmt-2.xml: camt.053.001.08, 1 entry: 1 imported, 0 duplicates, 0 outgoing (not receivables), 0 skipped',
      'PAYMENTS SHEET: Payments row 2, column Matched Invoices (value "Teilzahlung zweite Rechnung"): not "<invoice number> <amount>; …" as the engine wrote it, so payment P-000001 was left as it is',
      '',
      'New payments (1):',
    ]);
  }, 60_000);

  it('payments list: a labelled table, newest first; --unmatched only the unmatched; the remittance cut to 40 characters', async () => {
    const all = await billing(['-w', file, 'payments', 'list']);
    expect(all.code).toBe(0);
    expect(all.out.split('\n')).toEqual([
      '  ID        Date              Amount  Cur  Payer                         Status             Matched                           Remittance',
      '  P-000003  2026-12-02         69.00  EUR  Beta AG                       matched            INV-2026-00002 69.00              INV-2026-00002 Rest',
      '  P-000002  2026-12-02        119.00  EUR  Delta GmbH                    unmatched                                            Rechnung INV-2026-00040 Dezember und vi…',
      '  P-000001  2026-12-02         50.00  EUR  Beta AG                       partially matched  INV-2026-00002 50.00              Rechnung INV-2026-00002',
      '',
    ]);
    const unmatched = await billing(['-w', file, 'payments', 'list', '--unmatched']);
    expect(unmatched.out.split('\n').map((l) => l.slice(0, 12))).toEqual(['  ID        ', '  P-000002  ', '  P-000001  ', '']);
    const json = JSON.parse((await billing(['-w', file, '--json', 'payments', 'list', '--unmatched'])).out) as PaymentSummary[];
    expect(json.map((p) => [p.paymentId, p.status])).toEqual([
      ['P-000002', 'unmatched'],
      ['P-000001', 'partially matched'],
    ]);
  }, 60_000);

  it('payments assign and undo print the payment; a refusal exits 2 with the message', async () => {
    const assigned = await billing(['-w', file, '--user', 'tester', 'payments', 'assign', 'P-000002', 'INV-2026-00004']);
    expect([assigned.code, assigned.err]).toEqual([0, '']);
    expect(assigned.out).toBe(
      'Assigned P-000002:\n  P-000002  2026-12-02  119.00 EUR  Delta GmbH  matched\n    Remittance: Rechnung INV-2026-00040 Dezember und vielen Dank für die gute Zusammenarbeit\n    Settles: INV-2026-00004 119.00\n    Match: assigned by tester\n',
    );
    const undone = await billing(['-w', file, '--user', 'tester', 'payments', 'undo', 'P-000002']);
    expect(undone.out).toBe(
      'Undone P-000002:\n  P-000002  2026-12-02  119.00 EUR  Delta GmbH  unmatched\n    Remittance: Rechnung INV-2026-00040 Dezember und vielen Dank für die gute Zusammenarbeit\n    Settles: nothing\n    Match: undone by tester (was: INV-2026-00004 119.00)\n',
    );
    const again = await billing(['-w', file, '--user', 'tester', 'payments', 'undo', 'P-000002']);
    expect([again.code, again.out, again.err]).toEqual([2, '', 'billing: Payment P-000002 settles nothing: there is nothing to undo.\n']);
    const none = await billing(['-w', file, 'payments', 'assign', 'P-000009', 'INV-2026-00004']);
    expect([none.code, none.err]).toEqual([2, 'billing: There is no payment P-000009 in the Payments sheet.\n']);
    const usage = await billing(['-w', file, 'payments', 'assign', 'P-000002']);
    expect([usage.code, usage.err.split('\n')[0]]).toEqual([2, "error: missing required argument 'invoices'"]);
  }, 60_000);
});

describe('billing payments import of a bank CSV', () => {
  it('without "Bank CSV Columns" in Settings the CSV is named with what to write there, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'billing-receivables-csv-'));
    const file = join(dir, 'billing.xlsx');
    await createWorkbook(file, { Settings: [DE_TENANT], TaxRules: TAX_RULES });
    const csv = join(dir, 'umsaetze.csv');
    writeFileSync(csv, 'Buchungstag;Betrag;Verwendungszweck\r\n02.12.2026;69,00;Rest\r\n');
    const r = await billing(['-w', file, 'payments', 'import', csv]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^umsaetze\.csv: NOT READ: Bank CSV Columns is empty in Settings: umsaetze\.csv is not camt XML/);
    expect(r.out).toContain('\n\nNo new payments.\n');
  }, 60_000);
});
