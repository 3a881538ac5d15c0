// Receiving e-invoices: parseEInvoice reads the official EN 16931 examples (UBL Invoice and
// CreditNote, CII) and our own XRechnung / Factur-X output back into ReceivedInvoice; checkTotals
// holds the totals to BR-CO-10..16 with exact decimals. Money is compared as exact strings.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { finalizeInvoices, creditInvoice } from '../../src/app/ledgerActions';
import { runInvoicing } from '../../src/app/runInvoicing';
import { readDataset } from '../../src/app/workbook';
import { FACTURX_EN16931, toCii } from '../../src/core/einvoice/cii';
import { checkTotals, clipText, MAX_TEXT, parseEInvoice, type ReceivedInvoice } from '../../src/core/einvoice/receive';
import { invoiceTerms, type EInvoice } from '../../src/core/einvoice/terms';
import { XRECHNUNG_3, toUbl } from '../../src/core/einvoice/ubl';
import { BillingError } from '../../src/core/errors';
import { CH_TENANT, DE_TENANT, account, item, ports, product, subscription, type Rows } from '../support/fixtures';
import { einvoiceDir } from '../support/einvoiceValidation';

// ---------- the examples ----------

const DIR = einvoiceDir();
const filesOf = (syntax: 'ubl' | 'cii') =>
  readdirSync(join(DIR, 'examples', syntax))
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => ({ syntax, file: f, path: join(DIR, 'examples', syntax, f) }));
const EXAMPLES = [...filesOf('ubl'), ...filesOf('cii')];
const example = (syntax: 'ubl' | 'cii', file: string) => readFileSync(join(DIR, 'examples', syntax, file), 'utf8');

/** `xml` with `from` replaced once; fails the test when `from` is not there, so a mutation cannot silently miss. */
function mutate(xml: string, from: string | RegExp, to: string): string {
  const out = xml.replace(from, to);
  expect(out).not.toBe(xml);
  return out;
}

/** The BillingError a call throws (fails the test when it throws nothing or something else). */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BillingError);
    return (e as Error).message;
  }
  throw new Error('expected a BillingError, nothing was thrown');
}

