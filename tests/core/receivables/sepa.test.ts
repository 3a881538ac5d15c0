// SEPA direct debits (pain.008.001.08): the SEPA character set, the checks of creditor and debits
// (each problem naming sheet, row, column and value), blocks per date/sequence/scheme, exact control
// sums, and rejected debits listed while the others go in. The schema itself is checked in
// tests/einvoice/sepaSchema.test.ts on the same files (tests/fixtures/receivables/sepa/cases.ts).
import { XMLParser } from 'fast-xml-parser';
import { buildPain008, checkCreditor, checkDebit, type DirectDebit, type Problem } from '../../../src/core/receivables/sepa';
import { isSepaText, sepaText } from '../../../src/core/receivables/sepaText';
import { build, CASES, CREDITOR, debit } from '../../fixtures/receivables/sepa/cases';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, isArray: (name) => name === 'PmtInf' || name === 'DrctDbtTxInf' });
const parse = (xml: string): any => parser.parse(xml).Document.CstmrDrctDbtInitn;
const where = (p: Problem) => ({ sheet: p.sheet, row: p.row, column: p.column, value: p.value });

describe('sepaText', () => {
  it.each([
    ['Müller & Söhne', 'Mueller + Soehne'],
    ['ÄÖÜ äöü ß', 'AeOeUe aeoeue ss'],
    ['Café Crème à la façon', 'Cafe Creme a la facon'],
    ['Señor Åsa Øresund Ærø cœur', 'Senor Asa Oresund Aero coeur'],
    ['  a\t<b>\n "c" ; d  ', 'a b c d'],
    ["O'Brien (Ltd.) 1/2 + ?:-,", "O'Brien (Ltd.) 1/2 + ?:-,"],
    ['€ 100 @ 5%', '100 5'],
    ['東京', ''],
  ])('%j → %j', (input, out) => {
    expect(sepaText(input, 140)).toBe(out);
    expect(isSepaText(sepaText(input, 140))).toBe(true);
  });

  it('cuts to the maximum after transliterating, without a trailing space', () => {
    expect(sepaText('Größe', 4)).toBe('Groe');
    expect(sepaText('ab cd', 3)).toBe('ab');
    expect(sepaText('ü'.repeat(100), 35)).toHaveLength(35);
  });

  it('isSepaText accepts only the SEPA set', () => {
    expect(isSepaText("AZaz09/-?:().,'+ ")).toBe(true);
    for (const ch of ['ä', '&', '<', '_', '"', '\n', '@']) expect({ ch, ok: isSepaText(`a${ch}b`) }).toEqual({ ch, ok: false });
  });
});

describe('checkCreditor', () => {
  it('finds nothing wrong with a valid creditor', () => {
    expect(checkCreditor(CREDITOR)).toEqual([]);
    expect(checkCreditor({ ...CREDITOR, bic: undefined, creditorId: 'de98 abc 0999 9999 999' })).toEqual([]);
  });

  it('names the Settings row, column and value of each problem', () => {
    const problems = checkCreditor({ ...CREDITOR, name: ' ', iban: 'DE89370400440532013001', bic: 'COBA', creditorId: 'DE99ZZZ09999999999' });
    expect(problems.map(where)).toEqual([
      { sheet: 'Settings', row: 2, column: 'Legal Name', value: ' ' },
      { sheet: 'Settings', row: 2, column: 'IBAN', value: 'DE89370400440532013001' },
      { sheet: 'Settings', row: 2, column: 'BIC', value: 'COBA' },
      { sheet: 'Settings', row: 2, column: 'Creditor ID', value: 'DE99ZZZ09999999999' },
    ]);
    for (const p of problems) expect(p.message).toMatch(/\w/);
  });

  it('says what is missing', () => {
    const problems = checkCreditor({ ...CREDITOR, iban: '', creditorId: '' });
    expect(problems.map((p) => [p.column, p.message])).toEqual([
      ['IBAN', expect.stringMatching(/missing/)],
      ['Creditor ID', expect.stringMatching(/needed/)],
    ]);
  });
});

