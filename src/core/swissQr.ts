// The Swiss QR-bill payment part of a Swiss invoice (Swiss seller, CHF), after the Swiss Payment
// Standards' Implementation Guidelines for the QR-bill (version 2.3): the creditor's CH/LI IBAN or
// QR-IBAN, the structured addresses (type S), the amount due, the reference (a QR reference with
// a QR-IBAN, else an ISO 11649 creditor reference or none) and the invoice number as the message.
// The payload is built here, pure, so both hosts and the tests share it; the Node host hands the
// same fields to the swissqrbill library, which draws the payment part and the QR code.
import { amountDue } from './einvoice/terms';
import { electronicFormatIBAN, isValidIBAN } from 'ibantools';
import type { Invoice, Tenant } from './model';

/** A Swiss invoice: a Swiss seller billing in CHF (MWST/UID wording, a QR-bill payment part). */
export const isSwiss = (inv: Pick<Invoice, 'currency'>, t: Pick<Tenant, 'country'>) => inv.currency === 'CHF' && t.country === 'CH';

/** A structured address (address type S). */
export interface QrParty {
  name: string;
  street: string;
  buildingNumber: string;
  postalCode: string;
  city: string;
  country: string;
}

export interface SwissQrBill {
  /** The creditor's IBAN or QR-IBAN, without blanks. */
  account: string;
  creditor: QrParty;
  /** The amount with 2 decimals ("10.85"). */
  amount: string;
  currency: 'CHF' | 'EUR';
  /** The buyer, when its address can be read as street, postal code and town. */
  debtor?: QrParty;
  referenceType: 'QRR' | 'SCOR' | 'NON';
  reference: string;
  /** The unstructured message: the invoice number. */
  message: string;
  /** Bill information in the Swico S1 syntax: /10/ the invoice number, /11/ the invoice date (YYMMDD). */
  billInformation: string;
}

/** The longest value of each field the guidelines allow. */
const MAX = { name: 70, street: 70, buildingNumber: 16, postalCode: 16, city: 35 } as const;

const cut = (s: string | undefined, n: number) =>
  (s ?? '')
    .replace(/[\r\n]+/g, ' ')
    .trim()
    .slice(0, n)
    .trim();

/** Whether an IBAN (without blanks) is a QR-IBAN: a Swiss or Liechtenstein IBAN whose institution id (QR-IID) is 30000–31999. */
export function isQrIban(iban: string): boolean {
  if (!/^(CH|LI)\d{7}/.test(iban)) return false;
  const iid = Number(iban.slice(4, 9));
  return iid >= 30000 && iid <= 31999;
}

/** The check digit of a QR reference: modulo 10, recursive. */
export function mod10Recursive(digits: string): number {
  const table = [0, 9, 4, 6, 8, 2, 7, 1, 3, 5];
  let carry = 0;
  for (const d of digits) carry = table[(carry + Number(d)) % 10];
  return (10 - carry) % 10;
}

/** The 27-digit QR reference of an invoice: the digits of its number (the last 26), zero-padded, and the check digit. */
export function qrReference(invoiceNumber: string): string {
  const body = invoiceNumber.replace(/\D/g, '').slice(-26).padStart(26, '0');
  return `${body}${mod10Recursive(body)}`;
}

/** A decimal string modulo 97, a few digits at a time (the number is too long for a double). */
function mod97(digits: string): number {
  let rest = 0;
  for (let i = 0; i < digits.length; i += 7) rest = Number(`${rest}${digits.slice(i, i + 7)}`) % 97;
  return rest;
}

/** Letters as ISO 7064 numbers: A = 10 … Z = 35. */
const numeric = (s: string) => s.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));

/** The ISO 11649 creditor reference ("RF" and two check digits) of an invoice number; none when its letters and digits exceed 21. */
export function scorReference(invoiceNumber: string): string | undefined {
  const body = invoiceNumber.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (!body || body.length > 21) return undefined;
  const check = 98 - mod97(numeric(`${body}RF00`));
  return `RF${String(check).padStart(2, '0')}${body}`;
}

/** Whether an ISO 11649 creditor reference's check digits hold. */
export function isScorReference(ref: string): boolean {
  return /^RF\d{2}[A-Z0-9]{1,21}$/.test(ref) && mod97(numeric(`${ref.slice(4)}${ref.slice(0, 4)}`)) === 1;
}