const DECIMAL = /^-?\d+(\.\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Every amount, quantity and rate of a parsed invoice is a plain decimal string. */
function decimalsOf(r: ReceivedInvoice): string[] {
  return [
    ...r.lines.flatMap((l) => [l.quantity, l.net, l.price, l.baseQuantity, l.rate]),
    ...r.vat.flatMap((v) => [v.taxable, v.tax, v.rate]),
    ...r.allowanceCharges.flatMap((a) => [a.amount, a.rate]),
    r.allowances,
    r.charges,
    ...Object.values(r.totals),
  ].filter((x): x is string => x !== undefined);
}

describe('official EN 16931 examples', () => {
  it('are all there: 17 UBL (one a CreditNote) and 15 CII', () => {
    expect(EXAMPLES.filter((e) => e.syntax === 'ubl')).toHaveLength(17);
    expect(EXAMPLES.filter((e) => e.syntax === 'cii')).toHaveLength(15);
  });

  it.each(EXAMPLES.map((e) => [`${e.syntax}/${e.file}`, e] as const))('%s parses and its totals hold (BR-CO-10..16)', (_name, e) => {
    const r = parseEInvoice(readFileSync(e.path, 'utf8'));
    expect(r.syntax).toBe(e.syntax);
    expect(r.number).not.toBe('');
    expect(r.typeCode).toMatch(/^\d{3}$/);
    expect(r.issueDate).toMatch(ISO_DATE);
    if (r.dueDate) expect(r.dueDate).toMatch(ISO_DATE);
    expect(r.currency).toMatch(/^[A-Z]{3}$/);
    expect(r.seller.name).not.toBe('');
    expect(r.buyer.name).not.toBe('');
    expect(r.lines.length).toBeGreaterThan(0);
    expect(r.vat.length).toBeGreaterThan(0);
    for (const d of decimalsOf(r)) expect({ d, ok: DECIMAL.test(d) }).toEqual({ d, ok: true });
    // No official example breaks a calculation rule, CII-BR-CO-10-RoundingIssue.xml included (see below).
    expect(checkTotals(r)).toEqual([]);
  });

  it('CII-BR-CO-10-RoundingIssue.xml: its lines (720.81, 0.01, -720.81, -0.01) sum to exactly 0.00 = BT-106; only binary floating point gets it wrong', () => {
    const r = parseEInvoice(example('cii', 'CII-BR-CO-10-RoundingIssue.xml'));
    expect(r.lines.map((l) => l.net)).toEqual(['720.81', '0.01', '-720.81', '-0.01']);
    expect(r.totals.lines).toBe('0.00');
    // The file is a regression case for validators that summed with doubles.
    expect(r.lines.reduce((s, l) => s + Number(l.net), 0)).not.toBe(0);
    expect(checkTotals(r)).toEqual([]);
    // Its invoice number is "0" (a falsy string that must still count as present) and two pairs of lines share an ID.
    expect(r.number).toBe('0');
    expect(r.lines.map((l) => l.id)).toEqual(['1', '1', '2', '2']);
  });
});

// ---------- spot checks ----------

describe('exact values of single examples', () => {
  it('UBL guide-example2.xml (NOK, allowance and charge, prepaid amount, three VAT categories)', () => {
    const r = parseEInvoice(example('ubl', 'guide-example2.xml'));
    expect(r).toMatchObject({
      syntax: 'ubl',
      customization: 'urn:cen.eu:en16931:2017',
      typeCode: '380',
      number: 'TOSL108',
      issueDate: '2013-06-30',
      dueDate: '2013-07-20',
      currency: 'NOK',
      orderReference: '123',
    });
    expect(r.seller).toEqual({
      name: 'Salescompany ltd.',
      vatId: 'NO123456789MVA',
      street: 'Main street 34',
      city: 'Big city',
      postalCode: '303',
      country: 'NO',
      email: 'antonio@salescompany.no',
    });
    expect(r.buyer).toEqual({ name: 'The Buyercompany', vatId: 'NO987654321MVA', country: 'NO' });
    expect(r.lines).toHaveLength(5);
    // Line 1 has a line allowance and charge of 12.00 each (not document level); line 2 a negative quantity.
    expect(r.lines[0]).toEqual({ id: '1', name: 'Laptop computer', quantity: '2', unitCode: 'EA', price: '1273.00', baseQuantity: '1', net: '1273.00', category: 'S', rate: '25' });
    expect(r.lines[1]).toMatchObject({ id: '2', name: 'Returned "Advanced computing" book', quantity: '-1', net: '-3.96', category: 'S', rate: '15' });
    expect(r.vat).toEqual([
      { category: 'S', rate: '25', taxable: '1460.50', tax: '365.13' },
      { category: 'S', rate: '15', taxable: '1.00', tax: '0.15' },
      { category: 'E', rate: '0', taxable: '-25.00', tax: '0.00', exemptionReason: 'Exempt New Means of Transport' },
    ]);
    expect(r.allowanceCharges).toEqual([
      { charge: false, amount: '100.00', reason: 'Promotion discount', category: 'S', rate: '25' },
      { charge: true, amount: '100.00', reason: 'Freight', category: 'S', rate: '25' },
    ]);
    expect([r.allowances, r.charges]).toEqual(['100.00', '100.00']);
    expect(r.totals).toEqual({
      lines: '1436.50',
      taxExclusive: '1436.50',
      tax: '365.28',
      taxInclusive: '1801.78',
      allowances: '100.00',
      charges: '100.00',
      prepaid: '1000.00',
      payable: '801.78',
    });
    expect(r.payment).toEqual({
      code: '30',
      iban: 'NO9386011117947',
      bic: 'DNBANOKK',
      terms: '2 % discount if paid within 2 days Penalty percentage 10% from due date',
    });
  });

  it('CII CII_example5.xml (DKK with BT-110 also in EUR, two payment means, mandate, preceding invoice; amounts as written: "4000.00" next to "4000")', () => {
    const r = parseEInvoice(example('cii', 'CII_example5.xml'));
    expect(r).toMatchObject({
      syntax: 'cii',
      customization: 'urn:cen.eu:en16931:2017',
      typeCode: '380',
      number: 'TOSL110',
      issueDate: '2013-04-10',
      dueDate: '2013-05-10',
      currency: 'DKK',
      buyerReference: 'qwerty',
      orderReference: 'PO4711',
      precedingInvoice: 'TOSL109',
    });
    expect(r.seller).toEqual({
      name: 'SellerCompany',
      vatId: 'NL16356706',
      taxNumber: 'NL16356706',
      street: 'Hoofdstraat 4',
      city: 'Grootstad',
      postalCode: '54321',
      country: 'NL',
      email: 'Anthon@Selco.nl',
    });
    expect(r.buyer).toEqual({ name: 'Buyercompany ltd', vatId: 'DK16356607', country: 'DK' });
    // The net price (BT-146) is 1, not the gross price 1.1 before its 10 % price discount.
    expect(r.lines[0]).toEqual({ id: '1', name: 'Printing paper', quantity: '1000', unitCode: 'C62', price: '1', baseQuantity: '1', net: '1000', category: 'S', rate: '25' });
    expect(r.lines.map((l) => l.net)).toEqual(['1000', '500', '2500']);
    expect(r.vat).toEqual([
      { category: 'S', rate: '25', taxable: '1500', tax: '375' },
      { category: 'S', rate: '12', taxable: '2500', tax: '300' },
    ]);
    // BT-110 is the TaxTotalAmount in the invoice currency (675.00 DKK), not the one in the tax currency (628.62 EUR, BT-111).
    expect(r.totals).toEqual({
      lines: '4000.00',
      taxExclusive: '4000',
      tax: '675.00',
      taxInclusive: '4675',
      allowances: '150',
      charges: '150',
      prepaid: '2337.5',
      payable: '2337.5',
    });
    // The first of the two means (the second has IBAN "A").
    expect(r.payment).toEqual({ code: '58', iban: 'DK1212341234123412', mandate: '123456', terms: '50% prepaid, 50% within one month' });
  });

  it('UBL ubl-tc434-creditnote1.xml: a CreditNote with CreditedQuantity', () => {
    const r = parseEInvoice(example('ubl', 'ubl-tc434-creditnote1.xml'));
    expect(r).toMatchObject({ syntax: 'ubl', typeCode: '381', number: '018304 / 28865', issueDate: '2019-09-23', currency: 'EUR' });
    expect(r.dueDate).toBeUndefined();
    expect(r.lines).toEqual([{ id: '1', name: 'Exonération du versement du PP', quantity: '1.00', unitCode: 'C62', price: '100.11', net: '100.11', category: 'E', rate: '0.00' }]);
    expect(r.totals).toEqual({ lines: '100.11', taxExclusive: '100.11', tax: '0.00', taxInclusive: '100.11', payable: '100.11' });
  });

  it('CII XRechnung-O.xml: no BT-110 at all (not subject to VAT); BR-CO-14 is skipped and BR-CO-15 holds as BT-112 = BT-109', () => {
    const r = parseEInvoice(example('cii', 'XRechnung-O.xml'));
    expect(r.totals).toEqual({ lines: '336300.95', taxExclusive: '385544.60', taxInclusive: '385544.60', charges: '49243.65', payable: '385544.60' });
    expect(r.totals.tax).toBeUndefined();
    expect(r.vat).toEqual([{ category: 'O', rate: '0.0000', taxable: '385544.60', tax: '0.00', exemptionReason: 'Versicherungen sind von der Umsatzsteuer befreit.' }]);
    expect(checkTotals(r)).toEqual([]);
    // Without BT-110, an inclusive total that differs from BT-109 breaks BR-CO-15.
    expect(checkTotals({ ...r, totals: { ...r.totals, taxInclusive: '385544.61', payable: '385544.61' } })).toEqual([
      'BR-CO-15: the invoice total amount with VAT (BT-112) is 385544.61, but BT-109 (there is no BT-110) = 385544.60',
    ]);
  });

  it('decimals are normalised without changing their value: "64." → "64", "100." → "100" (huf_example_cii.xml)', () => {
    const r = parseEInvoice(example('cii', 'huf_example_cii.xml'));
    expect(r.currency).toBe('HUF');
    expect(r.lines[0]).toMatchObject({ id: '1', name: 'DIZEL', quantity: '64', unitCode: 'LTR', price: '36109.00', baseQuantity: '100', net: '23440.00' });
    const odd = mutate(example('ubl', 'ubl-tc434-example9.xml'), '<cbc:PayableAmount currencyID="EUR">177.87</cbc:PayableAmount>', '<cbc:PayableAmount currencyID="EUR">+0177.870</cbc:PayableAmount>');
    expect(parseEInvoice(odd).totals.payable).toBe('177.870');
    expect(checkTotals(parseEInvoice(odd))).toEqual([]);
  });
});

// ---------- checkTotals ----------

describe('checkTotals', () => {
  it('a corrupted PayableAmount breaks BR-CO-16 only (UBL and CII)', () => {
    const ubl = mutate(example('ubl', 'guide-example2.xml'), '<cbc:PayableAmount currencyID="NOK">801.78</cbc:PayableAmount>', '<cbc:PayableAmount currencyID="NOK">801.79</cbc:PayableAmount>');
    expect(checkTotals(parseEInvoice(ubl))).toEqual(['BR-CO-16: the amount due for payment (BT-115) is 801.79, but BT-112 − BT-113 + BT-114 = 801.78']);
    const cii = mutate(example('cii', 'CII_example5.xml'), '<ram:DuePayableAmount>2337.5</ram:DuePayableAmount>', '<ram:DuePayableAmount>2337.50001</ram:DuePayableAmount>');
    // Exact: a difference in the fifth decimal is a difference.
    expect(checkTotals(parseEInvoice(cii))).toEqual(['BR-CO-16: the amount due for payment (BT-115) is 2337.50001, but BT-112 − BT-113 + BT-114 = 2337.50']);
  });

  it('names each broken rule', () => {
    const r = parseEInvoice(example('ubl', 'guide-example2.xml'));
    const lines = r.lines.map((l, i) => (i === 0 ? { ...l, net: '1273.01' } : l));
    expect(checkTotals({ ...r, lines })).toEqual(['BR-CO-10: the sum of invoice line net amounts (BT-106) is 1436.50, but the sum of the 5 line net amounts (BT-131) = 1436.51']);
    const allowanceCharges = r.allowanceCharges.map((a) => (a.charge ? a : { ...a, amount: '99.99' }));
    expect(checkTotals({ ...r, allowanceCharges })).toEqual(['BR-CO-11: the sum of allowances on document level (BT-107) is 100.00, but the sum of the 1 document level allowances = 99.99']);
    const charges = r.allowanceCharges.map((a) => (a.charge ? { ...a, amount: '100.01' } : a));
    expect(checkTotals({ ...r, allowanceCharges: charges })).toEqual(['BR-CO-12: the sum of charges on document level (BT-108) is 100.00, but the sum of the 1 document level charges = 100.01']);
    expect(checkTotals({ ...r, totals: { ...r.totals, taxExclusive: '1436.51' } })).toEqual([
      'BR-CO-13: the invoice total amount without VAT (BT-109) is 1436.51, but BT-106 − BT-107 + BT-108 = 1436.50',
      'BR-CO-15: the invoice total amount with VAT (BT-112) is 1801.78, but BT-109 + BT-110 = 1801.79',
    ]);
    const vat = r.vat.map((v, i) => (i === 1 ? { ...v, tax: '0.16' } : v));
    expect(checkTotals({ ...r, vat })).toEqual(['BR-CO-14: the invoice total VAT amount (BT-110) is 365.28, but the sum of the 3 VAT category tax amounts (BT-117) = 365.29']);
    expect(checkTotals({ ...r, totals: { ...r.totals, rounding: '0.01' } })).toEqual(['BR-CO-16: the amount due for payment (BT-115) is 801.78, but BT-112 − BT-113 + BT-114 = 801.79']);
  });

  it('BR-CO-11/12 compare the stated totals with the document level allowances and charges, in both directions', () => {
    // Allowances present, AllowanceTotalAmount missing: BT-107 counts as 0 in BR-CO-13 too (as in the official rules).
    const noTotal = parseEInvoice(mutate(example('ubl', 'guide-example2.xml'), /\s*<cbc:AllowanceTotalAmount[^>]*>[^<]*<\/cbc:AllowanceTotalAmount>/, ''));
    expect(noTotal.totals.allowances).toBeUndefined();
    expect(noTotal.allowances).toBe('0.00');
    expect(checkTotals(noTotal)).toEqual([
      'BR-CO-11: the invoice has 1 document level allowances (100.00) but no sum of allowances on document level (BT-107)',
      'BR-CO-13: the invoice total amount without VAT (BT-109) is 1436.50, but BT-106 − BT-107 + BT-108 = 1536.50',
    ]);
    // Only the totals: a ChargeTotalAmount without any document level charge.
    const noCharges = parseEInvoice(
      mutate(example('cii', 'XRechnung-O.xml'), /(<ram:ApplicableHeaderTradeSettlement>[\s\S]*?)<ram:SpecifiedTradeAllowanceCharge>[\s\S]*<\/ram:SpecifiedTradeAllowanceCharge>/, '$1'),
    );
    expect(noCharges.allowanceCharges).toEqual([]);
    expect(noCharges.charges).toBe('49243.65');
    expect(checkTotals(noCharges)).toEqual(['BR-CO-12: the sum of charges on document level (BT-108) is 49243.65, but the sum of the 0 document level charges = 0.00']);
    // A stated zero with none present holds (CII-BR-CO-10-RoundingIssue.xml states AllowanceTotalAmount 0 and ChargeTotalAmount 0).
    const zero = parseEInvoice(example('cii', 'CII-BR-CO-10-RoundingIssue.xml'));
    expect([zero.totals.allowances, zero.totals.charges, zero.allowanceCharges]).toEqual(['0', '0', []]);
  });
});

// ---------- errors ----------

describe('documents that are not e-invoices', () => {
  const NOT_INVOICE = (root: string) => `not an e-invoice: root element <${root}> is neither UBL Invoice/CreditNote nor CII CrossIndustryInvoice`;

  it("malformed XML: the parser's reason with line and column", () => {
    expect(errorOf(() => parseEInvoice('<Invoice><ID>1</Invoice>'))).toBe("malformed XML: Expected closing tag 'ID' (opened in line 1, col 10) instead of closing tag 'Invoice'. (line 1, column 15)");
    const cut = example('ubl', 'guide-example2.xml').slice(0, 5000);
    expect(errorOf(() => parseEInvoice(cut))).toMatch(/^malformed XML: .+ \(line \d+, column \d+\)$/);
    expect(errorOf(() => parseEInvoice(''))).toMatch(/^malformed XML: Start tag expected\./);
    expect(errorOf(() => parseEInvoice('hello'))).toBe("malformed XML: char 'h' is not expected. (line 1, column 1)");
    expect(errorOf(() => parseEInvoice('<a/><b/>'))).toBe('malformed XML: more than one root element');
    expect(errorOf(() => parseEInvoice('<a/>junk'))).toBe('malformed XML: text after the root element');
  });

  it('another root element: HTML, an XSD, a UBL Order, ZUGFeRD 1.0, an Invoice in a foreign namespace', () => {
    expect(errorOf(() => parseEInvoice('<html/>'))).toBe(NOT_INVOICE('html'));
    expect(errorOf(() => parseEInvoice('<!DOCTYPE html>\n<html><body><p>Invoice</p></body></html>'))).toBe(NOT_INVOICE('html'));
    const xsd = readFileSync(join(DIR, 'xsd/ubl-2.1/maindoc/UBL-Invoice-2.1.xsd'), 'utf8');
    expect(errorOf(() => parseEInvoice(xsd))).toBe(NOT_INVOICE('xsd:schema'));
    expect(errorOf(() => parseEInvoice('<?xml version="1.0"?><Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"><ID>1</ID></Order>'))).toBe(NOT_INVOICE('Order'));
    expect(errorOf(() => parseEInvoice('<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"/>'))).toBe(NOT_INVOICE('rsm:CrossIndustryDocument'));
    expect(errorOf(() => parseEInvoice('<Invoice xmlns="urn:example"><ID>1</ID></Invoice>'))).toBe(
      `${NOT_INVOICE('Invoice')} (its namespace is "urn:example", not "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2")`,
    );
    expect(errorOf(() => parseEInvoice('<Invoice><ID>1</ID></Invoice>'))).toBe(`${NOT_INVOICE('Invoice')} (its namespace is none, not "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2")`);
  });

  it('an invoice without number, issue date, currency or totals, or with an amount or date that is not one', () => {
    const ubl = example('ubl', 'guide-example2.xml');
    const cii = example('cii', 'CII_example5.xml');
    expect(errorOf(() => parseEInvoice(mutate(ubl, '<cbc:ID>TOSL108</cbc:ID>', '')))).toBe('UBL Invoice has no invoice number (BT-1)');
    expect(errorOf(() => parseEInvoice(mutate(ubl, '<cbc:IssueDate>2013-06-30</cbc:IssueDate>', '')))).toBe('UBL Invoice TOSL108 has no issue date (BT-2)');
    expect(errorOf(() => parseEInvoice(mutate(ubl, '<cbc:DocumentCurrencyCode>NOK</cbc:DocumentCurrencyCode>', '')))).toBe('UBL Invoice TOSL108 has no invoice currency code (BT-5)');
    expect(errorOf(() => parseEInvoice(mutate(ubl, /<cac:LegalMonetaryTotal>[\s\S]*<\/cac:LegalMonetaryTotal>/, '')))).toBe('UBL Invoice TOSL108 has no document totals (BG-22, LegalMonetaryTotal)');
    expect(errorOf(() => parseEInvoice(mutate(ubl, /<cbc:PayableAmount[^>]*>[^<]*<\/cbc:PayableAmount>/, '')))).toBe('UBL Invoice TOSL108 has no amount due for payment (BT-115)');
    expect(errorOf(() => parseEInvoice(mutate(ubl, '>801.78<', '>801,78<')))).toBe(
      'UBL Invoice TOSL108 has amount due for payment (BT-115) "801,78" in <PayableAmount>, which is not a decimal number',
    );
    expect(errorOf(() => parseEInvoice(mutate(ubl, '<cbc:IssueDate>2013-06-30', '<cbc:IssueDate>2013-06-31')))).toBe(
      'UBL Invoice TOSL108 has issue date (BT-2) "2013-06-31", which is not a date (YYYY-MM-DD)',
    );
    expect(errorOf(() => parseEInvoice(mutate(cii, '<ram:ID>TOSL110</ram:ID>', '<ram:ID></ram:ID>')))).toBe('CII CrossIndustryInvoice has no invoice number (BT-1)');
    expect(errorOf(() => parseEInvoice(mutate(cii, '<ram:InvoiceCurrencyCode>DKK</ram:InvoiceCurrencyCode>', '')))).toBe('CII CrossIndustryInvoice TOSL110 has no invoice currency code (BT-5)');
    expect(errorOf(() => parseEInvoice(mutate(cii, '<udt:DateTimeString format="102">20130410</udt:DateTimeString>', '<udt:DateTimeString format="102">2013-04-10</udt:DateTimeString>')))).toBe(
      'CII CrossIndustryInvoice TOSL110 has issue date (BT-2) "2013-04-10", which is not a date in format 102 (YYYYMMDD)',
    );
    expect(errorOf(() => parseEInvoice(mutate(cii, /<ram:SpecifiedTradeSettlementHeaderMonetarySummation>[\s\S]*<\/ram:SpecifiedTradeSettlementHeaderMonetarySummation>/, '')))).toBe(
      'CII CrossIndustryInvoice TOSL110 has no document totals (BG-22, SpecifiedTradeSettlementHeaderMonetarySummation)',
    );
  });

  it('amounts, quantities and rates up to 13 digits before and 20 after the decimal point are read; beyond, the file is refused naming the element', () => {
    const ubl = example('ubl', 'guide-example2.xml');
    const cii = example('cii', 'CII_example5.xml');
    const payable = (v: string) => mutate(ubl, '>801.78<', `>${v}<`);
    expect(parseEInvoice(payable('9999999999999.99999999999999999999')).totals.payable).toBe('9999999999999.99999999999999999999');
    expect(parseEInvoice(payable('-00000000000000000001.50')).totals.payable).toBe('-1.50'); // leading zeros are no digits
    expect(errorOf(() => parseEInvoice(payable('10000000000000')))).toBe(
      'UBL Invoice TOSL108 has amount due for payment (BT-115) "10000000000000" in <PayableAmount>, which is beyond ±10^13 (14 digits before the decimal point)',
    );
    expect(errorOf(() => parseEInvoice(payable('-1.000000000000000000001')))).toBe(
      'UBL Invoice TOSL108 has amount due for payment (BT-115) "-1.000000000000000000001" in <PayableAmount>, which has 21 decimals (at most 20 are read)',
    );
    expect(
      errorOf(() => parseEInvoice(mutate(ubl, '<cbc:InvoicedQuantity unitCode="EA">2</cbc:InvoicedQuantity>', `<cbc:InvoicedQuantity unitCode="EA">${'1'.repeat(60)}</cbc:InvoicedQuantity>`))),
    ).toBe(`UBL Invoice TOSL108 has invoiced quantity (BT-129) on line 1 "${'1'.repeat(40)}… (60 characters)" in <InvoicedQuantity>, which is beyond ±10^13 (60 digits before the decimal point)`);
    expect(errorOf(() => parseEInvoice(mutate(cii, /<ram:DuePayableAmount>[^<]+/, '<ram:DuePayableAmount>1e400')))).toBe(
      'CII CrossIndustryInvoice TOSL110 has amount due for payment (BT-115) "1e400" in <DuePayableAmount>, which is not a decimal number',
    );
    expect(errorOf(() => parseEInvoice(mutate(cii, /<ram:RateApplicablePercent>[^<]+/, `<ram:RateApplicablePercent>${'9'.repeat(20)}`)))).toMatch(
      /^CII CrossIndustryInvoice TOSL110 has VAT rate \(BT-152\) on line 1 "9{20}" in <RateApplicablePercent>, which is beyond ±10\^13 /,
    );
  });

  it('texts are clipped to MAX_TEXT characters ending in "…", never half a surrogate pair; values in messages are shortened', () => {
    expect(clipText('a'.repeat(MAX_TEXT))).toBe('a'.repeat(MAX_TEXT));
    expect(clipText('a'.repeat(MAX_TEXT + 1))).toBe(`${'a'.repeat(MAX_TEXT - 1)}…`);
    const emoji = `${'a'.repeat(MAX_TEXT - 2)}😀😀`; // the first emoji's halves at MAX_TEXT - 2 and - 1
    expect(clipText(emoji)).toBe(`${'a'.repeat(MAX_TEXT - 2)}…`);
    const ubl = example('ubl', 'guide-example2.xml');
    const long = (n: number) => 'Ü'.repeat(n);
    const r = parseEInvoice(
      mutate(mutate(ubl, '<cbc:Name>Laptop computer</cbc:Name>', `<cbc:Name>${long(40_000)}</cbc:Name>`), /<cbc:Note>[^<]*/, `<cbc:Note>${long(10)}`).replace(
        /(<cac:PaymentTerms>\s*<cbc:Note>)[^<]*/,
        `$1${long(50_000)}`,
      ),
    );
    expect([r.lines[0].name.length, r.lines[0].name.endsWith('Ü…'), r.payment.terms?.length, r.seller.name]).toEqual([MAX_TEXT, true, MAX_TEXT, 'Salescompany ltd.']);
    const number = 'N'.repeat(1000);
    expect(errorOf(() => parseEInvoice(mutate(mutate(ubl, '<cbc:ID>TOSL108</cbc:ID>', `<cbc:ID>${number}</cbc:ID>`), '>801.78<', '>x<')))).toBe(
      `UBL Invoice ${'N'.repeat(40)}… (1000 characters) has amount due for payment (BT-115) "x" in <PayableAmount>, which is not a decimal number`,
    );
  });

  it('text is decoded as XML: entities and character references, a byte order mark', () => {
    const ubl = mutate(
      example('ubl', 'ubl-tc434-example9.xml'),
      '<cbc:RegistrationName>Bluem BV</cbc:RegistrationName>',
      '<cbc:RegistrationName>Bl&#252;m &amp; S&#xF6;hne &lt;BV&gt;</cbc:RegistrationName>',
    );
    expect(parseEInvoice(`\uFEFF${ubl}`).seller.name).toBe('Blüm & Söhne <BV>');
  });
});

// ---------- round trip through our own generators ----------

/** What parseEInvoice must read from the XML our generators write for `e`. */
function expectedOf(e: EInvoice, syntax: 'ubl' | 'cii', customization: string): ReceivedInvoice {
  const rate = (category: string, r: string) => (category === 'O' ? undefined : r);
  return {
    syntax,
    customization,
    typeCode: e.typeCode,
    number: e.number,
    issueDate: e.issueDate,
    dueDate: e.dueDate,
    currency: e.currency,
    buyerReference: e.buyerReference,
    orderReference: e.orderReference,
    precedingInvoice: e.preceding?.number,
    seller: {
      name: e.seller.name,
      vatId: e.seller.vatId,
      taxNumber: e.seller.taxNumber,
      street: e.seller.street,
      city: e.seller.city,
      postalCode: e.seller.postalCode,
      country: e.seller.country,
      email: e.seller.contact.email,
    },
    buyer: { name: e.buyer.name, vatId: e.buyer.vatId, country: e.buyer.country },
    lines: e.lines.map((l) => ({ id: l.id, name: l.name, quantity: l.quantity, unitCode: l.unitCode, price: l.price, net: l.net, category: l.category, rate: rate(l.category, l.rate) })),
    vat: e.vat.map((v) => ({ category: v.category, rate: rate(v.category, v.rate), taxable: v.taxable, tax: v.tax, exemptionReason: v.exemptionText ?? v.exemptionCode })),
    allowanceCharges: [],
    allowances: '0.00',
    charges: '0.00',
    totals: { ...e.totals },
    payment: { code: e.payment.code, iban: e.payment.iban, bic: e.payment.bic, mandate: e.payment.mandate?.reference, terms: e.paymentTerms },
  };
}

/** Written as UBL, XRechnung CII and Factur-X CII, read back: the same invoice, and totals that hold. */
function roundTrip(e: EInvoice): void {
  const docs = [
    { xml: toUbl(e), syntax: 'ubl' as const, customization: XRECHNUNG_3 },
    { xml: toCii(e), syntax: 'cii' as const, customization: XRECHNUNG_3 },
    { xml: toCii(e, 'facturx-en16931'), syntax: 'cii' as const, customization: FACTURX_EN16931 },
  ];
  for (const d of docs) {
    const r = parseEInvoice(d.xml);
    expect(r).toEqual(expectedOf(e, d.syntax, d.customization));
    expect(checkTotals(r)).toEqual([]);
  }
}

/** An invoice built by hand: two rates, a line allowance, a line charge, a negative line, cash rounding, escaped text. */
function handMade(): EInvoice {
  return {
    typeCode: '380',
    number: 'RE-2026-0042',
    issueDate: '2026-12-01',
    dueDate: '2026-12-15',
    deliveryDate: '2026-12-01',
    currency: 'EUR',
    notes: ['Leistungszeitraum November'],
    buyerReference: '04011000-12345-67',
    orderReference: 'PO <4711> & more',
    seller: {
      name: 'Müller & Söhne GmbH',
      street: 'Hauptstr. 1',
      city: 'Berlin',
      postalCode: '10115',
      country: 'DE',
      vatId: 'DE123456789',
      endpoint: { id: 'rechnung@mueller.example', scheme: 'EM' },
      contact: { name: 'Erika', phone: '+49 30 1', email: 'rechnung@mueller.example' },
    },
    buyer: { name: 'Kunde "K" AG', street: 'Weg 2', city: 'München', postalCode: '80331', country: 'DE', vatId: 'DE987654321', endpoint: { id: 'ap@kunde.example', scheme: 'EM' } },
    payment: { code: '58', remittance: 'RE-2026-0042', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', accountName: 'Müller & Söhne GmbH' },
    paymentTerms: 'Zahlbar bis 15.12.2026',
    lines: [
      { id: '1', quantity: '2', unitCode: 'MON', net: '200.00', name: 'Hosting', price: '100', category: 'S', rate: '19' },
      { id: '2', quantity: '3', unitCode: 'C62', net: '33.75', name: 'Handbuch', price: '12.5', allowance: { amount: '3.75', reason: '10 % discount', code: '95' }, category: 'S', rate: '7' },
      { id: '3', quantity: '1.5', unitCode: 'HUR', net: '15.25', name: 'Support', price: '10', charge: { amount: '0.25', reason: 'price adjustment', code: 'ZZZ' }, category: 'S', rate: '19' },
      { id: '4', quantity: '-1', unitCode: 'C62', net: '-20.00', name: 'Gutschrift Oktober', price: '20', category: 'S', rate: '19' },
    ],
    vat: [
      { category: 'S', rate: '19', taxable: '195.25', tax: '37.10' },
      { category: 'S', rate: '7', taxable: '33.75', tax: '2.36' },
    ],
    totals: { lines: '229.00', taxExclusive: '229.00', tax: '39.46', taxInclusive: '268.46', rounding: '0.04', payable: '268.50' },
  };
}

/** Runs November for `rows` and finalizes every draft on 2026-11-30. */
function finalized(rows: Rows) {
  const p = ports(rows);
  const run = runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
  expect(run.failed).toEqual([]);
  expect(finalizeInvoices(p, { invoiceDate: '2026-11-30' }).failed).toEqual([]);
  return p;
}

/** The EN 16931 terms of every finalized invoice and credit note in the workbook, as the engine makes them. */
function termsOf(p: ReturnType<typeof ports>): EInvoice[] {
  const ds = readDataset(p);
  return ds.invoices
    .map((row) => row.record)
    .filter((i) => i.number)
    .map((inv) =>
      invoiceTerms(
        { invoice: inv, lines: (ds.linesByInvoice.get(inv.invoiceId) ?? []).map((x) => x.record) },
        { tenant: ds.tenantById.get(inv.tenantId)!, account: ds.accounts.get(inv.accountId), contacts: ds.contacts },
      ),
    );
}

describe('round trip: our own UBL and CII read back', () => {
  it('a hand-made invoice: the same header, parties, lines, VAT, totals (with rounding) and payment', () => {
    roundTrip(handMade());
  });

  it('a hand-made credit note (UBL CreditNote with CreditNoteLine, CII type 381) and a reverse charge invoice', () => {
    const e = handMade();
    roundTrip({ ...e, typeCode: '381', number: 'GS-2026-0007', dueDate: undefined, paymentTerms: undefined, preceding: { number: 'RE-2026-0042', issueDate: '2026-12-01' } });
    expect(toUbl({ ...e, typeCode: '381' })).toContain('<cac:CreditNoteLine>');
    roundTrip({
      ...e,
      lines: [{ ...e.lines[0], category: 'AE', rate: '0' }],
      vat: [{ category: 'AE', rate: '0', taxable: '200.00', tax: '0.00', exemptionCode: 'VATEX-EU-AE', exemptionText: 'Reverse charge' }],
      totals: { lines: '200.00', taxExclusive: '200.00', tax: '0.00', taxInclusive: '200.00', payable: '200.00' },
    });
  });

  it('invoices and a partial credit note made by the engine (German tenant, 19 % and 7 %)', () => {
    const p = finalized({
      Settings: [{ ...DE_TENANT, phone: '+49 30 1234567', email: 'rechnung@muster.example', bic: 'COBADEFFXXX' }],
      Accounts: [account('A1', { buyerReference: '04011000-12345-67', vatId: 'DE987654321' })],
      Products: [product('P1', '100.00', { name: 'Hosting', unit: 'Monat' }), product('P2', '49.99', { name: 'Handbuch', taxClass: 'reduced', unit: '' })],
      Subscriptions: [subscription('S1', 'A1')],
      Items: [item('I1', 'S1', 'P1', { quantity: 2 }), item('I2', 'S1', 'P2', { quantity: 3 })],
    });
    const [invoice] = termsOf(p);
    expect(creditInvoice(p, { invoiceId: 'INV-2026-00001', amount: '100' }).failed).toEqual([]);
    const all = termsOf(p);
    expect(all.map((e) => [e.typeCode, e.number])).toEqual([
      ['380', 'INV-2026-00001'],
      ['381', 'CN-2026-00001'],
    ]);
    expect(invoice.vat.map((v) => v.rate)).toEqual(['7', '19']);
    for (const e of all) roundTrip(e);
  });

  it('CHF invoices with cash rounding 0.05 made by the engine (PayableRoundingAmount / RoundingAmount)', () => {
    const p = finalized({
      Settings: [{ ...CH_TENANT, street: 'Bahnhofstr. 1', postalCode: '8001', email: 'rechnung@beispiel.example', iban: 'CH9300762011623852957' }],
      Accounts: [account('CH1', { country: 'CH', city: 'Bern', postalCode: '3011' }), account('CH2', { country: 'CH', city: 'Basel', postalCode: '4001' })],
      Products: [product('P1', '10.00'), product('P2', '10.03')],
      Subscriptions: [subscription('S1', 'CH1'), subscription('S2', 'CH2')],
      Items: [item('I1', 'S1', 'P1'), item('I2', 'S2', 'P2')],
    });
    const all = termsOf(p);
    expect(all.map((e) => e.totals.rounding)).toEqual(['-0.01', '0.01']);
    for (const e of all) roundTrip(e);
    expect(parseEInvoice(toCii(all[0])).totals).toEqual({ lines: '10.00', taxExclusive: '10.00', tax: '0.81', taxInclusive: '10.81', rounding: '-0.01', payable: '10.80' });
  });
});

// ---------- speed ----------

describe('parse speed', () => {
  it('documents per second over the examples (printed, not asserted)', () => {
    const docs = EXAMPLES.map((e) => ({ name: e.file, xml: readFileSync(e.path, 'utf8') }));
    const measure = (set: { xml: string }[], minMs: number) => {
      for (const d of set) checkTotals(parseEInvoice(d.xml)); // warm up
      let n = 0;
      let bytes = 0;
      const t0 = performance.now();
      do {
        for (const d of set) {
          checkTotals(parseEInvoice(d.xml));
          n++;
          bytes += d.xml.length;
        }
      } while (performance.now() - t0 < minMs);
      const s = (performance.now() - t0) / 1000;
      return { n, perSecond: Math.round(n / s), mbPerSecond: (bytes / 1e6 / s).toFixed(1), msPerDoc: ((s * 1000) / n).toFixed(2) };
    };
    const big = docs.filter((d) => d.xml.length > 1e6);
    const small = docs.filter((d) => d.xml.length <= 1e6);
    const everything = measure(docs, 1500);
    const typical = measure(small, 1500);
    const large = measure(big, 1000);
    console.log(
      [
        `parseEInvoice + checkTotals over the ${docs.length} examples: ${everything.perSecond} documents/s (${everything.msPerDoc} ms each, ${everything.mbPerSecond} MB/s, ${everything.n} parsed)`,
        `  without the ${big.length} file(s) over 1 MB (${big.map((d) => `${d.name}, ${(d.xml.length / 1e6).toFixed(1)} MB`).join('; ')}): ${typical.perSecond} documents/s (${typical.msPerDoc} ms each, ${typical.mbPerSecond} MB/s)`,
        `  the large one(s) alone: ${large.perSecond} documents/s (${large.msPerDoc} ms each, ${large.mbPerSecond} MB/s)`,
      ].join('\n'),
    );
    expect(everything.n).toBeGreaterThan(0);
  });
});
