// readCamt on the public camt samples (genkgo/camt, see tests/fixtures/receivables/camt/SOURCES.md)
// and on our own German statements: booked entries only, one record per transaction of a batch,
// counterparty by direction, remittance lines joined, references, return reasons, reversals, and
// entry keys that are stable across reads and distinct within a statement.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { readCamt } from '../../../src/core/receivables/camt';
import type { BankEntry } from '../../../src/core/receivables/types';

const DIR = join(__dirname, '../../fixtures/receivables/camt');
const fixture = (name: string) => readFileSync(join(DIR, name), 'utf8');
const read = (name: string) => readCamt(fixture(name), name.split('/').pop()!);

/** Compares under a label, so a failure says which entry it is about. */
function expectAbout(label: string, actual: unknown, expected: unknown): void {
  expect({ [label]: actual }).toEqual({ [label]: expected });
}
/** An entry without its key and origin (checked on their own). */
const fields = (e: BankEntry | undefined) => {
  if (!e) return e;
  const { entryKey, origin, ...rest } = e;
  return rest;
};

describe('German camt.053.001.08 statement (de/camt053.v8.de.xml)', () => {
  const r = read('de/camt053.v8.de.xml');
  const byRef = (ref: string) => r.entries.find((e) => e.bankReference === ref);
  const base = { bookingDate: '2026-11-27', valueDate: '2026-11-27', currency: 'EUR', reversal: false };
  const esct = 'PMNT/RCDT/ESCT';

  test('format, account, counts and the pending entry skipped', () => {
    expectAbout('format', r.format, 'camt.053.001.08');
    expectAbout('accountIban', r.accountIban, 'DE89370400440532013000');
    expectAbout('entries: 11 booked, the batch as 3', r.entries.length, 12);
    expectAbout('skipped', r.skipped, [{ origin: { file: 'camt053.v8.de.xml', entry: 11 }, reason: 'camt053.v8.de.xml, entry 11: status PDNG, not booked' }]);
  });

  test('entry 1: invoice and customer number, NOTPROVIDED end-to-end id ignored, BIC from the debtor agent', () => {
    expectAbout('entry 1', fields(r.entries[0]), {
      ...base,
      amount: '119.00',
      direction: 'CRDT',
      counterpartyName: 'Müller & Söhne GmbH',
      counterpartyIban: 'DE02120300000000202051',
      counterpartyBic: 'BYLADEM1001',
      remittance: 'RE-2026-00012 Kd-Nr. 4711',
      bankReference: '2026112700001',
      transactionCode: esct,
    });
    expectAbout('entry 1 origin', r.entries[0].origin, { file: 'camt053.v8.de.xml', entry: 1 });
  });

  test('entry 2: booking date from DtTm, invoice number with spaces, umlauts', () => {
    expectAbout('entry 2', fields(byRef('2026112700002')), {
      ...base,
      amount: '238.00',
      direction: 'CRDT',
      counterpartyName: 'Bäckerei Größl e.K.',
      counterpartyIban: 'DE02500105170137075030',
      remittance: 'Rechnung RE 2026 00012',
      endToEndId: 'ZAHLUNG-0815',
      bankReference: '2026112700002',
      transactionCode: esct,
    });
  });

  test('entry 3: two Ustrd lines joined with one space, each trimmed (the number stays broken)', () => {
    expectAbout('entry 3 remittance', byRef('2026112700003')?.remittance, 'Zahlung zu RE-2026-000 14 Straßenfest Köln, Überweisung');
    expectAbout('entry 3 amount', byRef('2026112700003')?.amount, '1234.56');
    expectAbout('entry 3 name', byRef('2026112700003')?.counterpartyName, 'Jürgen Weiß');
  });

  test('entry 4: RF creditor reference from Strd, value date differs', () => {
    expectAbout('entry 4', fields(byRef('2026112700004')), {
      ...base,
      valueDate: '2026-11-28',
      amount: '59.50',
      direction: 'CRDT',
      counterpartyName: 'Öztürk Logistik GmbH',
      counterpartyIban: 'DE75512108001245126199',
      counterpartyBic: 'DEUTDEFF',
      creditorReference: 'RF35RE202600015',
      endToEndId: 'E2E-4711-15',
      bankReference: '2026112700004',
      transactionCode: esct,
    });
  });

  test('entry 5: a batch of three direct debits gives three records with their own amounts and references', () => {
    const batch = r.entries.filter((e) => e.origin.entry === 5);
    expectAbout('entry 5 count', batch.length, 3);
    const common = { ...base, direction: 'CRDT', transactionCode: 'PMNT/IDDT/BBDD' };
    expectAbout('entry 5 transaction 1 (TxDtls/Amt, entry reference /1)', fields(batch[0]), {
      ...common,
      amount: '100.00',
      counterpartyName: 'Anna Schäfer',
      counterpartyIban: 'DE02100500000054540402',
      remittance: 'RE-2026-00016 Abo November',
      endToEndId: 'RE-2026-00016',
      mandateId: 'MANDAT-0042',
      bankReference: '2026112700005/1',
    });
    expectAbout('entry 5 transaction 2 (AmtDtls/TxAmt/Amt)', fields(batch[1]), {
      ...common,
      amount: '200.00',
      counterpartyName: 'Fränkische Druckerei GmbH',
      counterpartyIban: 'DE91100000000123456789',
      remittance: 'RE-2026-00017 Abo November',
      endToEndId: 'RE-2026-00017',
      mandateId: 'MANDAT-0043',
      bankReference: '2026112700005/2',
    });
    expectAbout('entry 5 transaction 3 (own AcctSvcrRef)', [batch[2].amount, batch[2].bankReference, batch[2].mandateId], ['300.00', '2026112700005-3', 'MANDAT-0044']);
  });

  test('entry 6: a return debit (MD06) names the customer, the original end-to-end id and the mandate', () => {
    expectAbout('entry 6', fields(byRef('2026112700006')), {
      ...base,
      amount: '89.25',
      direction: 'DBIT',
      counterpartyName: 'Klaus Bäumer',
      counterpartyIban: 'DE27100777770209299700',
      counterpartyBic: 'GENODEF1S04',
      remittance: 'RE-2026-00009 Abo Oktober',
      endToEndId: 'RE-2026-00009',
      mandateId: 'MANDAT-0031',
      bankReference: '2026112700006',
      returnReason: 'MD06',
      transactionCode: 'PMNT/IDDT/UPDD',
    });
  });

  test('entry 7: a reversal (RvslInd) of entry 1, the payer as counterparty', () => {
    expectAbout('entry 7', fields(byRef('2026112700007')), {
      ...base,
      amount: '119.00',
      direction: 'DBIT',
      reversal: true,
      counterpartyName: 'Müller & Söhne GmbH',
      counterpartyIban: 'DE02120300000000202051',
      remittance: 'STORNO RE-2026-00012 Kd-Nr. 4711',
      bankReference: '2026112700007',
      transactionCode: esct,
    });
  });

  test('entry 8: an entry without transaction details is one record of the entry itself', () => {
    const fee = r.entries.find((e) => e.origin.entry === 8);
    expectAbout('entry 8', fields(fee), { ...base, valueDate: '2026-11-30', amount: '4.90', direction: 'DBIT', transactionCode: 'ACMT/MDOP/CHRG' });
  });

  test('entries 9 and 10: two equal transfers keep distinct keys; all keys unique and equal on a second read', () => {
    const [a, b] = r.entries.filter((e) => e.origin.entry === 9 || e.origin.entry === 10);
    expectAbout('entries 9 and 10 say the same', fields(a), fields(b));
    expectAbout('entries 9 and 10 keys differ', a.entryKey === b.entryKey, false);
    expectAbout('keys unique', new Set(r.entries.map((e) => e.entryKey)).size, r.entries.length);
    expectAbout(
      'second read',
      read('de/camt053.v8.de.xml').entries.map((e) => e.entryKey),
      r.entries.map((e) => e.entryKey),
    );
  });

  test('the key holds account, dates, amount, direction, counterparty, remittance and position', () => {
    expectAbout(
      'entry 1 key',
      r.entries[0].entryKey,
      JSON.stringify(['camt', 'DE89370400440532013000', '2026-11-27-00231#1.1', '2026-11-27', '2026-11-27', '119.00', 'EUR', 'CRDT', 'DE02120300000000202051', 'RE-2026-00012 Kd-Nr. 4711', '']),
    );
  });
});

