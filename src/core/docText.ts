// The words of an invoice document, host-independent: what the local PDF prints and what fills the
// placeholders of a Google Docs template. One place decides what an invoice says; the hosts only
// lay it out.
import type { Account, Invoice, InvoiceDoc, InvoiceLine, Tenant } from './model';
import { computeTotals } from './totals';
import { LEGAL_NOTES, TAX_CATEGORY_NAMES, fill, formatDate, formatMoney, formatNumber, formatQuantity, inLanguage, labels, unitName, type Labels } from './i18n';
import { daysInclusive } from './dates';
import { minorUnits, type Decimal } from './money';
import { formatIban, formatReference, isSwiss, swissQrBill, type QrParty, type SwissQrBill } from './swissQr';
import { isCreditorReference, printedReference } from './receivables/rf';
import { amountDue, isDirectDebit, paymentReferenceOf } from './einvoice/terms';

export interface LineText {
  no: string;
  description: string;
  period: string;
  quantity: string;
  unit: string;
  unitPrice: string;
  discount: string;
  net: string;
  taxRate: string;
}

export interface DocText {
  lang: string;
  L: Labels;
  /** "Rechnung RE-2026-00001" (a draft has no number yet). */
  title: string;
  /** "Credit note for invoice …" on credit notes. */
  credits: string;
  sellerLines: string[];
  /** The one-line sender above the address window. */
  senderLine: string;
  recipientLines: string[];
  /** Invoice data as label/value pairs, empty values left out. */
  info: [string, string][];
  lines: LineText[];
  /** Net total, VAT per category and rate, total, rounding and amount due when there is rounding. */
  totals: { label: string; value: string; strong: boolean }[];
  taxes: { category: string; rate: string; taxable: string; tax: string }[];
  /** Exemption and reverse-charge notes (and warnings on drafts). */
  notes: string;
  payment: string;
  /** The footer: name, address, VAT ID and IBAN, then the legal data (register, managing directors, tax number) when given. */
  footer: string;
  footerLines: string[];
  /** A Swiss invoice's QR-bill payment part (Swiss Payment Standards), when the seller's data allow one. */
  qrBill?: SwissQrBill;
  /** The payment part's text fields in the invoice's language (the Google Doc prints them below its QR code image). */
  qrText: string;
  /** Every {{placeholder}} of a document template: the names listed in the README. */
  fields: Record<string, string>;
}

/** How much of a text a document prints: at most `chars` characters (UTF-16 units, "…" included) on at most `lines` lines. */
export interface TextLimit {
  chars: number;
  lines: number;
}

/**
 * The most a document prints of each text that comes from the sheets. A real invoice needs far
 * less; a pasted 40,000-character cell would otherwise take the PDF minutes and gigabytes to lay
 * out and fill pages of a Google Doc. Longer texts end in "…"; the ledger and the e-invoice XML
 * keep them in full.
 */
export const TEXT_LIMITS = {
  /** A line's description: a paragraph or a short list. */
  description: { chars: 1000, lines: 20 },
  /** The unit of a line ("C62", "Stunden"). */
  unit: { chars: 30, lines: 1 },
  /** Buyer and seller names. */
  name: { chars: 200, lines: 3 },
  /** The buyer's address as the ledger keeps it (its parts joined by ", "), and how many address lines the recipient block shows. */
  address: { chars: 300, lines: 6 },
  /** Numbers, ids and references: invoice and customer number, VAT IDs, tax number, order and buyer reference, IBAN, BIC, mandate, creditor id. */
  reference: { chars: 100, lines: 1 },
  /** The seller's street, postal code, city, country, email, phone and bank; the buyer's country. */
  contact: { chars: 200, lines: 2 },
  /** The tax (exemption, reverse-charge) note, and the warnings a draft shows, each. */
  notes: { chars: 2000, lines: 30 },
} as const satisfies Record<string, TextLimit>;

/**
 * `s` within `limit`: the first `limit.lines` lines and at most `limit.chars` characters, ending in
 * "…" when anything was left out (never half of a surrogate pair, no blank before the "…").
 */
