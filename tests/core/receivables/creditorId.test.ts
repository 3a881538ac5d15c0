// SEPA creditor identifiers: the published dummy id, the business code left out of the check, and a
// generator test that the check digits catch every single-digit change.
import fc from 'fast-check';
import { creditorIdCheckDigits, isCreditorId } from '../../../src/core/receivables/creditorId';

describe('isCreditorId', () => {
  it('takes the dummy id and refuses it with other check digits', () => {
    expect(isCreditorId('DE98ZZZ09999999999')).toBe(true);
    expect(isCreditorId('DE99ZZZ09999999999')).toBe(false);
  });

  it('leaves the business code out of the check', () => {
    expect(isCreditorId('DE98ABC09999999999')).toBe(true);
    expect(isCreditorId('DE9812309999999999')).toBe(true);
  });

  it('ignores spaces and case', () => {
    expect(isCreditorId(' de98 zzz 0999 9999 999 ')).toBe(true);
  });

  it('refuses malformed ids', () => {
    for (const bad of ['', 'DE98ZZZ', 'D198ZZZ09999999999', 'DEX8ZZZ09999999999', 'DE98ZZZ0999999999-', `DE98ZZZ${'9'.repeat(29)}`]) {
      expect({ id: bad, valid: isCreditorId(bad) }).toEqual({ id: bad, valid: false });
    }
  });

  it('agrees with creditorIdCheckDigits on the dummy id', () => {
    expect(creditorIdCheckDigits('DE', '09999999999')).toBe('98');
  });
});

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');
const country = fc.tuple(fc.constantFrom(...ALNUM.slice(10)), fc.constantFrom(...ALNUM.slice(10))).map(([a, b]) => a + b);
const businessCode = fc.array(fc.constantFrom(...ALNUM), { minLength: 3, maxLength: 3 }).map((a) => a.join(''));
const nationalId = fc.array(fc.constantFrom(...ALNUM), { minLength: 1, maxLength: 28 }).map((a) => a.join(''));

describe('creditor id generator', () => {
  it('computed check digits make a valid id, whatever the business code', () => {
    fc.assert(
      fc.property(country, businessCode, businessCode, nationalId, (cc, code, otherCode, nat) => {
        const check = creditorIdCheckDigits(cc, nat);
        expect({ id: `${cc}${check}${code}${nat}`, valid: isCreditorId(`${cc}${check}${code}${nat}`) }).toEqual({ id: `${cc}${check}${code}${nat}`, valid: true });
        expect(isCreditorId(`${cc}${check}${otherCode}${nat}`)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('any single-digit change of the check digits or the national id makes it invalid', () => {
    fc.assert(
      fc.property(country, businessCode, nationalId, fc.nat(), fc.integer({ min: 1, max: 9 }), (cc, code, nat, pick, delta) => {
        const id = `${cc}${creditorIdCheckDigits(cc, nat)}${code}${nat}`;
        // Digit positions outside the business code (positions 5–7 are not checked).
        const digits = [...id].map((ch, i) => (/\d/.test(ch) && (i < 4 || i >= 7) ? i : -1)).filter((i) => i >= 0);
        const at = digits[pick % digits.length];
        const changed = id.slice(0, at) + String((Number(id[at]) + delta) % 10) + id.slice(at + 1);
        expect({ id, changed, valid: isCreditorId(changed) }).toEqual({ id, changed, valid: false });
      }),
      { numRuns: 500 },
    );
  });
});