describe('German camt.054.001.08 notification (de/camt054.v8.de.xml)', () => {
  const r = read('de/camt054.v8.de.xml');
  test('the booked instant transfer read, the INFO entry skipped', () => {
    expectAbout('format', [r.format, r.accountIban], ['camt.054.001.08', 'DE89370400440532013000']);
    expectAbout('entry 1', fields(r.entries[0]), {
      bookingDate: '2026-11-28',
      valueDate: '2026-11-28',
      amount: '476.00',
      currency: 'EUR',
      direction: 'CRDT',
      reversal: false,
      counterpartyName: 'Grünwald Immobilien GbR',
      counterpartyIban: 'DE12500105170648489890',
      counterpartyBic: 'INGDDEFFXXX',
      remittance: 'Rechnung RE-2026-00021 vielen Dank für die schnelle Lieferung',
      creditorReference: 'RF67RE202600021',
      endToEndId: '2026-11-28-GRUENWALD',
      bankReference: 'INST2026112800417',
      transactionCode: 'PMNT/RCDT/ESCT',
    });
    expectAbout('entries', r.entries.length, 1);
    expectAbout('skipped entry 2', r.skipped, [{ origin: { file: 'camt054.v8.de.xml', entry: 2 }, reason: 'camt054.v8.de.xml, entry 2: status INFO, not booked' }]);
  });
});