export function clip(s: string, limit: TextLimit): string {
  let end = Math.min(s.length, limit.chars);
  // The line feed that ends the last line allowed, when it comes before the character limit.
  let nl = -1;
  for (let i = 0; i < limit.lines && nl < end; i++) {
    nl = s.indexOf('\n', nl + 1);
    if (nl < 0) break;
  }
  if (nl >= 0 && nl < end) end = nl;
  // Nothing left out but blanks: no "…".
  if (end === s.length || !/\S/.test(s.slice(end))) return s.slice(0, end);
  end = Math.min(end, limit.chars - 1);
  const code = s.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${s.slice(0, end).trimEnd()}…`;
}

const clipped = (s: string | undefined, limit: TextLimit) => (s === undefined ? undefined : clip(s, limit));

/**
 * The one place where texts from the sheets are cut to what a document prints (TEXT_LIMITS): the
 * invoice's snapshot, the seller's settings, the customer's mandate and the lines, as copies.
 */
function onDocument(doc: InvoiceDoc, t: Tenant, account: Account | undefined): { inv: Invoice; t: Tenant; account: Account | undefined; lines: InvoiceLine[] } {
  const L = TEXT_LIMITS;
  const i = doc.invoice;
  const ref = (s: string | undefined) => clipped(s, L.reference);
  const contact = (s: string | undefined) => clipped(s, L.contact);
  return {
    inv: {
      ...i,
      number: ref(i.number),
      accountId: clip(i.accountId, L.reference),
      buyerVatId: ref(i.buyerVatId),
      orderReference: ref(i.orderReference),
      project: ref(i.project),
      paymentReference: ref(i.paymentReference),
      buyerReference: ref(i.buyerReference),
      originalNumber: ref(i.originalNumber),
      buyerName: clipped(i.buyerName, L.name),
      buyerAddress: clipped(i.buyerAddress, { chars: L.address.chars, lines: Infinity }),
      buyerCountry: contact(i.buyerCountry),
      taxNote: clipped(i.taxNote, L.notes),
      warnings: clipped(i.warnings, L.notes),
      reason: clipped(i.reason, L.notes),
    },
    t: {
      ...t,
      legalName: clip(t.legalName, L.name),
      street: contact(t.street),
      postalCode: contact(t.postalCode),
      city: contact(t.city),
      country: clip(t.country, L.contact),
      email: contact(t.email),
      phone: contact(t.phone),
      bankName: contact(t.bankName),
      vatId: ref(t.vatId),
      taxNumber: ref(t.taxNumber),
      registerCourt: contact(t.registerCourt),
      registerNumber: ref(t.registerNumber),
      managingDirectors: clipped(t.managingDirectors, L.name),
      iban: ref(t.iban),
      bic: ref(t.bic),
      creditorId: ref(t.creditorId),
    },
    account: account && { ...account, mandateReference: ref(account.mandateReference), iban: ref(account.iban) },
    lines: doc.lines.map((l) => ({ ...l, description: clip(l.description, L.description), unit: clipped(l.unit, L.unit) })),
  };
}

/** At most `max` lines; the last one shown ends in "…" when lines were left out. */
function firstLines(lines: string[], max: number): string[] {
  if (lines.length <= max) return lines;
  const kept = lines.slice(0, max);
  kept[max - 1] = `${kept[max - 1].trimEnd()}…`;
  return kept;
}

/** What a document knows beyond the invoice itself. */
export interface DocOptions {
  /** A preview: the warnings show too. */
  draft?: boolean;
  /** For a credit note: the invoice it credits, with its lines (its number, date and the service period of what is credited). */
  original?: InvoiceDoc;
  /** For a credit note: why it was issued (the ledger's Reason column when it has one). */
  reason?: string;
}

/** What a document prints, with the texts from the sheets clipped. */
export function documentText(doc: InvoiceDoc, tenant: Tenant, customer: Account | undefined, o: DocOptions = {}): DocText {
  const draft = o.draft ?? false;
  const d = onDocument(doc, tenant, customer);
  const { inv, t } = d;
  const lang = inv.language ?? t.language ?? 'en';
  const w: Words = { lang, L: labels(lang, { swiss: isSwiss(inv, t) }), money: (v) => formatMoney(v, inv.currency, lang) };
  const L = w.L;
  const credit = creditOf(w, inv, o);
  const servicePeriod = servicePeriodOf(doc, inv, lang, o.original);
  const info = infoRows(w, inv, t, servicePeriod, credit);
  const lines = d.lines.map((l) => lineText(w, l, minorUnits(inv.currency)));
  const taxes = taxRows(w, doc, inv);
  const notes = [taxNotes(doc, inv, lang), inv.warnings && draft ? `(${inv.warnings})` : ''].filter(Boolean).join('\n');
  const payment = paymentText(w, inv, t, d.account);
  const cityLine = [t.postalCode, t.city].filter(Boolean).join(' ');
  const footerLines = footerOf(L, t, cityLine);
  const footer = footerLines.join('\n');
  const { qrBill, qrText } = paymentPart(L, doc.invoice, tenant);
  const recipientLines = recipientOf(inv, t);
  const sellerLines = [t.street ?? '', cityLine, t.country, t.email ?? '', t.phone ?? ''].filter(Boolean);
  const title = `${credit.cancellation ? L.cancellation : L[inv.type]} ${inv.number ?? ''}`.trim();
  const credits = credit.text;
  const senderLine = `${t.legalName} · ${[t.street, cityLine].filter(Boolean).join(' · ')}`;
  const fields = templateFields(w, inv, t, {
    title,
    type: credit.cancellation ? L.cancellation : L[inv.type],
    credits,
    servicePeriod,
    buyerAddress: recipientLines.slice(1).join('\n'),
    recipient: recipientLines.join('\n'),
    sellerAddress: sellerLines.join('\n'),
    senderLine,
    info: info.map(([k, v]) => `${k}: ${v}`).join('\n'),
    notes,
    payment,
    footer,
    qrBill: qrText,
  });
  return {
    lang,
    L,
    title,
    credits,
    sellerLines,
    senderLine,
    recipientLines,
    info,
    lines,
    totals: totalRows(w, inv, taxes),
    taxes,
    notes,
    payment,
    footer,
    footerLines,
    ...(qrBill ? { qrBill } : {}),
    qrText,
    fields,
  };
}

/** The VAT per category and rate. */
function taxRows({ lang, money }: Words, doc: InvoiceDoc, inv: Invoice): DocText['taxes'] {
  return computeTotals(doc.lines, { currency: inv.currency }).groups.map((g) => ({ category: g.category, rate: `${formatQuantity(g.rate, lang)} %`, taxable: money(g.taxable), tax: money(g.tax) }));
}

/** The address window: the buyer's name, address lines and a country other than the seller's. */
function recipientOf(inv: Invoice, t: Tenant): string[] {
  const address = firstLines((inv.buyerAddress ?? '').split(', ').filter(Boolean), TEXT_LIMITS.address.lines);
  return [inv.buyerName ?? '', ...address, inv.buyerCountry && inv.buyerCountry !== t.country ? inv.buyerCountry : ''].filter(Boolean);
}

/** The footer: name, address, VAT ID and IBAN, then the legal data when any is given. */
function footerOf(L: Labels, t: Tenant, cityLine: string): string[] {
  const contact = [t.legalName, [t.street, cityLine].filter(Boolean).join(', '), t.vatId ? `${L.ourVatId} ${t.vatId}` : '', t.iban ? `IBAN ${t.iban}` : ''];
  return [contact.filter(Boolean).join(' · '), legalLine(L, t)].filter(Boolean);
}

/** A Swiss invoice's QR-bill and its fields as text; nothing for other documents or when the seller's data allow none (the draft's warning says why). */
function paymentPart(L: Labels, inv: Invoice, t: Tenant): { qrBill?: SwissQrBill; qrText: string } {
  const qr = inv.type === 'invoice' && isSwiss(inv, t) ? swissQrBill(inv, t) : undefined;
  return qr && 'bill' in qr ? { qrBill: qr.bill, qrText: qrBillText(L, qr.bill) } : { qrText: '' };
}

/** The seller's legal data (§35a GmbHG, §14 UStG): register court and number, managing directors, tax number; each only when given, so no label stands alone. */
function legalLine(L: Labels, t: Tenant): string {
  const register = [t.registerCourt, t.registerNumber].filter(Boolean).join(', ');
  return [register && `${L.register}: ${register}`, t.managingDirectors && `${L.managingDirectors}: ${t.managingDirectors}`, t.taxNumber && `${L.taxNumber}: ${t.taxNumber}`]
    .filter(Boolean)
    .join(' · ');
}

/** The payment part's fields as text: account and creditor, reference, additional information, debtor, currency and amount. */
function qrBillText(L: Labels, b: SwissQrBill): string {
  const party = (p: QrParty) => [p.name, [p.street, p.buildingNumber].filter(Boolean).join(' '), `${p.postalCode} ${p.city}`].filter(Boolean).join(', ');
  return [
    L.qrPaymentPart,
    `${L.qrAccount}: ${formatIban(b.account)} · ${party(b.creditor)}`,
    b.reference ? `${L.qrReference}: ${formatReference(b)}` : '',
    `${L.qrAdditionalInfo}: ${b.message}`,
    b.debtor ? `${L.qrPayableBy}: ${party(b.debtor)}` : '',
    `${L.qrCurrency}: ${b.currency} · ${L.qrAmount}: ${b.amount}`,
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * The exemption and reverse-charge notes in the invoice's language: for a known VATEX code the
 * law's wording from the language tables (the TaxRules text is one language for every customer),
 * for any other code the rule's own text; the invoice's snapshot when the lines carry none.
 */
function taxNotes(doc: InvoiceDoc, inv: Invoice, lang: string): string {
  const legal = inLanguage(LEGAL_NOTES, lang);
  const fromLines = doc.lines.filter((l) => l.exemptionCode || l.exemptionText).map((l) => (l.exemptionCode && legal[l.exemptionCode]) || l.exemptionText || '');
  const notes = [...new Set(fromLines.filter(Boolean))];
  return clip(notes.length ? notes.join('\n') : (inv.taxNote ?? ''), TEXT_LIMITS.notes);
}

/** The ledger's engine words in a line description, in the document's language: "Credit on invoice …" (older credit notes) and a tier's "fee". */
function describe(L: Labels, l: InvoiceLine): string {
  const credit = l.kind === 'credit' ? /^Credit on invoice (\S+)(?: \(([A-Z]{1,2}) ([\d.]+)%\))?$/.exec(l.description) : null;
  if (credit) return `${L.credits} ${credit[1]}${credit[3] ? ` (${L.vat} ${credit[3]} %)` : ''}`;
  return l.itemId ? l.description.replace(/\(([\d.,]+(?:–[\d.,]+|\+)) fee\)$/, (_m, tier: string) => `(${tier} ${L.fee})`) : l.description;
}

/** The language of a document, its labels and its money format. */
interface Words {
  lang: string;
  L: Labels;
  money: (v: Parameters<typeof formatMoney>[0]) => string;
}

/** A credit note's reference to what it credits: whether it cancels the whole invoice, the "credits" line and the original's number and date. */
interface CreditRef {
  cancellation: boolean;
  text: string;
  number: string;
  date: string;
}

function creditOf({ lang, L }: Words, inv: Invoice, o: DocOptions): CreditRef {
  if (inv.type !== 'credit_note') return { cancellation: false, text: '', number: '', date: '' };
  const orig = o.original?.invoice;
  const number = clip(orig?.number ?? inv.originalNumber ?? '', TEXT_LIMITS.reference);
  const date = formatDate(orig?.invoiceDate, lang);
  // A cancellation is the one credit note of an invoice it cancelled (a partial credit leaves the invoice open).
  const cancellation = !!orig && orig.status === 'Cancelled' && (orig.creditNoteIds ?? '').split(/,\s*/).filter(Boolean).length === 1 && orig.creditNoteIds?.trim() === inv.number;
  const ref = number ? `${cancellation ? L.cancels : L.credits} ${number}${date ? ` ${L.dated} ${date}` : ''}` : '';
  const given = (inv.reason ?? o.reason ?? '').trim();
  const reason = given ? `${L.reason}: ${clip(given, TEXT_LIMITS.notes)}` : '';
  return { cancellation, text: [ref, reason].filter(Boolean).join('\n'), number, date };
}

/**
 * The service period the lines bill (a quarter in advance, catch-up months), not just the run's
 * month. A credit note of an amount has lines without a period: its period is that of the
 * original's lines at the credited VAT rates, never the run's month it was copied from.
 */
function servicePeriodOf(doc: InvoiceDoc, inv: Invoice, lang: string, original: InvoiceDoc | undefined): string {
  if (inv.type === 'credit_note' && !doc.lines.some((l) => l.serviceStart)) {
    const credited = new Set(doc.lines.map((l) => `${l.taxCategory}|${l.taxRate.toString()}`));
    const lines = (original?.lines ?? []).filter((l) => credited.has(`${l.taxCategory}|${l.taxRate.toString()}`));
    return lines.some((l) => l.serviceStart) ? servicePeriodOf({ invoice: inv, lines }, inv, lang, undefined) : '';
  }
  const starts = doc.lines
    .map((l) => l.serviceStart)
    .filter((d): d is string => !!d)
    .sort();
  const ends = doc.lines
    .map((l) => l.serviceEnd ?? l.serviceStart)
    .filter((d): d is string => !!d)
    .sort();
  const [from, to] = starts.length ? [starts[0], ends[ends.length - 1]] : [inv.periodStart, inv.periodEnd];
  return from ? (to && to !== from ? `${formatDate(from, lang)} – ${formatDate(to, lang)}` : formatDate(from, lang)) : '';
}

/** Invoice data as label/value pairs, empty values left out. */
function infoRows({ lang, L }: Words, inv: Invoice, t: Tenant, servicePeriod: string, credit: CreditRef): [string, string][] {
  const note = inv.type === 'credit_note';
  return (
    [
      [note ? L.creditNumber : L.number, inv.number ?? L.draft],
      [note ? L.creditDate : L.date, formatDate(inv.invoiceDate, lang)],
      // A credit note is not paid by a date: no due date.
      [L.due, note ? '' : formatDate(inv.dueDate, lang)],
      [L.customer, inv.accountId],
      [L.originalInvoice, credit.number],
      [L.originalDate, credit.date],
      [L.servicePeriod, servicePeriod],
      [L.yourVatId, inv.buyerVatId ?? ''],
      [L.ourVatId, t.vatId ?? ''],
      [L.taxNumber, t.vatId ? '' : (t.taxNumber ?? '')],
      [L.orderRef, inv.orderReference ?? ''],
      [L.project, inv.project ?? ''],
      [L.buyerRef, inv.buyerReference ?? ''],
    ] as [string, string][]
  ).filter(([, v]) => v);
}

function lineText({ lang, L }: Words, l: InvoiceLine, places: number): LineText {
  return {
    no: String(l.lineNo),
    description: describe(L, l),
    period:
      l.serviceStart && l.serviceEnd && l.serviceEnd !== l.serviceStart
        ? `${formatDate(l.serviceStart, lang)} – ${formatDate(l.serviceEnd, lang)}${prorated(L, l.serviceStart, l.serviceEnd, l.periodFactor)}`
        : l.serviceStart
          ? formatDate(l.serviceStart, lang)
          : '',
    quantity: formatQuantity(l.quantity, lang),
    unit: unitName(l.unit, lang),
    unitPrice: formatNumber(l.unitPrice, Math.max(places, Math.min(6, l.unitPrice.decimalPlaces())), lang),
    discount: l.discountPercent && !l.discountPercent.isZero() ? `${formatQuantity(l.discountPercent, lang)} %` : '',
    net: formatNumber(l.net, places, lang),
    taxRate: `${formatQuantity(l.taxRate, lang)} %`,
  };
}

/** A prorated line's share as days: " (16 of 30 days)"; the factor is days served / days of the full period. */
function prorated(L: Labels, start: string, end: string, factor: Decimal | undefined): string {
  if (!factor || factor.eq(1) || factor.lte(0)) return '';
  const days = daysInclusive(start, end);
  return ` (${fill(L.prorated, { days, total: Math.round(days / factor.toNumber()) })})`;
}

/** Net total, VAT per category and rate, total, and rounding and amount due when there is rounding. */
function totalRows({ lang, L, money }: Words, inv: Invoice, taxes: DocText['taxes']): DocText['totals'] {
  return [
    { label: L.netTotal, value: money(inv.net), strong: false },
    // The category in words where the rate does not say it, never its code; mid-sentence the first letter is lower case, except in German, which capitalises nouns.
    ...taxes.map((g) => {
      const category = inLanguage(TAX_CATEGORY_NAMES, lang)[g.category];
      const taxable = lang === 'de' ? L.taxable : L.taxable.charAt(0).toLowerCase() + L.taxable.slice(1);
      return { label: `${L.vat} ${g.rate}${category ? ` ${category}` : ''} ${taxable} ${g.taxable}`, value: g.tax, strong: false };
    }),
    { label: L.gross, value: money(inv.gross), strong: true },
    ...(inv.rounding.isZero() ? [] : [{ label: L.rounding, value: money(inv.rounding), strong: false }]),
    // An account credit applied at finalization is printed as already paid; the amount due is what is left.
    ...(inv.prepaid && !inv.prepaid.isZero() ? [{ label: L.prepaid, value: money(inv.prepaid.neg()), strong: false }] : []),
    ...(inv.rounding.isZero() && (!inv.prepaid || inv.prepaid.isZero()) ? [] : [{ label: L.payable, value: money(amountDue(inv)), strong: true }]),
  ];
}

/** The invoice's ISO 11649 payment reference in groups of four (BT-83 without the spaces); empty for a credit note, a draft or a number too long for one. */
function printedPaymentReference(inv: Invoice): string {
  if (inv.type === 'credit_note') return '';
  const ref = paymentReferenceOf(inv);
  return ref && isCreditorReference(ref) ? printedReference(ref) : '';
}

/** An IBAN as a pre-notification shows it: the country and the last four characters ("DE…1234"). */
export function maskedIban(iban: string): string {
  const s = iban.replace(/\s+/g, '');
  return s.length > 6 ? `${s.slice(0, 2)}…${s.slice(-4)}` : s;
}

/**
 * How to pay: for a direct debit the pre-notification (amount, collection date = due date, mandate,
 * creditor id, the debtor's masked IBAN: the same values as the e-invoice's BT-89..BT-91), else the
 * bank transfer details with the payment reference (BT-83) in groups of four; nothing on a credit note.
 */
function paymentText({ L, lang, money }: Words, inv: Invoice, t: Tenant, account: Account | undefined): string {
  if (inv.type === 'credit_note') return '';
  if (isDirectDebit(inv, account)) {
    if (inv.dueDate && t.creditorId && account.iban) {
      return fill(L.preNotification, {
        amount: money(amountDue(inv)),
        date: formatDate(inv.dueDate, lang),
        mandate: account.mandateReference,
        creditorId: t.creditorId,
        iban: maskedIban(account.iban),
      });
    }
    return `${L.directDebit} ${account.mandateReference}${t.creditorId ? ` · ${L.creditorId} ${t.creditorId}` : ''}${account.iban ? ` · IBAN ${maskedIban(account.iban)}` : ''}`;
  }
  if (!t.iban) return '';
  const rf = printedPaymentReference(inv);
  const quoted = rf ? ` · ${L.paymentReference}: ${rf}` : inv.number ? ` · ${L.reference}: ${inv.number}` : '';
  return `${rf ? L.transferReference : L.transfer}\nIBAN ${t.iban}${t.bic ? ` · BIC ${t.bic}` : ''}${t.bankName ? ` · ${t.bankName}` : ''}${quoted}`;
}

/** Every {{placeholder}} of a document template (the README lists them), from the parts already worded. */
function templateFields(
  { lang, L, money }: Words,
  inv: Invoice,
  t: Tenant,
  worded: Record<'title' | 'type' | 'credits' | 'servicePeriod' | 'buyerAddress' | 'recipient' | 'sellerAddress' | 'senderLine' | 'info' | 'notes' | 'payment' | 'footer' | 'qrBill', string>,
): Record<string, string> {
  return {
    title: worded.title,
    type: worded.type,
    number: inv.number ?? L.draft,
    credits: worded.credits,
    invoiceDate: formatDate(inv.invoiceDate, lang),
    dueDate: formatDate(inv.dueDate, lang),
    servicePeriod: worded.servicePeriod,
    customerNumber: inv.accountId,
    buyerName: inv.buyerName ?? '',
    buyerAddress: worded.buyerAddress,
    recipient: worded.recipient,
    buyerVatId: inv.buyerVatId ?? '',
    buyerReference: inv.buyerReference ?? '',
    orderReference: inv.orderReference ?? '',
    project: inv.project ?? '',
    paymentReference: printedPaymentReference(inv),
    sellerName: t.legalName,
    sellerAddress: worded.sellerAddress,
    senderLine: worded.senderLine,
    sellerVatId: t.vatId ?? '',
    sellerTaxNumber: t.taxNumber ?? '',
    registerCourt: t.registerCourt ?? '',
    registerNumber: t.registerNumber ?? '',
    managingDirectors: t.managingDirectors ?? '',
    sellerEmail: t.email ?? '',
    sellerPhone: t.phone ?? '',
    iban: t.iban ?? '',
    bic: t.bic ?? '',
    bankName: t.bankName ?? '',
    currency: inv.currency,
    net: money(inv.net),
    tax: money(inv.tax),
    gross: money(inv.gross),
    rounding: money(inv.rounding),
    // The amount due: Payable less what an account credit paid of it (Prepaid).
    payable: money(amountDue(inv)),
    prepaid: inv.prepaid ? money(inv.prepaid) : '',
    info: worded.info,
    notes: worded.notes,
    payment: worded.payment,
    footer: worded.footer,
    qrBill: worded.qrBill,
    ...Object.fromEntries(Object.entries(L).map(([k, v]) => [`label.${k}`, v])),
  };
}