describe('checkDebit', () => {
  const only = (over: Partial<DirectDebit>) => {
    const d = debit(over);
    return { d, problems: checkDebit(d) };
  };

  it('finds nothing wrong with a valid debit', () => {
    expect(checkDebit(debit())).toEqual([]);
    expect(checkDebit(debit({ debtorBic: undefined, debtorIban: 'de02 1203 0000 0000 2020 51', amount: '0.01', mandateDate: '2026-01-12' }))).toEqual([]);
    expect(checkDebit(debit({ amount: '999999999.99', mandateId: "A-Z a/z 0?9 :().,'+" }))).toEqual([]);
  });

  it.each<[string, Partial<DirectDebit>, string, string]>([
    ['missing IBAN', { debtorIban: '' }, 'IBAN', ''],
    ['wrong IBAN check digits', { debtorIban: 'DE03120300000000202051' }, 'IBAN', 'DE03120300000000202051'],
    ['bad BIC', { debtorBic: 'BYLADEM' }, 'BIC', 'BYLADEM'],
    ['missing mandate reference', { mandateId: undefined }, 'Mandate Reference', ''],
    ['mandate reference with an umlaut', { mandateId: 'MANDAT-Ä1' }, 'Mandate Reference', 'MANDAT-Ä1'],
    ['mandate reference starting with /', { mandateId: '/M1' }, 'Mandate Reference', '/M1'],
    ['mandate reference with //', { mandateId: 'M//1' }, 'Mandate Reference', 'M//1'],
    ['mandate reference of 36 characters', { mandateId: 'M'.repeat(36) }, 'Mandate Reference', 'M'.repeat(36)],
    ['missing mandate date', { mandateDate: '' }, 'Mandate Date', ''],
    ['mandate date not a date', { mandateDate: '2025-02-30' }, 'Mandate Date', '2025-02-30'],
    ['mandate signed after the collection date', { mandateDate: '2026-01-13' }, 'Mandate Date', '2026-01-13'],
    ['zero amount', { amount: '0.00' }, 'Payable', '0.00'],
    ['negative amount', { amount: '-5.00' }, 'Payable', '-5.00'],
    ['three decimals', { amount: '1.005' }, 'Payable', '1.005'],
    ['exponent', { amount: '1e3' }, 'Payable', '1e3'],
    ['too large', { amount: '1000000000.00' }, 'Payable', '1000000000.00'],
    ['not EUR', { currency: 'CHF' }, 'Currency', 'CHF'],
    ['end-to-end id of 36 characters', { endToEndId: 'E'.repeat(36) }, 'Number', 'E'.repeat(36)],
    ['end-to-end id with an underscore', { endToEndId: 'RE_2026_1' }, 'Number', 'RE_2026_1'],
    ['debtor name without Latin letters', { debtorName: '東京' }, 'Name', '東京'],
    ['collection date not a date', { collectionDate: '12.01.2026' }, 'Collection Date', '12.01.2026'],
  ])('%s: one problem naming the Accounts row, column and value', (_what, over, column, value) => {
    const { d, problems } = only(over);
    expect(problems.map(where)).toEqual([{ sheet: 'Accounts', row: d.row, column, value }]);
    expect(problems[0].invoiceId).toBe(d.invoiceId);
    expect(problems[0].message).toMatch(/\w{3}/);
  });
});

describe('checkDebit messages', () => {
  it('name the invoice for what comes from the invoice', () => {
    const d = debit({ amount: '0', currency: 'USD' });
    expect(checkDebit(d).map((p) => p.message)).toEqual([expect.stringContaining(`Invoice ${d.endToEndId}:`), expect.stringContaining(`Invoice ${d.endToEndId}: SEPA direct debits are in EUR only`)]);
    expect(checkDebit(debit({ endToEndId: '', invoiceId: 'I-9' }))[0].message).toMatch(/^Invoice I-9: the invoice number is missing/);
  });
});

