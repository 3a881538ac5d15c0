// Bank CSV exports: the column mapping from Settings, Windows-1252 and UTF-8 bytes, German amounts
// and dates, the header found after a preamble, and problem rows skipped with file, line, column
// and value while the others are read. Also readStatement's choice between camt and CSV.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import fc from 'fast-check';
import { decodeStatementBytes, parseCsvMapping, parseGermanAmount, parseGermanDate, readBankCsv } from '../../../src/core/receivables/bankCsv';
import { readStatement } from '../../../src/core/receivables/statement';
import type { BankEntry } from '../../../src/core/receivables/types';

const DIR = join(__dirname, '../../fixtures/receivables');
const MAPPING = 'date=Buchungstag; valueDate=Valuta; amount=Betrag; currency=Waehrung; reference=Verwendungszweck; name=Beguenstigter/Zahlungspflichtiger; iban=IBAN; bic=BIC; bankReference=Referenz';

function expectAbout(label: string, actual: unknown, expected: unknown): void {
  expect({ [label]: actual }).toEqual({ [label]: expected });
}
const fields = (e: BankEntry | undefined) => {
  if (!e) return e;
  const { entryKey, ...rest } = e;
  return rest;
};
const utf8Bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

describe('parseCsvMapping', () => {
  test('reads the Settings cell: keys case-insensitive, headers as written', () => {
    expect(parseCsvMapping('date=Buchungstag; amount=Betrag; currency=Waehrung; reference=Verwendungszweck; name=Beguenstigter/Zahlungspflichtiger; iban=IBAN; bankReference=Referenz')).toEqual({
      date: 'Buchungstag',
      amount: 'Betrag',
      currency: 'Waehrung',
      reference: 'Verwendungszweck',
      name: 'Beguenstigter/Zahlungspflichtiger',
      iban: 'IBAN',
      bankReference: 'Referenz',
    });
    expect(parseCsvMapping('Date = Buchung\nAMOUNT=Betrag (EUR)\nreference=Text;valuedate=Wert;')).toEqual({ date: 'Buchung', amount: 'Betrag (EUR)', reference: 'Text', valueDate: 'Wert' });
  });

  test('refuses unknown keys naming them, and missing required keys', () => {
    expect(() => parseCsvMapping('date=Tag; amount=Betrag; reference=Text; betrag=X; konto=IBAN')).toThrow(
      'Bank CSV Columns: unknown keys "betrag", "konto" (known: date, valueDate, amount, currency, reference, name, iban, bic, bankReference, endToEndId)',
    );
    expect(() => parseCsvMapping('date=Tag; name=Name')).toThrow('Bank CSV Columns: missing amount, reference');
    expect(() => parseCsvMapping('date=Tag; amount=; reference=Text; date=Datum')).toThrow('Bank CSV Columns: "amount" names no column (write amount=Header); "date" is given twice; missing amount');
  });
});

describe('amounts and dates', () => {
  test.each([
    ['1.234,56', false, '1234.56'],
    ['-12,50', true, '12.50'],
    ['1234.56', false, '1234.56'],
    ['+119,00', false, '119.00'],
    ['0,05', false, '0.05'],
    ['1.234', false, '1234'],
    ['1.234.567,8', false, '1234567.8'],
    ['12.5', false, '12.5'],
    ['-1 234,56 €', true, '1234.56'],
    ['119', false, '119'],
  ])('amount %s', (raw, negative, value) => {
    expectAbout(`amount ${raw}`, parseGermanAmount(raw), { negative, value });
  });
  test.each(['12,5O', '', '1,234.56', '1.23.45', '12.345.6', '--1,00', ',50', '1.2345'])('not an amount: %j', (raw) => {
    expectAbout(`amount ${raw}`, parseGermanAmount(raw), undefined);
  });
  test('dates: TT.MM.JJJJ, TT.MM.JJ, ISO; impossible days refused', () => {
    expectAbout('dates', ['29.11.2026', '29.11.26', '2026-11-29', '1.2.2026', '29.02.2028'].map(parseGermanDate), ['2026-11-29', '2026-11-29', '2026-11-29', '2026-02-01', '2028-02-29']);
    expectAbout('no dates', ['31.11.2026', '29.02.2026', '2026-13-01', '11/29/2026', '29.11.', ''].map(parseGermanDate), Array(6).fill(undefined));
  });
});

