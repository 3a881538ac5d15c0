// SEPA creditor identifiers (EPC262-08): country, two check digits, a three-character business code
// the creditor may choose freely, then the national identifier. The check digits are ISO 7064
// mod 97-10 like an IBAN's, but computed without the business code, so "DE98ZZZ09999999999" and
// "DE98ABC09999999999" are the same creditor. ibantools has no check for these.

const SHAPE = /^[A-Z]{2}\d{2}[A-Z0-9]{3}[A-Z0-9]{1,28}$/;

/** Letters as numbers (A = 10 … Z = 35), then the remainder mod 97, digit by digit so no big integers are needed. */
function mod97(alnum: string): number {
  let rest = 0;
  for (const ch of alnum) {
    const code = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of code) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest;
}

function normalized(id: string): string {
  return id.replace(/\s+/g, '').toUpperCase();
}

/** Whether `id` (spaces ignored, any case) is a well-formed creditor identifier with correct check digits. */
export function isCreditorId(id: string): boolean {
  const s = normalized(id);
  if (!SHAPE.test(s)) return false;
  return mod97(`${s.slice(7)}${s.slice(0, 4)}`) === 1;
}

/** The two check digits for a country and national identifier (letters and digits, any case). */
export function creditorIdCheckDigits(country: string, nationalId: string): string {
  const check = 98 - mod97(`${normalized(nationalId)}${normalized(country)}00`);
  return String(check).padStart(2, '0');
}

/** A creditor identifier in its written form ("DE98ZZZ09999999999"), without spaces, upper case. */
export function creditorIdText(id: string): string {
  return normalized(id);
}
