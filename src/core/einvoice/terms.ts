// The EN 16931 business terms of a finalized invoice or credit note, from the ledger (not from the
// PDF): one neutral model that the UBL and CII writers put into their syntax. Amounts are strings
// with the currency's decimals (at most 2); credit notes carry positive amounts (type code 381).
import { BillingError } from '../errors';
import { deductionRefOf, formatDate, labels } from '../i18n';
import { D, minorUnits, roundMoney, type Decimal } from '../money';
import type { Account, Contact, Invoice, InvoiceDoc, InvoiceLine, TaxCategory, Tenant } from '../model';
import { creditorReference } from '../receivables/rf';
import { computeTotals, type TaxGroup } from '../totals';
import { unitCode } from './units';

export interface EParty {
  name: string;
  street?: string;
  city?: string;
  postalCode?: string;
  country: string;
  vatId?: string;
  /** BT-32: the seller's tax number when there is no VAT ID. */
  taxNumber?: string;
  /** BT-34 / BT-49 with its scheme (EM = email). */
  endpoint?: { id: string; scheme: string };
}

export interface ELine {
  id: string;
  quantity: string;
  unitCode: string;
  net: string;
  name: string;
  description?: string;
  period?: { start: string; end: string };
  /** BT-146: net price, never negative. */
  price: string;
  /** Line allowance (BG-27) or charge (BG-28): discounts and pro-rata reductions, so that net = quantity × price − allowance + charge (R120). */
  allowance?: { amount: string; reason: string; code: string };
  charge?: { amount: string; reason: string; code: string };
  category: TaxCategory;
  rate: string;
}

export interface EVat {
  category: TaxCategory;
  rate: string;
  taxable: string;
  tax: string;
  exemptionCode?: string;
  exemptionText?: string;
}

export interface EInvoice {
  /** 380 invoice and final invoice, 381 credit note, 386 prepayment invoice, 326 partial invoice. */
  typeCode: TypeCode;
  number: string;
  issueDate: string;
  dueDate?: string;
  currency: string;
  notes: string[];
  buyerReference: string;
  orderReference?: string;
  preceding?: { number: string; issueDate?: string };
  /** BG-3 of a final invoice: the prepayment and partial invoices it deducts (BT-25, BT-26). */
  precedingInvoices?: { number: string; issueDate?: string }[];
  /** BT-11: the project a prepayment, partial or final invoice belongs to. */
  project?: string;
  period?: { start: string; end: string };
  /** BT-72, the supply date: the last day of the invoice period, else the issue date (§14 Abs. 4 Nr. 6 UStG reads an invoice that names no other day so). */
  deliveryDate: string;
  /** BG-15 deliver-to address, written for intra-community supplies (BR-IC-12): the buyer's address. */
  delivery?: { street?: string; city?: string; postalCode?: string; country: string };
  seller: EParty & { contact: { name: string; phone?: string; email?: string }; creditorId?: string };
  buyer: EParty;
  payment: {
    /** 58 SEPA credit transfer, 59 SEPA direct debit, 1 not defined. */
    code: '58' | '59' | '1';
    remittance: string;
    iban?: string;
    bic?: string;
    accountName?: string;
    mandate?: { reference: string; debitedIban?: string };
  };
  paymentTerms?: string;
  lines: ELine[];
  vat: EVat[];
  /**
   * prepaid: BT-113, written only when the ledger's Prepaid is not 0: an account credit applied at
   * finalization (a final invoice deducts its earlier invoices as lines instead, see manual.ts).
   */
  totals: { lines: string; taxExclusive: string; tax: string; taxInclusive: string; prepaid?: string; rounding?: string; payable: string };
}

export type TypeCode = '380' | '381' | '386' | '326';

/**
 * BT-3 per invoice type (UNTDID 1001): a prepayment invoice 386; a partial invoice 326 (Partial
 * invoice: the code XRechnung's BR-DE-17 lists for an Abschlagsrechnung; 875–877 are for
 * construction work under VOB); a final invoice 380 with the invoices it deducts in BG-3. 386 is
 * valid in EN 16931 and Peppol; XRechnung's BR-DE-17 warns about it (a warning, not an error).
 */