describe('German camt.053.001.02 statement (de/camt053.v2.de.xml)', () => {
  const r = read('de/camt053.v2.de.xml');
  test('entry 1: amount from AmtDtls, debtor name without Pty, BIC element of .02, two lines joined', () => {
    expectAbout('format', [r.format, r.accountIban, r.entries.length], ['camt.053.001.02', 'DE89370400440532013000', 2]);
    expectAbout('entry 1', fields(r.entries[0]), {
      bookingDate: '2026-11-26',
      valueDate: '2026-11-26',
      amount: '297.50',
      currency: 'EUR',
      direction: 'CRDT',
      reversal: false,
      counterpartyName: 'Schröder Gärten & Landschaftsbau',
      counterpartyIban: 'DE75512108001245126199',
      counterpartyBic: 'GENODEF1S04',
      remittance: 'RE-2026-00011 Wartungsvertrag Q4/2026',
      bankReference: '0229-000001',
      transactionCode: 'PMNT/RCDT/ESCT',
    });
  });
  test('entry 2: an outgoing refund names the creditor; TxId as the bank reference', () => {
    expectAbout('entry 2', fields(r.entries[1]), {
      bookingDate: '2026-11-26',
      valueDate: '2026-11-26',
      amount: '128.80',
      currency: 'EUR',
      direction: 'DBIT',
      reversal: false,
      counterpartyName: 'Peter Nußbaum',
      counterpartyIban: 'DE91100000000123456789',
      counterpartyBic: 'MARKDEF1100',
      remittance: 'Gutschrift GS-2026-00003 Rückerstattung zu RE-2026-00007',
      endToEndId: 'GS-2026-00003',
      bankReference: 'TX-0229-2',
      transactionCode: 'PMNT/ICDT/ESCT',
    });
    expectAbout(
      'entry 3 skipped',
      r.skipped.map((s) => s.reason),
      ['camt053.v2.de.xml, entry 3: status PDNG, not booked'],
    );
  });
});

