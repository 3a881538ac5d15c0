// Words and number/date formats of invoice documents per language (PDF, Docs, email).
import type { Decimal } from './money';
import { minorUnits } from './money';
import { parts, type IsoDate } from './dates';
import type { Language } from './model';

const EN = {
  invoice: 'Invoice',
  credit_note: 'Credit note',
  pro_forma: 'Pro forma invoice',
  prepayment: 'Prepayment invoice',
  partial: 'Partial invoice',
  final: 'Final invoice',
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
  cancellation: 'Credit note',
  creditNumber: 'Credit note number',
  creditDate: 'Date',
  originalInvoice: 'Original invoice',
  originalDate: 'Original invoice date',
  cancels: 'Cancellation of invoice',
  dated: 'of',
  reason: 'Reason',
  fee: 'fee',
  prorated: '{days} of {total} days',
  continued: 'continued',
  register: 'Commercial register',
  managingDirectors: 'Managing directors',
  project: 'Project',
  less: 'Less',
  prepaid: 'Already paid',
  paymentReference: 'Payment reference',
  transferReference: 'Please transfer the amount by the due date, quoting the payment reference, to:',
  preNotification: 'We will collect the amount of {amount} on {date} by SEPA direct debit under mandate {mandate}, creditor ID {creditorId}, from your account {iban}.',
  qrPaymentPart: 'Payment part',
  qrReference: 'Reference',
  qrAccount: 'Account / Payable to',
  qrPayableBy: 'Payable by',
  qrAdditionalInfo: 'Additional information',
  qrCurrency: 'Currency',
  qrAmount: 'Amount',
};

export type Labels = Record<keyof typeof EN, string>;

export const LABELS: Record<Language, Labels> = {
  en: EN,
  de: {
    invoice: 'Rechnung',
    credit_note: 'Rechnungskorrektur',
    pro_forma: 'Proforma-Rechnung',
    prepayment: 'Anzahlungsrechnung',
    partial: 'Abschlagsrechnung',
    final: 'Schlussrechnung',
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
    credits: 'Korrektur zur Rechnung',
    period: 'Zeitraum',
    cancellation: 'Stornorechnung',
    creditNumber: 'Korrekturnummer',
    creditDate: 'Datum',
    originalInvoice: 'Ursprüngliche Rechnung',
    originalDate: 'Datum der Rechnung',
    cancels: 'Storno der Rechnung',
    dated: 'vom',
    reason: 'Grund',
    fee: 'Pauschale',
    prorated: '{days} von {total} Tagen',
    continued: 'Fortsetzung',
    register: 'Registergericht',
    managingDirectors: 'Geschäftsführer',
    project: 'Projekt',
    less: 'Abzüglich',
    prepaid: 'Bereits bezahlt',
    paymentReference: 'Verwendungszweck',
    transferReference: 'Bitte überweisen Sie den Betrag bis zum Fälligkeitsdatum unter Angabe des Verwendungszwecks auf:',
    preNotification: 'Wir ziehen den Betrag von {amount} am {date} mit der SEPA-Lastschrift zu Mandat {mandate}, Gläubiger-ID {creditorId}, von Ihrem Konto {iban} ein.',
    qrPaymentPart: 'Zahlteil',
    qrReference: 'Referenz',
    qrAccount: 'Konto / Zahlbar an',
    qrPayableBy: 'Zahlbar durch',
    qrAdditionalInfo: 'Zusätzliche Informationen',
    qrCurrency: 'Währung',
    qrAmount: 'Betrag',
  },
  fr: {
    invoice: 'Facture',
    credit_note: 'Avoir',
    pro_forma: 'Facture pro forma',
    prepayment: "Facture d'acompte",
    partial: 'Facture intermédiaire',
    final: 'Facture de solde',
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
    cancellation: 'Avoir',
    creditNumber: "Numéro d'avoir",
    creditDate: 'Date',
    originalInvoice: "Facture d'origine",
    originalDate: 'Date de la facture',
    cancels: 'Annulation de la facture',
    dated: 'du',
    reason: 'Motif',
    fee: 'forfait',
    prorated: '{days} jours sur {total}',
    continued: 'suite',
    register: 'Registre du commerce',
    managingDirectors: 'Gérants',
    project: 'Projet',
    less: 'Déduction',
    prepaid: 'Déjà payé',
    paymentReference: 'Référence de paiement',
    transferReference: "Merci de virer le montant avant l'échéance en indiquant la référence de paiement sur :",
    preNotification: 'Nous prélèverons le montant de {amount} le {date} par prélèvement SEPA au titre du mandat {mandate}, ICS {creditorId}, sur votre compte {iban}.',
    qrPaymentPart: 'Section paiement',
    qrReference: 'Référence',
    qrAccount: 'Compte / Payable à',
    qrPayableBy: 'Payable par',
    qrAdditionalInfo: 'Informations supplémentaires',
    qrCurrency: 'Monnaie',
    qrAmount: 'Montant',
  },
};