export const TYPE_CODES: Record<Exclude<Invoice['type'], 'pro_forma'>, TypeCode> = { invoice: '380', credit_note: '381', prepayment: '386', partial: '326', final: '380' };

/** The remittance information an invoice asks for (BT-83): its ISO 11649 reference (made from the number for one finalized before references existed), else its number. */
export function paymentReferenceOf(inv: Pick<Invoice, 'paymentReference' | 'number'>): string | undefined {
  return inv.paymentReference || (inv.number ? (creditorReference(inv.number) ?? inv.number) : undefined);
}

/** What is left to pay when the invoice is issued: Payable less Prepaid (an account credit applied at finalization). */
export function amountDue(inv: Pick<Invoice, 'payable' | 'prepaid'>): Decimal {
  return inv.prepaid ? inv.payable.minus(inv.prepaid) : inv.payable;
}

/** Whether an invoice is collected by direct debit (an invoice of any kind but a credit note or pro-forma, of an account with a mandate). */
export function isDirectDebit(inv: Pick<Invoice, 'type'>, a: Account | undefined): a is Account & { mandateReference: string } {
  return inv.type !== 'credit_note' && inv.type !== 'pro_forma' && a?.paymentMethod === 'direct_debit' && !!a.mandateReference;
}

/** The earlier invoices a final invoice deducts, from its deduction lines, each once. */
function precedingOf(lines: readonly InvoiceLine[]): { number: string; issueDate?: string }[] {
  const out = new Map<string, { number: string; issueDate?: string }>();
  for (const l of lines) {
    const ref = l.kind === 'deduction' ? deductionRefOf(l.description) : undefined;
    if (ref && !out.has(ref.number)) out.set(ref.number, { number: ref.number, issueDate: ref.date });
  }
  return [...out.values()];
}

export interface TermsContext {
  tenant: Tenant;
  account?: Account;
  contacts: readonly Contact[];
  /** For a credit note: the invoice it credits (BT-25, BT-26). */
  original?: { number?: string; invoiceDate?: string };
}

const EU_REASONS: Partial<Record<TaxCategory, string>> = {
  AE: 'Reverse charge',
  K: 'Intra-community supply',
  G: 'Export outside the EU',
  E: 'Exempt from VAT',
  O: 'Not subject to VAT',
};

/** A decimal as the e-invoice writes it: fixed decimals, no grouping, "-" for negatives. */
function amount(v: Decimal, places: number): string {
  const s = v.toFixed(places);
  return /^-0(\.0+)?$/.test(s) ? s.slice(1) : s;
}

/** A quantity or price: as many decimals as it has (at most 6), without trailing zeros. */
function plain(v: Decimal): string {
  return v.toDecimalPlaces(6).toFixed();
}

/** The ledger's address snapshot "street, postcode city" back into its parts. */
export function addressOf(snapshot: string): { street?: string; postalCode?: string; city?: string } {
  const parts = snapshot.split(', ').filter(Boolean);
  const last = parts.pop() ?? '';
  const m = /^(\S*\d\S*)\s+(.+)$/.exec(last);
  return {
    street: parts.join(', ') || undefined,
    postalCode: m ? m[1] : undefined,
    city: m ? m[2] : last || undefined,
  };
}

/** The invoice period (BG-14): the run's period widened to every line's period (PEPPOL-EN16931-R110/R111). */
function periodOf(start: string | undefined, end: string | undefined, lines: ELine[]): EInvoice['period'] {
  const starts = [start, ...lines.map((l) => l.period?.start)].filter((d): d is string => !!d).sort();
  const ends = [end, ...lines.map((l) => l.period?.end)].filter((d): d is string => !!d).sort();
  return starts.length && ends.length ? { start: starts[0], end: ends[ends.length - 1] } : undefined;
}

