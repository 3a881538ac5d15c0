// UN/CEFACT Cross Industry Invoice D16B: XRechnung 3.0 (CII syntax) and the Factur-X / ZUGFeRD
// EN 16931 profile (the same XML with its own guideline id), in the element order of the schema.
import type { EInvoice, ELine, EParty } from './terms';
import { PEPPOL_BILLING, XRECHNUNG_3 } from './ubl';
import { toXml } from './xml';

/** Factur-X 1.0 / ZUGFeRD 2.x profile EN 16931 ("COMFORT"). */
export const FACTURX_EN16931 = 'urn:cen.eu:en16931:2017';

type Node = Record<string, unknown>;

const date = (iso: string | undefined) => iso && { 'udt:DateTimeString': { '@_format': '102', '#text': iso.replace(/-/g, '') } };
const qdate = (iso: string | undefined) => iso && { 'qdt:DateTimeString': { '@_format': '102', '#text': iso.replace(/-/g, '') } };
const period = (p: { start: string; end: string } | undefined) => p && { 'ram:StartDateTime': date(p.start), 'ram:EndDateTime': date(p.end) };

function party(p: EParty, contact?: EInvoice['seller']['contact']): Node {
  return {
    'ram:Name': p.name,
    'ram:DefinedTradeContact': contact && {
      'ram:PersonName': contact.name,
      'ram:TelephoneUniversalCommunication': contact.phone && { 'ram:CompleteNumber': contact.phone },
      'ram:EmailURIUniversalCommunication': contact.email && { 'ram:URIID': contact.email },
    },
    'ram:PostalTradeAddress': { 'ram:PostcodeCode': p.postalCode, 'ram:LineOne': p.street, 'ram:CityName': p.city, 'ram:CountryID': p.country },
    'ram:URIUniversalCommunication': p.endpoint && { 'ram:URIID': { '@_schemeID': p.endpoint.scheme, '#text': p.endpoint.id } },
    'ram:SpecifiedTaxRegistration': [p.vatId && { 'ram:ID': { '@_schemeID': 'VA', '#text': p.vatId } }, p.taxNumber && { 'ram:ID': { '@_schemeID': 'FC', '#text': p.taxNumber } }],
  };
}

const adjustment = (kind: 'charge' | 'allowance', a: { amount: string; reason: string; code: string } | undefined) =>
  a && {
    'ram:ChargeIndicator': { 'udt:Indicator': String(kind === 'charge') },
    'ram:ActualAmount': a.amount,
    'ram:ReasonCode': a.code,
    'ram:Reason': a.reason,
  };

function line(l: ELine): Node {
  return {
    'ram:AssociatedDocumentLineDocument': { 'ram:LineID': l.id },
    'ram:SpecifiedTradeProduct': { 'ram:Name': l.name, 'ram:Description': l.description },
    'ram:SpecifiedLineTradeAgreement': { 'ram:NetPriceProductTradePrice': { 'ram:ChargeAmount': l.price } },
    'ram:SpecifiedLineTradeDelivery': { 'ram:BilledQuantity': { '@_unitCode': l.unitCode, '#text': l.quantity } },
    'ram:SpecifiedLineTradeSettlement': {
      'ram:ApplicableTradeTax': { 'ram:TypeCode': 'VAT', 'ram:CategoryCode': l.category, 'ram:RateApplicablePercent': l.category === 'O' ? undefined : l.rate },
      'ram:BillingSpecifiedPeriod': period(l.period),
      'ram:SpecifiedTradeAllowanceCharge': [adjustment('charge', l.charge), adjustment('allowance', l.allowance)],
      'ram:SpecifiedTradeSettlementLineMonetarySummation': { 'ram:LineTotalAmount': l.net },
    },
  };
}