/**
 * Swiss invoices (Swiss seller, CHF) name the tax and the business number as Swiss law does:
 * MWST and UID (French TVA and IDE), not USt. and USt-IdNr.
 */
export const SWISS_TERMS: Record<Language, Pick<Labels, 'vat' | 'ourVatId' | 'yourVatId'>> = {
  de: { vat: 'MWST', ourVatId: 'Unsere UID', yourVatId: 'Ihre UID' },
  en: { vat: 'VAT', ourVatId: 'Our UID', yourVatId: 'Your UID' },
  fr: { vat: 'TVA', ourVatId: 'Notre IDE', yourVatId: 'Votre IDE' },
};

/** The labels of `lang` (English for a language without a table), in Swiss wording for a Swiss invoice. */
export function labels(lang: string | undefined, o: { swiss?: boolean } = {}): Labels {
  const L = LABELS[(lang as Language) in LABELS ? (lang as Language) : 'en'];
  return o.swiss ? { ...L, ...inLanguage(SWISS_TERMS, lang) } : L;
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

/** A label with its {placeholders} filled in: `fill(L.prorated, { days: 16, total: 30 })`. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

/** Units of measure by UN/ECE Recommendation 20 code, as a customer reads them; the code stays in the e-invoice XML. */
export const UNIT_NAMES: Record<Language, Record<string, string>> = {
  de: { C62: 'Stk.', H87: 'Stk.', MON: 'Monat', ANN: 'Jahr', QAN: 'Quartal', WEE: 'Woche', DAY: 'Tag', HUR: 'Std.', MIN: 'Min.', LS: 'pauschal' },
  en: { C62: 'pc', H87: 'pc', MON: 'month', ANN: 'year', QAN: 'quarter', WEE: 'week', DAY: 'day', HUR: 'h', MIN: 'min', LS: 'lump sum' },
  fr: { C62: 'u.', H87: 'pce', MON: 'mois', ANN: 'an', QAN: 'trimestre', WEE: 'semaine', DAY: 'jour', HUR: 'h', MIN: 'min', LS: 'forfait' },
};
/** Units written the same in every language. */
const UNIT_SYMBOLS: Record<string, string> = { E34: 'GB', '4L': 'MB', E35: 'TB', KGM: 'kg', GRM: 'g', TNE: 't', MTR: 'm', KMT: 'km', LTR: 'l', MTK: 'm²', MTQ: 'm³', KWH: 'kWh' };

/** The unit a document prints: a Rec 20 code as the language's word ("MON" → "Monat"); what a user typed otherwise, as typed. */
export function unitName(unit: string | undefined, lang: string | undefined): string {
  const u = (unit ?? '').trim();
  return inLanguage(UNIT_NAMES, lang)[u] ?? UNIT_SYMBOLS[u] ?? u;
}

/**
 * The VAT category in words where the rate alone does not say it (EN 16931 codes stay in the
 * XML): standard rate "S" needs no word.
 */
export const TAX_CATEGORY_NAMES: Record<Language, Record<string, string>> = {
  de: { AE: 'Reverse Charge', K: 'innergemeinschaftlich', G: 'Export', E: 'steuerfrei', Z: 'Nullsatz', O: 'nicht steuerbar', L: 'IGIC', M: 'IPSI' },
  en: { AE: 'reverse charge', K: 'intra-Community', G: 'export', E: 'exempt', Z: 'zero rated', O: 'not subject to VAT', L: 'IGIC', M: 'IPSI' },
  fr: { AE: 'autoliquidation', K: 'intracommunautaire', G: 'exportation', E: 'exonérée', Z: 'taux zéro', O: 'hors champ', L: 'IGIC', M: 'IPSI' },
};

/**
 * The legal note a document prints for a known VATEX exemption code, in the invoice's language.
 * The TaxRules sheet's text is one language for every customer; for these codes the note is the
 * law's wording in the customer's language instead, and for any other code the rule's own text.
 */
export const LEGAL_NOTES: Record<Language, Record<string, string>> = {
  de: {
    'VATEX-EU-AE': 'Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge, Art. 196 MwStSystRL)',
    'VATEX-EU-G': 'Nicht im Inland steuerbare Leistung (Export)',
    'VATEX-EU-IC': 'Steuerfreie innergemeinschaftliche Lieferung (Art. 138 MwStSystRL)',
    'VATEX-EU-O': 'Nicht der Umsatzsteuer unterliegend',
  },
  en: {
    'VATEX-EU-AE': 'Reverse charge: VAT to be paid by the recipient (Art. 196 VAT Directive)',
    'VATEX-EU-G': 'Export outside the EU: not subject to VAT in the country of the seller',
    'VATEX-EU-IC': 'Intra-Community supply exempt from VAT (Art. 138 VAT Directive)',
    'VATEX-EU-O': 'Not subject to VAT',
  },
  fr: {
    'VATEX-EU-AE': 'Autoliquidation : TVA due par le preneur (art. 196 de la directive TVA)',
    'VATEX-EU-G': "Exportation hors de l'UE : non soumise à la TVA dans le pays du vendeur",
    'VATEX-EU-IC': 'Livraison intracommunautaire exonérée de TVA (art. 138 de la directive TVA)',
    'VATEX-EU-O': 'Non soumis à la TVA',
  },
};

/** The words table of `lang` in `tables`, English for a language without one. */
export function inLanguage<T>(tables: Record<Language, T>, lang: string | undefined): T {
  return tables[(lang as Language) in tables ? (lang as Language) : 'en'];
}

/**
 * The description of an amount credit's line in the invoice's language: "Korrektur zur Rechnung
 * RE-2026-00001", and where the amount is spread over several VAT rates the rate, with the
 * category in words where the rate does not say it ("(USt. 0 % Reverse Charge)"), never its code.
 */
export function creditLineText(lang: string | undefined, swiss: boolean, number: string, group?: { category: string; rate: Decimal }): string {
  const L = labels(lang, { swiss });
  if (!group) return `${L.credits} ${number}`;
  const category = inLanguage(TAX_CATEGORY_NAMES, lang)[group.category];
  return `${L.credits} ${number} (${L.vat} ${formatQuantity(group.rate, lang)} %${category ? ` ${category}` : ''})`;
}

/** The types of the invoices a final invoice deducts. */
export type DeductedType = 'prepayment' | 'partial';

/**
 * The description of a final invoice's deduction line in the invoice's language: "Abzüglich
 * Anzahlungsrechnung RE-2027-00003 vom 15.01.2027", with the rate when the earlier invoice had more
 * than one ("(USt. 7 %)"). The e-invoice reads the number and date back (deductionRefOf).
 */
export function deductionLineText(lang: string | undefined, swiss: boolean, o: { type: DeductedType; number: string; date: IsoDate; group?: { category: string; rate: Decimal } }): string {
  const L = labels(lang, { swiss });
  const text = `${L.less} ${L[o.type]} ${o.number} ${L.dated} ${formatDate(o.date, lang)}`;
  if (!o.group) return text;
  const category = inLanguage(TAX_CATEGORY_NAMES, lang)[o.group.category];
  return `${text} (${L.vat} ${formatQuantity(o.group.rate, lang)} %${category ? ` ${category}` : ''})`;
}

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A date as formatDate printed it, back to ISO; undefined when it is not one. */
function parseDate(text: string, lang: Language): IsoDate | undefined {
  const pad = (n: string | number) => String(n).padStart(2, '0');
  const m = lang === 'en' ? /^(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})$/.exec(text) : lang === 'de' ? /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(text) : /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (!m) return undefined;
  const month = lang === 'en' ? MONTHS.indexOf(m[2]) + 1 : Number(m[2]);
  return month > 0 ? `${m[3]}-${pad(month)}-${pad(m[1])}` : undefined;
}

/** The earlier invoice a deduction line's description names (deductionLineText), in any language: its number and date. */
export function deductionRefOf(description: string): { number: string; date?: IsoDate } | undefined {
  for (const lang of Object.keys(LABELS) as Language[]) {
    for (const L of [LABELS[lang], { ...LABELS[lang], ...SWISS_TERMS[lang] }]) {
      const types = [L.prepayment, L.partial].map(escaped).join('|');
      const m = new RegExp(`^${escaped(L.less)} (?:${types}) (\\S+) ${escaped(L.dated)} (.+?)(?: \\(${escaped(L.vat)} [^)]*\\))?$`).exec(description);
      if (m) return { number: m[1], date: parseDate(m[2], lang) };
    }
  }
  return undefined;
}
