// XRechnung 3.0 in UBL 2.1: Invoice, or CreditNote with CreditNoteLine, in the element order of
// the UBL schemas, built as an object tree (serialised by ./xml).
import { toXml } from './xml';
import type { EInvoice, ELine, EParty } from './terms';

export const XRECHNUNG_3 = 'urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0';
export const PEPPOL_BILLING = 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0';

type Node = Record<string, unknown>;

const amt = (currency: string, value: string | undefined) => (value === undefined ? undefined : { '@_currencyID': currency, '#text': value });

function party(p: EParty, extra: { contact?: EInvoice['seller']['contact']; creditorId?: string } = {}): Node {
  return {
    'cbc:EndpointID': p.endpoint && { '@_schemeID': p.endpoint.scheme, '#text': p.endpoint.id },
    // BT-90: the SEPA creditor identifier of a direct debit.
    'cac:PartyIdentification': extra.creditorId && { 'cbc:ID': { '@_schemeID': 'SEPA', '#text': extra.creditorId } },
    'cac:PostalAddress': {
      'cbc:StreetName': p.street,
      'cbc:CityName': p.city,
      'cbc:PostalZone': p.postalCode,
      'cac:Country': { 'cbc:IdentificationCode': p.country },
    },
    'cac:PartyTaxScheme': [p.vatId && { 'cbc:CompanyID': p.vatId, 'cac:TaxScheme': { 'cbc:ID': 'VAT' } }, p.taxNumber && { 'cbc:CompanyID': p.taxNumber, 'cac:TaxScheme': { 'cbc:ID': 'FC' } }],
    'cac:PartyLegalEntity': { 'cbc:RegistrationName': p.name },
    'cac:Contact': extra.contact && { 'cbc:Name': extra.contact.name, 'cbc:Telephone': extra.contact.phone, 'cbc:ElectronicMail': extra.contact.email },
  };
}

function line(e: EInvoice, l: ELine, o: { credit: boolean }): Node {
  const cur = e.currency;
  return {
    'cbc:ID': l.id,
    [o.credit ? 'cbc:CreditedQuantity' : 'cbc:InvoicedQuantity']: { '@_unitCode': l.unitCode, '#text': l.quantity },
    'cbc:LineExtensionAmount': amt(cur, l.net),
    'cac:InvoicePeriod': l.period && { 'cbc:StartDate': l.period.start, 'cbc:EndDate': l.period.end },
    'cac:AllowanceCharge': [
      l.charge && { 'cbc:ChargeIndicator': 'true', 'cbc:AllowanceChargeReasonCode': l.charge.code, 'cbc:AllowanceChargeReason': l.charge.reason, 'cbc:Amount': amt(cur, l.charge.amount) },
      l.allowance && { 'cbc:ChargeIndicator': 'false', 'cbc:AllowanceChargeReasonCode': l.allowance.code, 'cbc:AllowanceChargeReason': l.allowance.reason, 'cbc:Amount': amt(cur, l.allowance.amount) },
    ],
    'cac:Item': {
      'cbc:Description': l.description,
      'cbc:Name': l.name,
      'cac:ClassifiedTaxCategory': { 'cbc:ID': l.category, 'cbc:Percent': l.category === 'O' ? undefined : l.rate, 'cac:TaxScheme': { 'cbc:ID': 'VAT' } },
    },
    'cac:Price': { 'cbc:PriceAmount': amt(cur, l.price) },
  };
}

/** BG-16: payment means, with the payee's account (BG-17) or the direct debit mandate (BG-19). */
function paymentMeans(payment: EInvoice['payment']): Node {
  return {
    'cbc:PaymentMeansCode': payment.code,
    'cbc:PaymentID': payment.remittance,
    'cac:PayeeFinancialAccount': payment.iban && {
      'cbc:ID': payment.iban,
      'cbc:Name': payment.accountName,
      'cac:FinancialInstitutionBranch': payment.bic && { 'cbc:ID': payment.bic },
    },
    'cac:PaymentMandate': payment.mandate && {
      'cbc:ID': payment.mandate.reference,
      'cac:PayerFinancialAccount': payment.mandate.debitedIban && { 'cbc:ID': payment.mandate.debitedIban.replace(/\s+/g, '') },
    },
  };
}

