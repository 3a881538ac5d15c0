// Received e-invoices: an EN 16931 invoice or credit note in UBL 2.1 (Invoice, CreditNote) or in
// UN/CEFACT CII D16B (CrossIndustryInvoice: XRechnung CII, Factur-X / ZUGFeRD XML) read into one
// neutral model, with every amount as the exact decimal the document writes; and the arithmetic
// of its totals checked (BR-CO-10 to BR-CO-16) with exact decimals, no tolerance.
// Pure: no Node APIs, so it runs in Apps Script's V8 as well.
import { children, isObj, type Obj, READ_XML_OPTIONS } from '../xmlRead';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { BillingError } from '../errors';
import { D, type Decimal } from '../money';

export interface ReceivedInvoice {
  syntax: 'ubl' | 'cii';
  /** BT-24: specification identifier (CustomizationID / GuidelineSpecifiedDocumentContextParameter). */
  customization?: string;
  /** BT-3 (380, 381, 384, 389, ...). */
  typeCode: string;
  /** BT-1. */
  number: string;
  /** BT-2, BT-9: ISO dates YYYY-MM-DD. */
  issueDate: string;
  dueDate?: string;
  /** BT-5. */
  currency: string;
  /** BT-10, BT-13, BT-25. */
  buyerReference?: string;
  orderReference?: string;
  precedingInvoice?: string;
  /** BG-4: name (BT-27, else the trading name BT-28), VAT ID (BT-31), tax number (BT-32), address, contact email (BT-43). */
  seller: { name: string; vatId?: string; taxNumber?: string; street?: string; city?: string; postalCode?: string; country?: string; email?: string };
  /** BG-7: name (BT-44, else BT-45), VAT ID (BT-48), country (BT-55). */
  buyer: { name: string; vatId?: string; country?: string };
  /** BG-25: BT-126, BT-153, BT-129, BT-130, BT-146 (net price, per BT-149 base quantity when given), BT-131, BT-151, BT-152. */
  lines: { id: string; name: string; quantity: string; unitCode?: string; price?: string; baseQuantity?: string; net: string; category?: string; rate?: string }[];
  /** BG-23: BT-118, BT-119, BT-116, BT-117, BT-120 (else the code BT-121). */
  vat: { category: string; rate?: string; taxable: string; tax: string; exemptionReason?: string }[];
  /** Document level allowances (BG-20, charge false) and charges (BG-21, charge true), in document order. */
  allowanceCharges: { charge: boolean; amount: string; reason?: string; category?: string; rate?: string }[];
  /** BT-107 and BT-108 (sum of allowances / charges on document level) as stated; "0.00" when the document states none. */
  allowances: string;
  charges: string;
  /**
   * BG-22 as written: BT-106, BT-109, BT-110 (in the document currency; absent in some invoices
   * without VAT), BT-112, BT-107 and BT-108 (only when stated), BT-113, BT-114, BT-115.
   */
  totals: {
    lines: string;
    taxExclusive: string;
    tax?: string;
    taxInclusive: string;
    allowances?: string;
    charges?: string;
    prepaid?: string;
    rounding?: string;
    payable: string;
  };
  /** BG-16: means code (BT-81), payee IBAN (BT-84), BIC (BT-86), mandate (BT-89), payment terms (BT-20). */
  payment: { code?: string; iban?: string; bic?: string; mandate?: string; terms?: string };
}

