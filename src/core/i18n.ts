// Words and number/date formats of invoice documents per language (PDF, Docs, email).
import type { Decimal } from './money';
import { minorUnits } from './money';
import { parts, type IsoDate } from './dates';
import type { Language } from './model';

const EN = {
  invoice: 'Invoice',
  credit_note: 'Credit note',
  pro_forma: 'Pro forma invoice',
  draft: 'DRAFT',
  number: 'Invoice number',
  date: 'Invoice date',
  due: 'Due date',
  customer: 'Customer number',
  servicePeriod: 'Service period',
  yourVatId: 'Your VAT ID',
  ourVatId: 'Our VAT ID',
  taxNumber: 'Tax number',
  orderRef: 'Order reference',
  buyerRef: 'Buyer reference',
  pos: 'No.',
  description: 'Description',
  qty: 'Qty',
  unit: 'Unit',
  unitPrice: 'Unit price',
  discount: 'Disc.',
  net: 'Net',
  netTotal: 'Total net',
  vat: 'VAT',
  gross: 'Total',
  rounding: 'Rounding',
  payable: 'Amount due',
  taxable: 'Taxable amount',
  payment: 'Payment',
  transfer: 'Please transfer the amount by the due date, quoting the invoice number, to:',
  directDebit: 'The amount will be collected by SEPA direct debit. Mandate reference:',
  creditorId: 'Creditor ID',
  reference: 'Reference',
  page: 'Page',
  of: 'of',
  credits: 'Credit note for invoice',
  period: 'Period',
};

export type Labels = Record<keyof typeof EN, string>;

export const LABELS: Record<Language, Labels> = {
  en: EN,
  de: {
    invoice: 'Rechnung',
    credit_note: 'Gutschrift',
    pro_forma: 'Proforma-Rechnung',
    draft: 'ENTWURF',
    number: 'Rechnungsnummer',
    date: 'Rechnungsdatum',
    due: 'Fällig am',
    customer: 'Kundennummer',
    servicePeriod: 'Leistungszeitraum',
    yourVatId: 'Ihre USt-IdNr.',
    ourVatId: 'Unsere USt-IdNr.',
    taxNumber: 'Steuernummer',
    orderRef: 'Bestellnummer',
    buyerRef: 'Käuferreferenz',
    pos: 'Pos.',
    description: 'Beschreibung',
    qty: 'Menge',
    unit: 'Einheit',
    unitPrice: 'Einzelpreis',
    discount: 'Rabatt',
    net: 'Netto',
    netTotal: 'Summe netto',
    vat: 'USt.',
    gross: 'Gesamtbetrag',
    rounding: 'Rundung',
    payable: 'Zahlbetrag',
    taxable: 'Bemessungsgrundlage',
    payment: 'Zahlung',
    transfer: 'Bitte überweisen Sie den Betrag bis zum Fälligkeitsdatum unter Angabe der Rechnungsnummer auf:',
    directDebit: 'Der Betrag wird per SEPA-Lastschrift eingezogen. Mandatsreferenz:',
    creditorId: 'Gläubiger-ID',
    reference: 'Verwendungszweck',
    page: 'Seite',
    of: 'von',
    credits: 'Gutschrift zu Rechnung',
    period: 'Zeitraum',
  },
  fr: {
    invoice: 'Facture',
    credit_note: 'Avoir',
    pro_forma: 'Facture pro forma',
    draft: 'BROUILLON',
    number: 'Numéro de facture',
    date: 'Date de facture',
    due: 'Échéance',
    customer: 'Numéro client',
    servicePeriod: 'Période de service',
    yourVatId: 'Votre n° TVA',
    ourVatId: 'Notre n° TVA',
    taxNumber: 'Numéro fiscal',
    orderRef: 'Référence de commande',
    buyerRef: 'Référence acheteur',
    pos: 'N°',
    description: 'Désignation',
    qty: 'Qté',
    unit: 'Unité',
    unitPrice: 'Prix unitaire',
    discount: 'Remise',
    net: 'Net',
    netTotal: 'Total HT',
    vat: 'TVA',
    gross: 'Total TTC',
    rounding: 'Arrondi',
    payable: 'Net à payer',
    taxable: 'Base HT',
    payment: 'Paiement',
    transfer: "Merci de virer le montant avant l'échéance en indiquant le numéro de facture sur :",
    directDebit: 'Le montant sera prélevé par prélèvement SEPA. Référence du mandat :',
    creditorId: 'ICS',
    reference: 'Référence',
    page: 'Page',
    of: 'sur',
    credits: 'Avoir sur la facture',
    period: 'Période',
  },
};

export function labels(lang: string | undefined): Labels {
  return LABELS[(lang as Language) in LABELS ? (lang as Language) : 'en'];
}

const SEPARATORS: Record<Language, { group: string; decimal: string }> = {
  de: { group: '.', decimal: ',' },
  en: { group: ',', decimal: '.' },
  fr: { group: '\u00a0', decimal: ',' }, // no-break space: in every PDF font encoding
};

/** A decimal with the language's separators: "1.234,50" (de), "1,234.50" (en), "1 234,50" (fr). */
export function formatNumber(value: Decimal, places: number, lang: string | undefined): string {
  const sep = SEPARATORS[(lang as Language) in SEPARATORS ? (lang as Language) : 'en'];
  const fixed = value.toFixed(places);
  const negative = fixed.startsWith('-') && /[1-9]/.test(fixed); // -0.004 shows as 0,00, not -0,00
  const [int, frac] = fixed.replace('-', '').split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, sep.group);
  return `${negative ? '-' : ''}${grouped}${frac ? sep.decimal + frac : ''}`;
}

/** An amount with its currency code: "1.234,50 EUR" (de/fr), "EUR 1,234.50" (en). */
export function formatMoney(value: Decimal, currency: string, lang: string | undefined): string {
  const n = formatNumber(value, minorUnits(currency), lang);
  return lang === 'en' || !lang ? `${currency} ${n}` : `${n} ${currency}`;
}

/** Quantities without trailing zeros ("2", "0,533333"). */
export function formatQuantity(value: Decimal, lang: string | undefined): string {
  return formatNumber(value, Math.min(6, value.decimalPlaces()), lang);
}

/** "30.11.2026" (de), "30/11/2026" (fr), "30 Nov 2026" (en). */
export function formatDate(date: IsoDate | undefined, lang: string | undefined): string {
  if (!date) return '';
  const [y, m, d] = parts(date);
  if (lang === 'de') return `${String(d).padStart(2, '0')}.${String(m).padStart(2, '0')}.${y}`;
  if (lang === 'fr') return `${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${y}`;
  return `${d} ${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][m - 1]} ${y}`;
}
