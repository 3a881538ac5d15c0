// The words of an invoice document, host-independent: what the local PDF prints and what fills the
// placeholders of a Google Docs template. One place decides what an invoice says; the hosts only
// lay it out.
import type { Account, InvoiceDoc, Tenant } from './model';
import { computeTotals } from './totals';
import { formatDate, formatMoney, formatNumber, formatQuantity, labels, type Labels } from './i18n';
import { minorUnits } from './money';

export interface LineText {
  no: string; description: string; period: string; quantity: string; unit: string;
  unitPrice: string; discount: string; net: string; taxRate: string;
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
  footer: string;
  /** Every {{placeholder}} of a document template: the names listed in the README. */
  fields: Record<string, string>;
}

export function documentText(doc: InvoiceDoc, t: Tenant, account: Account | undefined, draft = false): DocText {
  const inv = doc.invoice;
  const lang = inv.language ?? t.language ?? 'en';
  const L = labels(lang);
  const money = (v: Parameters<typeof formatMoney>[0]) => formatMoney(v, inv.currency, lang);
  const places = minorUnits(inv.currency);
  const cityLine = [t.postalCode, t.city].filter(Boolean).join(' ');
  // The service period the lines bill (a quarter in advance, catch-up months), not just the run's month.
  const starts = doc.lines.map((l) => l.serviceStart).filter((d): d is string => !!d).sort();
  const ends = doc.lines.map((l) => l.serviceEnd ?? l.serviceStart).filter((d): d is string => !!d).sort();
  const [from, to] = starts.length ? [starts[0], ends[ends.length - 1]] : [inv.periodStart, inv.periodEnd];
  const servicePeriod = from ? (to && to !== from ? `${formatDate(from, lang)} – ${formatDate(to, lang)}` : formatDate(from, lang)) : '';
  const number = inv.number ?? L.draft;

  const info: [string, string][] = ([
    [L.number, number],
    [L.date, formatDate(inv.invoiceDate, lang)],
    [L.due, formatDate(inv.dueDate, lang)],
    [L.customer, inv.accountId],
    [L.servicePeriod, servicePeriod],
    [L.yourVatId, inv.buyerVatId ?? ''],
    [L.ourVatId, t.vatId ?? ''],
    [L.taxNumber, t.vatId ? '' : t.taxNumber ?? ''],
    [L.orderRef, inv.orderReference ?? ''],
    [L.buyerRef, inv.buyerReference ?? ''],
  ] as [string, string][]).filter(([, v]) => v);

  const lines = doc.lines.map((l): LineText => ({
    no: String(l.lineNo),
    description: l.description,
    period: l.serviceStart && l.serviceEnd && l.serviceEnd !== l.serviceStart
      ? `${formatDate(l.serviceStart, lang)} – ${formatDate(l.serviceEnd, lang)}${l.periodFactor && !l.periodFactor.eq(1) ? ` (× ${formatQuantity(l.periodFactor, lang)})` : ''}`
      : l.serviceStart ? formatDate(l.serviceStart, lang) : '',
    quantity: formatQuantity(l.quantity, lang),
    unit: l.unit ?? '',
    unitPrice: formatNumber(l.unitPrice, Math.max(places, Math.min(6, l.unitPrice.decimalPlaces())), lang),
    discount: l.discountPercent && !l.discountPercent.isZero() ? `${formatQuantity(l.discountPercent, lang)} %` : '',
    net: formatNumber(l.net, places, lang),
    taxRate: `${formatQuantity(l.taxRate, lang)} %`,
  }));

  const groups = computeTotals(doc.lines, { currency: inv.currency }).groups;
  const taxes = groups.map((g) => ({ category: g.category, rate: `${formatQuantity(g.rate, lang)} %`, taxable: money(g.taxable), tax: money(g.tax) }));
  const totals = [
    { label: L.netTotal, value: money(inv.net), strong: false },
    // Mid-sentence the word is lower case, except in German, which capitalises nouns.
    ...taxes.map((g) => ({ label: `${L.vat} ${g.rate} (${g.category}) ${lang === 'de' ? L.taxable : L.taxable.toLowerCase()} ${g.taxable}`, value: g.tax, strong: false })),
    { label: L.gross, value: money(inv.gross), strong: true },
    ...(inv.rounding.isZero() ? [] : [{ label: L.rounding, value: money(inv.rounding), strong: false }, { label: L.payable, value: money(inv.payable), strong: true }]),
  ];

  const notes = [inv.taxNote, inv.warnings && draft ? `(${inv.warnings})` : ''].filter(Boolean).join('\n');
  const directDebit = account?.paymentMethod === 'direct_debit' && account.mandateReference;
  const payment = inv.type === 'credit_note' ? '' : directDebit
    ? `${L.directDebit} ${account!.mandateReference}${t.creditorId ? ` · ${L.creditorId} ${t.creditorId}` : ''}${account!.iban ? ` · IBAN ${account!.iban}` : ''}`
    : t.iban ? `${L.transfer}\nIBAN ${t.iban}${t.bic ? ` · BIC ${t.bic}` : ''}${t.bankName ? ` · ${t.bankName}` : ''}${inv.number ? ` · ${L.reference}: ${inv.number}` : ''}` : '';
  const footer = [t.legalName, [t.street, cityLine].filter(Boolean).join(', '), t.vatId ? `${L.ourVatId} ${t.vatId}` : '', t.iban ? `IBAN ${t.iban}` : ''].filter(Boolean).join(' · ');
  const recipientLines = [inv.buyerName ?? '', ...(inv.buyerAddress ?? '').split(', '), inv.buyerCountry && inv.buyerCountry !== t.country ? inv.buyerCountry : ''].filter(Boolean);
  const sellerLines = [t.street ?? '', cityLine, t.country, t.email ?? '', t.phone ?? ''].filter(Boolean);
  const title = `${L[inv.type]} ${inv.number ?? ''}`.trim();
  const credits = inv.originalNumber ? `${L.credits} ${inv.originalNumber}` : '';

  const fields: Record<string, string> = {
    title, type: L[inv.type], number, credits,
    invoiceDate: formatDate(inv.invoiceDate, lang), dueDate: formatDate(inv.dueDate, lang), servicePeriod,
    customerNumber: inv.accountId, buyerName: inv.buyerName ?? '', buyerAddress: recipientLines.slice(1).join('\n'),
    recipient: recipientLines.join('\n'), buyerVatId: inv.buyerVatId ?? '', buyerReference: inv.buyerReference ?? '', orderReference: inv.orderReference ?? '',
    sellerName: t.legalName, sellerAddress: sellerLines.join('\n'), senderLine: `${t.legalName} · ${[t.street, cityLine].filter(Boolean).join(' · ')}`,
    sellerVatId: t.vatId ?? '', sellerTaxNumber: t.taxNumber ?? '', sellerEmail: t.email ?? '', sellerPhone: t.phone ?? '',
    iban: t.iban ?? '', bic: t.bic ?? '', bankName: t.bankName ?? '', currency: inv.currency,
    net: money(inv.net), tax: money(inv.tax), gross: money(inv.gross), rounding: money(inv.rounding), payable: money(inv.payable),
    info: info.map(([k, v]) => `${k}: ${v}`).join('\n'), notes, payment, footer,
    ...Object.fromEntries(Object.entries(L).map(([k, v]) => [`label.${k}`, v])),
  };
  return { lang, L, title, credits, sellerLines, senderLine: fields.senderLine, recipientLines, info, lines, totals, taxes, notes, payment, footer, fields };
}