export function invoiceTerms(doc: InvoiceDoc, c: TermsContext): EInvoice {
  const inv = doc.invoice;
  const { number, invoiceDate } = inv;
  if (inv.status === 'Draft' || !number || !invoiceDate) throw new BillingError(`invoice ${inv.invoiceId} is not finalized: e-invoices are made of finalized invoices only`);
  if (inv.type === 'pro_forma') throw new BillingError(`${number} is a pro-forma invoice: it has no e-invoice`);
  const t = c.tenant;
  const a = c.account;
  const places = minorUnits(inv.currency);
  if (places > 2) throw new BillingError(`${number}: EN 16931 allows amounts with at most 2 decimals; ${inv.currency} has ${places}, so this invoice gets no e-invoice`);
  // Credit notes are written with positive amounts; their ledger lines are negative.
  const sign = inv.type === 'credit_note' ? -1 : 1;
  const money = (v: Decimal) => amount(v.times(sign), places);
  const lang = inv.language ?? t.language ?? 'en';
  const lines = doc.lines.map((l) => eLine(l, { sign, currency: inv.currency, places }));
  const vat = computeTotals(doc.lines, { currency: inv.currency, mode: t.roundingMode }).groups.map((g) => eVat(g, money));
  const payment = paymentOf(inv, t, a);
  const mandate = payment.mandate;
  const precedingInvoices = inv.type === 'final' ? precedingOf(doc.lines) : [];
  const rounding = inv.rounding.times(sign);
  const preceding = inv.type === 'credit_note' ? (c.original?.number ?? inv.originalNumber) : undefined;
  const period = periodOf(inv.periodStart, inv.periodEnd, lines);
  const terms: EInvoice = {
    typeCode: TYPE_CODES[inv.type],
    number,
    issueDate: invoiceDate,
    dueDate: inv.type === 'credit_note' ? undefined : inv.dueDate,
    currency: inv.currency,
    notes: [inv.taxNote ?? ''].filter(Boolean),
    // BT-10: the Leitweg-ID or buyer reference; otherwise the customer number printed on the invoice.
    buyerReference: inv.buyerReference ?? a?.buyerReference ?? inv.accountId,
    orderReference: inv.orderReference,
    preceding: preceding ? { number: preceding, issueDate: c.original?.invoiceDate } : undefined,
    precedingInvoices: precedingInvoices.length ? precedingInvoices : undefined,
    project: inv.project || undefined,
    period,
    deliveryDate: period?.end ?? invoiceDate,
    seller: sellerParty(t, { directDebit: !!mandate }),
    buyer: buyerParty(inv, a, { contacts: c.contacts, sellerCountry: t.country }),
    payment,
    paymentTerms: inv.type === 'credit_note' || !inv.dueDate ? undefined : `${labels(lang).due} ${formatDate(inv.dueDate, lang)}`,
    lines,
    vat,
    totals: {
      lines: money(inv.net),
      taxExclusive: money(inv.net),
      tax: money(inv.tax),
      taxInclusive: money(inv.gross),
      prepaid: inv.prepaid && !inv.prepaid.isZero() ? money(inv.prepaid) : undefined,
      rounding: rounding.isZero() ? undefined : amount(rounding, places),
      // BT-115 = BT-112 − BT-113 + BT-114 (BR-CO-16): the ledger's Payable is what was billed, Prepaid what an account credit paid of it.
      payable: money(amountDue(inv)),
    },
  };
  if (vat.some((v) => v.category === 'K')) {
    const b = terms.buyer;
    terms.delivery = { street: b.street, city: b.city, postalCode: b.postalCode, country: b.country };
  }
  return terms;
}

/** BG-16: direct debit with the mandate (BT-89, BT-91), else SEPA transfer to the seller's IBAN; the payment reference as remittance (BT-83). */
function paymentOf(inv: Invoice, t: Tenant, a: Account | undefined): EInvoice['payment'] {
  const remittance = paymentReferenceOf(inv) ?? inv.number ?? '';
  if (isDirectDebit(inv, a)) return { code: '59', remittance, mandate: { reference: a.mandateReference, debitedIban: a.iban } };
  return t.iban ? { code: '58', remittance, iban: t.iban.replace(/\s+/g, ''), bic: t.bic, accountName: t.legalName } : { code: '1', remittance };
}