/** BT-110 and the VAT breakdown (BG-23). */
function taxTotal(e: EInvoice): Node {
  const cur = e.currency;
  return {
    'cbc:TaxAmount': amt(cur, e.totals.tax),
    'cac:TaxSubtotal': e.vat.map((v) => ({
      'cbc:TaxableAmount': amt(cur, v.taxable),
      'cbc:TaxAmount': amt(cur, v.tax),
      'cac:TaxCategory': {
        'cbc:ID': v.category,
        'cbc:Percent': v.category === 'O' ? undefined : v.rate,
        'cbc:TaxExemptionReasonCode': v.exemptionCode,
        'cbc:TaxExemptionReason': v.exemptionText,
        'cac:TaxScheme': { 'cbc:ID': 'VAT' },
      },
    })),
  };
}

export function toUbl(e: EInvoice): string {
  const credit = e.typeCode === '381';
  const cur = e.currency;
  const root = credit ? 'CreditNote' : 'Invoice';
  const payment = e.payment;
  const doc: Node = {
    [`@_xmlns`]: `urn:oasis:names:specification:ubl:schema:xsd:${root}-2`,
    '@_xmlns:cac': 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
    '@_xmlns:cbc': 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
    'cbc:CustomizationID': XRECHNUNG_3,
    'cbc:ProfileID': PEPPOL_BILLING,
    'cbc:ID': e.number,
    'cbc:IssueDate': e.issueDate,
    ...(credit ? { 'cbc:CreditNoteTypeCode': e.typeCode } : { 'cbc:DueDate': e.dueDate, 'cbc:InvoiceTypeCode': e.typeCode }),
    'cbc:Note': e.notes,
    'cbc:DocumentCurrencyCode': cur,
    'cbc:BuyerReference': e.buyerReference,
    'cac:InvoicePeriod': e.period && { 'cbc:StartDate': e.period.start, 'cbc:EndDate': e.period.end },
    'cac:OrderReference': e.orderReference && { 'cbc:ID': e.orderReference },
    // BG-3: the credited invoice of a credit note, the deducted prepayment and partial invoices of a final invoice.
    'cac:BillingReference': [e.preceding, ...(e.precedingInvoices ?? [])].filter((p) => !!p).map((p) => ({ 'cac:InvoiceDocumentReference': { 'cbc:ID': p.number, 'cbc:IssueDate': p.issueDate } })),
    // BT-11: UBL's CreditNote has no ProjectReference (a credit note names the project only in CII).
    'cac:ProjectReference': e.project && !credit ? { 'cbc:ID': e.project } : undefined,
    'cac:AccountingSupplierParty': { 'cac:Party': party(e.seller, { contact: e.seller.contact, creditorId: e.seller.creditorId }) },
    'cac:AccountingCustomerParty': { 'cac:Party': party(e.buyer) },
    'cac:Delivery': e.delivery && {
      'cac:DeliveryLocation': {
        'cac:Address': {
          'cbc:StreetName': e.delivery.street,
          'cbc:CityName': e.delivery.city,
          'cbc:PostalZone': e.delivery.postalCode,
          'cac:Country': { 'cbc:IdentificationCode': e.delivery.country },
        },
      },
    },
    'cac:PaymentMeans': paymentMeans(payment),
    'cac:PaymentTerms': e.paymentTerms && { 'cbc:Note': e.paymentTerms },
    'cac:TaxTotal': taxTotal(e),
    'cac:LegalMonetaryTotal': {
      'cbc:LineExtensionAmount': amt(cur, e.totals.lines),
      'cbc:TaxExclusiveAmount': amt(cur, e.totals.taxExclusive),
      'cbc:TaxInclusiveAmount': amt(cur, e.totals.taxInclusive),
      'cbc:PrepaidAmount': amt(cur, e.totals.prepaid),
      'cbc:PayableRoundingAmount': amt(cur, e.totals.rounding),
      'cbc:PayableAmount': amt(cur, e.totals.payable),
    },
    [credit ? 'cac:CreditNoteLine' : 'cac:InvoiceLine']: e.lines.map((l) => line(e, l, { credit })),
  };
  return toXml(root, doc);
}