const NAMESPACES: Record<string, { syntax: 'ubl' | 'cii'; ns: string }> = {
  Invoice: { syntax: 'ubl', ns: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2' },
  CreditNote: { syntax: 'ubl', ns: 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2' },
  CrossIndustryInvoice: { syntax: 'cii', ns: 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100' },
};

/** Element depth: e-invoices nest about 10 deep; the parser's own limit, named so the message can say it. */
export const MAX_XML_DEPTH = 100;

// Read as READ_XML_OPTIONS says; attached documents (base64, megabytes) are read as raw text,
// unused: 18 times faster on a 3 MB invoice.
const parser = new XMLParser({
  ...READ_XML_OPTIONS,
  maxNestedTags: MAX_XML_DEPTH,
  stopNodes: ['*.EmbeddedDocumentBinaryObject', '*.AttachmentBinaryObject'],
});

// ---------- navigation in the parsed tree ----------

/** Every element at a path of local names ("a/b/c"), in document order. */
function all(n: unknown, path: string): unknown[] {
  let cur: unknown[] = [n];
  for (const step of path.split('/')) cur = cur.flatMap((c) => children(c, step));
  return cur;
}

const first = (n: unknown, path: string): unknown => all(n, path)[0];

/** An element's text (trimmed by the parser); undefined when empty or absent. */
function text(n: unknown): string | undefined {
  const v = isObj(n) ? n['#text'] : n;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The first non-empty text at a path. */
function txt(n: unknown, path: string): string | undefined {
  for (const e of all(n, path)) {
    const t = text(e);
    if (t !== undefined) return t;
  }
  return undefined;
}

function attr(n: unknown, name: string): string | undefined {
  const v = isObj(n) ? n[`@_${name}`] : undefined;
  return typeof v === 'string' ? v.trim() : undefined;
}

/** Drops the undefined properties, so that results compare and print cleanly. */
function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

// ---------- values ----------

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** The document's decimal as a plain decimal string of the same value: no "+", no leading zeros, no "-0"; trailing zeros kept. */
function normalDecimal(raw: string): string | undefined {
  const m = DECIMAL.exec(raw);
  if (!m || (m[2] === '' && !m[3])) return undefined;
  const int = m[2].replace(/^0+(?=\d)/, '') || '0';
  const s = m[3] ? `${int}.${m[3]}` : int;
  return m[1] === '-' && !/^0(\.0*)?$/.test(s) ? `-${s}` : s;
}

function validDay(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

const iso = (y: string, m: string, d: string) => (validDay(+y, +m, +d) ? `${y}-${m}-${d}` : undefined);

/** Digits before the decimal point: ≥ 10^13 is no invoice amount, and the sheet's numbers (doubles) lose cents there. */
export const MAX_INTEGER_DIGITS = 13;
/** Decimals: with 13 + 20 digits, sums stay exact at D's 40 significant digits. */
export const MAX_DECIMALS = 20;

/** A value from the document as an error message quotes it: at most 40 characters. */
export function shortened(raw: string, max = 40): string {
  return raw.length <= max ? raw : `${raw.slice(0, max)}… (${raw.length} characters)`;
}

/** Reads the values of one document, naming it in every error. */
class Reader {
  constructor(public label: string) {}

  fail(problem: string): never {
    throw new BillingError(`${this.label} ${problem}`);
  }

  need<T>(v: T | undefined, what: string): T {
    return v === undefined ? this.fail(`has no ${what}`) : v;
  }

  /** A decimal within ±10^13 and MAX_DECIMALS; `path` ends with the element's name, for the message. */
  decimal(raw: string | undefined, what: string, path: string): string | undefined {
    if (raw === undefined) return undefined;
    const where = `${what} "${shortened(raw)}" in <${path.split('/').pop()}>`;
    const v = normalDecimal(raw) ?? this.fail(`has ${where}, which is not a decimal number`);
    const [int, fraction = ''] = v.replace('-', '').split('.');
    if (int.length > MAX_INTEGER_DIGITS) this.fail(`has ${where}, which is beyond ±10^${MAX_INTEGER_DIGITS} (${int.length} digits before the decimal point)`);
    if (fraction.length > MAX_DECIMALS) this.fail(`has ${where}, which has ${fraction.length} decimals (at most ${MAX_DECIMALS} are read)`);
    return v;
  }

  /** xsd:date, as UBL writes it (a time zone is allowed and dropped). */
  ublDate(raw: string | undefined, what: string): string | undefined {
    if (raw === undefined) return undefined;
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:Z|[+-]\d{2}:\d{2})?$/.exec(raw);
    return (m && iso(m[1], m[2], m[3])) ?? this.fail(`has ${what} "${shortened(raw)}", which is not a date (YYYY-MM-DD)`);
  }

  /** udt:DateTimeString format 102 (YYYYMMDD), the only date format EN 16931 allows in CII. */
  ciiDate(n: unknown, what: string): string | undefined {
    const s = first(n, 'DateTimeString');
    const raw = text(s);
    if (raw === undefined) return undefined;
    const format = attr(s, 'format');
    if (format !== undefined && format !== '102') this.fail(`has ${what} in date format ${shortened(format)}; EN 16931 allows 102 (YYYYMMDD) only`);
    const m = /^(\d{4})(\d{2})(\d{2})$/.exec(raw);
    return (m && iso(m[1], m[2], m[3])) ?? this.fail(`has ${what} "${shortened(raw)}", which is not a date in format 102 (YYYYMMDD)`);
  }

  /** xsd:boolean: true, false, 1 or 0 (ubl-tc434-example2 writes 0 and 1). */
  indicator(raw: string | undefined, what: string): boolean {
    const v = this.need(raw, what);
    if (!['true', 'false', '1', '0'].includes(v)) this.fail(`has ${what} "${shortened(v)}", which is not a boolean (true, false, 1, 0)`);
    return v === 'true' || v === '1';
  }
}

/** The number of decimals of a decimal string. */
const places = (s: string) => (s.includes('.') ? s.length - s.indexOf('.') - 1 : 0);

/** A computed amount, written with as many decimals as its operands (at least 2). */
function format(v: Decimal, operands: readonly string[]): string {
  const s = v.toFixed(Math.max(2, ...operands.map(places)));
  return /^-0(\.0+)?$/.test(s) ? s.slice(1) : s;
}

function total(xs: readonly string[]): Decimal {
  let s: Decimal = new D(0);
  for (const x of xs) s = s.plus(x);
  return s;
}

/** The one text of the several (e.g. payment terms notes), joined by line breaks. */
function joined(nodes: unknown[]): string | undefined {
  const parts = nodes.map(text).filter((t): t is string => t !== undefined);
  return parts.length ? parts.join('\n') : undefined;
}

/** The tax total in the document currency (BT-110): the one with that currencyID, else the only one without a currencyID. */
function inCurrency(nodes: unknown[], currency: string): unknown {
  return nodes.find((n) => attr(n, 'currencyID') === currency) ?? nodes.find((n) => attr(n, 'currencyID') === undefined);
}

// ---------- where each business term is, in UBL and in CII ----------

/** A path of local names; several: alternatives, the first with a value wins. */
type Path = string | readonly string[];

/**
 * Where one business term is in each syntax, and how it is read: `text` the first non-empty text,
 * `amount` the first element's decimal, `rate` the first non-empty text as a decimal, `date` an
 * xsd:date (UBL) or a DateTimeString of format 102 (CII), `unitCode` the first element's unitCode,
 * `inCurrency` the decimal of the element in the document currency (BT-110).
 */
interface Term {
  /** The field it fills. */
  key: string;
  bt: string;
  /** How a message names it. */
  what: string;
  kind: 'text' | 'amount' | 'rate' | 'date' | 'unitCode' | 'inCurrency';
  required?: true;
  /** The element the paths start from (a Scopes name); the group's element when absent. */
  at?: string;
  ubl: Path;
  /** In a UBL CreditNote, when it differs. */
  ublCreditNote?: Path;
  cii: Path;
}

/** The elements a group of terms is read from, by name; `self` is the group's element. */
type Scopes = Record<string, unknown>;

/** What a list of terms reads: a string for each required term, else string or undefined. */
type Values<T extends readonly Term[]> = { [E in T[number] as E['key']]: E extends { required: true } ? string : string | undefined };

/** BG-1 .. BG-3 and BT-1 .. BT-25, from the document (UBL) or its context, document, agreement or settlement (CII). */
const NUMBER = [{ key: 'number', bt: 'BT-1', what: 'invoice number (BT-1)', kind: 'text', required: true, at: 'doc', ubl: 'ID', cii: 'ID' }] as const;
const CURRENCY = [
  { key: 'currency', bt: 'BT-5', what: 'invoice currency code (BT-5)', kind: 'text', required: true, at: 'settlement', ubl: 'DocumentCurrencyCode', cii: 'InvoiceCurrencyCode' },
] as const;
const HEADER = [
  {
    key: 'customization',
    bt: 'BT-24',
    what: 'specification identifier (BT-24)',
    kind: 'text',
    at: 'root',
    ubl: 'CustomizationID',
    cii: 'ExchangedDocumentContext/GuidelineSpecifiedDocumentContextParameter/ID',
  },
  { key: 'typeCode', bt: 'BT-3', what: 'invoice type code (BT-3)', kind: 'text', required: true, at: 'doc', ubl: 'InvoiceTypeCode', ublCreditNote: 'CreditNoteTypeCode', cii: 'TypeCode' },
  { key: 'issueDate', bt: 'BT-2', what: 'issue date (BT-2)', kind: 'date', required: true, at: 'doc', ubl: 'IssueDate', cii: 'IssueDateTime' },
] as const;
const REFERENCES = [
  { key: 'buyerReference', bt: 'BT-10', what: 'buyer reference (BT-10)', kind: 'text', at: 'agreement', ubl: 'BuyerReference', cii: 'BuyerReference' },
  { key: 'orderReference', bt: 'BT-13', what: 'purchase order reference (BT-13)', kind: 'text', at: 'agreement', ubl: 'OrderReference/ID', cii: 'BuyerOrderReferencedDocument/IssuerAssignedID' },
  {
    key: 'precedingInvoice',
    bt: 'BT-25',
    what: 'preceding invoice reference (BT-25)',
    kind: 'text',
    at: 'settlement',
    ubl: 'BillingReference/InvoiceDocumentReference/ID',
    cii: 'InvoiceReferencedDocument/IssuerAssignedID',
  },
] as const;

/** BG-4 and BG-7, from the party element. */
const SELLER_NAME = [{ key: 'name', bt: 'BT-27', what: 'seller name (BT-27)', kind: 'text', required: true, ubl: ['PartyLegalEntity/RegistrationName', 'PartyName/Name'], cii: 'Name' }] as const;
const BUYER_NAME = [{ key: 'name', bt: 'BT-44', what: 'buyer name (BT-44)', kind: 'text', required: true, ubl: ['PartyLegalEntity/RegistrationName', 'PartyName/Name'], cii: 'Name' }] as const;
const SELLER_ADDRESS = [
  { key: 'street', bt: 'BT-35', what: 'seller address line 1 (BT-35)', kind: 'text', ubl: 'PostalAddress/StreetName', cii: 'PostalTradeAddress/LineOne' },
  { key: 'city', bt: 'BT-37', what: 'seller city (BT-37)', kind: 'text', ubl: 'PostalAddress/CityName', cii: 'PostalTradeAddress/CityName' },
  { key: 'postalCode', bt: 'BT-38', what: 'seller post code (BT-38)', kind: 'text', ubl: 'PostalAddress/PostalZone', cii: 'PostalTradeAddress/PostcodeCode' },
  { key: 'country', bt: 'BT-40', what: 'seller country code (BT-40)', kind: 'text', ubl: 'PostalAddress/Country/IdentificationCode', cii: 'PostalTradeAddress/CountryID' },
  { key: 'email', bt: 'BT-43', what: 'seller contact email (BT-43)', kind: 'text', ubl: 'Contact/ElectronicMail', cii: 'DefinedTradeContact/EmailURIUniversalCommunication/URIID' },
] as const;
const BUYER_COUNTRY = [
  { key: 'country', bt: 'BT-55', what: 'buyer country code (BT-55)', kind: 'text', ubl: 'PostalAddress/Country/IdentificationCode', cii: 'PostalTradeAddress/CountryID' },
] as const;

/** BG-25, from the line (and in CII its SpecifiedLineTradeSettlement: `settlement`). */
const LINE_ID = [{ key: 'id', bt: 'BT-126', what: 'line identifier (BT-126) on an invoice line', kind: 'text', required: true, ubl: 'ID', cii: 'AssociatedDocumentLineDocument/LineID' }] as const;
const LINE = [
  { key: 'name', bt: 'BT-153', what: 'item name (BT-153)', kind: 'text', required: true, ubl: 'Item/Name', cii: 'SpecifiedTradeProduct/Name' },
  {
    key: 'quantity',
    bt: 'BT-129',
    what: 'invoiced quantity (BT-129)',
    kind: 'amount',
    required: true,
    ubl: 'InvoicedQuantity',
    ublCreditNote: 'CreditedQuantity',
    cii: 'SpecifiedLineTradeDelivery/BilledQuantity',
  },
  {
    key: 'unitCode',
    bt: 'BT-130',
    what: 'unit of measure code (BT-130)',
    kind: 'unitCode',
    ubl: 'InvoicedQuantity',
    ublCreditNote: 'CreditedQuantity',
    cii: 'SpecifiedLineTradeDelivery/BilledQuantity',
  },
  { key: 'price', bt: 'BT-146', what: 'item net price (BT-146)', kind: 'amount', ubl: 'Price/PriceAmount', cii: 'SpecifiedLineTradeAgreement/NetPriceProductTradePrice/ChargeAmount' },
  {
    key: 'baseQuantity',
    bt: 'BT-149',
    what: 'item price base quantity (BT-149)',
    kind: 'amount',
    ubl: 'Price/BaseQuantity',
    cii: 'SpecifiedLineTradeAgreement/NetPriceProductTradePrice/BasisQuantity',
  },
  {
    key: 'net',
    bt: 'BT-131',
    what: 'line net amount (BT-131)',
    kind: 'amount',
    required: true,
    at: 'settlement',
    ubl: 'LineExtensionAmount',
    cii: 'SpecifiedTradeSettlementLineMonetarySummation/LineTotalAmount',
  },
  { key: 'category', bt: 'BT-151', what: 'invoiced item VAT category code (BT-151)', kind: 'text', at: 'settlement', ubl: 'Item/ClassifiedTaxCategory/ID', cii: 'ApplicableTradeTax/CategoryCode' },
  { key: 'rate', bt: 'BT-152', what: 'VAT rate (BT-152)', kind: 'rate', at: 'settlement', ubl: 'Item/ClassifiedTaxCategory/Percent', cii: 'ApplicableTradeTax/RateApplicablePercent' },
] as const;

/** BG-23, from a TaxSubtotal (UBL) or a header ApplicableTradeTax (CII). */
const VAT = [
  { key: 'category', bt: 'BT-118', what: 'VAT category code (BT-118) in the VAT breakdown', kind: 'text', required: true, ubl: 'TaxCategory/ID', cii: 'CategoryCode' },
  { key: 'rate', bt: 'BT-119', what: 'VAT category rate (BT-119)', kind: 'rate', ubl: 'TaxCategory/Percent', cii: 'RateApplicablePercent' },
  { key: 'taxable', bt: 'BT-116', what: 'VAT category taxable amount (BT-116)', kind: 'amount', required: true, ubl: 'TaxableAmount', cii: 'BasisAmount' },
  { key: 'tax', bt: 'BT-117', what: 'VAT category tax amount (BT-117)', kind: 'amount', required: true, ubl: 'TaxAmount', cii: 'CalculatedAmount' },
  {
    key: 'exemptionReason',
    bt: 'BT-120',
    what: 'VAT exemption reason text (BT-120)',
    kind: 'text',
    ubl: ['TaxCategory/TaxExemptionReason', 'TaxCategory/TaxExemptionReasonCode'],
    cii: ['ExemptionReason', 'ExemptionReasonCode'],
  },
] as const;

/** BG-20 and BG-21, from an AllowanceCharge (UBL) or a header SpecifiedTradeAllowanceCharge (CII). */
const CHARGE_INDICATOR = [
  { key: 'indicator', bt: 'ChargeIndicator', what: 'document level allowance or charge indicator (ChargeIndicator)', kind: 'text', ubl: 'ChargeIndicator', cii: 'ChargeIndicator/Indicator' },
] as const;
const ALLOWANCE_AMOUNT = [{ key: 'amount', bt: 'BT-92', what: 'document level allowance amount (BT-92)', kind: 'amount', required: true, ubl: 'Amount', cii: 'ActualAmount' }] as const;
const CHARGE_AMOUNT = [{ key: 'amount', bt: 'BT-99', what: 'document level charge amount (BT-99)', kind: 'amount', required: true, ubl: 'Amount', cii: 'ActualAmount' }] as const;
const ALLOWANCE_CHARGE = [
  { key: 'reason', bt: 'BT-97/BT-104', what: 'document level allowance or charge reason', kind: 'text', ubl: ['AllowanceChargeReason', 'AllowanceChargeReasonCode'], cii: ['Reason', 'ReasonCode'] },
  { key: 'category', bt: 'BT-95/BT-102', what: 'document level allowance or charge VAT category', kind: 'text', ubl: 'TaxCategory/ID', cii: 'CategoryTradeTax/CategoryCode' },
  { key: 'rate', bt: 'BT-96/BT-103', what: 'document level allowance or charge VAT rate', kind: 'rate', ubl: 'TaxCategory/Percent', cii: 'CategoryTradeTax/RateApplicablePercent' },
] as const;

/** BG-22, from LegalMonetaryTotal (UBL) or SpecifiedTradeSettlementHeaderMonetarySummation (CII); BT-110 in UBL from the document's TaxTotal (`taxTotal`). */
const STATED = [
  { key: 'allowances', bt: 'BT-107', what: 'BT-107', kind: 'amount', ubl: 'AllowanceTotalAmount', cii: 'AllowanceTotalAmount' },
  { key: 'charges', bt: 'BT-108', what: 'BT-108', kind: 'amount', ubl: 'ChargeTotalAmount', cii: 'ChargeTotalAmount' },
] as const;
const TOTALS = [
  { key: 'lines', bt: 'BT-106', what: 'sum of invoice line net amounts (BT-106)', kind: 'amount', required: true, ubl: 'LineExtensionAmount', cii: 'LineTotalAmount' },
  { key: 'taxExclusive', bt: 'BT-109', what: 'total amount without VAT (BT-109)', kind: 'amount', required: true, ubl: 'TaxExclusiveAmount', cii: 'TaxBasisTotalAmount' },
  { key: 'tax', bt: 'BT-110', what: 'total VAT amount (BT-110)', kind: 'inCurrency', at: 'taxTotal', ubl: 'TaxTotal/TaxAmount', cii: 'TaxTotalAmount' },
  { key: 'taxInclusive', bt: 'BT-112', what: 'total amount with VAT (BT-112)', kind: 'amount', required: true, ubl: 'TaxInclusiveAmount', cii: 'GrandTotalAmount' },
  { key: 'prepaid', bt: 'BT-113', what: 'paid amount (BT-113)', kind: 'amount', ubl: 'PrepaidAmount', cii: 'TotalPrepaidAmount' },
  { key: 'rounding', bt: 'BT-114', what: 'rounding amount (BT-114)', kind: 'amount', ubl: 'PayableRoundingAmount', cii: 'RoundingAmount' },
  { key: 'payable', bt: 'BT-115', what: 'amount due for payment (BT-115)', kind: 'amount', required: true, ubl: 'PayableAmount', cii: 'DuePayableAmount' },
] as const;

/** How one document is read: its syntax, and the document currency once known (for `inCurrency`). */
interface ReadContext {
  r: Reader;
  syntax: 'ubl' | 'cii';
  creditNote: boolean;
  currency?: string;
}

/** The terms' values from the elements in `at`, in the terms' order; `context` ends each message (e.g. " on line 3"). */
function readTerms<const T extends readonly Term[]>(x: ReadContext, terms: T, at: Scopes, context = ''): Values<T> {
  const out: Record<string, string | undefined> = {};
  for (const t of terms) {
    const node = at[t.at ?? 'self'];
    const what = t.what + context;
    const path = x.syntax === 'cii' ? t.cii : x.creditNote ? (t.ublCreditNote ?? t.ubl) : t.ubl;
    let v: string | undefined;
    for (const p of typeof path === 'string' ? [path] : path) {
      v = readTerm(x, t.kind, node, p, what);
      if (v !== undefined) break;
    }
    out[t.key] = t.required ? x.r.need(v, what) : v;
  }
  return out as Values<T>;
}

function readTerm(x: ReadContext, kind: Term['kind'], node: unknown, path: string, what: string): string | undefined {
  switch (kind) {
    case 'text':
      return txt(node, path);
    case 'amount':
      return x.r.decimal(text(first(node, path)), what, path);
    case 'rate':
      return x.r.decimal(txt(node, path), what, path);
    case 'date':
      return x.syntax === 'cii' ? x.r.ciiDate(first(node, path), what) : x.r.ublDate(txt(node, path), what);
    case 'unitCode':
      return attr(first(node, path), 'unitCode') || undefined;
    case 'inCurrency':
      return x.r.decimal(text(inCurrency(all(node, path), x.currency ?? '')), what, path);
  }
}

// ---------- the parts that differ ----------

/** Where the groups of terms are in one document, and what is read differently in each syntax. */
interface Layout {
  syntax: 'ubl' | 'cii';
  creditNote: boolean;
  /** The document's name in messages. */
  label: string;
  /** Where the header terms are (`root`, `doc`, `agreement`, `settlement`). */
  header: Scopes;
  seller: unknown;
  buyer: unknown;
  /** BT-31 and BT-32 of a party. */
  taxIds(party: unknown): { vatId?: string; taxNumber?: string };
  lines: unknown[];
  lineScopes(line: unknown): Scopes;
  /** The VAT breakdown in the document currency. */
  vat(currency: string): unknown[];
  allowanceCharges: unknown[];
  /** The totals element's path from `header.settlement`. */
  totalsPath: string;
  /** Where BT-110 is read from, given the totals element. */
  taxTotal(totals: unknown): unknown;
  dueDate(r: Reader): string | undefined;
  payment(): ReceivedInvoice['payment'];
}

function ublLayout(inv: unknown, o: { creditNote: boolean }): Layout {
  const credit = o.creditNote;
  const means = all(inv, 'PaymentMeans');
  return {
    syntax: 'ubl',
    creditNote: credit,
    label: `UBL ${credit ? 'CreditNote' : 'Invoice'}`,
    header: { root: inv, doc: inv, agreement: inv, settlement: inv },
    seller: first(inv, 'AccountingSupplierParty/Party'),
    buyer: first(inv, 'AccountingCustomerParty/Party'),
    taxIds: (p) => {
      const schemes = all(p, 'PartyTaxScheme').map((s) => ({ id: txt(s, 'CompanyID'), scheme: txt(s, 'TaxScheme/ID')?.toUpperCase() }));
      return { vatId: schemes.find((s) => s.scheme === 'VAT' && s.id)?.id, taxNumber: schemes.find((s) => s.scheme !== 'VAT' && s.id)?.id };
    },
    lines: all(inv, credit ? 'CreditNoteLine' : 'InvoiceLine'),
    lineScopes: (l) => ({ self: l, settlement: l }),
    // The VAT breakdown is in the document currency; a second TaxTotal (BT-111, tax currency) has no subtotals.
    vat: (currency) => all(inv, 'TaxTotal/TaxSubtotal').filter((s) => [undefined, currency].includes(attr(first(s, 'TaxAmount'), 'currencyID'))),
    allowanceCharges: all(inv, 'AllowanceCharge'),
    totalsPath: 'LegalMonetaryTotal',
    taxTotal: () => inv,
    // A CreditNote has no DueDate element: BT-9 is PaymentMeans/PaymentDueDate there.
    dueDate: (r) => r.ublDate(credit ? txt(inv, 'PaymentMeans/PaymentDueDate') : txt(inv, 'DueDate'), 'due date (BT-9)'),
    payment: () => {
      const account = means.map((x) => first(x, 'PayeeFinancialAccount')).find((x) => x !== undefined);
      return {
        code: txt(means[0], 'PaymentMeansCode'),
        iban: txt(account, 'ID'),
        bic: txt(account, 'FinancialInstitutionBranch/ID'),
        mandate: means.map((x) => txt(x, 'PaymentMandate/ID')).find((x) => x !== undefined),
        terms: joined(all(inv, 'PaymentTerms/Note')),
      };
    },
  };
}

function ciiLayout(root: unknown): Layout {
  const tx = first(root, 'SupplyChainTradeTransaction');
  const agreement = first(tx, 'ApplicableHeaderTradeAgreement');
  const settlement = first(tx, 'ApplicableHeaderTradeSettlement');
  const terms = all(settlement, 'SpecifiedTradePaymentTerms');
  const means = all(settlement, 'SpecifiedTradeSettlementPaymentMeans');
  return {
    syntax: 'cii',
    creditNote: false,
    label: 'CII CrossIndustryInvoice',
    header: { root, doc: first(root, 'ExchangedDocument'), agreement, settlement },
    seller: first(agreement, 'SellerTradeParty'),
    buyer: first(agreement, 'BuyerTradeParty'),
    taxIds: (p) => {
      const ids = all(p, 'SpecifiedTaxRegistration/ID').map((n) => ({ id: text(n), scheme: attr(n, 'schemeID')?.toUpperCase() }));
      return { vatId: ids.find((x) => x.scheme === 'VA' && x.id)?.id, taxNumber: ids.find((x) => x.scheme === 'FC' && x.id)?.id };
    },
    lines: all(tx, 'IncludedSupplyChainTradeLineItem'),
    lineScopes: (l) => ({ self: l, settlement: first(l, 'SpecifiedLineTradeSettlement') }),
    vat: () => all(settlement, 'ApplicableTradeTax'),
    allowanceCharges: all(settlement, 'SpecifiedTradeAllowanceCharge'),
    totalsPath: 'SpecifiedTradeSettlementHeaderMonetarySummation',
    taxTotal: (m) => m,
    dueDate: (r) => terms.map((t) => r.ciiDate(first(t, 'DueDateDateTime'), 'due date (BT-9)')).find((d) => d !== undefined),
    payment: () => ({
      code: txt(means[0], 'TypeCode'),
      iban: means.map((x) => txt(x, 'PayeePartyCreditorFinancialAccount/IBANID')).find((x) => x !== undefined),
      bic: means.map((x) => txt(x, 'PayeeSpecifiedCreditorFinancialInstitution/BICID')).find((x) => x !== undefined),
      mandate: terms.map((t) => txt(t, 'DirectDebitMandateID')).find((x) => x !== undefined),
      terms: joined(terms.flatMap((t) => all(t, 'Description'))),
    }),
  };
}

// ---------- one reader for both ----------

/** An invoice read from the terms tables: the same steps, in the same order, for UBL and CII. */
function readInvoice(d: Layout): ReceivedInvoice {
  const x: ReadContext = { r: new Reader(d.label), syntax: d.syntax, creditNote: d.creditNote };
  const { number } = readTerms(x, NUMBER, d.header);
  x.r.label += ` ${shortened(number)}`;
  const { currency } = readTerms(x, CURRENCY, d.header);
  x.currency = currency;
  const seller = { ...readTerms(x, SELLER_NAME, { self: d.seller }), ...d.taxIds(d.seller), ...readTerms(x, SELLER_ADDRESS, { self: d.seller }) };
  const buyer = { ...readTerms(x, BUYER_NAME, { self: d.buyer }), vatId: d.taxIds(d.buyer).vatId, ...readTerms(x, BUYER_COUNTRY, { self: d.buyer }) };
  const lines = d.lines.map((l) => {
    const at = d.lineScopes(l);
    const { id } = readTerms(x, LINE_ID, at);
    return compact({ id, ...readTerms(x, LINE, at, ` on line ${id}`) });
  });
  const vat = d.vat(currency).map((s) => compact(readTerms(x, VAT, { self: s })));
  const allowanceCharges = d.allowanceCharges.map((a) => allowanceCharge(x, a));
  const m = x.r.need(first(d.header.settlement, d.totalsPath), `document totals (BG-22, ${d.totalsPath})`);
  const stated = readTerms(x, STATED, { self: m });
  const header = readTerms(x, HEADER, d.header);
  return compact({
    syntax: d.syntax,
    customization: header.customization,
    typeCode: header.typeCode,
    number,
    issueDate: header.issueDate,
    dueDate: d.dueDate(x.r),
    currency,
    ...readTerms(x, REFERENCES, d.header),
    seller: compact(seller),
    buyer: compact(buyer),
    lines,
    vat,
    allowanceCharges,
    allowances: stated.allowances ?? '0.00',
    charges: stated.charges ?? '0.00',
    totals: compact({ ...readTerms(x, TOTALS, { self: m, taxTotal: d.taxTotal(m) }), ...stated }),
    payment: compact(d.payment()),
  });
}

function allowanceCharge(x: ReadContext, a: unknown): ReceivedInvoice['allowanceCharges'][number] {
  const charge = x.r.indicator(readTerms(x, CHARGE_INDICATOR, { self: a }).indicator, CHARGE_INDICATOR[0].what);
  return compact({ charge, ...readTerms(x, charge ? CHARGE_AMOUNT : ALLOWANCE_AMOUNT, { self: a }), ...readTerms(x, ALLOWANCE_CHARGE, { self: a }) });
}

// ---------- the document ----------

/**
 * Which e-invoice document a text is, from its root element and namespace (UBL Invoice or
 * CreditNote, CII CrossIndustryInvoice), or undefined: one test for the reader, the PDF
 * attachment search and the rule runner.
 */
export function eInvoiceRoot(xml: string): { local: 'Invoice' | 'CreditNote' | 'CrossIndustryInvoice'; syntax: 'ubl' | 'cii' } | undefined {
  const root = rootElement(xml);
  if (!root) return undefined;
  const local = root.name.slice(root.name.indexOf(':') + 1);
  const known = Object.prototype.hasOwnProperty.call(NAMESPACES, local) ? NAMESPACES[local] : undefined;
  return known && root.ns === known.ns ? { local: local as 'Invoice' | 'CreditNote' | 'CrossIndustryInvoice', syntax: known.syntax } : undefined;
}

/**
 * The root element's name and namespace, from its start tag (the parser drops xmlns attributes
 * with the prefixes). Scanned with indexOf and sticky
 * regular expressions only: the PDF attachment search runs this on any XML a supplier sends, and
 * a backtracking pattern takes seconds on "<!--" repeated 20,000 times.
 */
function rootElement(xml: string): { name: string; ns?: string } | undefined {
  const space = /\s*/y;
  let at = 0;
  for (;;) {
    space.lastIndex = at;
    space.exec(xml);
    at = space.lastIndex;
    const end = xml.startsWith('<?', at) ? after(xml, '?>', at + 2) : xml.startsWith('<!--', at) ? after(xml, '-->', at + 4) : xml.startsWith('<!DOCTYPE', at) ? doctypeEnd(xml, at + 9) : at;
    if (end < 0) return undefined;
    if (end === at) break;
    at = end;
  }
  // Scanned by hand, not by a regular expression: V8's regexp engine can overflow its stack on a
  // name of megabytes. A root start tag of an e-invoice (name and namespaces) is well under 64 KB.
  if (xml[at] !== '<') return undefined;
  let nameEnd = at + 1;
  while (nameEnd < xml.length && nameEnd - at <= MAX_NAME && !/[\s/>]/.test(xml[nameEnd])) nameEnd++;
  if (nameEnd === at + 1 || nameEnd - at > MAX_NAME) return undefined;
  const name = xml.slice(at + 1, nameEnd);
  let close = nameEnd; // the start tag's ">", outside quoted attribute values
  for (; close < xml.length && xml[close] !== '>'; close++) {
    if (xml[close] === '"' || xml[close] === "'") close = xml.indexOf(xml[close], close + 1);
    if (close < 0) return undefined;
  }
  if (close >= xml.length || close - at > MAX_START_TAG) return undefined;
  const colon = name.indexOf(':');
  const xmlns = colon < 0 ? 'xmlns' : `xmlns:${name.slice(0, colon)}`;
  const attribute = /\s*([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
  attribute.lastIndex = nameEnd;
  for (let a = attribute.exec(xml); a && attribute.lastIndex <= close; a = attribute.exec(xml)) {
    if (a[1] === xmlns) return { name, ns: (a[2] ?? a[3]).trim() };
  }
  return { name };
}

/** Longest element name and root start tag looked at (an e-invoice's are a few dozen and a few hundred characters). */
const MAX_NAME = 1000;
const MAX_START_TAG = 65536;

/** The position after the next `token` from `from`, or -1. */
function after(xml: string, token: string, from: number): number {
  const i = xml.indexOf(token, from);
  return i < 0 ? -1 : i + token.length;
}

/** The position after a DOCTYPE's closing ">", or -1: outside quotes and comments, after the internal subset's "]". */
function doctypeEnd(xml: string, from: number): number {
  let subset = false;
  for (let i = from; i < xml.length; i++) {
    const c = xml[i];
    if (c === '"' || c === "'") i = xml.indexOf(c, i + 1);
    else if (xml.startsWith('<!--', i)) i = after(xml, '-->', i + 4) - 1;
    else if (c === '[') subset = true;
    else if (c === ']') subset = false;
    else if (c === '>' && !subset) return i + 1;
    if (i < 0) return -1;
  }
  return -1;
}

/** Whether the document ends in text rather than in markup (an end tag, a comment or a processing instruction). */
function textAfterRoot(xml: string): boolean {
  return !xml.trimEnd().endsWith('>');
}

// ---------- limits ----------

/**
 * Longest text handed on for a Received or ReceivedLines cell (Sheets holds 50,000 characters a
 * cell; the host enforces that): a 40,000-character item name is cut, ending in "…".
 */
export const MAX_TEXT = 32_000;

export function clipText(s: string): string {
  if (s.length <= MAX_TEXT) return s;
  const end = /[\uD800-\uDBFF]/.test(s[MAX_TEXT - 2]) ? MAX_TEXT - 2 : MAX_TEXT - 1; // not half a surrogate pair
  return `${s.slice(0, end)}…`;
}

/** Every string of a parsed invoice clipped to MAX_TEXT. */
function clipped<T>(v: T): T {
  if (typeof v === 'string') return clipText(v) as T;
  if (Array.isArray(v)) return v.map(clipped) as T;
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clipped(x)])) as T;
  return v;
}

/**
 * The parser reads about 4 MB of text a second (Node; Apps Script is slower), attachments much
 * faster: the biggest real e-invoices (10,000 lines, or attachments in base64) stay below 32 MB.
 */
export const MAX_XML_CHARS = 32 << 20;
/** Markup ("<": tags, comments): a 10,000-line UBL invoice has about 900,000. */
export const MAX_XML_MARKUP = 1_000_000;
/** Entity and character references ("&"): each one is work for the parser. */
export const MAX_XML_REFERENCES = 1_000_000;

const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Whether `xml` holds more than `max` of `char` (indexOf: fast, stops at the limit). */
function moreThan(xml: string, char: string, max: number): boolean {
  let n = 0;
  for (let at = xml.indexOf(char); at >= 0; at = xml.indexOf(char, at + 1)) if (++n > max) return true;
  return false;
}

/**
 * What is refused before the parser runs, so that a hostile file costs at most a few seconds:
 * its size, entity declarations (an external entity would name a file or URL to read, internal
 * ones expand to gigabytes: "billion laughs"; e-invoices declare none), and the amount of markup.
 */
function checkBounds(xml: string): void {
  if (xml.length > MAX_XML_CHARS) throw new BillingError(`the XML has ${thousands(xml.length)} characters; more than ${MAX_XML_CHARS >> 20} MB is not read`);
  if (xml.includes('<!ENTITY')) {
    throw new BillingError('the XML declares entities (<!ENTITY …>); e-invoices declare none, and such declarations can name outside files or expand to gigabytes, so it is not read');
  }
  if (moreThan(xml, '<', MAX_XML_MARKUP)) throw new BillingError(`the XML has more than ${thousands(MAX_XML_MARKUP)} tags; it is not read`);
  if (moreThan(xml, '&', MAX_XML_REFERENCES)) throw new BillingError(`the XML has more than ${thousands(MAX_XML_REFERENCES)} entity or character references (&…;); it is not read`);
}

// ---------- reading ----------

/**
 * Reads an EN 16931 e-invoice (UBL Invoice or CreditNote, CII CrossIndustryInvoice). Throws a
 * BillingError for malformed XML, for XML beyond the limits above, for a document that is not an
 * e-invoice, and for an invoice without its number, dates, currency or totals, or with an amount
 * that is not a decimal or beyond ±10^13. Texts longer than MAX_TEXT are clipped.
 */
export function parseEInvoice(xml: string): ReceivedInvoice {
  const src = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  checkBounds(src);
  const valid = XMLValidator.validate(src);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new BillingError(`malformed XML: ${shortened(msg, 200)}${line ? ` (line ${line}${col ? `, column ${col}` : ''})` : ''}`);
  }
  // The validator and the parser both let text after the root element pass ("<a/>junk").
  if (textAfterRoot(src)) throw new BillingError('malformed XML: text after the root element');
  let tree: Obj;
  try {
    tree = parser.parse(src) as Obj;
  } catch (e) {
    const msg = (e as Error).message;
    if (/nested/i.test(msg)) throw new BillingError(`the XML nests elements more than ${MAX_XML_DEPTH} deep (e-invoices: about 10); it is not read`);
    throw new BillingError(`the XML cannot be read: ${shortened(msg, 200)}`);
  }
  const keys = Object.keys(tree);
  if (keys.includes('#text')) throw new BillingError('malformed XML: text outside the root element');
  if (keys.length !== 1 || Array.isArray(tree[keys[0]])) throw new BillingError('malformed XML: more than one root element');
  const root = rootElement(src);
  const local = keys[0];
  const known = Object.prototype.hasOwnProperty.call(NAMESPACES, local) ? NAMESPACES[local] : undefined;
  if (!known || root?.ns !== known.ns) {
    const name = shortened(root?.name ?? local);
    const ns = known ? ` (its namespace is ${root?.ns ? `"${shortened(root.ns, 100)}"` : 'none'}, not "${known.ns}")` : '';
    throw new BillingError(`not an e-invoice: root element <${name}> is neither UBL Invoice/CreditNote nor CII CrossIndustryInvoice${ns}`);
  }
  return clipped(readInvoice(known.syntax === 'cii' ? ciiLayout(tree[local]) : ublLayout(tree[local], { creditNote: local === 'CreditNote' })));
}

// ---------- BR-CO-10 .. BR-CO-16 ----------

/**
 * The EN 16931 calculation rules for the document totals (BR-CO-10 to BR-CO-16) the invoice
 * breaks, as "BR-CO-nn: ..." texts; [] when its arithmetic holds. Exact decimals, no tolerance.
 * An absent BT-110 skips BR-CO-14 and counts as 0 in BR-CO-15 (as the official CII rules: BT-112 =
 * BT-109 then); absent BT-107, BT-108, BT-113, BT-114 count as 0. Stricter than the official CII
 * BR-CO-15, which also accepts BT-112 = BT-109 when a BT-110 other than 0 is present.
 */
export function checkTotals(r: ReceivedInvoice): string[] {
  const out: string[] = [];
  const t = r.totals;
  const zero = (s: string | undefined) => s ?? '0';
  const breaks = (rule: string, what: string, actual: string, formula: string, expected: Decimal, operands: string[]) => {
    if (!expected.eq(actual)) out.push(`${rule}: ${what} is ${actual}, but ${formula} = ${format(expected, operands)}`);
  };

  const nets = r.lines.map((l) => l.net);
  breaks('BR-CO-10', 'the sum of invoice line net amounts (BT-106)', t.lines, `the sum of the ${nets.length} line net amounts (BT-131)`, total(nets), nets);

  for (const [rule, charge, bt, word] of [
    ['BR-CO-11', false, 'BT-107', 'allowances'],
    ['BR-CO-12', true, 'BT-108', 'charges'],
  ] as const) {
    const stated = charge ? t.charges : t.allowances;
    const amounts = r.allowanceCharges.filter((a) => a.charge === charge).map((a) => a.amount);
    if (stated !== undefined) {
      breaks(rule, `the sum of ${word} on document level (${bt})`, stated, `the sum of the ${amounts.length} document level ${word}`, total(amounts), amounts);
    } else if (amounts.length) {
      out.push(`${rule}: the invoice has ${amounts.length} document level ${word} (${format(total(amounts), amounts)}) but no sum of ${word} on document level (${bt})`);
    }
  }

  // Absent BT-107 / BT-108 count as 0, as in the official rules (BR-CO-11/12 report them missing when there are allowances / charges).
  const ops13 = [t.lines, r.allowances, r.charges];
  breaks('BR-CO-13', 'the invoice total amount without VAT (BT-109)', t.taxExclusive, 'BT-106 − BT-107 + BT-108', new D(t.lines).minus(r.allowances).plus(r.charges), ops13);

  if (t.tax !== undefined) {
    const taxes = r.vat.map((v) => v.tax);
    breaks('BR-CO-14', 'the invoice total VAT amount (BT-110)', t.tax, `the sum of the ${taxes.length} VAT category tax amounts (BT-117)`, total(taxes), taxes);
  }

  const ops15 = [t.taxExclusive, zero(t.tax)];
  breaks(
    'BR-CO-15',
    'the invoice total amount with VAT (BT-112)',
    t.taxInclusive,
    t.tax === undefined ? 'BT-109 (there is no BT-110)' : 'BT-109 + BT-110',
    new D(t.taxExclusive).plus(zero(t.tax)),
    ops15,
  );

  const ops16 = [t.taxInclusive, zero(t.prepaid), zero(t.rounding)];
  breaks('BR-CO-16', 'the amount due for payment (BT-115)', t.payable, 'BT-112 − BT-113 + BT-114', new D(t.taxInclusive).minus(zero(t.prepaid)).plus(zero(t.rounding)), ops16);
  return out;
}