/** A ledger line as the e-invoice writes it: positive price, the sign on the quantity, the rounding difference as a line allowance or charge. */
function eLine(l: InvoiceLine, o: { sign: 1 | -1; currency: string; places: number }): ELine {
  const net = l.net.times(o.sign);
  // Price is never negative (BR-27): a negative line is a negative quantity at a positive price.
  const qtySign = net.isNegative() || (net.isZero() && l.quantity.times(o.sign).isNegative()) ? -1 : 1;
  const quantity = l.quantity.abs().times(qtySign);
  const price = l.unitPrice.abs();
  // R120 is checked on the written numbers: the gross comes from them, not from more precise ones.
  const gross = roundMoney(new D(plain(quantity)).times(new D(plain(price))), o.currency);
  const diff = gross.minus(net);
  const why =
    [l.discountPercent && !l.discountPercent.isZero() ? `${plain(l.discountPercent)} % discount` : '', l.periodFactor && !l.periodFactor.eq(1) ? `pro rata ${plain(l.periodFactor)} of the period` : '']
      .filter(Boolean)
      .join(', ') || 'price adjustment';
  return {
    id: String(l.lineNo),
    quantity: plain(quantity),
    unitCode: unitCode(l.unit),
    net: amount(net, o.places),
    name: l.description,
    period: l.serviceStart ? { start: l.serviceStart, end: l.serviceEnd ?? l.serviceStart } : undefined,
    price: plain(price),
    // For a negative quantity the allowance sign flips with it: the difference is always written so that net = gross − allowance + charge.
    ...(diff.gt(0) ? { allowance: { amount: amount(diff, o.places), reason: why, code: '95' } } : {}),
    ...(diff.lt(0) ? { charge: { amount: amount(diff.neg(), o.places), reason: why, code: 'ZZZ' } } : {}),
    category: l.taxCategory,
    rate: plain(l.taxRate),
  };
}

/** A VAT breakdown entry; categories other than standard, zero and the Canary/Ceuta ones carry their exemption reason. */
function eVat(g: TaxGroup, money: (v: Decimal) => string): EVat {
  return {
    category: g.category,
    rate: plain(g.rate),
    taxable: money(g.taxable),
    tax: money(g.tax),
    ...(g.category !== 'S' && g.category !== 'Z' && g.category !== 'L' && g.category !== 'M' ? { exemptionCode: g.exemptionCode, exemptionText: g.exemptionText ?? EU_REASONS[g.category] } : {}),
  };
}

function sellerParty(t: Tenant, o: { directDebit: boolean }): EInvoice['seller'] {
  return {
    name: t.legalName,
    street: t.street,
    city: t.city,
    postalCode: t.postalCode,
    country: t.country.toUpperCase(),
    vatId: t.vatId,
    taxNumber: t.vatId ? undefined : t.taxNumber,
    endpoint: t.email ? { id: t.email, scheme: 'EM' } : undefined,
    contact: { name: t.contactName ?? t.legalName, phone: t.phone, email: t.email },
    creditorId: o.directDebit ? t.creditorId : undefined,
  };
}

/** The buyer as invoiced (the ledger's snapshot), with the account's invoice contact as endpoint. */
function buyerParty(inv: Invoice, a: Account | undefined, o: { contacts: readonly Contact[]; sellerCountry: string }): EParty {
  const invoiceContact = o.contacts.find((x) => x.accountId === inv.accountId && x.role === 'invoice' && x.active !== false);
  return {
    name: inv.buyerName ?? a?.name ?? inv.accountId,
    // The address the invoice was issued to (its ledger snapshot), not where the customer lives today.
    ...(inv.buyerAddress !== undefined ? addressOf(inv.buyerAddress) : { street: a?.street, city: a?.city, postalCode: a?.postalCode }),
    country: (inv.buyerCountry ?? a?.country ?? o.sellerCountry).toUpperCase(),
    vatId: inv.buyerVatId,
    endpoint: invoiceContact ? { id: invoiceContact.email.trim(), scheme: 'EM' } : undefined,
  };
}

export type { EInvoiceFormat } from './mandate';
export { formatFor } from './mandate';