describe('buildPain008', () => {
  it('writes one debit with all the parts a bank needs', () => {
    const file = build('one');
    const doc = parse(file.xml);
    expect(file.xml).toContain('xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"');
    expect(doc.GrpHdr).toEqual({ MsgId: 'DD-ONE', CreDtTm: '2026-01-05T09:00:00Z', NbOfTxs: '1', CtrlSum: '119.00', InitgPty: { Nm: 'Mueller + Soehne GmbH' } });
    const block = doc.PmtInf[0];
    expect(block).toMatchObject({
      PmtInfId: 'DD-ONE-1',
      PmtMtd: 'DD',
      BtchBookg: 'true',
      NbOfTxs: '1',
      CtrlSum: '119.00',
      PmtTpInf: { SvcLvl: { Cd: 'SEPA' }, LclInstrm: { Cd: 'CORE' }, SeqTp: 'RCUR' },
      ReqdColltnDt: '2026-01-12',
      Cdtr: { Nm: 'Mueller + Soehne GmbH' },
      CdtrAcct: { Id: { IBAN: 'DE89370400440532013000' } },
      CdtrAgt: { FinInstnId: { BICFI: 'COBADEFFXXX' } },
      ChrgBr: 'SLEV',
      CdtrSchmeId: { Id: { PrvtId: { Othr: { Id: 'DE98ZZZ09999999999', SchmeNm: { Prtry: 'SEPA' } } } } },
    });
    const d = file.included[0];
    expect(block.DrctDbtTxInf[0]).toEqual({
      PmtId: { EndToEndId: d.endToEndId },
      InstdAmt: { '#text': '119.00', '@_Ccy': 'EUR' },
      DrctDbtTx: { MndtRltdInf: { MndtId: d.mandateId, DtOfSgntr: '2025-11-03' } },
      DbtrAgt: { FinInstnId: { BICFI: 'BYLADEM1001' } },
      Dbtr: { Nm: 'Beispiel AG' },
      DbtrAcct: { Id: { IBAN: 'DE02120300000000202051' } },
      RmtInf: { Ustrd: d.remittance },
    });
    expect(file.rejected).toEqual([]);
  });

  it('makes one block per collection date, sequence type and scheme, in a stable order', () => {
    const file = build('blocks');
    expect(file.blocks).toEqual([
      { paymentInfoId: 'DD-BLOCKS-1', collectionDate: '2026-01-15', sequenceType: 'FRST', scheme: 'CORE', count: 1, controlSum: '40.00' },
      { paymentInfoId: 'DD-BLOCKS-2', collectionDate: '2026-01-15', sequenceType: 'RCUR', scheme: 'CORE', count: 2, controlSum: '70.00' },
      { paymentInfoId: 'DD-BLOCKS-3', collectionDate: '2026-02-01', sequenceType: 'FRST', scheme: 'CORE', count: 1, controlSum: '30.00' },
      { paymentInfoId: 'DD-BLOCKS-4', collectionDate: '2026-02-01', sequenceType: 'RCUR', scheme: 'CORE', count: 1, controlSum: '60.00' },
      { paymentInfoId: 'DD-BLOCKS-5', collectionDate: '2026-02-01', sequenceType: 'RCUR', scheme: 'B2B', count: 1, controlSum: '10.00' },
    ]);
    expect(file.included.map((d) => d.amount)).toEqual(['40.00', '20.00', '50.00', '30.00', '60.00', '10.00']);
    const blocks = parse(file.xml).PmtInf;
    expect(blocks.map((b: any) => [b.PmtInfId, b.ReqdColltnDt, b.PmtTpInf.SeqTp, b.PmtTpInf.LclInstrm.Cd, b.DrctDbtTxInf.length])).toEqual(
      file.blocks.map((b) => [b.paymentInfoId, b.collectionDate, b.sequenceType, b.scheme, b.count]),
    );
    // The same debits in another order give the same file.
    const c = CASES.blocks();
    expect(buildPain008({ ...c, debits: [...c.debits].reverse() }).blocks.map((b) => b.paymentInfoId + b.collectionDate + b.sequenceType + b.scheme)).toEqual(
      buildPain008(c).blocks.map((b) => b.paymentInfoId + b.collectionDate + b.sequenceType + b.scheme),
    );
  });

  it('adds control sums exactly, with two decimals', () => {
    const file = build('sums');
    expect(file.controlSum).toBe('1000000012.35');
    expect(file.blocks.map((b) => b.controlSum)).toEqual(['1000000000.30', '12.05']);
    const doc = parse(file.xml);
    expect(doc.GrpHdr.CtrlSum).toBe('1000000012.35');
    expect(doc.PmtInf[0].DrctDbtTxInf.map((t: any) => t.InstdAmt['#text'])).toEqual(['0.10', '0.20', '0.01', '999999999.99']);
  });

  it('transliterates umlauts and escapes what the XML needs', () => {
    const file = build('umlauts');
    const txs = parse(file.xml).PmtInf[0].DrctDbtTxInf;
    expect(txs.map((t: any) => [t.Dbtr.Nm, t.RmtInf.Ustrd])).toEqual([
      ['Juergen Oeztuerk + Soehne Strasse Buero', 'Rechnung fuer Cafe Creme, Groesse 10 - Aero'],
      ["O'Brien + Co. (Ltd.)", "L'offre: 1/2 + 1/2 ?"],
    ]);
    expect(file.xml).toContain('O&apos;Brien + Co.');
    expect(file.xml).not.toMatch(/[^\x09\x0A\x20-\x7E]/);
  });

  it('writes B2B as the local instrument when asked, CORE otherwise', () => {
    expect(parse(build('b2b').xml).PmtInf.map((b: any) => b.PmtTpInf.LclInstrm.Cd)).toEqual(['B2B']);
    expect(parse(build('one').xml).PmtInf.map((b: any) => b.PmtTpInf.LclInstrm.Cd)).toEqual(['CORE']);
  });

  it('writes FRST only for the debits that ask for it', () => {
    expect(build('firstOnly').blocks.map((b) => [b.sequenceType, b.count])).toEqual([
      ['FRST', 1],
      ['RCUR', 1],
    ]);
    for (const name of ['one', 'sums', 'b2b', 'umlauts', 'noBic']) expect({ name, frst: build(name).xml.includes('FRST') }).toEqual({ name, frst: false });
  });

  it('writes NOTPROVIDED for a bank without BIC', () => {
    const doc = parse(build('noBic').xml);
    expect(doc.PmtInf[0].CdtrAgt).toEqual({ FinInstnId: { Othr: { Id: 'NOTPROVIDED' } } });
    expect(doc.PmtInf[0].DrctDbtTxInf.map((t: any) => [t.DbtrAgt, t.DbtrAcct.Id.IBAN])).toEqual([
      [{ FinInstnId: { Othr: { Id: 'NOTPROVIDED' } } }, 'DE02120300000000202051'],
      [{ FinInstnId: { Othr: { Id: 'NOTPROVIDED' } } }, 'DE75512108001245126199'],
    ]);
  });

  it('cuts names and texts to the SEPA lengths', () => {
    const t = parse(build('longText').xml).PmtInf[0].DrctDbtTxInf[0];
    expect([t.Dbtr.Nm.length, t.RmtInf.Ustrd.length, t.PmtId.EndToEndId.length, t.DrctDbtTx.MndtRltdInf.MndtId.length]).toEqual([70, 140, 35, 35]);
  });

  it('lists the rejected debits with their problems while the others go in', () => {
    const c = CASES.rejected();
    const file = buildPain008(c);
    expect(file.included.map((d) => d.invoiceId)).toEqual([c.debits[3].invoiceId, c.debits[0].invoiceId]);
    expect(file.count).toBe(2);
    expect(file.controlSum).toBe('75.50');
    expect(file.rejected.map((r) => [r.debit.invoiceId, r.problems.map((p) => p.column)])).toEqual([
      [c.debits[1].invoiceId, ['IBAN']],
      [c.debits[2].invoiceId, ['Mandate Reference']],
      [c.debits[4].invoiceId, ['Currency']],
      [c.debits[5].invoiceId, ['Mandate Date']],
    ]);
    for (const r of file.rejected) expect(r.problems.every((p) => p.row === r.debit.row && p.invoiceId === r.debit.invoiceId)).toBe(true);
    for (const r of file.rejected) expect({ invoice: r.debit.invoiceId, inFile: file.xml.includes(r.debit.endToEndId) }).toEqual({ invoice: r.debit.invoiceId, inFile: false });
  });

  it('rejects the same invoice a second time', () => {
    const d = debit();
    const file = buildPain008({ ...CASES.one(), debits: [d, { ...d, row: 99 }] });
    expect(file.count).toBe(1);
    expect(file.rejected.map((r) => r.problems.map(where))).toEqual([[{ sheet: 'Accounts', row: 99, column: 'Number', value: d.endToEndId }]]);
  });

  it('refuses the whole file when the creditor has problems, listing them', () => {
    const c = CASES.one();
    expect(() => buildPain008({ ...c, creditor: { ...CREDITOR, creditorId: 'DE99ZZZ09999999999', iban: '' } })).toThrow(
      /creditor settings[\s\S]*Settings row 2, IBAN ""[\s\S]*Settings row 2, Creditor ID "DE99ZZZ09999999999"/,
    );
  });

  it('refuses a file with no debits left, saying why', () => {
    const c = CASES.one();
    expect(() => buildPain008({ ...c, debits: [] })).toThrow(/no debits/);
    expect(() => buildPain008({ ...c, debits: [debit({ currency: 'USD' })] })).toThrow(/all 1 debits have problems[\s\S]*Accounts row \d+, Currency "USD"/);
  });

  it('refuses a malformed message id or creation time', () => {
    const c = CASES.one();
    expect(() => buildPain008({ ...c, messageId: 'A'.repeat(36) })).toThrow(/message id/);
    expect(() => buildPain008({ ...c, messageId: 'A'.repeat(34) })).toThrow(/too long for its payment ids/);
    expect(() => buildPain008({ ...c, createdAt: '2026-01-05' })).toThrow(/creation time/);
    expect(parse(buildPain008({ ...c, createdAt: '2026-01-05T09:00:00.123+01:00' }).xml).GrpHdr.CreDtTm).toBe('2026-01-05T09:00:00+01:00');
  });
});
