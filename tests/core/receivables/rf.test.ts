import fc from 'fast-check';
import { creditorReference, isCreditorReference, printedReference, referenceBody } from '../../../src/core/receivables/rf';

describe('ISO 11649 creditor references', () => {
  it('computes the standard example RF18 5390 0754 7034', () => {
    expect(creditorReference('539007547034')).toBe('RF18539007547034');
    expect(printedReference('RF18539007547034')).toBe('RF18 5390 0754 7034');
  });

  it('makes a reference from an invoice number by its letters and digits', () => {
    expect(referenceBody('inv-2026/00012')).toBe('INV202600012');
    expect(creditorReference('INV-2026-00012')).toBe('RF70INV202600012');
  });

  it('gives no reference for a number too long or without letters and digits', () => {
    expect(creditorReference('INVOICE-2026-000000000012')).toBeUndefined();
    expect(creditorReference('--')).toBeUndefined();
  });

  it('accepts references with spaces and any case and refuses a changed check or body', () => {
    expect(isCreditorReference('rf18 5390 0754 7034')).toBe(true);
    expect(isCreditorReference('RF19539007547034')).toBe(false);
    expect(isCreditorReference('RF18539007547035')).toBe(false);
    expect(isCreditorReference('RF18')).toBe(false);
  });

  // Mod 97 catches every change of one digit into another (a letter stands for two digits, so not every letter change).
  it('every made reference is valid and a changed digit makes it invalid', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z]{0,10}[0-9]{1,11}$/), fc.nat(), fc.integer({ min: 1, max: 9 }), (body, at, by) => {
        const ref = creditorReference(body);
        if (!ref || !isCreditorReference(ref)) throw new Error(`reference of ${body}: ${ref} is not valid`);
        const digits = [...ref].map((ch, i) => (i >= 2 && /\d/.test(ch) ? i : -1)).filter((i) => i >= 0);
        const i = digits[at % digits.length];
        const other = String((Number(ref[i]) + by) % 10);
        const changed = ref.slice(0, i) + other + ref.slice(i + 1);
        if (isCreditorReference(changed)) throw new Error(`${changed} (changed from ${ref}) passed the check`);
      }),
    );
  });
});