describe('public samples (genkgo/camt)', () => {
  test('camt053.v2.minimal.xml: debtor and creditor reference', () => {
    const r = read('camt053.v2.minimal.xml');
    expectAbout('format', [r.format, r.accountIban, r.skipped], ['camt.053.001.02', 'NL26VAYB8060476890', []]);
    expectAbout('entry 1', fields(r.entries[0]), {
      bookingDate: '2014-12-31',
      valueDate: '2015-01-02',
      amount: '8.85',
      currency: 'EUR',
      direction: 'CRDT',
      reversal: false,
      counterpartyName: 'NAME NAME',
      counterpartyIban: 'NL56AGDH9619008421',
      creditorReference: '4654654654654654',
      transactionCode: '544',
    });
  });

  test('camt053.v2.multi.statement.xml: the entries of both statements, keyed by their statement', () => {
    const r = read('camt053.v2.multi.statement.xml');
    expectAbout(
      'entries',
      r.entries.map((e) => [e.origin.entry, e.amount, e.direction, e.remittance, e.endToEndId]),
      [
        [1, '8.85', 'CRDT', 'Transaction Description 1', '000000001'],
        [2, '7.00', 'DBIT', 'Transaction Description 2', '000000002'],
      ],
    );
    expectAbout('statement 2 entry (DBIT: the creditor)', [r.entries[1].counterpartyName, r.entries[1].counterpartyIban], ['Company Name 2', 'NL56AGDH9619008421']);
    expectAbout('keys name the statements', [r.entries[0].entryKey.includes('253EURNL26VAYB8060476890#1'), r.entries[1].entryKey.includes('254EURNL26VAYB8060476890#1')], [true, true]);
  });

  test('camt053.v2.all-balance-types.xml and minimal.ultimate.xml: read', () => {
    expectAbout('all-balance-types entry 1', [read('camt053.v2.all-balance-types.xml').entries.map((e) => [e.amount, e.remittance])], [[['8.850', 'Transaction Description']]]);
    expectAbout(
      'minimal.ultimate entry 1',
      read('camt053.v2.minimal.ultimate.xml').entries.map((e) => e.amount),
      ['8.85'],
    );
  });

  test('camt053.v4.xml: version .04, Sts as text, the transaction amount wins over the entry amount', () => {
    const r = read('camt053.v4.xml');
    expectAbout(
      'entry 1',
      [r.format, r.entries.length, r.entries[0].amount, r.entries[0].currency, r.entries[0].bankReference, r.entries[0].transactionCode],
      ['camt.053.001.04', 1, '0', 'SEK', 'AAAASESS-FP-CN_98765/01', 'PAYM/0001/0005'],
    );
  });

  test('camt053.v8.xml: Sts/Cd, BookgDt/DtTm, Dbtr/Pty/Nm, domain code; account given as Othr (no IBAN)', () => {
    const r = read('camt053.v8.xml');
    expectAbout('statement', [r.format, r.accountIban, r.entries.length], ['camt.053.001.08', undefined, 1]);
    expectAbout('entry 1 key names the statement page (StmtPgntn 2)', r.entries[0].entryKey.includes('"253EURNL26VAYB8060476890/p2#1.1"'), true);
    expectAbout('entry 1', fields(r.entries[0]), {
      bookingDate: '2014-12-31',
      valueDate: '2015-01-02',
      amount: '0',
      currency: 'SEK',
      direction: 'CRDT',
      reversal: false,
      counterpartyName: 'NAME NAME',
      counterpartyIban: 'NL56AGDH9619008421',
      creditorReference: '4654654654654654',
      endToEndId: 'MUELL/FINP/RA12345',
      bankReference: 'AAAASESS-FP-CN_98765/01',
      transactionCode: 'PMNT/RCDT/BOOK',
    });
  });

  test('camt054.v8.xml: Ntfctn; a batch of three debits with the entry reference numbered', () => {
    const r = read('camt054.v8.xml');
    expectAbout('notification', [r.format, r.accountIban], ['camt.054.001.08', 'CH2801234000123456789']);
    expectAbout(
      'entries',
      r.entries.map((e) => [e.amount, e.currency, e.direction, e.counterpartyName, e.bankReference]),
      [
        ['3.1', 'CHF', 'DBIT', 'Example Creditor 3 - V1', 'ACSR160617103200001/1'],
        ['3.2', 'CHF', 'DBIT', 'Example Creditor 3 - V2', 'ACSR160617103200001/2'],
        ['3.2', 'CHF', 'DBIT', 'Example Creditor 3 - V3', 'ACSR160617103200001/3'],
      ],
    );
    expectAbout('transaction 3 remittance', r.entries[2].remittance, 'Unstructured Remittance Information V3 block 1 Unstructured Remittance Information V3 block 2');
  });
});