describe('decodeStatementBytes', () => {
  test('UTF-8 with and without BOM', () => {
    expectAbout('utf-8', decodeStatementBytes(utf8Bytes('Grüße 5 €')), 'Grüße 5 €');
    expectAbout('utf-8 with BOM', decodeStatementBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8Bytes('Köln')])), 'Köln');
  });
  test('Windows-1252, not Latin-1: 0x80 is €, 0x84 „, 0x93 “, 0x9F Ÿ; umlauts; unused bytes stay C1', () => {
    expectAbout('cp1252', decodeStatementBytes(new Uint8Array([0x80, 0x20, 0x84, 0x93, 0x9f, 0xe4, 0xf6, 0xfc, 0xdf, 0xc4, 0x81])), '€ „“Ÿäöüß\u00c4\u0081');
  });
  test('bytes that are almost UTF-8 (an overlong form, a lone lead byte at the end) are cp1252', () => {
    expectAbout('overlong', decodeStatementBytes(new Uint8Array([0xc0, 0xaf])), 'À¯');
    expectAbout('truncated', decodeStatementBytes(new Uint8Array([0x41, 0xc3])), 'AÃ');
  });
});

describe('the German cp1252 export (csv/umsaetze-cp1252.csv)', () => {
  const bytes = new Uint8Array(readFileSync(join(DIR, 'csv/umsaetze-cp1252.csv')));
  const file = 'umsaetze-cp1252.csv';
  const r = readBankCsv(decodeStatementBytes(bytes), file, parseCsvMapping(MAPPING), { currency: 'EUR' });
  const origin = (line: number) => ({ file, entry: line });

  test('the file really is cp1252: € is one byte 0x80, ä is 0xE4', () => {
    expectAbout('bytes', [bytes.includes(0x80), bytes.includes(0xe4), bytes.includes(0xc3)], [true, true, false]);
  });

  test('header after the preamble; 6 rows read, the bad one skipped naming file, line, column and value', () => {
    expectAbout('format', [r.format, r.accountIban], ['csv', undefined]);
    expectAbout('entries', r.entries.length, 6);
    expectAbout('skipped line 10', r.skipped, [{ origin: origin(10), reason: 'umsaetze-cp1252.csv line 10, column "Betrag": "12,5O" is not an amount (like -1.234,56)' }]);
  });

  test('line 6: a credit with umlauts and & in the name', () => {
    expectAbout('line 6', fields(r.entries[0]), {
      bookingDate: '2026-11-27',
      valueDate: '2026-11-27',
      amount: '119.00',
      currency: 'EUR',
      direction: 'CRDT',
      reversal: false,
      counterpartyName: 'Müller & Söhne GmbH',
      counterpartyIban: 'DE02120300000000202051',
      counterpartyBic: 'BYLADEM1001',
      remittance: 'RE-2026-00012 Kd-Nr. 4711',
      bankReference: '2026112700001',
      origin: origin(6),
    });
  });

  test('line 7: thousands dot and decimal comma, IBAN written in groups, empty BIC left out', () => {
    expectAbout('line 7', fields(r.entries[1]), {
      bookingDate: '2026-11-27',
      valueDate: '2026-11-27',
      amount: '1234.56',
      currency: 'EUR',
      direction: 'CRDT',
      reversal: false,
      counterpartyName: 'Bäckerei Größl e.K.',
      counterpartyIban: 'DE02500105170137075030',
      remittance: 'Rechnung RE 2026 00012 Grüße aus Köln',
      bankReference: '2026112700002',
      origin: origin(7),
    });
  });

  test('line 8: two-digit year, a plus sign, € in the text', () => {
    expectAbout('line 8', [r.entries[2].bookingDate, r.entries[2].amount, r.entries[2].direction, r.entries[2].remittance], ['2026-11-28', '50.00', 'CRDT', 'Abschlag 50 € November']);
  });

  test('line 9: a negative amount is a debit (the return debit)', () => {
    expectAbout('line 9', [r.entries[3].amount, r.entries[3].direction, r.entries[3].counterpartyName, r.entries[3].remittance], ['89.25', 'DBIT', 'Klaus Bäumer', 'RE-2026-00009 Abo Oktober MD06']);
  });

  test('line 11: a quoted text with ";", doubled quotes and a line break; the next record is on line 13', () => {
    expectAbout('line 11', fields(r.entries[4]), {
      bookingDate: '2026-11-29',
      valueDate: '2026-11-30',
      amount: '4.90',
      currency: 'EUR',
      direction: 'DBIT',
      reversal: false,
      remittance: 'Entgelt Kontoführung; November Paket "Business"',
      bankReference: '2026112900001',
      origin: origin(11),
    });
    expectAbout('line 13', [r.entries[5].origin, r.entries[5].amount], [origin(13), '50.00']);
  });

  test('keys: the same on a second read, unique, and equal rows counted', () => {
    const again = readBankCsv(decodeStatementBytes(bytes), file, parseCsvMapping(MAPPING), { currency: 'EUR' });
    expectAbout(
      'second read',
      again.entries.map((e) => e.entryKey),
      r.entries.map((e) => e.entryKey),
    );
    expectAbout('unique', new Set(r.entries.map((e) => e.entryKey)).size, 6);
  });
});

