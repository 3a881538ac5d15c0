// E-invoices (XRechnung UBL / CII, Factur-X EN 16931) of invoices made by the real engine on
// in-memory workbooks: run → finalize, cancel, credit; then invoiceTerms + toUbl / toCii, parsed
// back with fast-xml-parser to check values. Money is compared as exact strings.
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { createManualInvoice, cancelInvoice, creditInvoice, finalizeInvoices } from '../../src/app/ledgerActions';
import { originalOf } from '../../src/app/delivery';
import { runInvoicing } from '../../src/app/runInvoicing';
import { readDataset } from '../../src/app/workbook';
import type { Dataset } from '../../src/core/dataset';
import { eInvoice, formatFor, xrechnungProblems } from '../../src/core/einvoice/index';
import { FACTURX_EN16931, toCii } from '../../src/core/einvoice/cii';
import { invoiceTerms, type TermsContext } from '../../src/core/einvoice/terms';
import { PEPPOL_BILLING, XRECHNUNG_3, toUbl } from '../../src/core/einvoice/ubl';
import { unitCode } from '../../src/core/einvoice/units';
import { BillingError } from '../../src/core/errors';
import type { Invoice, InvoiceDoc, InvoiceLine, Tenant } from '../../src/core/model';
import { D, type Decimal } from '../../src/core/money';
import { lineNet } from '../../src/core/pricing';
import { computeTotals } from '../../src/core/totals';
import { CH_TENANT, DE_TENANT, TAX_RULES, account, item, ports, product, subscription, type Rows } from '../support/fixtures';

// ---------- helpers ----------

/** The German tenant with what XRechnung needs from Settings (BR-DE-2, -6, -7). */
const SELLER = {
  ...DE_TENANT,
  phone: '+49 30 1234567',
  email: 'rechnung@muster.example',
  contactName: 'Erika Mustermann',
  bic: 'COBADEFFXXX',
};
const NOV = { periodStart: '2026-11-01', periodEnd: '2026-11-30' };
const LEITWEG = '04011000-12345-67';
const invoiceContact = (accountId: string, email: string, extra: Record<string, string | boolean> = {}) => ({
  contactId: `C-${accountId}-${email}`,
  accountId,
  email,
  role: 'invoice',
  ...extra,
});

type P = ReturnType<typeof ports>;

/** Runs November and finalizes every draft (default invoice date 2026-11-30). */
function finalized(rows: Rows, invoiceDate = '2026-11-30'): P {
  const p = ports({ Settings: [SELLER], ...rows });
  const run = runInvoicing(p, NOV);
  expect(run.rowErrors).toEqual([]);
  expect(run.failed).toEqual([]);
  const fin = finalizeInvoices(p, { invoiceDate });
  expect(fin.failed).toEqual([]);
  return p;
}

/** The invoice (by id, number or account) and the context the hosts give eInvoice (app/delivery, node/documents), read back from the workbook. */
function load(p: P, key: string, opts: { withOriginal?: boolean } = {}): { doc: InvoiceDoc; ctx: TermsContext; ds: Dataset } {
  const ds = readDataset(p);
  const all = ds.invoices.map((r) => r.record);
  const inv = all.find((i) => i.invoiceId === key || i.number === key) ?? all.find((i) => i.accountId === key && i.type === 'invoice');
  if (!inv) throw new Error(`no invoice ${key}`);
  const doc = { invoice: inv, lines: (ds.linesByInvoice.get(inv.invoiceId) ?? []).map((r) => r.record) };
  const original = opts.withOriginal !== false ? originalOf(ds, inv) : undefined;
  return { doc, ds, ctx: { tenant: ds.tenantById.get(inv.tenantId)!, account: ds.accounts.get(inv.accountId), contacts: ds.contacts, original } };
}

function ublOf(p: P, key: string, opts?: { withOriginal?: boolean }): string {
  const { doc, ctx } = load(p, key, opts);
  return toUbl(invoiceTerms(doc, ctx));
}

function ciiOf(p: P, key: string, guideline?: 'xrechnung' | 'facturx-en16931'): string {
  const { doc, ctx } = load(p, key);
  return toCii(invoiceTerms(doc, ctx), guideline);
}

const ARRAYS = new Set([
  'cac:InvoiceLine',
  'cac:CreditNoteLine',
  'cac:TaxSubtotal',
  'cac:AllowanceCharge',
  'cbc:Note',
  'cac:PartyTaxScheme',
  'ram:IncludedSupplyChainTradeLineItem',
  'ram:ApplicableTradeTax',
  'ram:SpecifiedTradeAllowanceCharge',
  'ram:SpecifiedTaxRegistration',
  'ram:IncludedNote',
]);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ARRAYS.has(name),
});
// Parsed XML: navigated by element name.
type X = any;
const parse = (xml: string): X => parser.parse(xml);

/** The value of a path of element names ("a/b/c"); undefined when any step is missing. */
function at(node: X, path: string): X {
  let cur = node;
  for (const step of path.split('/')) {
    if (cur === undefined || cur === null) return undefined;
    cur = cur[step];
  }
  return cur;
}

/** Text of an element (with or without attributes). */
function text(node: X, path?: string): string | undefined {
  const n = path ? at(node, path) : node;
  if (n === undefined || n === null) return undefined;
  if (typeof n === 'object') return n['#text'];
  return String(n);
}

/** No `<x/>` and no `<x></x>` anywhere. */
function emptyElements(xml: string): string[] {
  return [...xml.matchAll(/<([\w:.-]+)(\s[^<>]*?)?\/>/g), ...xml.matchAll(/<([\w:.-]+)(\s[^<>]*)?>\s*<\/\1>/g)].map((m) => m[0]);
}

/** Every UBL *Amount element except PriceAmount, with its value. */
function ublAmounts(xml: string): { name: string; value: string }[] {
  return [...xml.matchAll(/<cbc:(\w*Amount)\b[^>]*>([^<]*)<\/cbc:\1>/g)].filter((m) => m[1] !== 'PriceAmount').map((m) => ({ name: m[1], value: m[2] }));
}

/** Every CII *Amount element except ChargeAmount (the net price), with its value. */
function ciiAmounts(xml: string): { name: string; value: string }[] {
  return [...xml.matchAll(/<ram:(\w*Amount)\b[^>]*>([^<]*)<\/ram:\1>/g)].filter((m) => m[1] !== 'ChargeAmount').map((m) => ({ name: m[1], value: m[2] }));
}

const TWO_DECIMALS = /^-?\d+(\.\d{1,2})?$/;

/** What every UBL document must satisfy, whatever it contains. */
function checkUblShape(xml: string): void {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  expect(emptyElements(xml)).toEqual([]);
  for (const a of ublAmounts(xml)) expect({ ...a, ok: TWO_DECIMALS.test(a.value) }).toEqual({ ...a, ok: true });
}

const round2 = (v: Decimal) => new D(v).toDecimalPlaces(2, D.ROUND_HALF_UP);
const sumOf = (xs: string[]) => xs.reduce((s, x) => s.plus(x), new D(0));

/** The allowances and charges of a UBL line as signed decimals: [allowance total, charge total]. */
function lineAdjustments(line: X): [Decimal, Decimal] {
  const acs: X[] = line['cac:AllowanceCharge'] ?? [];
  const allowance = sumOf(acs.filter((a) => text(a, 'cbc:ChargeIndicator') === 'false').map((a) => text(a, 'cbc:Amount')!));
  const charge = sumOf(acs.filter((a) => text(a, 'cbc:ChargeIndicator') === 'true').map((a) => text(a, 'cbc:Amount')!));
  return [allowance, charge];
}

/** PEPPOL-EN16931-R120 for every line, exactly: net = round2(quantity × price) − allowance + charge; price ≥ 0. */
function checkR120(root: X, credit: boolean): void {
  const lines: X[] = root[credit ? 'cac:CreditNoteLine' : 'cac:InvoiceLine'];
  for (const l of lines) {
    const qty = text(l, credit ? 'cbc:CreditedQuantity' : 'cbc:InvoicedQuantity')!;
    const price = text(l, 'cac:Price/cbc:PriceAmount')!;
    const net = text(l, 'cbc:LineExtensionAmount')!;
    const [allowance, charge] = lineAdjustments(l);
    const expected = round2(new D(qty).times(price)).minus(allowance).plus(charge);
    expect({ line: text(l, 'cbc:ID'), net }).toEqual({ line: text(l, 'cbc:ID'), net: expected.toFixed(2) });
    // The Peppol rule itself: unrounded product, 0.02 slack.
    expect(new D(net).minus(new D(qty).times(price).plus(charge).minus(allowance)).abs().lte('0.02')).toBe(true);
    expect(new D(price).isNegative()).toBe(false);
  }
}

// ---------- fixtures ----------

/** A German B2B customer with a Leitweg-ID, a 19 % and a 7 % line, monthly units. */
function standardRows(extraAccount: Record<string, string> = {}): Rows {
  return {
    Accounts: [account('A1', { buyerReference: LEITWEG, vatId: 'DE987654321', ...extraAccount })],
    Contacts: [invoiceContact('A1', 'alt@kunde.example', { active: false }), { contactId: 'CC', accountId: 'A1', email: 'cc@kunde.example', role: 'cc' }, invoiceContact('A1', ' ap@kunde.example ')],
    Products: [product('P1', '100.00', { name: 'Hosting', unit: 'Monat' }), product('P2', '50.00', { name: 'Handbuch', taxClass: 'reduced', unit: '' })],
    Subscriptions: [subscription('S1', 'A1')],
    Items: [item('I1', 'S1', 'P1', { quantity: 2 }), item('I2', 'S1', 'P2')],
  };
}

// ---------- UBL ----------

