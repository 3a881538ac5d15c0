// Received e-invoices: an EN 16931 invoice or credit note in UBL 2.1 (Invoice, CreditNote) or in
// UN/CEFACT CII D16B (CrossIndustryInvoice: XRechnung CII, Factur-X / ZUGFeRD XML) read into one
// neutral model, with every amount as the exact decimal the document writes; and the arithmetic
// of its totals checked (BR-CO-10 to BR-CO-16) with exact decimals, no tolerance.
// Pure: no Node APIs, so it runs in Apps Script's V8 as well.
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

// Element names without their prefixes (UBL and CII documents choose their own); text stays text
// (parseTagValue false: "007.50" is not turned into 7.5); XML's five entities and character
// references are decoded (htmlEntities: fast-xml-parser decodes &#...; only with it). Attached
// documents (base64, megabytes) are read as raw text, unused: 18 times faster on a 3 MB invoice.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  htmlEntities: true,
  maxNestedTags: MAX_XML_DEPTH,
  stopNodes: ['*.EmbeddedDocumentBinaryObject', '*.AttachmentBinaryObject'],
});

// ---------- navigation in the parsed tree ----------

type Obj = Record<string, unknown>;

const isObj = (n: unknown): n is Obj => typeof n === 'object' && n !== null && !Array.isArray(n);