// ---------- small documents written here ----------

const NS8 = 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.08';
function doc(entries: string, opts: { ns?: string; prefix?: string; iban?: string; id?: string } = {}): string {
  const p = opts.prefix ? `${opts.prefix}:` : '';
  const body = `<Stmt><Id>${opts.id ?? 'S1'}</Id><Acct><Id><IBAN>${opts.iban ?? 'DE89370400440532013000'}</IBAN></Id></Acct>${entries}</Stmt>`;
  const prefixed = p ? body.replace(/<(\/?)(\w)/g, `<$1${p}$2`) : body;
  return `<?xml version="1.0"?>\n<${p}Document xmlns${opts.prefix ? `:${opts.prefix}` : ''}="${opts.ns ?? NS8}"><${p}BkToCstmrStmt>${prefixed}</${p}BkToCstmrStmt></${p}Document>`;
}
const ntry = (amount: string, more = '', sts = '<Sts><Cd>BOOK</Cd></Sts>') =>
  `<Ntry><Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>${sts}<BookgDt><Dt>2026-11-27</Dt></BookgDt><BkTxCd/>${more}</Ntry>`;

describe('rules on small documents', () => {
  test('namespace prefixes are stripped', () => {
    const r = readCamt(doc(ntry('10.00'), { prefix: 'ns2' }), 'p.xml');
    expectAbout('prefixed entry 1', [r.format, r.entries.map((e) => e.amount)], ['camt.053.001.08', ['10.00']]);
  });

  test('an unknown document is refused, naming the file and what it is', () => {
    expect(() => readCamt(doc(ntry('1.00'), { ns: 'urn:iso:std:iso:20022:tech:xsd:camt.052.001.08' }), 'report.xml')).toThrow(
      'report.xml: not a bank statement read here (camt.053.001.02/.04/.08 or camt.054.001.08): the document is <Document> in namespace urn:iso:std:iso:20022:tech:xsd:camt.052.001.08',
    );
    expect(() => readCamt('<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>', 'rechnung.xml')).toThrow(
      'rechnung.xml: not a bank statement read here (camt.053.001.02/.04/.08 or camt.054.001.08): the document is <Invoice> in namespace urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
    );
    expect(() => readCamt('<Document><Stmt>', 'kaputt.xml')).toThrow(
      'kaputt.xml: not a bank statement read here (camt.053.001.02/.04/.08 or camt.054.001.08): the document is <Document> without a namespace',
    );
  });

  test('a broken statement is refused whole, naming the file and the line', () => {
    const full = doc(ntry('1.00') + ntry('2.00'));
    const lines = full.split('\n').length;
    // A download cut off after the first entry: nothing of it is taken.
    expect(() => readCamt(full.slice(0, full.indexOf('</Ntry>') + 7), 'abgebrochen.xml')).toThrow(/^abgebrochen\.xml: not well-formed XML \(line \d+: unclosed tag: /);
    // HTML's &nbsp; is no XML entity; a misnested end tag on the last line.
    expect(() => readCamt(doc(ntry('1.00', '<AddtlNtryInf>a&nbsp;b</AddtlNtryInf>')), 'nbsp.xml')).toThrow(/^nbsp\.xml: not well-formed XML \(line \d+: undefined entity/);
    expect(() => readCamt(full.replace(/<\/Document>\s*$/, '</Documnt>'), 'tippfehler.xml')).toThrow(`tippfehler.xml: not well-formed XML (line ${lines}: unexpected close tag.)`);
  });

  test('the line named is the line in the file, also after a BOM and blank lines before the declaration', () => {
    const broken = `\uFEFF\n\n\n<Document xmlns="${NS8}">\n<BkToCstmrStmt>\n</Oops>`;
    expect(() => readCamt(broken, 'leer.xml')).toThrow('leer.xml: not well-formed XML (line 6: unexpected close tag.)');
  });

  test('statements without entries count: the first one gives the account IBAN, and the next one without an Id is the second', () => {
    const empty = '<Stmt><Acct><Id><IBAN>DE02120300000000202051</IBAN></Id></Acct></Stmt>';
    const full = `<Stmt><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>${ntry('5.00')}</Stmt>`;
    const r = readCamt(`<Document xmlns="${NS8}"><BkToCstmrStmt>${empty}${full}</BkToCstmrStmt></Document>`, 'zwei.xml');
    expect([r.accountIban, r.entries.map((e) => JSON.parse(e.entryKey)[2])]).toEqual(['DE02120300000000202051', ['#2#1']]);
  });

  test('hostile files are refused before the parser expands or recurses', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>${doc(ntry('1.00', '<AddtlNtryInf>&b;</AddtlNtryInf>')).replace(/^<\?xml[^>]*>/, '')}`;
    expect(() => readCamt(laughs, 'laughs.xml')).toThrow('laughs.xml: the XML declares entities (<!ENTITY …>); bank statements declare none, so it is not read');
    const deep = doc(ntry('1.00', `<AddtlNtryInf>${'<x>'.repeat(150)}${'</x>'.repeat(150)}</AddtlNtryInf>`));
    expect(() => readCamt(deep, 'deep.xml')).toThrow(/^deep\.xml: the XML cannot be read: elements nest deeper than 100 levels \(line \d+\)$/);
  });

  test('non-numeric, negative and currency-less amounts are skipped with the reason; the rest is read', () => {
    const r = readCamt(
      doc(ntry('12,50') + ntry('-5.00') + ntry('7.00') + '<Ntry><Amt>3.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-27</Dt></BookgDt></Ntry>'),
      'b.xml',
    );
    expectAbout(
      'skipped entries 1, 2, 4',
      r.skipped.map((s) => s.reason),
      ['b.xml, entry 1: amount "12,50" is not a non-negative decimal number', 'b.xml, entry 2: amount "-5.00" is not a non-negative decimal number', 'b.xml, entry 4: amount 3.00 has no currency'],
    );
    expectAbout(
      'entry 3 read',
      r.entries.map((e) => [e.origin.entry, e.amount]),
      [[3, '7.00']],
    );
  });

  test('a batch transaction without an amount is skipped; a lone one takes the entry amount', () => {
    const tx = (amt: string) => `<TxDtls>${amt}<RmtInf><Ustrd>x</Ustrd></RmtInf></TxDtls>`;
    const r = readCamt(doc(ntry('30.00', `<NtryDtls>${tx('<Amt Ccy="EUR">10.00</Amt>')}${tx('')}</NtryDtls>`) + ntry('5.00', `<NtryDtls>${tx('')}</NtryDtls>`)), 'c.xml');
    expectAbout(
      'entries',
      r.entries.map((e) => [e.origin.entry, e.amount]),
      [
        [1, '10.00'],
        [2, '5.00'],
      ],
    );
    expectAbout(
      'skipped entry 1 transaction 2',
      r.skipped.map((s) => s.reason),
      ['c.xml, entry 1, transaction 2: no amount'],
    );
  });

  test('a missing booking date is skipped; the .02 status text is read', () => {
    const r = readCamt(doc('<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts></Ntry>'), 'd.xml');
    expectAbout(
      'entry 1',
      r.skipped.map((s) => s.reason),
      ['d.xml, entry 1: no booking date'],
    );
    const v2 = readCamt(doc(ntry('2.00', '', '<Sts>BOOK</Sts>') + ntry('3.00', '', '<Sts>INFO</Sts>'), { ns: 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.02' }), 'e.xml');
    expectAbout('v2 entries 1 and 2', [v2.entries.map((e) => e.amount), v2.skipped.map((s) => s.reason)], [['2.00'], ['e.xml, entry 2: status INFO, not booked']]);
  });
});

// ---------- properties ----------

const amountArb = fc.tuple(fc.integer({ min: 0, max: 99_999_999 }), fc.integer({ min: 0, max: 99 })).map(([u, c]) => `${u}.${String(c).padStart(2, '0')}`);
const textArb = fc.stringMatching(/^[A-Za-z0-9äöüÄÖÜß .,\-/]{0,40}$/);
const entryArb = fc.record({
  amount: amountArb,
  direction: fc.constantFrom('CRDT', 'DBIT'),
  day: fc.integer({ min: 1, max: 28 }),
  remittance: textArb,
  iban: fc.constantFrom('DE02120300000000202051', 'DE02500105170137075030', ''),
  txs: fc.integer({ min: 0, max: 3 }),
});

function generated(entries: { amount: string; direction: string; day: number; remittance: string; iban: string; txs: number }[]): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const tx = (e: (typeof entries)[number]) => {
    const party = e.direction === 'CRDT' ? 'Dbtr' : 'Cdtr';
    const acct = e.iban ? `<${party}Acct><Id><IBAN>${e.iban}</IBAN></Id></${party}Acct>` : '';
    return `<TxDtls><Amt Ccy="EUR">${e.amount}</Amt><RltdPties><${party}><Pty><Nm>X</Nm></Pty></${party}>${acct}</RltdPties><RmtInf><Ustrd>${esc(e.remittance)}</Ustrd></RmtInf></TxDtls>`;
  };
  const ntries = entries.map((e) => {
    const details = e.txs ? `<NtryDtls>${Array.from({ length: e.txs }, () => tx(e)).join('')}</NtryDtls>` : '';
    return `<Ntry><Amt Ccy="EUR">${e.amount}</Amt><CdtDbtInd>${e.direction}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-${String(e.day).padStart(2, '0')}</Dt></BookgDt><BkTxCd/>${details}</Ntry>`;
  });
  return doc(ntries.join(''));
}

test('property: a generated camt.053.001.08 read twice gives equal keys, unique within the statement', () => {
  fc.assert(
    fc.property(fc.array(entryArb, { maxLength: 12 }), (entries) => {
      const xml = generated(entries);
      const a = readCamt(xml, 'gen.xml');
      const b = readCamt(xml, 'gen.xml');
      const keys = a.entries.map((e) => e.entryKey);
      expect(b.entries.map((e) => e.entryKey)).toEqual(keys);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys.length).toBe(entries.reduce((n, e) => n + Math.max(1, e.txs), 0));
      expect(a.entries.map((e) => e.amount)).toEqual(entries.flatMap((e) => Array(Math.max(1, e.txs)).fill(e.amount)));
    }),
    { numRuns: 200 },
  );
});
