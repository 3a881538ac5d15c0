// Conformance of the SEPA direct debit files (src/core/receivables/sepa.ts): every file the unit
// tests build (tests/fixtures/receivables/sepa/cases.ts) and files from random valid debits validate
// against the ISO 20022 pain.008.001.08 schema with xmllint-wasm, and their NbOfTxs/CtrlSum agree
// with the transactions when read back. The sample made by the npm `sepa` package shows the
// validator accepts a known-good file; a broken file shows it refuses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { validateXML } from 'xmllint-wasm';
import { dec, sum } from '../../src/core/money';
import { buildPain008, type DirectDebit, type Pain008 } from '../../src/core/receivables/sepa';
import { ACCOUNTS, build, CASES, CREDITOR, debit } from '../fixtures/receivables/sepa/cases';

const DIR = join(__dirname, '../fixtures/receivables/sepa');
const XSD = { fileName: 'pain.008.001.08.xsd', contents: readFileSync(join(DIR, 'pain.008.001.08.xsd'), 'utf8') };

/** The schema's error messages for `xml` (empty = valid). */
async function schemaErrors(xml: string): Promise<string[]> {
  try {
    const result = await validateXML({ xml: [{ fileName: 'pain.008.xml', contents: xml }], schema: [XSD] });
    return result.valid ? [] : result.errors.map((e) => e.rawMessage);
  } catch (err) {
    // xmllint exits with 1 when it cannot read the document at all.
    return [String((err as Error).message)];
  }
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, isArray: (name) => name === 'PmtInf' || name === 'DrctDbtTxInf' });

/** What the file says of its counts and sums, against what its transactions add up to. */
function counts(xml: string) {
  const doc = parser.parse(xml).Document.CstmrDrctDbtInitn;
  const blocks = doc.PmtInf.map((b: any) => {
    const amounts: string[] = b.DrctDbtTxInf.map((t: any) => t.InstdAmt['#text']);
    return { said: [b.NbOfTxs, b.CtrlSum], counted: [String(amounts.length), sum(amounts.map(dec)).toFixed(2)], amounts };
  });
  const all = blocks.flatMap((b: any) => b.amounts as string[]);
  return { header: { said: [doc.GrpHdr.NbOfTxs, doc.GrpHdr.CtrlSum], counted: [String(all.length), sum(all.map(dec)).toFixed(2)] }, blocks };
}

/** The file validates and its counts agree; `label` says which file (and debit) in a failure. */
async function expectConforming(label: string, file: Pain008): Promise<void> {
  expect({ label, errors: await schemaErrors(file.xml) }).toEqual({ label, errors: [] });
  const c = counts(file.xml);
  expect({ label, said: c.header.said }).toEqual({ label, said: c.header.counted });
  expect({ label, said: c.header.said }).toEqual({ label, said: [String(file.count), file.controlSum] });
  c.blocks.forEach((b: any, i: number) => {
    expect({ label, block: i + 1, said: b.said }).toEqual({ label, block: i + 1, said: b.counted });
  });
}

describe('pain.008.001.08 schema', () => {
  it('accepts the sample made by the npm sepa package (the validator works)', async () => {
    expect(await schemaErrors(readFileSync(join(DIR, 'sample-generated-pain.008.001.08.xml'), 'utf8'))).toEqual([]);
  });

  it('refuses a file without a collection date and one with a bad amount (the validator checks)', async () => {
    const xml = build('one').xml;
    expect((await schemaErrors(xml.replace(/<ReqdColltnDt>[^<]*<\/ReqdColltnDt>/, ''))).join('\n')).toMatch(/Cdtr|ReqdColltnDt/);
    expect(await schemaErrors(xml.replace('Ccy="EUR">119.00<', 'Ccy="EUR">-1.00<'))).not.toEqual([]);
  });

  it.each(Object.keys(CASES))('the unit tests\' file "%s" validates, with counts and sums that agree', async (name) => {
    await expectConforming(name, build(name));
  });
});

// ---------- random valid debits ----------

const NAME_PARTS = ['Müller', 'Straße', 'Öztürk', 'Ärzte', '&', '<GmbH>', 'Café', 'Søren', "O'Neil", '"Quote"', 'Æble', 'Łódź', 'Crème', 'AG', '東京', '  ', 'x'.repeat(40)];
const nameArb = fc.array(fc.constantFrom(...NAME_PARTS), { minLength: 1, maxLength: 6 }).map((parts) => `Kunde ${parts.join(' ')}`);
const textArb = fc.oneof(nameArb, fc.string({ maxLength: 200 }), fc.constant(''));
const idArb = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9\-?:().,'+ ]{0,33}[A-Za-z0-9]$/);
const amountArb = fc.oneof(fc.integer({ min: 1, max: 99_999_999_999 }), fc.integer({ min: 1, max: 10_000 })).map((cents) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`);
const dateArb = fc.constantFrom('2026-01-12', '2026-01-15', '2026-02-02', '2026-12-31');

const debitArb: fc.Arbitrary<DirectDebit> = fc
  .record({
    debtorName: nameArb,
    remittance: textArb,
    mandateId: idArb,
    amount: amountArb,
    account: fc.constantFrom(...ACCOUNTS),
    withBic: fc.boolean(),
    scheme: fc.constantFrom('CORE' as const, 'B2B' as const),
    sequenceType: fc.constantFrom('FRST' as const, 'RCUR' as const),
    collectionDate: dateArb,
  })
  .map((r) => debit({ ...r, debtorIban: r.account.iban, debtorBic: r.withBic ? r.account.bic : undefined, mandateDate: '2025-06-30' }));

describe('pain.008.001.08 files from random valid debits', () => {
  it('validate, include every debit and agree on counts and sums', async () => {
    let files = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(debitArb, { minLength: 1, maxLength: 12 }), async (debits) => {
        const file = buildPain008({ messageId: 'DD-PROP', createdAt: '2026-01-05T09:00:00Z', creditor: CREDITOR, debits });
        const label = `debits ${debits.map((d) => `${d.invoiceId} (${JSON.stringify(d.debtorName)}, ${d.amount}, ${d.collectionDate} ${d.sequenceType} ${d.scheme})`).join('; ')}`;
        expect({ label, rejected: file.rejected.map((r) => [r.debit.invoiceId, r.problems.map((p) => p.message)]) }).toEqual({ label, rejected: [] });
        expect(file.count).toBe(debits.length);
        await expectConforming(label, file);
        files += 1;
      }),
      { numRuns: 50 },
    );
    expect(files).toBeGreaterThanOrEqual(50);
    // About 0.2 s per file here; room for a busy 2-core machine.
  }, 180_000);
});
