// BR-DE-19 (XRechnung: the SEPA payee account should be a correct IBAN) under SaxonJS, whose
// xs:integer(…) mod 97 is floating point: the rule warned on valid IBANs such as
// DE89370400440532013000. The validator checks the IBAN exactly and keeps the rule for invalid ones.
import { ibanPassesBrDe19 } from '../../src/node/einvoiceRules';
import { demoLedger, xmlOf } from '../support/einvoiceCases';
import { validateSchematron } from '../support/einvoiceValidation';

const VALID = 'DE89370400440532013000';
const WRONG_CHECK = 'DE89370400440532013001';

describe('BR-DE-19 (IBAN of SEPA credit transfer)', () => {
  const ds = demoLedger();
  const inv = ds.invoices.map((r) => r.record).find((i) => i.status !== 'Draft' && i.type === 'invoice' && xmlOf(ds, i, 'xrechnung-cii').includes(VALID));

  it('checks the IBAN exactly, as the rule means it', () => {
    expect([VALID, 'DE89 3704 0044 0532 0130 00', 'GB82WEST12345698765432', 'NL91ABNA0417164300'].filter((i) => !ibanPassesBrDe19(i))).toEqual([]);
    expect([WRONG_CHECK, 'DE88370400440532013000', 'de89370400440532013000', 'DE8937040044053201300X!', ''].filter((i) => ibanPassesBrDe19(i))).toEqual([]);
  });

  it.each(['xrechnung-cii', 'xrechnung-ubl'] as const)(
    '%s: no warning for a valid IBAN, the warning for one with a wrong check',
    async (format) => {
      expect(inv).toBeDefined();
      const xml = xmlOf(ds, inv!, format);
      const set = format === 'xrechnung-cii' ? 'xrechnung-cii' : 'xrechnung-ubl';
      const brDe19 = async (text: string) => (await validateSchematron(text, set)).filter((r) => r.id === 'BR-DE-19').map((r) => r.flag);
      expect(await brDe19(xml)).toEqual([]);
      expect(xml.split(VALID).length).toBeGreaterThan(1);
      expect(await brDe19(xml.split(VALID).join(WRONG_CHECK))).toEqual(['warning']);
    },
    300_000,
  );
});
