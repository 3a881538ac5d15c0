// ISO 11649 structured creditor references ("RF" + two check digits + up to 21 letters and
// digits): made from an invoice number, printed on the invoice and carried in the e-invoice's
// remittance field (BT-83), so a bank transfer that quotes it is matched without doubt.

const MAX_BODY = 21;

/** Letters to numbers as ISO 7064 mod 97-10 wants them (A = 10 … Z = 35), then mod 97 in chunks. */
function mod97(alnum: string): number {
  let rest = 0;
  for (const ch of alnum) {
    const code = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of code) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest;
}

/** The reference body of an invoice number: its letters and digits, upper case (RF allows no others). */
export function referenceBody(invoiceNumber: string): string {
  return invoiceNumber.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/**
 * The creditor reference of an invoice number, or undefined when its letters and digits do not fit
 * into 21 characters (or there are none).
 */
export function creditorReference(invoiceNumber: string): string | undefined {
  const body = referenceBody(invoiceNumber);
  if (!body || body.length > MAX_BODY) return undefined;
  const check = 98 - mod97(`${body}RF00`);
  return `RF${String(check).padStart(2, '0')}${body}`;
}

/** Whether a text (spaces ignored, any case) is a valid ISO 11649 reference. */
export function isCreditorReference(text: string): boolean {
  const s = text.replace(/\s+/g, '').toUpperCase();
  if (!/^RF\d{2}[A-Z0-9]{1,21}$/.test(s)) return false;
  return mod97(`${s.slice(4)}${s.slice(0, 4)}`) === 1;
}

/** A reference in print: groups of four, as payment slips show it ("RF18 INV2 0260 0012"). */
export function printedReference(ref: string): string {
  return ref.replace(/(.{4})(?=.)/g, '$1 ');
}