describe('XRechnung UBL invoice', () => {
  it('carries header, parties, payment, VAT per rate and totals of the finalized invoice', () => {
    const p = finalized(standardRows());
    const xml = ublOf(p, 'INV-2026-00001');
    checkUblShape(xml);
    const inv = parse(xml)['Invoice'];
    expect(inv['@_xmlns']).toBe('urn:oasis:names:specification:ubl:schema:xsd:Invoice-2');
    expect(text(inv, 'cbc:CustomizationID')).toBe(XRECHNUNG_3);
    expect(XRECHNUNG_3).toBe('urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0');
    expect(text(inv, 'cbc:ProfileID')).toBe(PEPPOL_BILLING);
    expect(text(inv, 'cbc:ID')).toBe('INV-2026-00001');
    expect(text(inv, 'cbc:IssueDate')).toBe('2026-11-30');
    expect(text(inv, 'cbc:DueDate')).toBe('2026-12-14');
    expect(text(inv, 'cbc:InvoiceTypeCode')).toBe('380');
    expect(inv['cbc:CreditNoteTypeCode']).toBeUndefined();
    expect(inv['cbc:Note']).toBeUndefined();
    expect(text(inv, 'cbc:DocumentCurrencyCode')).toBe('EUR');
    expect(text(inv, 'cbc:BuyerReference')).toBe(LEITWEG);
    expect(at(inv, 'cac:InvoicePeriod')).toEqual({ 'cbc:StartDate': '2026-11-01', 'cbc:EndDate': '2026-11-30' });
    expect(inv['cac:BillingReference']).toBeUndefined();

    const seller = at(inv, 'cac:AccountingSupplierParty/cac:Party');
    expect(at(seller, 'cbc:EndpointID')).toEqual({ '@_schemeID': 'EM', '#text': 'rechnung@muster.example' });
    expect(seller['cac:PartyIdentification']).toBeUndefined();
    expect(at(seller, 'cac:PostalAddress')).toEqual({
      'cbc:StreetName': 'Hauptstr. 1',
      'cbc:CityName': 'Berlin',
      'cbc:PostalZone': '10115',
      'cac:Country': { 'cbc:IdentificationCode': 'DE' },
    });
    expect(seller['cac:PartyTaxScheme']).toEqual([{ 'cbc:CompanyID': 'DE123456789', 'cac:TaxScheme': { 'cbc:ID': 'VAT' } }]);
    expect(text(seller, 'cac:PartyLegalEntity/cbc:RegistrationName')).toBe('Muster GmbH');
    expect(at(seller, 'cac:Contact')).toEqual({
      'cbc:Name': 'Erika Mustermann',
      'cbc:Telephone': '+49 30 1234567',
      'cbc:ElectronicMail': 'rechnung@muster.example',
    });

    const buyer = at(inv, 'cac:AccountingCustomerParty/cac:Party');
    // The active invoice contact, trimmed: not the inactive one, not the cc.
    expect(at(buyer, 'cbc:EndpointID')).toEqual({ '@_schemeID': 'EM', '#text': 'ap@kunde.example' });
    expect(at(buyer, 'cac:PostalAddress')).toEqual({
      'cbc:StreetName': 'Weg 2',
      'cbc:CityName': 'München',
      'cbc:PostalZone': '80331',
      'cac:Country': { 'cbc:IdentificationCode': 'DE' },
    });
    expect(buyer['cac:PartyTaxScheme']).toEqual([{ 'cbc:CompanyID': 'DE987654321', 'cac:TaxScheme': { 'cbc:ID': 'VAT' } }]);
    expect(text(buyer, 'cac:PartyLegalEntity/cbc:RegistrationName')).toBe('Customer A1');
    expect(buyer['cac:Contact']).toBeUndefined();

    expect(at(inv, 'cac:PaymentMeans')).toEqual({
      'cbc:PaymentMeansCode': '58',
      // BT-83: the RF reference of the number (the ledger's Payment Reference when it has one).
      'cbc:PaymentID': 'RF76INV202600001',
      'cac:PayeeFinancialAccount': { 'cbc:ID': 'DE89370400440532013000', 'cbc:Name': 'Muster GmbH', 'cac:FinancialInstitutionBranch': { 'cbc:ID': 'COBADEFFXXX' } },
    });
    expect(at(inv, 'cac:PaymentTerms')).toEqual({ 'cbc:Note': ['Fällig am 14.12.2026'] });

    // 200.00 at 19 % → 38.00; 50.00 at 7 % → 3.50.
    expect(at(inv, 'cac:TaxTotal/cbc:TaxAmount')).toEqual({ '@_currencyID': 'EUR', '#text': '41.50' });
    const subs: X[] = at(inv, 'cac:TaxTotal/cac:TaxSubtotal');
    expect(
      subs
        .map((s) => [
          text(s, 'cbc:TaxableAmount'),
          text(s, 'cbc:TaxAmount'),
          text(s, 'cac:TaxCategory/cbc:ID'),
          text(s, 'cac:TaxCategory/cbc:Percent'),
          at(s, 'cbc:TaxableAmount/@_currencyID'),
          text(s, 'cac:TaxCategory/cac:TaxScheme/cbc:ID'),
          at(s, 'cac:TaxCategory/cbc:TaxExemptionReasonCode'),
        ])
        .sort(),
    ).toEqual(
      [
        ['200.00', '38.00', 'S', '19', 'EUR', 'VAT', undefined],
        ['50.00', '3.50', 'S', '7', 'EUR', 'VAT', undefined],
      ].sort(),
    );
    const total = at(inv, 'cac:LegalMonetaryTotal');
    expect(Object.fromEntries(Object.entries(total).map(([k, v]) => [k, text(v)]))).toEqual({
      'cbc:LineExtensionAmount': '250.00',
      'cbc:TaxExclusiveAmount': '250.00',
      'cbc:TaxInclusiveAmount': '291.50',
      'cbc:PayableAmount': '291.50',
    });

    const lines: X[] = inv['cac:InvoiceLine'];
    expect(
      lines.map((l) => ({
        id: text(l, 'cbc:ID'),
        qty: at(l, 'cbc:InvoicedQuantity'),
        net: text(l, 'cbc:LineExtensionAmount'),
        period: at(l, 'cac:InvoicePeriod'),
        ac: l['cac:AllowanceCharge'],
        name: text(l, 'cac:Item/cbc:Name'),
        tax: at(l, 'cac:Item/cac:ClassifiedTaxCategory'),
        price: at(l, 'cac:Price/cbc:PriceAmount'),
      })),
    ).toEqual([
      {
        id: '1',
        qty: { '@_unitCode': 'MON', '#text': '2' },
        net: '200.00',
        period: { 'cbc:StartDate': '2026-11-01', 'cbc:EndDate': '2026-11-30' },
        ac: undefined,
        name: 'Hosting',
        tax: { 'cbc:ID': 'S', 'cbc:Percent': '19', 'cac:TaxScheme': { 'cbc:ID': 'VAT' } },
        price: { '@_currencyID': 'EUR', '#text': '100' },
      },
      {
        id: '2',
        qty: { '@_unitCode': 'C62', '#text': '1' },
        net: '50.00',
        period: { 'cbc:StartDate': '2026-11-01', 'cbc:EndDate': '2026-11-30' },
        ac: undefined,
        name: 'Handbuch',
        tax: { 'cbc:ID': 'S', 'cbc:Percent': '7', 'cac:TaxScheme': { 'cbc:ID': 'VAT' } },
        price: { '@_currencyID': 'EUR', '#text': '50' },
      },
    ]);
    checkR120(inv, false);
  });

  it('writes the elements in UBL schema order', () => {
    const xml = ublOf(finalized(standardRows()), 'INV-2026-00001');
    const top = [...xml.matchAll(/^ {2}<((?:cbc|cac):\w+)/gm)].map((m) => m[1]).filter((n, i, a) => a.indexOf(n) === i);
    expect(top).toEqual([
      'cbc:CustomizationID',
      'cbc:ProfileID',
      'cbc:ID',
      'cbc:IssueDate',
      'cbc:DueDate',
      'cbc:InvoiceTypeCode',
      'cbc:DocumentCurrencyCode',
      'cbc:BuyerReference',
      'cac:InvoicePeriod',
      'cac:AccountingSupplierParty',
      'cac:AccountingCustomerParty',
      'cac:PaymentMeans',
      'cac:PaymentTerms',
      'cac:TaxTotal',
      'cac:LegalMonetaryTotal',
      'cac:InvoiceLine',
    ]);
  });

  it('BuyerReference is the customer number when the account has no Leitweg-ID', () => {
    const rows = standardRows();
    rows.Accounts = [account('K-4711')];
    rows.Contacts = [invoiceContact('K-4711', 'ap@kunde.example')];
    rows.Subscriptions = [subscription('S1', 'K-4711')];
    const inv = parse(ublOf(finalized(rows), 'INV-2026-00001'))['Invoice'];
    expect(text(inv, 'cbc:BuyerReference')).toBe('K-4711');
    // A domestic buyer without VAT ID: no PartyTaxScheme at all (not an empty one).
    expect(at(inv, 'cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme')).toBeUndefined();
  });

  it('without an active invoice contact the buyer has no EndpointID (and no empty one)', () => {
    const rows = standardRows();
    rows.Contacts = [invoiceContact('A1', 'old@kunde.example', { active: false })];
    const xml = ublOf(finalized(rows), 'INV-2026-00001');
    checkUblShape(xml);
    expect(at(parse(xml), 'Invoice/cac:AccountingCustomerParty/cac:Party/cbc:EndpointID')).toBeUndefined();
  });

  it('names with &, <, umlauts and emoji survive a parse round trip exactly', () => {
    const buyerName = 'Müller & Söhne <Büro> "Ä" \'ß\' 🧾🚀';
    const lineName = 'Beratung & Support <Premium> – Größe ü 😀 & more';
    const sellerName = 'Muster & Co. <KG> Ärger 🐻';
    const rows = standardRows();
    rows.Settings = [{ ...SELLER, legalName: sellerName, contactName: 'Jürgen <Chef> & 👍' }];
    rows.Accounts = [account('A1', { name: buyerName, buyerReference: LEITWEG, street: 'Kö & Allee 1 <Hinterhaus>' })];
    rows.Items = [item('I1', 'S1', 'P1', { description: lineName })];
    const p = ports({ ...rows });
    runInvoicing(p, NOV);
    finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    const xml = ublOf(p, 'INV-2026-00001');
    checkUblShape(xml);
    expect(xml).toContain('Müller &amp; Söhne &lt;Büro&gt;');
    expect(xml).not.toContain('<Büro>');
    expect(xml).not.toContain('<Premium>');
    const inv = parse(xml)['Invoice'];
    expect(text(inv, 'cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName')).toBe(buyerName);
    expect(text(inv, 'cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:StreetName')).toBe('Kö & Allee 1 <Hinterhaus>');
    expect(text(inv, 'cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName')).toBe(sellerName);
    expect(text(inv, 'cac:AccountingSupplierParty/cac:Party/cac:Contact/cbc:Name')).toBe('Jürgen <Chef> & 👍');
    expect(text(inv, 'cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:Name')).toBe(sellerName);
    expect(text(inv['cac:InvoiceLine'][0], 'cac:Item/cbc:Name')).toBe(lineName);
    // The same in CII.
    const cii = parse(ciiOf(p, 'INV-2026-00001'))['rsm:CrossIndustryInvoice'];
    const agreement = at(cii, 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement');
    expect(text(agreement, 'ram:BuyerTradeParty/ram:Name')).toBe(buyerName);
    expect(text(agreement, 'ram:SellerTradeParty/ram:Name')).toBe(sellerName);
    expect(text(at(cii, 'rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem')[0], 'ram:SpecifiedTradeProduct/ram:Name')).toBe(lineName);
  });

  // Names are looked up before a text is taken for a Rec 20 code: "KG", "GB", "STK", "STD" typed in
  // capitals would otherwise pass through as invalid codes (BR-CL-23).
  it('unit names typed in capitals map like lower case (KG → KGM, GB → E34, STK → H87, STD → HUR, M2 → MTK)', () => {
    expect(['KG', 'GB', 'STK', 'STD', 'M2'].map(unitCode)).toEqual(['KGM', 'E34', 'H87', 'HUR', 'MTK']);
  });

  // A cell pasted from Word keeps its manual line break U+000B, which XML 1.0 does not allow.
  it('control characters from a pasted cell are replaced, so the UBL and CII stay well-formed', () => {
    const rows = standardRows();
    rows.Items = [item('I1', 'S1', 'P1', { description: 'Wartung\u000bZeile 2\u000cEnde' })];
    const p = finalized(rows);
    const illegal = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
    expect(illegal.test(ublOf(p, 'INV-2026-00001'))).toBe(false);
    expect(illegal.test(ciiOf(p, 'INV-2026-00001'))).toBe(false);
  });

  it('unit codes: Products unit "Monat" → MON, none → C62, Rec 20 codes pass through', () => {
    expect(unitCode('Monat')).toBe('MON');
    expect(unitCode('')).toBe('C62');
    expect(unitCode(undefined)).toBe('C62');
    expect(unitCode('Stunden')).toBe('HUR');
    expect(unitCode('HUR')).toBe('HUR');
    expect(unitCode('Stk.')).toBe('H87');
  });
});

// ---------- line allowances ----------

describe('line allowances and charges (R120)', () => {
  it('a 10 % discount is a line allowance: ChargeIndicator false, code 95, amount = gross − net', () => {
    const rows = standardRows();
    rows.Products = [product('P1', '99.99', { unit: 'Monat' })];
    rows.Items = [item('I1', 'S1', 'P1', { quantity: 3, discountPercent: 10 })];
    const p = finalized(rows);
    const xml = ublOf(p, 'INV-2026-00001');
    checkUblShape(xml);
    const inv = parse(xml)['Invoice'];
    const [line] = inv['cac:InvoiceLine'];
    // 3 × 99.99 = 299.97; less 10 % = 269.973 → 269.97; allowance 30.00.
    expect(text(line, 'cbc:LineExtensionAmount')).toBe('269.97');
    expect(text(line, 'cac:Price/cbc:PriceAmount')).toBe('99.99');
    expect(line['cac:AllowanceCharge']).toEqual([
      {
        'cbc:ChargeIndicator': 'false',
        'cbc:AllowanceChargeReasonCode': '95',
        'cbc:AllowanceChargeReason': '10 % discount',
        'cbc:Amount': { '@_currencyID': 'EUR', '#text': '30.00' },
      },
    ]);
    expect(text(inv, 'cac:LegalMonetaryTotal/cbc:LineExtensionAmount')).toBe('269.97');
    // No document-level AllowanceTotalAmount: the discount is on the line only.
    expect(at(inv, 'cac:LegalMonetaryTotal/cbc:AllowanceTotalAmount')).toBeUndefined();
    checkR120(inv, false);
    // The same allowance in CII.
    const cii = parse(ciiOf(p, 'INV-2026-00001'))['rsm:CrossIndustryInvoice'];
    const li = at(cii, 'rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem')[0];
    expect(at(li, 'ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge')).toEqual([
      {
        'ram:ChargeIndicator': { 'udt:Indicator': 'false' },
        'ram:ActualAmount': '30.00',
        'ram:ReasonCode': '95',
        'ram:Reason': '10 % discount',
      },
    ]);
    expect(text(li, 'ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount')).toBe('269.97');
    expect(text(li, 'ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount')).toBe('99.99');
  });

  it('a prorated line (start mid-month) has a "pro rata" allowance', () => {
    const rows = standardRows();
    rows.Subscriptions = [subscription('S1', 'A1', { startDate: '2026-11-11', prorate: true })];
    rows.Items = [item('I1', 'S1', 'P1')];
    const xml = ublOf(finalized(rows), 'INV-2026-00001');
    checkUblShape(xml);
    const inv = parse(xml)['Invoice'];
    const [line] = inv['cac:InvoiceLine'];
    // 20 of 30 days of 100.00 = 66.67.
    expect(text(line, 'cbc:LineExtensionAmount')).toBe('66.67');
    expect(at(line, 'cac:InvoicePeriod')).toEqual({ 'cbc:StartDate': '2026-11-11', 'cbc:EndDate': '2026-11-30' });
    expect(line['cac:AllowanceCharge']).toHaveLength(1);
    const ac = line['cac:AllowanceCharge'][0];
    expect(text(ac, 'cbc:ChargeIndicator')).toBe('false');
    expect(text(ac, 'cbc:AllowanceChargeReasonCode')).toBe('95');
    expect(text(ac, 'cbc:AllowanceChargeReason')).toMatch(/pro rata/);
    expect(text(ac, 'cbc:Amount')).toBe('33.33');
    checkR120(inv, false);
  });

  it('a prorated and discounted line names both reasons in one allowance', () => {
    const rows = standardRows();
    rows.Subscriptions = [subscription('S1', 'A1', { startDate: '2026-11-16' })];
    rows.Items = [item('I1', 'S1', 'P1', { quantity: 2, discountPercent: 10 })];
    const inv = parse(ublOf(finalized(rows), 'INV-2026-00001'))['Invoice'];
    const [line] = inv['cac:InvoiceLine'];
    // 2 × 100 × 15/30 × 0.9 = 90.00; allowance 110.00.
    expect(text(line, 'cbc:LineExtensionAmount')).toBe('90.00');
    expect(text(line['cac:AllowanceCharge'][0], 'cbc:AllowanceChargeReason')).toBe('10 % discount, pro rata 0.5 of the period');
    expect(text(line['cac:AllowanceCharge'][0], 'cbc:Amount')).toBe('110.00');
    checkR120(inv, false);
  });

  it("property: synthetic finalized invoices and credit notes with the engine's line nets satisfy R120 exactly, price never negative", () => {
    const tenant: Tenant = { tenantId: 'DE', legalName: 'Muster GmbH', country: 'DE', currency: 'EUR', vatId: 'DE123456789', email: 'r@muster.example', iban: 'DE89370400440532013000' };
    const lineArb = fc.record({
      quantity: fc.integer({ min: -99_999, max: 999_999 }).map((n) => new D(n).div(1000)),
      unitPrice: fc.integer({ min: -2_000_000, max: 20_000_000 }).map((n) => new D(n).div(10_000)),
      discount: fc.option(
        fc.integer({ min: 0, max: 10_000 }).map((n) => new D(n).div(100)),
        { nil: undefined },
      ),
      factorDays: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
      rate: fc.constantFrom('19', '7', '0'),
    });
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 8 }), fc.constantFrom<'invoice' | 'credit_note'>('invoice', 'credit_note'), (specs, type) => {
        const lines: InvoiceLine[] = specs.map((s, i) => {
          const exact = s.factorDays === undefined ? undefined : new D(s.factorDays).div(30);
          const shown = exact?.toDecimalPlaces(6);
          const net = lineNet(s.quantity, s.unitPrice, { factor: exact, discountPercent: s.discount, currency: 'EUR' });
          const sign = type === 'credit_note' ? -1 : 1;
          return {
            invoiceId: 'I-1',
            lineNo: i + 1,
            kind: type === 'credit_note' ? 'credit' : 'manual',
            description: `Line ${i + 1}`,
            quantity: s.quantity.times(sign),
            unitPrice: s.unitPrice,
            discountPercent: s.discount,
            periodFactor: shown,
            net: net.times(sign),
            taxCategory: s.rate === '0' ? 'Z' : 'S',
            taxRate: new D(s.rate),
          };
        });
        const t = computeTotals(lines, { currency: 'EUR' });
        const invoice: Invoice = {
          invoiceId: 'I-1',
          key: 'M:I-1',
          type,
          status: 'Open',
          number: type === 'credit_note' ? 'CN-1' : 'INV-1',
          tenantId: 'DE',
          accountId: 'A1',
          invoiceDate: '2026-11-30',
          dueDate: '2026-12-14',
          currency: 'EUR',
          net: t.net,
          tax: t.tax,
          gross: t.gross,
          rounding: t.rounding,
          payable: t.payable,
          originalNumber: type === 'credit_note' ? 'INV-0' : undefined,
        };
        const xml = toUbl(invoiceTerms({ invoice, lines }, { tenant, contacts: [] }));
        const credit = type === 'credit_note';
        const root = parse(xml)[credit ? 'CreditNote' : 'Invoice'];
        const out: X[] = root[credit ? 'cac:CreditNoteLine' : 'cac:InvoiceLine'];
        expect(out).toHaveLength(lines.length);
        checkR120(root, credit);
        for (const a of ublAmounts(xml)) expect(TWO_DECIMALS.test(a.value)).toBe(true);
        // Allowance and charge amounts are positive; a line has one or the other, not both.
        for (const l of out) {
          const acs: X[] = l['cac:AllowanceCharge'] ?? [];
          expect(acs.length).toBeLessThanOrEqual(1);
          for (const a of acs) expect(new D(text(a, 'cbc:Amount')!).gt(0)).toBe(true);
        }
        // Each line's amount is the ledger's line net (positive on a credit note), and they add up (BR-CO-10).
        expect(out.map((l) => text(l, 'cbc:LineExtensionAmount'))).toEqual(lines.map((l) => l.net.times(credit ? -1 : 1).toFixed(2)));
        expect(sumOf(out.map((l) => text(l, 'cbc:LineExtensionAmount')!)).toFixed(2)).toBe(text(root, 'cac:LegalMonetaryTotal/cbc:LineExtensionAmount'));
        expect(emptyElements(xml)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('property: invoices made by the engine (random quantity, price, discount, start day) satisfy R120 exactly', () => {
    const caseArb = fc.record({
      items: fc.array(
        fc.record({
          quantity: fc.integer({ min: 1, max: 99_999 }).map((n) => new D(n).div(1000).toString()),
          price: fc.integer({ min: 1, max: 9_999_999 }).map((n) => new D(n).div(10_000).toString()),
          discount: fc.option(
            fc.integer({ min: 1, max: 9_999 }).map((n) => `${new D(n).div(100).toString()}%`),
            { nil: undefined },
          ),
          reduced: fc.boolean(),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      startDay: fc.integer({ min: 1, max: 30 }),
    });
    fc.assert(
      fc.property(caseArb, (c) => {
        const p = finalized({
          Accounts: [account('A1', { buyerReference: LEITWEG })],
          Contacts: [invoiceContact('A1', 'ap@kunde.example')],
          Products: c.items.map((it, i) => product(`P${i}`, it.price, { taxClass: it.reduced ? 'reduced' : 'standard', unit: '' })),
          Subscriptions: [subscription('S1', 'A1', { startDate: `2026-11-${String(c.startDay).padStart(2, '0')}` })],
          Items: c.items.map((it, i) => item(`I${i}`, 'S1', `P${i}`, { quantity: it.quantity, ...(it.discount ? { discountPercent: it.discount } : {}) })),
        });
        const { doc } = load(p, 'INV-2026-00001');
        const xml = ublOf(p, 'INV-2026-00001');
        checkUblShape(xml);
        const inv = parse(xml)['Invoice'];
        checkR120(inv, false);
        expect(inv['cac:InvoiceLine'].map((l: X) => text(l, 'cbc:LineExtensionAmount'))).toEqual(doc.lines.map((l) => l.net.toFixed(2)));
        expect(text(inv, 'cac:LegalMonetaryTotal/cbc:PayableAmount')).toBe(doc.invoice.payable.toFixed(2));
      }),
      { numRuns: 25 },
    );
  });

  // Usage priced per request has prices with 7 decimals: quantity × the written price must still
  // meet the line net within the 0.02 PEPPOL-EN16931-R120 allows.
  it('a unit price with more than 6 decimals still satisfies R120', () => {
    const rows = standardRows();
    rows.Products = [product('P1', '0.0000125', { name: 'API request', unit: '' })];
    rows.Items = [item('I1', 'S1', 'P1', { quantity: 1_000_000 })];
    const p = finalized(rows);
    const { doc } = load(p, 'INV-2026-00001');
    expect(doc.lines[0].net.toFixed(2)).toBe('12.50');
    const inv = parse(ublOf(p, 'INV-2026-00001'))['Invoice'];
    checkR120(inv, false);
  });
});

// EN 16931 allows at most 2 decimals for every amount (BR-DEC-*); a currency with 3 minor units
// (BHD, KWD, JOD, OMR, TND) gets no e-invoice rather than rounded amounts.
describe('currencies with 3 decimals', () => {
  it('a KWD invoice gets no e-invoice: it is refused with a billing error', () => {
    const tenant: Tenant = { tenantId: 'KW', legalName: 'Kuwait Trading', country: 'KW', currency: 'KWD', vatId: 'KW123', email: 'r@kw.example' };
    const lines: InvoiceLine[] = [
      {
        invoiceId: 'I-1',
        lineNo: 1,
        kind: 'manual',
        description: 'Service',
        quantity: new D(1),
        unitPrice: new D('12.345'),
        net: new D('12.345'),
        taxCategory: 'S',
        taxRate: new D(5),
      },
    ];
    const t = computeTotals(lines, { currency: 'KWD' });
    const invoice: Invoice = {
      invoiceId: 'I-1',
      key: 'M:I-1',
      type: 'invoice',
      status: 'Open',
      number: 'KW-1',
      tenantId: 'KW',
      accountId: 'A1',
      invoiceDate: '2026-11-30',
      dueDate: '2026-12-14',
      currency: 'KWD',
      net: t.net,
      tax: t.tax,
      gross: t.gross,
      rounding: t.rounding,
      payable: t.payable,
    };
    expect(() => toUbl(invoiceTerms({ invoice, lines }, { tenant, contacts: [] }))).toThrow(BillingError);
  });
});

// ---------- credit notes ----------

describe('credit notes', () => {
  /** The standard invoice, finalized on 2026-11-20 (the credit note is dated today, 2026-11-30). */
  const original = () => finalized(standardRows(), '2026-11-20');

  it('cancelInvoice gives a CreditNote 381 with CreditNoteLines, positive amounts and the original in BillingReference', () => {
    const p = original();
    const report = cancelInvoice(p, { invoiceId: 'INV-2026-00001' });
    expect(report.failed).toEqual([]);
    const note = report.invoices.find((i) => i.number !== 'INV-2026-00001')!;
    expect(note.number).toBe('CN-2026-00001');
    const xml = ublOf(p, 'CN-2026-00001');
    checkUblShape(xml);
    const doc = parse(xml);
    expect(doc['Invoice']).toBeUndefined();
    const cn = doc['CreditNote'];
    expect(cn['@_xmlns']).toBe('urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2');
    expect(text(cn, 'cbc:CustomizationID')).toBe(XRECHNUNG_3);
    expect(text(cn, 'cbc:ID')).toBe('CN-2026-00001');
    expect(text(cn, 'cbc:IssueDate')).toBe('2026-11-30');
    expect(text(cn, 'cbc:CreditNoteTypeCode')).toBe('381');
    expect(cn['cbc:InvoiceTypeCode']).toBeUndefined();
    expect(cn['cbc:DueDate']).toBeUndefined();
    expect(cn['cac:PaymentTerms']).toBeUndefined();
    expect(text(cn, 'cbc:BuyerReference')).toBe(LEITWEG);
    expect(at(cn, 'cac:BillingReference/cac:InvoiceDocumentReference')).toEqual({ 'cbc:ID': 'INV-2026-00001', 'cbc:IssueDate': '2026-11-20' });
    expect(cn['cac:InvoiceLine']).toBeUndefined();
    const lines: X[] = cn['cac:CreditNoteLine'];
    expect(lines.map((l) => [text(l, 'cbc:ID'), at(l, 'cbc:CreditedQuantity'), text(l, 'cbc:LineExtensionAmount'), text(l, 'cac:Price/cbc:PriceAmount')])).toEqual([
      ['1', { '@_unitCode': 'MON', '#text': '2' }, '200.00', '100'],
      ['2', { '@_unitCode': 'C62', '#text': '1' }, '50.00', '50'],
    ]);
    expect(lines.every((l) => l['cbc:InvoicedQuantity'] === undefined && l['cac:AllowanceCharge'] === undefined)).toBe(true);
    // Every amount positive.
    const amounts = ublAmounts(xml);
    expect(amounts.length).toBeGreaterThan(8);
    expect(amounts.filter((a) => a.value.startsWith('-'))).toEqual([]);
    expect(text(cn, 'cac:TaxTotal/cbc:TaxAmount')).toBe('41.50');
    expect(text(cn, 'cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount')).toBe('291.50');
    expect(text(cn, 'cac:LegalMonetaryTotal/cbc:PayableAmount')).toBe('291.50');
    checkR120(cn, true);
    // The same reference in CII.
    const cii = parse(ciiOf(p, 'CN-2026-00001'))['rsm:CrossIndustryInvoice'];
    expect(text(cii, 'rsm:ExchangedDocument/ram:TypeCode')).toBe('381');
    const settlement = at(cii, 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement');
    expect(at(settlement, 'ram:InvoiceReferencedDocument')).toEqual({
      'ram:IssuerAssignedID': 'INV-2026-00001',
      'ram:FormattedIssueDateTime': { 'qdt:DateTimeString': { '@_format': '102', '#text': '20261120' } },
    });
    expect(at(settlement, 'ram:SpecifiedTradePaymentTerms')).toBeUndefined();
    expect(text(settlement, 'ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:DuePayableAmount')).toBe('291.50');
  });

  // What invoiceTerms gets from the credit note alone: the Invoices row keeps Original Number but not
  // the original's date, so BT-26 (IssueDate in BillingReference) is there only when the caller passes
  // context.original (the hosts do, via originalOf; it has no date when the original's row is gone).
  it('without context.original the BillingReference has the original number but no IssueDate', () => {
    const p = original();
    cancelInvoice(p, { invoiceId: 'INV-2026-00001' });
    const { doc, ctx } = load(p, 'CN-2026-00001', { withOriginal: false });
    expect(doc.invoice.originalNumber).toBe('INV-2026-00001');
    expect(invoiceTerms(doc, ctx).preceding).toEqual({ number: 'INV-2026-00001', issueDate: undefined });
    const xml = eInvoice(doc, ctx, 'xrechnung-ubl')!.xml;
    checkUblShape(xml);
    expect(at(parse(xml), 'CreditNote/cac:BillingReference/cac:InvoiceDocumentReference')).toEqual({ 'cbc:ID': 'INV-2026-00001' });
    // With the original in the context (as the hosts build it), eInvoice() writes its date.
    const full = load(p, 'CN-2026-00001');
    expect(full.ctx.original).toMatchObject({ number: 'INV-2026-00001', invoiceDate: '2026-11-20' });
    expect(at(parse(eInvoice(full.doc, full.ctx, 'xrechnung-ubl')!.xml), 'CreditNote/cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate')).toBe('2026-11-20');
  });

  it('a partial credit (creditInvoice with an amount) is a CreditNote spread over the rates, all positive', () => {
    const p = original();
    const report = creditInvoice(p, { invoiceId: 'INV-2026-00001', amount: '100' });
    expect(report.failed).toEqual([]);
    const xml = ublOf(p, 'CN-2026-00001');
    checkUblShape(xml);
    const cn = parse(xml)['CreditNote'];
    expect(text(cn, 'cbc:CreditNoteTypeCode')).toBe('381');
    expect(cn['cbc:DueDate']).toBeUndefined();
    expect(at(cn, 'cac:BillingReference/cac:InvoiceDocumentReference')).toEqual({ 'cbc:ID': 'INV-2026-00001', 'cbc:IssueDate': '2026-11-20' });
    // 100.00 in proportion 200 : 50 → 80.00 at 19 %, 20.00 at 7 %.
    const lines: X[] = cn['cac:CreditNoteLine'];
    expect(
      lines
        .map((l) => [
          at(l, 'cbc:CreditedQuantity'),
          text(l, 'cbc:LineExtensionAmount'),
          text(l, 'cac:Price/cbc:PriceAmount'),
          text(l, 'cac:Item/cac:ClassifiedTaxCategory/cbc:Percent'),
          l['cac:AllowanceCharge'],
        ])
        .sort(),
    ).toEqual(
      [
        [{ '@_unitCode': 'C62', '#text': '1' }, '20.00', '20', '7', undefined],
        [{ '@_unitCode': 'C62', '#text': '1' }, '80.00', '80', '19', undefined],
      ].sort(),
    );
    expect(lines.map((l) => text(l, 'cac:Item/cbc:Name')).sort()).toEqual(['Korrektur zur Rechnung INV-2026-00001 (USt. 19 %)', 'Korrektur zur Rechnung INV-2026-00001 (USt. 7 %)']);
    expect(ublAmounts(xml).filter((a) => a.value.startsWith('-'))).toEqual([]);
    // 80.00 × 19 % = 15.20; 20.00 × 7 % = 1.40.
    expect(text(cn, 'cac:TaxTotal/cbc:TaxAmount')).toBe('16.60');
    expect(Object.fromEntries(Object.entries(at(cn, 'cac:LegalMonetaryTotal')).map(([k, v]) => [k, text(v)]))).toEqual({
      'cbc:LineExtensionAmount': '100.00',
      'cbc:TaxExclusiveAmount': '100.00',
      'cbc:TaxInclusiveAmount': '116.60',
      'cbc:PayableAmount': '116.60',
    });
    checkR120(cn, true);
  });

  it('a credit note of a direct-debit invoice is not a direct debit', () => {
    const p = finalized(standardRows({ paymentMethod: 'direct_debit', mandateReference: 'MR-1', iban: 'DE02120300000000202051' }));
    cancelInvoice(p, { invoiceId: 'INV-2026-00001' });
    const cn = parse(ublOf(p, 'CN-2026-00001'))['CreditNote'];
    expect(text(cn, 'cac:PaymentMeans/cbc:PaymentMeansCode')).toBe('58');
    expect(at(cn, 'cac:PaymentMeans/cac:PaymentMandate')).toBeUndefined();
  });
});

// ---------- tax categories ----------

describe('VAT categories without tax', () => {
  it('reverse charge (EU B2B buyer with VAT ID): category AE, rate 0, VATEX-EU-AE with its text', () => {
    const rule = TAX_RULES.find((r) => r.ruleId === 'DE-EU-B2B')!;
    const p = finalized({
      Accounts: [account('AT1', { country: 'AT', vatId: 'ATU12345678', city: 'Wien', postalCode: '1010', buyerReference: 'PO-77' })],
      Contacts: [invoiceContact('AT1', 'ap@kunde.example')],
      Products: [product('P1', '100.00')],
      Subscriptions: [subscription('S1', 'AT1')],
      Items: [item('I1', 'S1', 'P1')],
    });
    const xml = ublOf(p, 'INV-2026-00001');
    checkUblShape(xml);
    const inv = parse(xml)['Invoice'];
    expect(inv['cbc:Note']).toEqual([rule.exemptionText]);
    const buyer = at(inv, 'cac:AccountingCustomerParty/cac:Party');
    expect(buyer['cac:PartyTaxScheme']).toEqual([{ 'cbc:CompanyID': 'ATU12345678', 'cac:TaxScheme': { 'cbc:ID': 'VAT' } }]);
    expect(text(buyer, 'cac:PostalAddress/cac:Country/cbc:IdentificationCode')).toBe('AT');
    expect(at(inv, 'cac:TaxTotal')).toEqual({
      'cbc:TaxAmount': { '@_currencyID': 'EUR', '#text': '0.00' },
      'cac:TaxSubtotal': [
        {
          'cbc:TaxableAmount': { '@_currencyID': 'EUR', '#text': '100.00' },
          'cbc:TaxAmount': { '@_currencyID': 'EUR', '#text': '0.00' },
          'cac:TaxCategory': {
            'cbc:ID': 'AE',
            'cbc:Percent': '0',
            'cbc:TaxExemptionReasonCode': 'VATEX-EU-AE',
            'cbc:TaxExemptionReason': rule.exemptionText,
            'cac:TaxScheme': { 'cbc:ID': 'VAT' },
          },
        },
      ],
    });
    expect(at(inv['cac:InvoiceLine'][0], 'cac:Item/cac:ClassifiedTaxCategory')).toEqual({ 'cbc:ID': 'AE', 'cbc:Percent': '0', 'cac:TaxScheme': { 'cbc:ID': 'VAT' } });
    expect(text(inv, 'cac:LegalMonetaryTotal/cbc:PayableAmount')).toBe('100.00');
    // CII
    const cii = parse(ciiOf(p, 'INV-2026-00001'))['rsm:CrossIndustryInvoice'];
    const tax = at(cii, 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax');
    expect(tax).toEqual([
      {
        'ram:CalculatedAmount': '0.00',
        'ram:TypeCode': 'VAT',
        'ram:ExemptionReason': rule.exemptionText,
        'ram:BasisAmount': '100.00',
        'ram:CategoryCode': 'AE',
        'ram:ExemptionReasonCode': 'VATEX-EU-AE',
        'ram:RateApplicablePercent': '0',
      },
    ]);
    expect(at(cii, 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:BuyerTradeParty/ram:SpecifiedTaxRegistration')).toEqual([
      { 'ram:ID': { '@_schemeID': 'VA', '#text': 'ATU12345678' } },
    ]);
  });

  it('export (US buyer): category G with VATEX-EU-G', () => {
    const rule = TAX_RULES.find((r) => r.ruleId === 'DE-EXPORT')!;
    const p = finalized({
      Accounts: [account('US1', { country: 'US', city: 'New York', postalCode: '10001', street: '5th Ave 1' })],
      Contacts: [invoiceContact('US1', 'ap@customer.example')],
      Products: [product('P1', '250.00')],
      Subscriptions: [subscription('S1', 'US1')],
      Items: [item('I1', 'S1', 'P1')],
    });
    const xml = ublOf(p, 'INV-2026-00001');
    checkUblShape(xml);
    const inv = parse(xml)['Invoice'];
    const [sub] = at(inv, 'cac:TaxTotal/cac:TaxSubtotal');
    expect(at(sub, 'cac:TaxCategory')).toEqual({
      'cbc:ID': 'G',
      'cbc:Percent': '0',
      'cbc:TaxExemptionReasonCode': 'VATEX-EU-G',
      'cbc:TaxExemptionReason': rule.exemptionText,
      'cac:TaxScheme': { 'cbc:ID': 'VAT' },
    });
    expect([text(sub, 'cbc:TaxableAmount'), text(sub, 'cbc:TaxAmount')]).toEqual(['250.00', '0.00']);
    expect(text(inv, 'cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode')).toBe('US');
    expect(text(inv, 'cbc:BuyerReference')).toBe('US1');
    expect(text(inv['cac:InvoiceLine'][0], 'cac:Item/cac:ClassifiedTaxCategory/cbc:ID')).toBe('G');
  });
});

// ---------- CHF cash rounding ----------

describe('CHF tenant with cash rounding 0.05', () => {
  const chRows = (): Rows => ({
    Settings: [{ ...CH_TENANT, street: 'Bahnhofstr. 1', postalCode: '8001', phone: '+41 44 1234567', email: 'rechnung@beispiel.example', contactName: 'Hans Muster', iban: 'CH9300762011623852957' }],
    Accounts: [account('CH1', { country: 'CH', city: 'Bern', postalCode: '3011' }), account('CH2', { country: 'CH', city: 'Basel', postalCode: '4001' })],
    Contacts: [invoiceContact('CH1', 'ap1@kunde.example'), invoiceContact('CH2', 'ap2@kunde.example')],
    Products: [product('P1', '10.00'), product('P2', '10.03')],
    Subscriptions: [subscription('S1', 'CH1'), subscription('S2', 'CH2')],
    Items: [item('I1', 'S1', 'P1'), item('I2', 'S2', 'P2')],
  });

  it('PayableRoundingAmount and PayableAmount: payable = taxInclusive + rounding', () => {
    const p = ports(chRows());
    runInvoicing(p, NOV);
    expect(finalizeInvoices(p, { invoiceDate: '2026-11-30' }).failed).toEqual([]);
    const cases = [
      // 10.00 + 8.1 % 0.81 = 10.81 → 10.80
      { key: 'CH1', inclusive: '10.81', rounding: '-0.01', payable: '10.80' },
      // 10.03 + 0.81 = 10.84 → 10.85
      { key: 'CH2', inclusive: '10.84', rounding: '0.01', payable: '10.85' },
    ];
    for (const c of cases) {
      const { doc, ctx } = load(p, c.key);
      expect(doc.invoice.number).toMatch(/^CH-2026-000[12]$/);
      const xml = toUbl(invoiceTerms(doc, ctx));
      checkUblShape(xml);
      const inv = parse(xml)['Invoice'];
      expect(text(inv, 'cbc:DocumentCurrencyCode')).toBe('CHF');
      const total = at(inv, 'cac:LegalMonetaryTotal');
      expect(Object.keys(total)).toEqual(['cbc:LineExtensionAmount', 'cbc:TaxExclusiveAmount', 'cbc:TaxInclusiveAmount', 'cbc:PayableRoundingAmount', 'cbc:PayableAmount']);
      expect(at(total, 'cbc:PayableRoundingAmount')).toEqual({ '@_currencyID': 'CHF', '#text': c.rounding });
      expect([text(total, 'cbc:TaxInclusiveAmount'), text(total, 'cbc:PayableAmount')]).toEqual([c.inclusive, c.payable]);
      expect(new D(text(total, 'cbc:TaxInclusiveAmount')!).plus(text(total, 'cbc:PayableRoundingAmount')!).toFixed(2)).toBe(text(total, 'cbc:PayableAmount'));
      expect(text(at(inv, 'cac:TaxTotal/cac:TaxSubtotal')[0], 'cac:TaxCategory/cbc:Percent')).toBe('8.1');
      // CII: RoundingAmount between TaxTotalAmount and GrandTotalAmount.
      const cii = parse(toCii(invoiceTerms(doc, ctx)))['rsm:CrossIndustryInvoice'];
      const sum = at(cii, 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementHeaderMonetarySummation');
      expect(sum).toEqual({
        'ram:LineTotalAmount': text(total, 'cbc:LineExtensionAmount'),
        'ram:TaxBasisTotalAmount': text(total, 'cbc:TaxExclusiveAmount'),
        'ram:TaxTotalAmount': { '@_currencyID': 'CHF', '#text': text(inv, 'cac:TaxTotal/cbc:TaxAmount') },
        'ram:RoundingAmount': c.rounding,
        'ram:GrandTotalAmount': c.inclusive,
        'ram:DuePayableAmount': c.payable,
      });
    }
  });

  it('a cancelled CHF invoice: the credit note has the rounding with the sign of a positive document', () => {
    const p = ports(chRows());
    runInvoicing(p, NOV);
    finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    const { doc } = load(p, 'CH1');
    cancelInvoice(p, { invoiceId: doc.invoice.invoiceId });
    const ds = readDataset(p);
    const note = ds.invoices.map((r) => r.record).find((i) => i.type === 'credit_note')!;
    expect(note.number).toBe('CHG-2026-0001');
    const xml = ublOf(p, note.invoiceId);
    checkUblShape(xml);
    const total = at(parse(xml), 'CreditNote/cac:LegalMonetaryTotal');
    expect([text(total, 'cbc:TaxInclusiveAmount'), text(total, 'cbc:PayableRoundingAmount'), text(total, 'cbc:PayableAmount')]).toEqual(['10.81', '-0.01', '10.80']);
  });
});

// ---------- direct debit ----------

describe('SEPA direct debit', () => {
  const ddRows = (): Rows => ({
    ...standardRows({ paymentMethod: 'direct_debit', mandateReference: 'MR-2026-001', iban: 'DE02 1203 0000 0000 2020 51', bic: 'BYLADEM1001' }),
    Settings: [{ ...SELLER, creditorId: 'DE98ZZZ09999999999' }],
  });

  it('UBL: PaymentMeansCode 59, PaymentMandate with the debited IBAN, seller SEPA creditor id', () => {
    const p = ports(ddRows());
    runInvoicing(p, NOV);
    finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    const xml = ublOf(p, 'INV-2026-00001');
    checkUblShape(xml);
    const inv = parse(xml)['Invoice'];
    expect(at(inv, 'cac:PaymentMeans')).toEqual({
      'cbc:PaymentMeansCode': '59',
      // BT-83: the RF reference of the number (the ledger's Payment Reference when it has one).
      'cbc:PaymentID': 'RF76INV202600001',
      'cac:PaymentMandate': { 'cbc:ID': 'MR-2026-001', 'cac:PayerFinancialAccount': { 'cbc:ID': 'DE02120300000000202051' } },
    });
    expect(at(inv, 'cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification')).toEqual({ 'cbc:ID': { '@_schemeID': 'SEPA', '#text': 'DE98ZZZ09999999999' } });
    // Still due on the due date.
    expect(text(inv, 'cbc:DueDate')).toBe('2026-12-14');
  });

  it('CII: TypeCode 59, DirectDebitMandateID, CreditorReferenceID, PayerPartyDebtorFinancialAccount/IBANID', () => {
    const p = ports(ddRows());
    runInvoicing(p, NOV);
    finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    const cii = parse(ciiOf(p, 'INV-2026-00001'))['rsm:CrossIndustryInvoice'];
    const s = at(cii, 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement');
    expect(Object.keys(s).slice(0, 3)).toEqual(['ram:CreditorReferenceID', 'ram:PaymentReference', 'ram:InvoiceCurrencyCode']);
    expect(text(s, 'ram:CreditorReferenceID')).toBe('DE98ZZZ09999999999');
    expect(at(s, 'ram:SpecifiedTradeSettlementPaymentMeans')).toEqual({
      'ram:TypeCode': '59',
      'ram:PayerPartyDebtorFinancialAccount': { 'ram:IBANID': 'DE02120300000000202051' },
    });
    expect(at(s, 'ram:SpecifiedTradePaymentTerms')).toEqual({
      'ram:Description': 'Fällig am 14.12.2026',
      'ram:DueDateDateTime': { 'udt:DateTimeString': { '@_format': '102', '#text': '20261214' } },
      'ram:DirectDebitMandateID': 'MR-2026-001',
    });
  });
});

// ---------- CII ----------

describe('CII (XRechnung and Factur-X EN 16931)', () => {
  it("the same invoice's values in CII, dates in format 102, header parts in schema order", () => {
    const p = finalized(standardRows());
    const xml = ciiOf(p, 'INV-2026-00001');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<rsm:CrossIndustryInvoice')).toBe(true);
    // No empty element (PEPPOL-EN16931-R008), not even the delivery the schema requires.
    expect(emptyElements(xml)).toEqual([]);
    for (const a of ciiAmounts(xml)) expect({ ...a, ok: TWO_DECIMALS.test(a.value) }).toEqual({ ...a, ok: true });
    const root = parse(xml)['rsm:CrossIndustryInvoice'];
    expect(Object.keys(root).filter((k) => !k.startsWith('@_'))).toEqual(['rsm:ExchangedDocumentContext', 'rsm:ExchangedDocument', 'rsm:SupplyChainTradeTransaction']);
    expect(at(root, 'rsm:ExchangedDocumentContext')).toEqual({
      'ram:BusinessProcessSpecifiedDocumentContextParameter': { 'ram:ID': PEPPOL_BILLING },
      'ram:GuidelineSpecifiedDocumentContextParameter': { 'ram:ID': XRECHNUNG_3 },
    });
    expect(at(root, 'rsm:ExchangedDocument')).toEqual({
      'ram:ID': 'INV-2026-00001',
      'ram:TypeCode': '380',
      'ram:IssueDateTime': { 'udt:DateTimeString': { '@_format': '102', '#text': '20261130' } },
    });
    const tx = at(root, 'rsm:SupplyChainTradeTransaction');
    expect(Object.keys(tx)).toEqual(['ram:IncludedSupplyChainTradeLineItem', 'ram:ApplicableHeaderTradeAgreement', 'ram:ApplicableHeaderTradeDelivery', 'ram:ApplicableHeaderTradeSettlement']);
    // BT-72 at document level (BR-FX-EN-04): the last day of the invoice period.
    expect(tx['ram:ApplicableHeaderTradeDelivery']).toEqual({
      'ram:ActualDeliverySupplyChainEvent': {
        'ram:OccurrenceDateTime': {
          'udt:DateTimeString': { '@_format': '102', '#text': text(tx, 'ram:ApplicableHeaderTradeSettlement/ram:BillingSpecifiedPeriod/ram:EndDateTime/udt:DateTimeString') },
        },
      },
    });
    expect(text(tx, 'ram:ApplicableHeaderTradeSettlement/ram:BillingSpecifiedPeriod/ram:EndDateTime/udt:DateTimeString')).toBe('20261130');
    const iAgree = xml.indexOf('<ram:ApplicableHeaderTradeAgreement>');
    const iDeliv = xml.indexOf('<ram:ApplicableHeaderTradeDelivery>');
    const iSettle = xml.indexOf('<ram:ApplicableHeaderTradeSettlement>');
    expect(xml.lastIndexOf('</ram:IncludedSupplyChainTradeLineItem>')).toBeLessThan(iAgree);
    expect(iAgree).toBeLessThan(iDeliv);
    expect(iDeliv).toBeLessThan(iSettle);

    const agreement = tx['ram:ApplicableHeaderTradeAgreement'];
    expect(Object.keys(agreement)).toEqual(['ram:BuyerReference', 'ram:SellerTradeParty', 'ram:BuyerTradeParty']);
    expect(agreement['ram:BuyerReference']).toBe(LEITWEG);
    expect(agreement['ram:SellerTradeParty']).toEqual({
      'ram:Name': 'Muster GmbH',
      'ram:DefinedTradeContact': {
        'ram:PersonName': 'Erika Mustermann',
        'ram:TelephoneUniversalCommunication': { 'ram:CompleteNumber': '+49 30 1234567' },
        'ram:EmailURIUniversalCommunication': { 'ram:URIID': 'rechnung@muster.example' },
      },
      'ram:PostalTradeAddress': { 'ram:PostcodeCode': '10115', 'ram:LineOne': 'Hauptstr. 1', 'ram:CityName': 'Berlin', 'ram:CountryID': 'DE' },
      'ram:URIUniversalCommunication': { 'ram:URIID': { '@_schemeID': 'EM', '#text': 'rechnung@muster.example' } },
      'ram:SpecifiedTaxRegistration': [{ 'ram:ID': { '@_schemeID': 'VA', '#text': 'DE123456789' } }],
    });
    expect(agreement['ram:BuyerTradeParty']).toEqual({
      'ram:Name': 'Customer A1',
      'ram:PostalTradeAddress': { 'ram:PostcodeCode': '80331', 'ram:LineOne': 'Weg 2', 'ram:CityName': 'München', 'ram:CountryID': 'DE' },
      'ram:URIUniversalCommunication': { 'ram:URIID': { '@_schemeID': 'EM', '#text': 'ap@kunde.example' } },
      'ram:SpecifiedTaxRegistration': [{ 'ram:ID': { '@_schemeID': 'VA', '#text': 'DE987654321' } }],
    });

    const settlement = tx['ram:ApplicableHeaderTradeSettlement'];
    expect(Object.keys(settlement)).toEqual([
      'ram:PaymentReference',
      'ram:InvoiceCurrencyCode',
      'ram:SpecifiedTradeSettlementPaymentMeans',
      'ram:ApplicableTradeTax',
      'ram:BillingSpecifiedPeriod',
      'ram:SpecifiedTradePaymentTerms',
      'ram:SpecifiedTradeSettlementHeaderMonetarySummation',
    ]);
    expect(settlement['ram:PaymentReference']).toBe('RF76INV202600001');
    expect(settlement['ram:InvoiceCurrencyCode']).toBe('EUR');
    expect(settlement['ram:SpecifiedTradeSettlementPaymentMeans']).toEqual({
      'ram:TypeCode': '58',
      'ram:PayeePartyCreditorFinancialAccount': { 'ram:IBANID': 'DE89370400440532013000', 'ram:AccountName': 'Muster GmbH' },
      'ram:PayeeSpecifiedCreditorFinancialInstitution': { 'ram:BICID': 'COBADEFFXXX' },
    });
    expect((settlement['ram:ApplicableTradeTax'] as X[]).map((t) => [t['ram:BasisAmount'], t['ram:CalculatedAmount'], t['ram:CategoryCode'], t['ram:RateApplicablePercent']]).sort()).toEqual(
      [
        ['200.00', '38.00', 'S', '19'],
        ['50.00', '3.50', 'S', '7'],
      ].sort(),
    );
    expect(settlement['ram:BillingSpecifiedPeriod']).toEqual({
      'ram:StartDateTime': { 'udt:DateTimeString': { '@_format': '102', '#text': '20261101' } },
      'ram:EndDateTime': { 'udt:DateTimeString': { '@_format': '102', '#text': '20261130' } },
    });
    expect(settlement['ram:SpecifiedTradePaymentTerms']).toEqual({
      'ram:Description': 'Fällig am 14.12.2026',
      'ram:DueDateDateTime': { 'udt:DateTimeString': { '@_format': '102', '#text': '20261214' } },
    });
    expect(settlement['ram:SpecifiedTradeSettlementHeaderMonetarySummation']).toEqual({
      'ram:LineTotalAmount': '250.00',
      'ram:TaxBasisTotalAmount': '250.00',
      'ram:TaxTotalAmount': { '@_currencyID': 'EUR', '#text': '41.50' },
      'ram:GrandTotalAmount': '291.50',
      'ram:DuePayableAmount': '291.50',
    });

    const items: X[] = tx['ram:IncludedSupplyChainTradeLineItem'];
    expect(
      items.map((li) => ({
        id: text(li, 'ram:AssociatedDocumentLineDocument/ram:LineID'),
        name: text(li, 'ram:SpecifiedTradeProduct/ram:Name'),
        price: text(li, 'ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount'),
        qty: at(li, 'ram:SpecifiedLineTradeDelivery/ram:BilledQuantity'),
        tax: at(li, 'ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax'),
        net: text(li, 'ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount'),
        order: Object.keys(li['ram:SpecifiedLineTradeSettlement']),
      })),
    ).toEqual([
      {
        id: '1',
        name: 'Hosting',
        price: '100',
        qty: { '@_unitCode': 'MON', '#text': '2' },
        net: '200.00',
        tax: [{ 'ram:TypeCode': 'VAT', 'ram:CategoryCode': 'S', 'ram:RateApplicablePercent': '19' }],
        order: ['ram:ApplicableTradeTax', 'ram:BillingSpecifiedPeriod', 'ram:SpecifiedTradeSettlementLineMonetarySummation'],
      },
      {
        id: '2',
        name: 'Handbuch',
        price: '50',
        qty: { '@_unitCode': 'C62', '#text': '1' },
        net: '50.00',
        tax: [{ 'ram:TypeCode': 'VAT', 'ram:CategoryCode': 'S', 'ram:RateApplicablePercent': '7' }],
        order: ['ram:ApplicableTradeTax', 'ram:BillingSpecifiedPeriod', 'ram:SpecifiedTradeSettlementLineMonetarySummation'],
      },
    ]);
  });

  it('Factur-X EN 16931: guideline urn:cen.eu:en16931:2017, otherwise the same document', () => {
    const p = finalized(standardRows());
    const x = ciiOf(p, 'INV-2026-00001', 'xrechnung');
    const f = ciiOf(p, 'INV-2026-00001', 'facturx-en16931');
    expect(FACTURX_EN16931).toBe('urn:cen.eu:en16931:2017');
    const fx = parse(f)['rsm:CrossIndustryInvoice'];
    expect(text(fx, 'rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID')).toBe('urn:cen.eu:en16931:2017');
    expect(at(fx, 'rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter')).toBeUndefined();
    expect(fx['rsm:SupplyChainTradeTransaction']).toEqual(parse(x)['rsm:CrossIndustryInvoice']['rsm:SupplyChainTradeTransaction']);
    expect(fx['rsm:ExchangedDocument']).toEqual(parse(x)['rsm:CrossIndustryInvoice']['rsm:ExchangedDocument']);
  });

  it('UBL and CII agree on every amount of the same invoice', () => {
    const rows = standardRows();
    rows.Items = [item('I1', 'S1', 'P1', { quantity: 3, discountPercent: 12.5 }), item('I2', 'S1', 'P2', { quantity: 7 })];
    const p = finalized(rows);
    const u = parse(ublOf(p, 'INV-2026-00001'))['Invoice'];
    const c = parse(ciiOf(p, 'INV-2026-00001'))['rsm:CrossIndustryInvoice'];
    const s = at(c, 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementHeaderMonetarySummation');
    expect([s['ram:LineTotalAmount'], s['ram:TaxBasisTotalAmount'], text(s, 'ram:TaxTotalAmount'), s['ram:GrandTotalAmount'], s['ram:DuePayableAmount']]).toEqual([
      text(u, 'cac:LegalMonetaryTotal/cbc:LineExtensionAmount'),
      text(u, 'cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount'),
      text(u, 'cac:TaxTotal/cbc:TaxAmount'),
      text(u, 'cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount'),
      text(u, 'cac:LegalMonetaryTotal/cbc:PayableAmount'),
    ]);
    const ciiLines = (at(c, 'rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem') as X[]).map((li) => [
      text(li, 'ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount'),
      text(li, 'ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount'),
      text(li, 'ram:SpecifiedLineTradeDelivery/ram:BilledQuantity'),
      (li['ram:SpecifiedLineTradeSettlement']['ram:SpecifiedTradeAllowanceCharge'] ?? []).map((a: X) => a['ram:ActualAmount']),
    ]);
    const ublLines = (u['cac:InvoiceLine'] as X[]).map((l) => [
      text(l, 'cbc:LineExtensionAmount'),
      text(l, 'cac:Price/cbc:PriceAmount'),
      text(l, 'cbc:InvoicedQuantity'),
      (l['cac:AllowanceCharge'] ?? []).map((a: X) => text(a, 'cbc:Amount')),
    ]);
    expect(ciiLines).toEqual(ublLines);
    // 3 × 100 less 12.5 % = 262.50, allowance 37.50; 7 × 50 = 350.00.
    expect(ublLines).toEqual([
      ['262.50', '100', '3', ['37.50']],
      ['350.00', '50', '7', []],
    ]);
  });
});

// ---------- many lines ----------

describe('100 lines on one invoice', () => {
  it('a subscription with 100 items: 100 InvoiceLines, sums right in UBL and CII', () => {
    const items = Array.from({ length: 100 }, (_, i) => ({
      id: `I${String(i + 1).padStart(3, '0')}`,
      product: i % 3 === 0 ? 'P2' : 'P1',
      quantity: (i % 5) + 1,
      price: new D(i + 1).times('1.37').toFixed(2),
    }));
    const p = finalized({
      Accounts: [account('A1', { buyerReference: LEITWEG })],
      Contacts: [invoiceContact('A1', 'ap@kunde.example')],
      Products: [product('P1', '1.00', { unit: 'Monat' }), product('P2', '1.00', { taxClass: 'reduced' })],
      Subscriptions: [subscription('S1', 'A1')],
      Items: items.map((x) => item(x.id, 'S1', x.product, { quantity: x.quantity, unitPrice: x.price })),
    });
    let net19 = new D(0);
    let net7 = new D(0);
    for (const x of items) {
      const n = new D(x.quantity).times(x.price);
      if (x.product === 'P2') net7 = net7.plus(n);
      else net19 = net19.plus(n);
    }
    const tax19 = round2(net19.times('0.19'));
    const tax7 = round2(net7.times('0.07'));
    const net = net19.plus(net7);
    const gross = net.plus(tax19).plus(tax7);

    const xml = ublOf(p, 'INV-2026-00001');
    checkUblShape(xml);
    const inv = parse(xml)['Invoice'];
    const lines: X[] = inv['cac:InvoiceLine'];
    expect(lines).toHaveLength(100);
    expect(lines.map((l) => text(l, 'cbc:ID'))).toEqual(Array.from({ length: 100 }, (_, i) => String(i + 1)));
    expect(lines.map((l) => text(l, 'cbc:LineExtensionAmount'))).toEqual(items.map((x) => new D(x.quantity).times(x.price).toFixed(2)));
    expect(sumOf(lines.map((l) => text(l, 'cbc:LineExtensionAmount')!)).toFixed(2)).toBe(net.toFixed(2));
    checkR120(inv, false);
    const subs: X[] = at(inv, 'cac:TaxTotal/cac:TaxSubtotal');
    expect(subs.map((s) => [text(s, 'cac:TaxCategory/cbc:Percent'), text(s, 'cbc:TaxableAmount'), text(s, 'cbc:TaxAmount')]).sort()).toEqual(
      [
        ['19', net19.toFixed(2), tax19.toFixed(2)],
        ['7', net7.toFixed(2), tax7.toFixed(2)],
      ].sort(),
    );
    expect(text(inv, 'cac:TaxTotal/cbc:TaxAmount')).toBe(tax19.plus(tax7).toFixed(2));
    expect([
      text(inv, 'cac:LegalMonetaryTotal/cbc:LineExtensionAmount'),
      text(inv, 'cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount'),
      text(inv, 'cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount'),
      text(inv, 'cac:LegalMonetaryTotal/cbc:PayableAmount'),
    ]).toEqual([net.toFixed(2), net.toFixed(2), gross.toFixed(2), gross.toFixed(2)]);

    const cii = parse(ciiOf(p, 'INV-2026-00001'))['rsm:CrossIndustryInvoice'];
    const ciiItems: X[] = at(cii, 'rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem');
    expect(ciiItems).toHaveLength(100);
    expect(text(cii, 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:DuePayableAmount')).toBe(gross.toFixed(2));
  });

  it('a manual invoice with 100 lines (units, discounts, a negative line): 100 InvoiceLines, R120, sums right', () => {
    const p = ports({
      Settings: [SELLER],
      Accounts: [account('A1', { buyerReference: LEITWEG })],
      Contacts: [invoiceContact('A1', 'ap@kunde.example')],
    });
    const lines = Array.from({ length: 100 }, (_, i) => ({
      description: `Position ${i + 1}`,
      quantity: i === 99 ? '1' : new D(i + 1).div(4).toString(),
      unitPrice: i === 99 ? '-25.00' : new D(i).times('3.333').plus(1).toFixed(3),
      unit: ['Stunden', 'Monat', 'kg', ''][i % 4],
      taxClass: i % 2 ? 'reduced' : 'standard',
      ...(i % 7 === 0 ? { discountPercent: '5' } : {}),
    }));
    const draft = createManualInvoice(p, { accountId: 'A1', invoiceDate: '2026-11-30', lines });
    expect(finalizeInvoices(p, { invoiceIds: [draft.invoiceId] }).failed).toEqual([]);
    const { doc } = load(p, draft.invoiceId);
    const xml = ublOf(p, draft.invoiceId);
    checkUblShape(xml);
    const inv = parse(xml)['Invoice'];
    const out: X[] = inv['cac:InvoiceLine'];
    expect(out).toHaveLength(100);
    expect(out.map((l) => at(l, 'cbc:InvoicedQuantity/@_unitCode')).slice(0, 4)).toEqual(['HUR', 'MON', 'KGM', 'C62']);
    checkR120(inv, false);
    // The negative line: negative quantity at a positive price.
    expect([text(out[99], 'cbc:InvoicedQuantity'), text(out[99], 'cac:Price/cbc:PriceAmount'), text(out[99], 'cbc:LineExtensionAmount')]).toEqual(['-1', '25', '-25.00']);
    expect(out.map((l) => text(l, 'cbc:LineExtensionAmount'))).toEqual(doc.lines.map((l) => l.net.toFixed(2)));
    expect(sumOf(out.map((l) => text(l, 'cbc:LineExtensionAmount')!)).toFixed(2)).toBe(text(inv, 'cac:LegalMonetaryTotal/cbc:LineExtensionAmount'));
    expect(text(inv, 'cac:LegalMonetaryTotal/cbc:PayableAmount')).toBe(doc.invoice.payable.toFixed(2));
    const subs: X[] = at(inv, 'cac:TaxTotal/cac:TaxSubtotal');
    expect(sumOf(subs.map((s) => text(s, 'cbc:TaxAmount')!)).toFixed(2)).toBe(text(inv, 'cac:TaxTotal/cbc:TaxAmount'));
    expect(sumOf(subs.map((s) => text(s, 'cbc:TaxableAmount')!)).toFixed(2)).toBe(text(inv, 'cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount'));
  });
});

// ---------- eInvoice() ----------

describe('eInvoice(): format, completeness, drafts and pro-forma', () => {
  it("formatFor: the account's format overrides the tenant's; a buyer reference means XRechnung UBL; otherwise none", () => {
    const p = ports({
      Settings: [
        { ...SELLER, eInvoiceFormat: 'xrechnung-cii' },
        { ...SELLER, tenantId: 'D2', eInvoiceFormat: '' },
      ],
      Accounts: [
        account('Z', { eInvoiceFormat: 'zugferd' }),
        account('T'),
        account('N', { eInvoiceFormat: 'none', buyerReference: LEITWEG }),
        account('L', { tenantId: 'D2', buyerReference: LEITWEG }),
        account('O', { tenantId: 'D2' }),
        account('U', { tenantId: 'D2', eInvoiceFormat: 'xrechnung-ubl' }),
      ],
    });
    const ds = readDataset(p);
    expect(ds.errors).toEqual([]);
    const t1 = ds.tenantById.get('DE')!;
    const t2 = ds.tenantById.get('D2')!;
    const a = (id: string) => ds.accounts.get(id);
    expect(formatFor(t1, a('Z'))).toBe('zugferd');
    expect(formatFor(t1, a('T'))).toBe('xrechnung-cii');
    expect(formatFor(t1, a('N'))).toBe('none');
    expect(formatFor(t1, undefined)).toBe('xrechnung-cii');
    expect(formatFor(t2, a('L'))).toBe('xrechnung-ubl');
    expect(formatFor(t2, a('O'))).toBe('none');
    expect(formatFor(t2, a('U'))).toBe('xrechnung-ubl');
    expect(formatFor(t2, undefined)).toBe('none');
  });

  it('eInvoice picks the format from the context: UBL, CII XRechnung, Factur-X, or undefined for none', () => {
    const rows: Rows = {
      Settings: [{ ...SELLER, eInvoiceFormat: '' }],
      Accounts: [account('L', { buyerReference: LEITWEG }), account('O'), account('C', { eInvoiceFormat: 'xrechnung-cii' }), account('Z', { eInvoiceFormat: 'zugferd' })],
      Contacts: ['L', 'O', 'C', 'Z'].map((id) => invoiceContact(id, `ap-${id.toLowerCase()}@kunde.example`)),
      Products: [product('P1', '100.00')],
      Subscriptions: ['L', 'O', 'C', 'Z'].map((id) => subscription(`S-${id}`, id)),
      Items: ['L', 'O', 'C', 'Z'].map((id) => item(`I-${id}`, `S-${id}`, 'P1')),
    };
    const p = finalized(rows);
    const file = (id: string) => {
      const { doc, ctx } = load(p, id);
      return eInvoice(doc, ctx);
    };
    const l = file('L')!;
    expect([l.format, l.extension]).toEqual(['xrechnung-ubl', 'xml']);
    expect(text(parse(l.xml), 'Invoice/cbc:BuyerReference')).toBe(LEITWEG);
    checkUblShape(l.xml);
    expect(file('O')).toBeUndefined();
    const c = file('C')!;
    expect(c.format).toBe('xrechnung-cii');
    expect(text(parse(c.xml), 'rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID')).toBe(XRECHNUNG_3);
    const z = file('Z')!;
    expect(z.format).toBe('zugferd');
    expect(text(parse(z.xml), 'rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID')).toBe(FACTURX_EN16931);
    // An explicit format wins over the context's.
    const { doc, ctx } = load(p, 'O');
    expect(eInvoice(doc, ctx, 'xrechnung-ubl')!.format).toBe('xrechnung-ubl');
    expect(eInvoice(load(p, 'L').doc, load(p, 'L').ctx, 'none')).toBeUndefined();
  });

  it('a pro-forma invoice has no e-invoice; invoiceTerms refuses it', () => {
    const p = ports({ Settings: [SELLER], Accounts: [account('A1', { buyerReference: LEITWEG })], Contacts: [invoiceContact('A1', 'ap@kunde.example')] });
    const draft = createManualInvoice(p, { accountId: 'A1', type: 'pro_forma', invoiceDate: '2026-11-30', lines: [{ description: 'Angebot', quantity: 1, unitPrice: '500' }] });
    expect(finalizeInvoices(p, { invoiceIds: [draft.invoiceId] }).failed).toEqual([]);
    const { doc, ctx } = load(p, draft.invoiceId);
    expect(doc.invoice.type).toBe('pro_forma');
    expect(doc.invoice.status).toBe('Open');
    expect(eInvoice(doc, ctx)).toBeUndefined();
    expect(eInvoice(doc, ctx, 'xrechnung-ubl')).toBeUndefined();
    expect(eInvoice(doc, ctx, 'zugferd')).toBeUndefined();
    expect(() => invoiceTerms(doc, ctx)).toThrow(BillingError);
    expect(() => invoiceTerms(doc, ctx)).toThrow(/pro-forma invoice: it has no e-invoice/);
  });

  it('a draft is an error: e-invoices are made of finalized invoices only', () => {
    const p = ports({ Settings: [SELLER], ...standardRows() });
    runInvoicing(p, NOV);
    const { doc, ctx } = load(p, 'I-000001');
    expect(doc.invoice.status).toBe('Draft');
    for (const f of ['xrechnung-ubl', 'xrechnung-cii', 'zugferd'] as const) {
      expect(() => eInvoice(doc, ctx, f)).toThrow(BillingError);
      expect(() => eInvoice(doc, ctx, f)).toThrow('invoice I-000001 is not finalized: e-invoices are made of finalized invoices only');
    }
    // Default format of this account (Leitweg-ID → UBL): the same error.
    expect(() => eInvoice(doc, ctx)).toThrow(/not finalized/);
  });

  it('missing seller phone / email, buyer address and invoice contact: a BillingError naming sheet and column; zugferd skips the check', () => {
    const p = ports({
      Settings: [DE_TENANT],
      Accounts: [account('A1', { buyerReference: LEITWEG, city: '', postalCode: '' })],
      Products: [product('P1', '100.00')],
      Subscriptions: [subscription('S1', 'A1')],
      Items: [item('I1', 'S1', 'P1')],
    });
    runInvoicing(p, NOV);
    finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    const { doc, ctx } = load(p, 'INV-2026-00001');
    const expected = [
      'Settings (DE): Phone is required for the seller contact (BR-DE-6)',
      'Settings (DE): Email is required for the seller contact and electronic address (BR-DE-7, PEPPOL-EN16931-R020)',
      'Accounts (A1): City and Postal Code are required (BR-DE-8, BR-DE-9)',
      'Contacts (A1): an active contact with role "invoice" gives the buyer\'s electronic address (PEPPOL-EN16931-R010)',
    ];
    expect(xrechnungProblems(invoiceTerms(doc, ctx), 'DE', 'A1')).toEqual(expected);
    for (const f of ['xrechnung-ubl', 'xrechnung-cii'] as const) {
      let err: unknown;
      try {
        eInvoice(doc, ctx, f);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(BillingError);
      expect((err as Error).message).toBe(`INV-2026-00001: no XRechnung: ${expected.join('; ')}`);
    }
    expect(() => eInvoice(doc, ctx)).toThrow(/Settings \(DE\): Phone is required/);
    // ZUGFeRD has no XRechnung completeness check: the document is made with what there is.
    const z = eInvoice(doc, ctx, 'zugferd')!;
    expect(z.format).toBe('zugferd');
    const root = parse(z.xml)['rsm:CrossIndustryInvoice'];
    const seller = at(root, 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty');
    expect(seller['ram:DefinedTradeContact']).toEqual({ 'ram:PersonName': 'Muster GmbH' });
    expect(seller['ram:URIUniversalCommunication']).toBeUndefined();
    expect(text(root, 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:DuePayableAmount')).toBe('119.00');
    // UBL made directly from the terms has no empty elements even with these gaps.
    checkUblShape(toUbl(invoiceTerms(doc, ctx)));
  });

  it('with only the phone missing the error names only the phone', () => {
    const rows = standardRows();
    const p = ports({ ...rows, Settings: [{ ...SELLER, phone: '' }] });
    runInvoicing(p, NOV);
    finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    const { doc, ctx } = load(p, 'INV-2026-00001');
    expect(() => eInvoice(doc, ctx)).toThrow('INV-2026-00001: no XRechnung: Settings (DE): Phone is required for the seller contact (BR-DE-6)');
  });
});

// ---------- snapshot ----------

describe('the e-invoice of a finalized invoice does not change with later edits of the account', () => {
  // The whole buyer comes from the invoice's snapshot: after the customer moves (here to Vienna),
  // the XML of the old invoice, or of a credit note for it, still matches its Buyer Address.
  it("the buyer address is the invoice's, not the current account's", () => {
    const p = finalized(standardRows());
    const t = p.tables.sheets.get('Accounts')!;
    const col = (h: string) => t.headers.indexOf(h);
    const row = t.rows[0];
    row[col('Street')] = 'Ring 9';
    row[col('Postal Code')] = '1010';
    row[col('City')] = 'Wien';
    row[col('Country')] = 'AT';
    const { doc } = load(p, 'INV-2026-00001');
    expect(doc.invoice.buyerAddress).toBe('Weg 2, 80331 München');
    const inv = parse(ublOf(p, 'INV-2026-00001'))['Invoice'];
    expect(at(inv, 'cac:AccountingCustomerParty/cac:Party/cac:PostalAddress')).toEqual({
      'cbc:StreetName': 'Weg 2',
      'cbc:CityName': 'München',
      'cbc:PostalZone': '80331',
      'cac:Country': { 'cbc:IdentificationCode': 'DE' },
    });
  });
});