describe('readBankCsv on small exports', () => {
  const csv = (...lines: string[]) => lines.join('\r\n');
  const mapping = parseCsvMapping('date=Datum; amount=Betrag; reference=Text');

  test('headers match without case and spaces; the default currency; ISO dates and dot decimals', () => {
    const r = readBankCsv(csv('DATUM;Betr ag;TEXT', '2026-11-29;1234.56;Zahlung', '2026-11-29;-0.5;Gebühr'), 'x.csv', mapping, { currency: 'CHF' });
    expectAbout(
      'rows 2 and 3',
      r.entries.map((e) => [e.bookingDate, e.amount, e.currency, e.direction, e.remittance]),
      [
        ['2026-11-29', '1234.56', 'CHF', 'CRDT', 'Zahlung'],
        ['2026-11-29', '0.5', 'CHF', 'DBIT', 'Gebühr'],
      ],
    );
  });

  test('two equal rows keep distinct keys; the same rows in a longer export keep theirs', () => {
    const rows = ['29.11.2026;50,00;Abschlag', '29.11.2026;50,00;Abschlag'];
    const a = readBankCsv(csv('Datum;Betrag;Text', ...rows), 'a.csv', mapping, { currency: 'EUR' });
    const b = readBankCsv(csv('Export', 'Datum;Betrag;Text', '28.11.2026;10,00;Davor', ...rows), 'b.csv', mapping, { currency: 'EUR' });
    expectAbout('rows 2 and 3 differ', a.entries[0].entryKey === a.entries[1].entryKey, false);
    expectAbout(
      'same keys in the longer export',
      b.entries.slice(1).map((e) => e.entryKey),
      a.entries.map((e) => e.entryKey),
    );
  });

  test('a bad date and a bad currency are skipped with file, line, column and value', () => {
    const m = parseCsvMapping('date=Datum; amount=Betrag; reference=Text; currency=Währung');
    const r = readBankCsv(csv('Datum;Betrag;Text;Währung', '31.11.2026;1,00;a;EUR', '29.11.2026;1,00;b;Euro', '29.11.2026;2,00;c;'), 'y.csv', m, { currency: 'EUR' });
    expectAbout(
      'skipped lines 2 and 3',
      r.skipped.map((s) => s.reason),
      ['y.csv line 2, column "Datum": "31.11.2026" is not a date (TT.MM.JJJJ)', 'y.csv line 3, column "Währung": "Euro" is not a currency code'],
    );
    expectAbout(
      'line 4 read with the default currency',
      r.entries.map((e) => [e.origin.entry, e.currency]),
      [[4, 'EUR']],
    );
  });

  test('no line with all the mapped headers: a clear error', () => {
    expect(() => readBankCsv(csv('Datum;Betrag;Verwendung', '29.11.2026;1,00;x'), 'z.csv', mapping, { currency: 'EUR' })).toThrow(
      'z.csv: no line has all the columns named in Bank CSV Columns ("Datum", "Betrag", "Text"); is it the right file, and are the headers written as in the file?',
    );
  });
});