/** The children called `name`: an element may occur once (a value) or many times (an array). */
function children(n: unknown, name: string): unknown[] {
  if (!isObj(n) || !Object.prototype.hasOwnProperty.call(n, name)) return [];
  const v = n[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

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

// ---------- UBL ----------

function fromUbl(inv: unknown, credit: boolean): ReceivedInvoice {
  const r = new Reader(`UBL ${credit ? 'CreditNote' : 'Invoice'}`);
  const number = r.need(txt(inv, 'ID'), 'invoice number (BT-1)');
  r.label += ` ${shortened(number)}`;
  const currency = r.need(txt(inv, 'DocumentCurrencyCode'), 'invoice currency code (BT-5)');
  const amount = (n: unknown, path: string, what: string) => r.decimal(text(first(n, path)), what, path);
  const needAmount = (n: unknown, path: string, what: string) => r.need(amount(n, path, what), what);

  const party = (p: unknown, role: string) => {
    const schemes = all(p, 'PartyTaxScheme').map((s) => ({ id: txt(s, 'CompanyID'), scheme: txt(s, 'TaxScheme/ID')?.toUpperCase() }));
    return {
      name: r.need(txt(p, 'PartyLegalEntity/RegistrationName') ?? txt(p, 'PartyName/Name'), `${role} name (${role === 'seller' ? 'BT-27' : 'BT-44'})`),
      vatId: schemes.find((s) => s.scheme === 'VAT' && s.id)?.id,
      taxNumber: schemes.find((s) => s.scheme !== 'VAT' && s.id)?.id,
      street: txt(p, 'PostalAddress/StreetName'),
      city: txt(p, 'PostalAddress/CityName'),
      postalCode: txt(p, 'PostalAddress/PostalZone'),
      country: txt(p, 'PostalAddress/Country/IdentificationCode'),
      email: txt(p, 'Contact/ElectronicMail'),
    };
  };
  const seller = party(first(inv, 'AccountingSupplierParty/Party'), 'seller');
  const b = party(first(inv, 'AccountingCustomerParty/Party'), 'buyer');

  const lines = all(inv, credit ? 'CreditNoteLine' : 'InvoiceLine').map((l) => {
    const id = r.need(txt(l, 'ID'), 'line identifier (BT-126) on an invoice line');
    const what = (bt: string) => `${bt} on line ${id}`;
    const q = first(l, credit ? 'CreditedQuantity' : 'InvoicedQuantity');
    return compact({
      id,
      name: r.need(txt(l, 'Item/Name'), what('item name (BT-153)')),
      quantity: needAmount(l, credit ? 'CreditedQuantity' : 'InvoicedQuantity', what('invoiced quantity (BT-129)')),
      unitCode: attr(q, 'unitCode') || undefined,
      price: amount(l, 'Price/PriceAmount', what('item net price (BT-146)')),
      baseQuantity: amount(l, 'Price/BaseQuantity', what('item price base quantity (BT-149)')),
      net: needAmount(l, 'LineExtensionAmount', what('line net amount (BT-131)')),
      category: txt(l, 'Item/ClassifiedTaxCategory/ID'),
      rate: r.decimal(txt(l, 'Item/ClassifiedTaxCategory/Percent'), what('VAT rate (BT-152)'), 'Item/ClassifiedTaxCategory/Percent'),
    });
  });

  // The VAT breakdown is in the document currency; a second TaxTotal (BT-111, tax currency) has no subtotals.
  const vat = all(inv, 'TaxTotal/TaxSubtotal')
    .filter((s) => [undefined, currency].includes(attr(first(s, 'TaxAmount'), 'currencyID')))
    .map((s) =>
      compact({
        category: r.need(txt(s, 'TaxCategory/ID'), 'VAT category code (BT-118) in the VAT breakdown'),
        rate: r.decimal(txt(s, 'TaxCategory/Percent'), 'VAT category rate (BT-119)', 'TaxCategory/Percent'),
        taxable: needAmount(s, 'TaxableAmount', 'VAT category taxable amount (BT-116)'),
        tax: needAmount(s, 'TaxAmount', 'VAT category tax amount (BT-117)'),
        exemptionReason: txt(s, 'TaxCategory/TaxExemptionReason') ?? txt(s, 'TaxCategory/TaxExemptionReasonCode'),
      }),
    );

  const allowanceCharges = all(inv, 'AllowanceCharge').map((a) => {
    const charge = r.indicator(txt(a, 'ChargeIndicator'), 'document level allowance or charge indicator (ChargeIndicator)');
    const bt = charge ? 'BT-99' : 'BT-92';
    return compact({
      charge,
      amount: needAmount(a, 'Amount', `document level ${charge ? 'charge' : 'allowance'} amount (${bt})`),
      reason: txt(a, 'AllowanceChargeReason') ?? txt(a, 'AllowanceChargeReasonCode'),
      category: txt(a, 'TaxCategory/ID'),
      rate: r.decimal(txt(a, 'TaxCategory/Percent'), 'document level allowance or charge VAT rate', 'TaxCategory/Percent'),
    });
  });

  const m = r.need(first(inv, 'LegalMonetaryTotal'), 'document totals (BG-22, LegalMonetaryTotal)');
  const stated = { allowances: amount(m, 'AllowanceTotalAmount', 'BT-107'), charges: amount(m, 'ChargeTotalAmount', 'BT-108') };
  const means = all(inv, 'PaymentMeans');
  const account = means.map((x) => first(x, 'PayeeFinancialAccount')).find((x) => x !== undefined);

  return compact({
    syntax: 'ubl' as const,
    customization: txt(inv, 'CustomizationID'),
    typeCode: r.need(txt(inv, credit ? 'CreditNoteTypeCode' : 'InvoiceTypeCode'), 'invoice type code (BT-3)'),
    number,
    issueDate: r.need(r.ublDate(txt(inv, 'IssueDate'), 'issue date (BT-2)'), 'issue date (BT-2)'),
    // A CreditNote has no DueDate element: BT-9 is PaymentMeans/PaymentDueDate there.
    dueDate: r.ublDate(credit ? txt(inv, 'PaymentMeans/PaymentDueDate') : txt(inv, 'DueDate'), 'due date (BT-9)'),
    currency,
    buyerReference: txt(inv, 'BuyerReference'),
    orderReference: txt(inv, 'OrderReference/ID'),
    precedingInvoice: txt(inv, 'BillingReference/InvoiceDocumentReference/ID'),
    seller: compact(seller),
    buyer: compact({ name: b.name, vatId: b.vatId, country: b.country }),
    lines,
    vat,
    allowanceCharges,
    allowances: stated.allowances ?? '0.00',
    charges: stated.charges ?? '0.00',
    totals: compact({
      lines: needAmount(m, 'LineExtensionAmount', 'sum of invoice line net amounts (BT-106)'),
      taxExclusive: needAmount(m, 'TaxExclusiveAmount', 'total amount without VAT (BT-109)'),
      tax: r.decimal(text(inCurrency(all(inv, 'TaxTotal/TaxAmount'), currency)), 'total VAT amount (BT-110)', 'TaxAmount'),
      taxInclusive: needAmount(m, 'TaxInclusiveAmount', 'total amount with VAT (BT-112)'),
      ...stated,
      prepaid: amount(m, 'PrepaidAmount', 'paid amount (BT-113)'),
      rounding: amount(m, 'PayableRoundingAmount', 'rounding amount (BT-114)'),
      payable: needAmount(m, 'PayableAmount', 'amount due for payment (BT-115)'),
    }),
    payment: compact({
      code: txt(means[0], 'PaymentMeansCode'),
      iban: txt(account, 'ID'),
      bic: txt(account, 'FinancialInstitutionBranch/ID'),
      mandate: means.map((x) => txt(x, 'PaymentMandate/ID')).find((x) => x !== undefined),
      terms: joined(all(inv, 'PaymentTerms/Note')),
    }),
  });
}

// ---------- CII ----------

function fromCii(root: unknown): ReceivedInvoice {
  const r = new Reader('CII CrossIndustryInvoice');
  const doc = first(root, 'ExchangedDocument');
  const number = r.need(txt(doc, 'ID'), 'invoice number (BT-1)');
  r.label += ` ${shortened(number)}`;
  const tx = first(root, 'SupplyChainTradeTransaction');
  const agreement = first(tx, 'ApplicableHeaderTradeAgreement');
  const settlement = first(tx, 'ApplicableHeaderTradeSettlement');
  const currency = r.need(txt(settlement, 'InvoiceCurrencyCode'), 'invoice currency code (BT-5)');
  const amount = (n: unknown, path: string, what: string) => r.decimal(text(first(n, path)), what, path);
  const needAmount = (n: unknown, path: string, what: string) => r.need(amount(n, path, what), what);

  const party = (p: unknown, role: string) => {
    const ids = all(p, 'SpecifiedTaxRegistration/ID').map((n) => ({ id: text(n), scheme: attr(n, 'schemeID')?.toUpperCase() }));
    return {
      name: r.need(txt(p, 'Name'), `${role} name (${role === 'seller' ? 'BT-27' : 'BT-44'})`),
      vatId: ids.find((x) => x.scheme === 'VA' && x.id)?.id,
      taxNumber: ids.find((x) => x.scheme === 'FC' && x.id)?.id,
      street: txt(p, 'PostalTradeAddress/LineOne'),
      city: txt(p, 'PostalTradeAddress/CityName'),
      postalCode: txt(p, 'PostalTradeAddress/PostcodeCode'),
      country: txt(p, 'PostalTradeAddress/CountryID'),
      email: txt(p, 'DefinedTradeContact/EmailURIUniversalCommunication/URIID'),
    };
  };
  const seller = party(first(agreement, 'SellerTradeParty'), 'seller');
  const b = party(first(agreement, 'BuyerTradeParty'), 'buyer');

  const lines = all(tx, 'IncludedSupplyChainTradeLineItem').map((l) => {
    const id = r.need(txt(l, 'AssociatedDocumentLineDocument/LineID'), 'line identifier (BT-126) on an invoice line');
    const what = (bt: string) => `${bt} on line ${id}`;
    const q = first(l, 'SpecifiedLineTradeDelivery/BilledQuantity');
    const s = first(l, 'SpecifiedLineTradeSettlement');
    return compact({
      id,
      name: r.need(txt(l, 'SpecifiedTradeProduct/Name'), what('item name (BT-153)')),
      quantity: needAmount(l, 'SpecifiedLineTradeDelivery/BilledQuantity', what('invoiced quantity (BT-129)')),
      unitCode: attr(q, 'unitCode') || undefined,
      price: amount(l, 'SpecifiedLineTradeAgreement/NetPriceProductTradePrice/ChargeAmount', what('item net price (BT-146)')),
      baseQuantity: amount(l, 'SpecifiedLineTradeAgreement/NetPriceProductTradePrice/BasisQuantity', what('item price base quantity (BT-149)')),
      net: needAmount(s, 'SpecifiedTradeSettlementLineMonetarySummation/LineTotalAmount', what('line net amount (BT-131)')),
      category: txt(s, 'ApplicableTradeTax/CategoryCode'),
      rate: r.decimal(txt(s, 'ApplicableTradeTax/RateApplicablePercent'), what('VAT rate (BT-152)'), 'ApplicableTradeTax/RateApplicablePercent'),
    });
  });

  const vat = all(settlement, 'ApplicableTradeTax').map((t) =>
    compact({
      category: r.need(txt(t, 'CategoryCode'), 'VAT category code (BT-118) in the VAT breakdown'),
      rate: r.decimal(txt(t, 'RateApplicablePercent'), 'VAT category rate (BT-119)', 'RateApplicablePercent'),
      taxable: needAmount(t, 'BasisAmount', 'VAT category taxable amount (BT-116)'),
      tax: needAmount(t, 'CalculatedAmount', 'VAT category tax amount (BT-117)'),
      exemptionReason: txt(t, 'ExemptionReason') ?? txt(t, 'ExemptionReasonCode'),
    }),
  );

  const allowanceCharges = all(settlement, 'SpecifiedTradeAllowanceCharge').map((a) => {
    const charge = r.indicator(txt(a, 'ChargeIndicator/Indicator'), 'document level allowance or charge indicator (ChargeIndicator)');
    const bt = charge ? 'BT-99' : 'BT-92';
    return compact({
      charge,
      amount: needAmount(a, 'ActualAmount', `document level ${charge ? 'charge' : 'allowance'} amount (${bt})`),
      reason: txt(a, 'Reason') ?? txt(a, 'ReasonCode'),
      category: txt(a, 'CategoryTradeTax/CategoryCode'),
      rate: r.decimal(txt(a, 'CategoryTradeTax/RateApplicablePercent'), 'document level allowance or charge VAT rate', 'CategoryTradeTax/RateApplicablePercent'),
    });
  });

  const m = r.need(first(settlement, 'SpecifiedTradeSettlementHeaderMonetarySummation'), 'document totals (BG-22, SpecifiedTradeSettlementHeaderMonetarySummation)');
  const stated = { allowances: amount(m, 'AllowanceTotalAmount', 'BT-107'), charges: amount(m, 'ChargeTotalAmount', 'BT-108') };
  const terms = all(settlement, 'SpecifiedTradePaymentTerms');
  const means = all(settlement, 'SpecifiedTradeSettlementPaymentMeans');
  const dueDate = terms.map((t) => r.ciiDate(first(t, 'DueDateDateTime'), 'due date (BT-9)')).find((d) => d !== undefined);

  return compact({
    syntax: 'cii' as const,
    customization: txt(root, 'ExchangedDocumentContext/GuidelineSpecifiedDocumentContextParameter/ID'),
    typeCode: r.need(txt(doc, 'TypeCode'), 'invoice type code (BT-3)'),
    number,
    issueDate: r.need(r.ciiDate(first(doc, 'IssueDateTime'), 'issue date (BT-2)'), 'issue date (BT-2)'),
    dueDate,
    currency,
    buyerReference: txt(agreement, 'BuyerReference'),
    orderReference: txt(agreement, 'BuyerOrderReferencedDocument/IssuerAssignedID'),
    precedingInvoice: txt(settlement, 'InvoiceReferencedDocument/IssuerAssignedID'),
    seller: compact(seller),
    buyer: compact({ name: b.name, vatId: b.vatId, country: b.country }),
    lines,
    vat,
    allowanceCharges,
    allowances: stated.allowances ?? '0.00',
    charges: stated.charges ?? '0.00',
    totals: compact({
      lines: needAmount(m, 'LineTotalAmount', 'sum of invoice line net amounts (BT-106)'),
      taxExclusive: needAmount(m, 'TaxBasisTotalAmount', 'total amount without VAT (BT-109)'),
      tax: r.decimal(text(inCurrency(all(m, 'TaxTotalAmount'), currency)), 'total VAT amount (BT-110)', 'TaxTotalAmount'),
      taxInclusive: needAmount(m, 'GrandTotalAmount', 'total amount with VAT (BT-112)'),
      ...stated,
      prepaid: amount(m, 'TotalPrepaidAmount', 'paid amount (BT-113)'),
      rounding: amount(m, 'RoundingAmount', 'rounding amount (BT-114)'),
      payable: needAmount(m, 'DuePayableAmount', 'amount due for payment (BT-115)'),
    }),
    payment: compact({
      code: txt(means[0], 'TypeCode'),
      iban: means.map((x) => txt(x, 'PayeePartyCreditorFinancialAccount/IBANID')).find((x) => x !== undefined),
      bic: means.map((x) => txt(x, 'PayeeSpecifiedCreditorFinancialInstitution/BICID')).find((x) => x !== undefined),
      mandate: terms.map((t) => txt(t, 'DirectDebitMandateID')).find((x) => x !== undefined),
      terms: joined(terms.flatMap((t) => all(t, 'Description'))),
    }),
  });
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
  return clipped(known.syntax === 'cii' ? fromCii(tree[local]) : fromUbl(tree[local], local === 'CreditNote'));
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