/** The header trade settlement: payment means and terms, the VAT breakdown, the totals and the preceding invoice. */
function settlement(e: EInvoice): Node {
  const p = e.payment;
  const precedingOne = e.preceding ?? e.precedingInvoices?.[e.precedingInvoices.length - 1];
  return {
    'ram:CreditorReferenceID': e.seller.creditorId,
    'ram:PaymentReference': p.remittance,
    'ram:InvoiceCurrencyCode': e.currency,
    'ram:SpecifiedTradeSettlementPaymentMeans': {
      'ram:TypeCode': p.code,
      'ram:PayerPartyDebtorFinancialAccount': p.mandate?.debitedIban && { 'ram:IBANID': p.mandate.debitedIban.replace(/\s+/g, '') },
      'ram:PayeePartyCreditorFinancialAccount': p.iban && { 'ram:IBANID': p.iban, 'ram:AccountName': p.accountName },
      'ram:PayeeSpecifiedCreditorFinancialInstitution': p.iban && p.bic && { 'ram:BICID': p.bic },
    },
    'ram:ApplicableTradeTax': e.vat.map((v) => ({
      'ram:CalculatedAmount': v.tax,
      'ram:TypeCode': 'VAT',
      'ram:ExemptionReason': v.exemptionText,
      'ram:BasisAmount': v.taxable,
      'ram:CategoryCode': v.category,
      'ram:ExemptionReasonCode': v.exemptionCode,
      'ram:RateApplicablePercent': v.category === 'O' ? undefined : v.rate,
    })),
    'ram:BillingSpecifiedPeriod': period(e.period),
    'ram:SpecifiedTradePaymentTerms': (e.paymentTerms || e.dueDate || p.mandate) && {
      'ram:Description': e.paymentTerms,
      'ram:DueDateDateTime': date(e.dueDate),
      'ram:DirectDebitMandateID': p.mandate?.reference,
    },
    'ram:SpecifiedTradeSettlementHeaderMonetarySummation': {
      'ram:LineTotalAmount': e.totals.lines,
      'ram:TaxBasisTotalAmount': e.totals.taxExclusive,
      'ram:TaxTotalAmount': { '@_currencyID': e.currency, '#text': e.totals.tax },
      'ram:RoundingAmount': e.totals.rounding,
      'ram:GrandTotalAmount': e.totals.taxInclusive,
      'ram:TotalPrepaidAmount': e.totals.prepaid,
      'ram:DuePayableAmount': e.totals.payable,
    },
    // BG-3: CII D16B has room for one preceding invoice; a final invoice names its latest deducted invoice here and all of them in a note.
    'ram:InvoiceReferencedDocument': precedingOne && { 'ram:IssuerAssignedID': precedingOne.number, 'ram:FormattedIssueDateTime': qdate(precedingOne.issueDate) },
  };
}

/** The deducted invoices of a final invoice as a note, when there are more than CII's one reference (BG-3) can carry. */
function precedingNote(e: EInvoice): string[] {
  const all = e.precedingInvoices ?? [];
  return all.length > 1 ? [`Preceding invoices: ${all.map((p) => `${p.number}${p.issueDate ? ` (${p.issueDate})` : ''}`).join(', ')}`] : [];
}

export function toCii(e: EInvoice, guideline: 'xrechnung' | 'facturx-en16931' = 'xrechnung'): string {
  const doc: Node = {
    '@_xmlns:rsm': 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100',
    '@_xmlns:ram': 'urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100',
    '@_xmlns:qdt': 'urn:un:unece:uncefact:data:standard:QualifiedDataType:100',
    '@_xmlns:udt': 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100',
    'rsm:ExchangedDocumentContext': {
      'ram:BusinessProcessSpecifiedDocumentContextParameter': guideline === 'xrechnung' ? { 'ram:ID': PEPPOL_BILLING } : undefined,
      'ram:GuidelineSpecifiedDocumentContextParameter': { 'ram:ID': guideline === 'xrechnung' ? XRECHNUNG_3 : FACTURX_EN16931 },
    },
    'rsm:ExchangedDocument': {
      'ram:ID': e.number,
      'ram:TypeCode': e.typeCode,
      'ram:IssueDateTime': date(e.issueDate),
      'ram:IncludedNote': [...e.notes, ...precedingNote(e)].map((n) => ({ 'ram:Content': n })),
    },
    'rsm:SupplyChainTradeTransaction': {
      'ram:IncludedSupplyChainTradeLineItem': e.lines.map(line),
      'ram:ApplicableHeaderTradeAgreement': {
        'ram:BuyerReference': e.buyerReference,
        'ram:SellerTradeParty': party(e.seller, e.seller.contact),
        'ram:BuyerTradeParty': party(e.buyer),
        'ram:BuyerOrderReferencedDocument': e.orderReference && { 'ram:IssuerAssignedID': e.orderReference },
        // BT-11: CII asks for a project name beside its id; the id is all the ledger knows.
        'ram:SpecifiedProcuringProject': e.project && { 'ram:ID': e.project, 'ram:Name': e.project },
      },
      // Required by the schema and never empty (PEPPOL-EN16931-R008): the deliver-to address of
      // intra-community supplies, and the supply date (BT-72) that Factur-X asks for at document level (BR-FX-EN-04).
      'ram:ApplicableHeaderTradeDelivery': {
        'ram:ShipToTradeParty': e.delivery && {
          'ram:PostalTradeAddress': { 'ram:PostcodeCode': e.delivery.postalCode, 'ram:LineOne': e.delivery.street, 'ram:CityName': e.delivery.city, 'ram:CountryID': e.delivery.country },
        },
        'ram:ActualDeliverySupplyChainEvent': { 'ram:OccurrenceDateTime': date(e.deliveryDate) },
      },
      'ram:ApplicableHeaderTradeSettlement': settlement(e),
    },
  };
  return toXml('rsm:CrossIndustryInvoice', doc);
}