describe('readStatement', () => {
  test('camt by its first character (after a BOM and blanks), from bytes or text', () => {
    const xml = readFileSync(join(DIR, 'camt/de/camt054.v8.de.xml'));
    expectAbout('bytes with BOM', readStatement(new Uint8Array([0xef, 0xbb, 0xbf, 0x0a, ...xml]), 'n.xml', { currency: 'EUR' }).format, 'camt.054.001.08');
    expectAbout('text', readStatement(`\n  ${xml.toString('utf8')}`, 'n.xml', { currency: 'EUR' }).entries.length, 1);
  });

  test('CSV with the Settings mapping; without one a clear message', () => {
    const bytes = new Uint8Array(readFileSync(join(DIR, 'csv/umsaetze-cp1252.csv')));
    expectAbout('csv', readStatement(bytes, 'u.csv', { csvColumns: MAPPING, currency: 'EUR' }).entries.length, 6);
    expect(() => readStatement(bytes, 'u.csv', { csvColumns: '  ', currency: 'EUR' })).toThrow(/^Bank CSV Columns is empty in Settings: u\.csv is not camt XML/);
  });
});

test('property: any amount formatted German-style reads back as the original decimal string', () => {
  const german = (value: string, sign: string, thousands: boolean) => {
    const [units, cents] = value.split('.');
    const grouped = thousands ? units.replace(/\B(?=(\d{3})+$)/g, '.') : units;
    return `${sign}${grouped}${cents === undefined ? '' : `,${cents}`}`;
  };
  const decimal = fc
    .tuple(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.option(fc.stringMatching(/^\d{1,4}$/), { nil: undefined }))
    .map(([u, frac]) => (frac === undefined ? String(u) : `${u}.${frac}`));
  fc.assert(
    fc.property(decimal, fc.constantFrom('', '-', '+'), fc.boolean(), (value, sign, thousands) => {
      const text = german(value, sign, thousands);
      const r = readBankCsv(`Datum;Betrag;Text\r\n29.11.2026;"${text}";x`, 'p.csv', parseCsvMapping('date=Datum; amount=Betrag; reference=Text'), { currency: 'EUR' });
      expect(r.skipped).toEqual([]);
      expect(r.entries[0].amount).toBe(value);
      expect(r.entries[0].direction).toBe(sign === '-' && /[1-9]/.test(value) ? 'DBIT' : 'CRDT');
    }),
    { numRuns: 500 },
  );
});

test('Apps Script V8: readStatement runs with no Buffer, TextDecoder or other Node globals', async () => {
  const out = await build({
    stdin: { contents: "export { readStatement } from './src/core/receivables/statement';", resolveDir: join(__dirname, '../../..'), loader: 'ts' },
    bundle: true,
    platform: 'neutral', // as scripts/build.mjs bundles the add-on: a Node built-in would not resolve
    mainFields: ['module', 'main'],
    target: 'es2020',
    format: 'iife',
    globalName: 'lib',
    write: false,
    logLevel: 'silent',
  });
  const context: Record<string, unknown> = {
    csv: new Uint8Array(readFileSync(join(DIR, 'csv/umsaetze-cp1252.csv'))),
    xml: new Uint8Array(readFileSync(join(DIR, 'camt/de/camt053.v8.de.xml'))),
    mapping: MAPPING,
  };
  const result = runInNewContext(
    `${out.outputFiles[0].text}
    [typeof Buffer, typeof TextDecoder, JSON.stringify([lib.readStatement(csv, 'u.csv', { csvColumns: mapping, currency: 'EUR' }), lib.readStatement(xml, 'k.xml', { currency: 'EUR' })])]`,
    context,
  ) as [string, string, string];
  expectAbout('globals', result.slice(0, 2), ['undefined', 'undefined']);
  const [csvRead, camtRead] = JSON.parse(result[2]);
  expectAbout('csv line 6 name, line 8 text', [csvRead.entries[0].counterpartyName, csvRead.entries[2].remittance], ['Müller & Söhne GmbH', 'Abschlag 50 € November']);
  expectAbout('camt entry 3 remittance', [camtRead.entries.length, camtRead.entries[2].remittance], [12, 'Zahlung zu RE-2026-000 14 Straßenfest Köln, Überweisung']);
});