/** The buyer of the invoice's snapshot as a structured address: "street, …, postal code town". */
function debtorOf(inv: Invoice): QrParty | undefined {
  const parts = (inv.buyerAddress ?? '').split(', ').filter(Boolean);
  // The last part is "postal code town"; a postal code has a digit ("3000", "FL-9490"), a street name ("Gasse 3") does not start with one.
  const town = /^(\S*\d\S*)\s+(.+)$/.exec(parts[parts.length - 1] ?? '');
  if (!inv.buyerName || !town || !inv.buyerCountry || !/^[A-Z]{2}$/.test(inv.buyerCountry)) return undefined;
  return {
    name: cut(inv.buyerName, MAX.name),
    street: cut(parts.slice(0, -1).join(', '), MAX.street),
    buildingNumber: '',
    postalCode: cut(town[1], MAX.postalCode),
    city: cut(town[2], MAX.city),
    country: inv.buyerCountry,
  };
}

/** "//S1/10/<number>/11/<YYMMDD>", with "\" and "/" in the number escaped by "\". */
function swicoS1(inv: Invoice): string {
  const esc = (s: string) => s.replace(/[\\/]/g, (c) => `\\${c}`);
  const date = inv.invoiceDate ? `/11/${inv.invoiceDate.slice(2, 4)}${inv.invoiceDate.slice(5, 7)}${inv.invoiceDate.slice(8, 10)}` : '';
  return `//S1/10/${esc(inv.number ?? '')}${date}`;
}

/** What in the seller's Settings keeps its invoices from a QR-bill, and the columns to fill. */
export function creditorProblem(t: Tenant): { problem: string; columns: string } | undefined {
  const account = electronicFormatIBAN(t.iban ?? '') ?? '';
  if (!account) return { problem: 'no IBAN', columns: 'IBAN column' };
  if (!/^(CH|LI)/.test(account) || !isValidIBAN(account)) return { problem: `the IBAN ${t.iban} is not a valid Swiss or Liechtenstein IBAN`, columns: 'IBAN column' };
  if (!t.postalCode || !t.city) return { problem: 'no postal code or city', columns: 'Postal Code and City columns' };
  return undefined;
}

/**
 * The QR-bill of an invoice, or what keeps it from having one: the creditor account must be a
 * valid CH or LI IBAN (or QR-IBAN), and the seller's postal code and town are required.
 */
export function swissQrBill(inv: Invoice, t: Tenant): { bill: SwissQrBill } | { problem: string } {
  const creditor = creditorProblem(t);
  if (creditor) return { problem: creditor.problem };
  const account = electronicFormatIBAN(t.iban ?? '') ?? '';
  const due = amountDue(inv);
  if (!inv.number || !due.gt(0) || due.gte(1e9)) return { problem: 'no number or no amount between 0.01 and 999,999,999.99' };
  if (inv.currency !== 'CHF' && inv.currency !== 'EUR') return { problem: `the currency ${inv.currency} is neither CHF nor EUR` };
  const qr = isQrIban(account);
  const scor = qr ? undefined : scorReference(inv.number);
  const debtor = debtorOf(inv);
  return {
    bill: {
      account,
      creditor: {
        name: cut(t.legalName, MAX.name),
        street: cut(t.street, MAX.street),
        buildingNumber: '',
        postalCode: cut(t.postalCode, MAX.postalCode),
        city: cut(t.city, MAX.city),
        country: t.country,
      },
      amount: due.toFixed(2),
      currency: inv.currency,
      ...(debtor ? { debtor } : {}),
      referenceType: qr ? 'QRR' : scor ? 'SCOR' : 'NON',
      reference: qr ? qrReference(inv.number) : (scor ?? ''),
      message: inv.number,
      billInformation: swicoS1(inv),
    },
  };
}

const address = (p: QrParty | undefined) => (p ? ['S', p.name, p.street, p.buildingNumber, p.postalCode, p.city, p.country] : ['', '', '', '', '', '', '']);

/**
 * The QR code's text (the "Swiss Payments Code"): header SPC / 0200 / 1 (UTF-8), the account,
 * the creditor (address type S), seven empty ultimate-creditor fields, amount and currency, the
 * debtor, reference type and reference, the message, the trailer EPD, then the bill information.
 */
export function spcPayload(b: SwissQrBill): string {
  return [
    'SPC',
    '0200',
    '1',
    b.account,
    ...address(b.creditor),
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    b.amount,
    b.currency,
    ...address(b.debtor),
    b.referenceType,
    b.reference,
    b.message,
    'EPD',
    b.billInformation,
  ].join('\n');
}

/** An IBAN in groups of four, as printed. */
export const formatIban = (iban: string) => iban.replace(/(.{4})(?=.)/g, '$1 ');

/** A reference as printed: a QR reference as 2 + groups of 5 digits, a creditor reference in groups of 4. */
export function formatReference(b: Pick<SwissQrBill, 'referenceType' | 'reference'>): string {
  if (b.referenceType === 'QRR') return `${b.reference.slice(0, 2)} ${b.reference.slice(2).replace(/(.{5})(?=.)/g, '$1 ')}`;
  return b.reference.replace(/(.{4})(?=.)/g, '$1 ');
}
