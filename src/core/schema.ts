// The one definition of every sheet: names, columns, types, allowed values, who owns what.
// The template workbook, Sheets validation/protection, parsing and writing all read it.

export type ColumnType = 'text' | 'number' | 'money' | 'percent' | 'date' | 'datetime' | 'enum' | 'boolean' | 'ref' | 'integer';

export interface ColumnDef<K extends string = string> {
  /** Field name in the parsed record. */
  readonly key: K;
  /** Header text in the sheet; columns are found by it (case and surrounding spaces ignored). */
  readonly header: string;
  readonly type: ColumnType;
  /**
   * Every row must fill it (a row without it is an error). Shown in the header's style (dark red)
   * and its note ("Required."). A column needed only in some rows (Products Price: not for tiered
   * prices) is not marked; dataset.ts checks it per row.
   */
  readonly required?: boolean;
  /** Allowed values of an enum column (matched case-insensitively, stored as written here). */
  readonly values?: readonly string[];
  /** Table whose id this column references. */
  readonly ref?: TableName;
  /** Written by the engine; protected in both hosts, never written by users (the note says so: columnNote). */
  readonly engine?: boolean;
  /**
   * A text column that takes only codes: an ISO country or currency code, or an id that becomes
   * part of file and folder names (letters, digits, - and _).
   */
  readonly code?: 'country' | 'currency' | 'id';
  /** Further values a code column accepts (TaxRules: *, EU, NON-EU). */
  readonly extra?: readonly string[];
  /**
   * Optional, but what is billed depends on it: a sheet with rows but without this column (renamed,
   * deleted) is reported with every run instead of billing the defaults silently.
   */
  readonly amounts?: boolean;
  /** Bounds of a numeric column (inclusive); every number is also below 10^13 in size. */
  readonly min?: number;
  readonly max?: number;
  readonly note: string;
}

export interface TableDef {
  readonly name: TableName;
  /** Key of the id column (unique per row); absent for append-only tables. */
  readonly id?: string;
  /** Whole sheet written by the engine only (protected). */
  readonly engineOwned: boolean;
  readonly columns: readonly ColumnDef[];
}

export type TableName =
  | 'Settings'
  | 'Accounts'
  | 'Contacts'
  | 'Products'
  | 'Subscriptions'
  | 'Items'
  | 'Transactions'
  | 'TaxRules'
  | 'Filters'
  | 'Invoices'
  | 'InvoiceLines'
  | 'NumberRanges'
  | 'Runs'
  | 'Log'
  | 'Received'
  | 'ReceivedLines'
  | 'Balances'
  | 'Payments'
  | 'Collections';

// The allowed values of the enum columns, each declared once: model.ts takes its types from here
// (EnumOf), and the notes that list them are made from them.
export const BILLING_PERIODS = ['monthly', 'quarterly', 'semiannual', 'annual'] as const;
export const PRICE_MODELS = ['per_unit', 'flat', 'graduated', 'volume', 'package'] as const;
export const TAX_CATEGORIES = ['S', 'Z', 'E', 'AE', 'K', 'G', 'O', 'L', 'M'] as const;
/**
 * prepayment (Anzahlungsrechnung: for a service still to come), partial (Abschlagsrechnung: for part
 * of a service) and final (Schlussrechnung: the whole service, deducting the earlier ones) belong
 * to one order or project (Invoices: Project).
 */
export const INVOICE_TYPES = ['invoice', 'credit_note', 'pro_forma', 'prepayment', 'partial', 'final'] as const;
export const INVOICE_STATUSES = ['Draft', 'Open', 'Paid', 'Cancelled', 'Credited'] as const;
export const LANGUAGES = ['de', 'en', 'fr'] as const;
export const E_INVOICE_FORMATS = ['none', 'xrechnung-ubl', 'xrechnung-cii', 'zugferd'] as const;
/** How a German tenant meets the e-invoice mandate (§27 Abs. 38 UStG): see the Settings column's note. */
export const E_INVOICE_TRANSITIONS = ['standard', 'small-issuer'] as const;
export const ACTIVE_STATES = ['Active', 'Inactive'] as const;
export const CUSTOMER_TYPES = ['B2B', 'B2C'] as const;
export const LINE_KINDS = ['recurring', 'one_time', 'usage', 'manual', 'credit', 'deduction'] as const;
/**
 * What an invoice's money stands at, from the Balances rows: Overdue is an open or partly paid
 * invoice past its due date on the day the engine last wrote it (Open items shows today's).
 */
export const PAYMENT_STATUSES = ['Open', 'Partially paid', 'Paid', 'Overdue'] as const;
/**
 * One money event (Balances): + raises what the customer owes (invoice, refund, return debit, fee),
 * − lowers it (credit note, payment, write-off, Skonto); account_credit moves an overpayment onto an
 * invoice; reversal undoes the row named in Reverses.
 */
export const BALANCE_KINDS = ['invoice', 'credit_note', 'payment', 'refund', 'return_debit', 'fee', 'write_off', 'skonto', 'account_credit', 'reversal'] as const;
export const PAYMENT_MATCH_STATES = ['unmatched', 'matched', 'partially matched', 'ignored'] as const;
export const SEPA_SCHEMES = ['CORE', 'B2B'] as const;
/**
 * Where an invoice's email stands: queued (waits for the quota or the trigger), sending (marked just
 * before it goes out: found after a crash it is "uncertain" and never resent by itself), sent, failed.
 */
export const DELIVERY_STATES = ['queued', 'sending', 'sent', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** What a Log row records (its Action column; the engine writes the Log, nobody reads it back). */
export const LOG_ACTIONS = [
  'run',
  'repair',
  'manual draft',
  'finalize',
  'cancel',
  'credit',
  'document failed',
  'e-invoice',
  'send',
  'send failed',
  'send uncertain',
  'marked sent',
  'authorization required',
  'trigger removed',
  'trigger stopped',
  'scheduled run failed',
  'documents or mail failed',
  'requested run done',
  'payments imported',
  'payment assigned',
  'payment undone',
  'adjustment',
  'adjustment undone',
  'collection',
  'collection cancelled',
] as const;
export type LogAction = (typeof LOG_ACTIONS)[number];

/** A column; its key's literal type is kept, so records can be checked against the schema (model.ts). */
const c = <K extends string, E extends Partial<ColumnDef> = Record<never, never>>(key: K, header: string, type: ColumnType, note: string, extra?: E) =>
  ({ key, header, type, note, ...extra }) as ColumnDef<K> & E;
const req = { required: true } as const;
const eng = { engine: true } as const;
/** An enum column's values (their literal types kept: EnumOf), and more of its definition. */
const en = <const V extends string, M extends Partial<ColumnDef> = Record<never, never>>(values: readonly V[], more?: M) => ({ values, ...more }) as { readonly values: readonly V[] } & M;
const listed = (values: readonly string[]) => values.join(', ');

const TABLES = {
  Settings: {
    name: 'Settings',
    id: 'tenantId',
    engineOwned: false,
    columns: [
      c('tenantId', 'Tenant ID', 'text', 'Short id of this company profile, e.g. DE01 (letters, digits, - and _)', { ...req, code: 'id' }),
      c('legalName', 'Legal Name', 'text', 'Seller name printed on invoices', req),
      c('street', 'Street', 'text', 'Seller street and number'),
      c('postalCode', 'Postal Code', 'text', 'Seller postal code'),
      c('city', 'City', 'text', 'Seller city'),
      c('country', 'Country', 'text', 'Seller country, ISO 3166 two-letter code (DE, CH, ...)', { ...req, code: 'country' }),
      c('vatId', 'VAT ID', 'text', 'Seller VAT identification number'),
      c('taxNumber', 'Tax Number', 'text', 'Seller tax number (Steuernummer); printed in the footer, and in place of a missing VAT ID'),
      c('registerCourt', 'Register Court', 'text', 'Commercial register court, e.g. Amtsgericht München (printed in the footer)'),
      c('registerNumber', 'Register Number', 'text', 'Commercial register number, e.g. HRB 123456'),
      c('managingDirectors', 'Managing Directors', 'text', 'Managing directors (Geschäftsführer), comma separated; printed in the footer'),
      c('email', 'Email', 'text', 'Seller contact email'),
      c('phone', 'Phone', 'text', 'Seller contact phone'),
      c('contactName', 'Contact Name', 'text', 'Seller contact person'),
      c('iban', 'IBAN', 'text', 'Bank account for transfers'),
      c('bic', 'BIC', 'text', 'Bank BIC'),
      c('bankName', 'Bank Name', 'text', 'Bank name'),
      c('creditorId', 'Creditor ID', 'text', 'SEPA creditor identifier for direct debit'),
      c('currency', 'Currency', 'text', 'Default currency (ISO 4217) when neither subscription nor account sets one', { ...req, code: 'currency' }),
      c('language', 'Language', 'enum', 'Default invoice language', en(LANGUAGES)),
      c('locale', 'Number Locale', 'enum', 'How numbers typed as text are read: de (1.234,50) or en (1,234.50); empty: follows Language (de and fr read 1.234,50, en 1,234.50)', en(['de', 'en'])),
      c('paymentTermsDays', 'Payment Terms Days', 'integer', 'Days from invoice date to due date (default 14)', { min: 0, max: 365 }),
      c('numberFormat', 'Invoice Number Format', 'text', 'Tokens {yyyy} {yy} {mm} {seq:N} {tenant}; default INV-{yyyy}-{seq:5}'),
      c('creditNumberFormat', 'Credit Note Number Format', 'text', 'Own range for credit notes; default CN-{yyyy}-{seq:5}'),
      c('proFormaNumberFormat', 'Pro Forma Number Format', 'text', 'Own range for pro-forma invoices; default PF-{yyyy}-{seq:5}'),
      c('numberReset', 'Number Reset', 'enum', 'Restart the sequence each year or month (none: never; required in France)', en(['none', 'yearly', 'monthly'])),
      c('roundingMode', 'Rounding Mode', 'enum', "half-up = half away from zero (default), half-even = banker's", en(['half-up', 'half-even'], { amounts: true })),
      c('cashRounding', 'Cash Rounding', 'number', 'Round the payable total to this increment, e.g. 0.05 for CHF; empty = none', { min: 0, max: 100, amounts: true }),
      c('invoicePer', 'Invoice Per', 'enum', 'One invoice per subscription (default) or per account and run', en(['subscription', 'account'], { amounts: true })),
      c('usageLines', 'Usage Lines', 'enum', 'Usage as one line per product and price (aggregate, default) or per transaction', en(['aggregate', 'each'], { amounts: true })),
      c('driveFolderId', 'Drive Folder ID', 'text', 'Folder for invoice documents (set by setup)'),
      c('templateId', 'Template ID', 'text', 'Google Docs invoice template (set by setup)'),
      c('logo', 'Logo', 'text', 'Logo for invoice PDFs: a PNG or JPEG file path (local host) or Drive file id (Apps Script)'),
      c('eInvoiceFormat', 'E-Invoice Format', 'enum', 'Default e-invoice for this tenant', en(E_INVOICE_FORMATS)),
      c(
        'eInvoiceTransition',
        'E-Invoice Transition',
        'enum',
        'German e-invoice mandate: standard = domestic B2B invoices dated 2027-01-01 or later get an e-invoice by default; small-issuer = prior-year turnover up to EUR 800,000, other formats allowed until 2027-12-31 (default from 2028-01-01)',
        en(E_INVOICE_TRANSITIONS),
      ),
      c('prepaymentNumberFormat', 'Prepayment Number Format', 'text', 'Own range for prepayment and partial invoices (e.g. AR-{yyyy}-{seq:5}); empty: the invoice range'),
      c(
        'applyAccountCredit',
        'Apply Account Credit',
        'boolean',
        "An account's credit (an overpayment) is deducted from its next invoice at finalization (TRUE), or kept for a refund (FALSE, default)",
      ),
      c(
        'bookDirectDebits',
        'Book Direct Debits',
        'boolean',
        'A direct-debit collection books the payment on the collection date (TRUE), or waits for the bank statement (FALSE, default); a return debit reopens the invoice either way',
      ),
      c('sepaFirst', 'SEPA FRST', 'boolean', "Mark an account's first collection FRST (TRUE); default RCUR, which banks accept for first collections since November 2016"),
      c(
        'bankCsvColumns',
        'Bank CSV Columns',
        'text',
        "Headers of your bank's CSV export: date=Buchungstag; amount=Betrag; reference=Verwendungszweck; name=Name; iban=IBAN (also currency, valueDate, bic, bankReference, endToEndId)",
      ),
      c('billingAdmins', 'Billing Admins', 'text', 'Emails (comma separated) allowed to finalize, send and cancel'),
      c('replyTo', 'Reply-To', 'text', 'Reply-to address of invoice emails'),
      c('emailSubject', 'Email Subject', 'text', 'Invoice email subject; placeholders {type} {number} {company} {customer} {total} {dueDate} {invoiceDate} {period} (default per language)'),
      c('emailBody', 'Email Body', 'text', 'Invoice email text with the same placeholders (default per language)'),
    ],
  },
  Accounts: {
    name: 'Accounts',
    id: 'accountId',
    engineOwned: false,
    columns: [
      c('accountId', 'Account ID', 'text', 'Unique customer id', req),
      c('name', 'Name', 'text', 'Customer legal name', req),
      c('status', 'Status', 'enum', 'Only Active accounts are invoiced', en(ACTIVE_STATES, req)),
      c('customerType', 'Customer Type', 'enum', 'B2B (business) or B2C (consumer): selects tax rules', en(CUSTOMER_TYPES, req)),
      c('street', 'Street', 'text', 'Billing street and number'),
      c('postalCode', 'Postal Code', 'text', 'Billing postal code'),
      c('city', 'City', 'text', 'Billing city'),
      c('country', 'Country', 'text', 'ISO 3166 two-letter code', { ...req, code: 'country' }),
      c('vatId', 'VAT ID', 'text', 'Customer VAT ID (needed for EU reverse charge)', { amounts: true }),
      c('language', 'Language', 'enum', "Invoice language (default: tenant's)", en(LANGUAGES)),
      c('currency', 'Currency', 'text', "Default currency for this customer's subscriptions", { code: 'currency', amounts: true }),
      c('tenantId', 'Tenant', 'ref', 'Company profile that bills this customer (default: first in Settings)', { ref: 'Settings', code: 'id', amounts: true }),
      c('buyerReference', 'Buyer Reference', 'text', 'Buyer reference / Leitweg-ID for e-invoices'),
      c('paymentTermsDays', 'Payment Terms Days', 'integer', "Overrides the tenant's payment terms", { min: 0, max: 365 }),
      c('paymentMethod', 'Payment Method', 'enum', 'transfer (default) or direct_debit (SEPA)', en(['transfer', 'direct_debit'])),
      c('iban', 'IBAN', 'text', 'Customer account for SEPA direct debit'),
      c('bic', 'BIC', 'text', 'Customer bank BIC'),
      c('mandateReference', 'Mandate Reference', 'text', 'SEPA mandate reference'),
      c('mandateDate', 'Mandate Date', 'date', 'SEPA mandate signature date'),
      c('mandateScheme', 'Mandate Scheme', 'enum', 'SEPA direct debit scheme of the mandate: CORE (default) or B2B', en(SEPA_SCHEMES)),
      c('eInvoiceFormat', 'E-Invoice Format', 'enum', "Overrides the tenant's e-invoice format", en(E_INVOICE_FORMATS)),
      c('eInvoiceOptOut', 'E-Invoice Opt-Out', 'text', 'Why this customer gets no e-invoice although the German mandate would give one (needed with E-Invoice Format none)'),
    ],
  },
  Contacts: {
    name: 'Contacts',
    id: 'contactId',
    engineOwned: false,
    columns: [
      c('contactId', 'Contact ID', 'text', 'Unique contact id', req),
      c('accountId', 'Account ID', 'ref', 'Account of this contact', { ...req, ref: 'Accounts' }),
      c('name', 'Name', 'text', 'Contact name'),
      c('email', 'Email', 'text', 'Email address', req),
      c('role', 'Role', 'enum', 'invoice = To, cc, bcc, mailing (newsletters; no invoices)', en(['invoice', 'cc', 'bcc', 'mailing'], req)),
      c('active', 'Active', 'boolean', 'Inactive contacts receive nothing (default TRUE)'),
    ],
  },
  Products: {
    name: 'Products',
    id: 'productId',
    engineOwned: false,
    columns: [
      c('productId', 'Product ID', 'text', 'Unique product id (SKU)', req),
      c('name', 'Name', 'text', 'Line text on invoices', req),
      c('description', 'Description', 'text', 'Longer description'),
      c('unit', 'Unit', 'text', 'UN/ECE unit code: C62 piece, MON month, HUR hour, DAY, KWH, E34 GB ...'),
      c(
        'price',
        'Price',
        'money',
        'Net price per unit, per flat fee or per package. Needed for per_unit, flat and package; graduated and volume take their prices from Tiers (Price is ignored there)',
      ),
      c('currency', 'Currency', 'text', 'Currency of the price (empty: any)', { code: 'currency', amounts: true }),
      c('taxClass', 'Tax Class', 'text', 'Looked up in TaxRules, e.g. standard, reduced, digital', req),
      c('priceModel', 'Price Model', 'enum', listed(PRICE_MODELS), en(PRICE_MODELS, req)),
      c(
        'tiers',
        'Tiers',
        'text',
        'Needed for graduated/volume: "1-100: 0.10; 101-500: 0.08 + 5; 501+: 0.05" (bounds inclusive, "+ x" = tier flat fee; a tier may also start at the previous upper bound, "0-100; 100+", meaning above it)',
        { amounts: true },
      ),
      c('packageSize', 'Package Size', 'number', 'For package: units per started package', { min: 0, amounts: true }),
      c('freeUnits', 'Free Units', 'number', 'For package: units included free', { min: 0, amounts: true }),
      c('active', 'Active', 'boolean', 'Inactive products cannot be billed (default TRUE)', { amounts: true }),
    ],
  },
  Subscriptions: {
    name: 'Subscriptions',
    id: 'subscriptionId',
    engineOwned: false,
    columns: [
      c('subscriptionId', 'Subscription ID', 'text', 'Unique contract id', req),
      c('accountId', 'Account ID', 'ref', 'Customer', { ...req, ref: 'Accounts' }),
      c('tenantId', 'Tenant', 'ref', "Company profile (default: the account's)", { ref: 'Settings', code: 'id', amounts: true }),
      c('status', 'Status', 'enum', 'Only Active subscriptions are invoiced', en(['Draft', 'Active', 'Paused', 'Cancelled', 'Ended'], req)),
      c('startDate', 'Start Date', 'date', 'Contract start (empty: billed from the run period)', { amounts: true }),
      c('endDate', 'End Date', 'date', 'Contract end (last day of service)', { amounts: true }),
      c('billingPeriod', 'Billing Period', 'enum', listed(BILLING_PERIODS), en(BILLING_PERIODS, req)),
      c('billingTiming', 'Billing Timing', 'enum', 'advance: bill the period that starts in the run; arrears: the period that ends in it', en(['advance', 'arrears'], req)),
      c('alignment', 'Alignment', 'enum', 'calendar (also when empty): periods start on Jan/Apr/Jul/Oct 1 etc.; start: on the contract start day', en(['calendar', 'start'], { amounts: true })),
      c('prorate', 'Prorate', 'boolean', 'Prorate partial periods by days (default TRUE)', { amounts: true }),
      c('currency', 'Currency', 'text', "Invoice currency (default: account's, then tenant's)", { code: 'currency', amounts: true }),
      c('tag', 'Tag', 'text', 'Free tag for run filters'),
      c('orderReference', 'Order Reference', 'text', 'Customer purchase order number'),
      c('priceIncreasePercent', 'Price Increase %', 'percent', 'Raise recurring prices by this percent ...', { min: -100, max: 100, amounts: true }),
      c('priceIncreaseFrom', 'Price Increase From', 'date', '... for service periods starting on or after this date', { amounts: true }),
    ],
  },
  Items: {
    name: 'Items',
    id: 'itemId',
    engineOwned: false,
    columns: [
      c('itemId', 'Item ID', 'text', 'Unique item id', req),
      c('subscriptionId', 'Subscription ID', 'ref', 'Contract of this item', { ...req, ref: 'Subscriptions' }),
      c('productId', 'Product ID', 'ref', 'Product (price list entry)', { ...req, ref: 'Products' }),
      c('description', 'Description', 'text', 'Overrides the product name on the line'),
      c('quantity', 'Quantity', 'number', 'Units per period (default 1)', { amounts: true }),
      c('unitPrice', 'Unit Price', 'money', 'Overrides the product price', { amounts: true }),
      c('discountPercent', 'Discount %', 'percent', 'Discount on this item: 10 or 10 % for ten percent (a plain number below 1 is read as a fraction: 0.5 is 50 %, and the run warns)', {
        min: 0,
        max: 100,
        amounts: true,
      }),
      c('billingType', 'Billing Type', 'enum', 'recurring, one_time or usage', en(['recurring', 'one_time', 'usage'], req)),
      c('startDate', 'Start Date', 'date', 'Service start (default: subscription start)', { amounts: true }),
      c('endDate', 'End Date', 'date', 'Service end (default: subscription end)', { amounts: true }),
      c('status', 'Status', 'enum', 'Active items bill; one-time items become Inactive when billed', en(ACTIVE_STATES, req)),
      c('billedUntil', 'Billed Until', 'date', 'Last service day on a finalized invoice', eng),
    ],
  },
  Transactions: {
    name: 'Transactions',
    id: 'transactionId',
    engineOwned: false,
    columns: [
      c('transactionId', 'Transaction ID', 'text', 'Unique usage record id', req),
      c('subscriptionId', 'Subscription ID', 'ref', 'Contract the usage belongs to', { ...req, ref: 'Subscriptions' }),
      c('productId', 'Product ID', 'ref', 'Product used', { ...req, ref: 'Products' }),
      c('date', 'Date', 'date', 'Usage date', req),
      c('quantity', 'Quantity', 'number', 'Units used', req),
      c('unitPrice', 'Unit Price', 'money', 'Fixed price for this record (skips the product price model)', { amounts: true }),
      c('description', 'Description', 'text', 'Line text when usage is billed per transaction'),
      c('category', 'Category', 'text', 'Free category for transaction filters'),
      c('invoiceId', 'Invoice ID', 'text', 'Invoice (draft or final) that bills this record', eng),
      c('invoiceNumber', 'Invoice Number', 'text', 'Number of the finalized invoice', eng),
    ],
  },
  TaxRules: {
    name: 'TaxRules',
    id: 'ruleId',
    engineOwned: false,
    columns: [
      c(
        'ruleId',
        'Rule ID',
        'text',
        'Unique rule id. Rules starting with EXAMPLE- were written as starting points for a new workbook: check rate, category and texts, then rename them (each run warns until then)',
        req,
      ),
      c('sellerCountry', 'Seller Country', 'text', "ISO code of the tenant's country, or *", { ...req, code: 'country', extra: ['*'] }),
      c('buyerCountry', 'Buyer Country', 'text', 'ISO code, EU (other EU country), NON-EU, or *', { ...req, code: 'country', extra: ['EU', 'NON-EU', '*'] }),
      c('taxClass', 'Tax Class', 'text', 'Product tax class, or *', req),
      c('customerType', 'Customer Type', 'enum', 'B2B (with VAT ID), B2C, or *', en([...CUSTOMER_TYPES, '*'], req)),
      c('rate', 'Rate', 'percent', 'VAT rate in percent (0 to 50)', { ...req, min: 0, max: 50 }),
      c('category', 'Category', 'enum', 'EN 16931 VAT category: S, Z, E, AE, K, G, O', en(TAX_CATEGORIES, req)),
      c('exemptionCode', 'Exemption Code', 'text', 'VATEX code, e.g. VATEX-EU-AE'),
      c('exemptionText', 'Exemption Text', 'text', 'Legal note printed on the invoice; needed for AE, E, G, K and O (a run warns without it)'),
      c('validFrom', 'Valid From', 'date', 'First day the rule applies (empty: always)', { amounts: true }),
      c('validTo', 'Valid To', 'date', 'Last day the rule applies (empty: open)', { amounts: true }),
    ],
  },
  Filters: {
    name: 'Filters',
    engineOwned: false,
    columns: [
      c('name', 'Filter', 'text', 'Filter name shown in the run dialog; rows with the same name must all match', req),
      c('appliesTo', 'Applies To', 'enum', 'Subscriptions or Transactions', en(['Subscriptions', 'Transactions'], req)),
      c('column', 'Column', 'text', 'Header of the column to test', req),
      c('operator', 'Operator', 'enum', 'equals, not_equals, contains, in (comma list), empty, not_empty', en(['equals', 'not_equals', 'contains', 'in', 'empty', 'not_empty'], req)),
      c('value', 'Value', 'text', 'Value to compare (case-insensitive)'),
    ],
  },
  Invoices: {
    name: 'Invoices',
    id: 'invoiceId',
    engineOwned: true,
    columns: [
      c('invoiceId', 'Invoice ID', 'text', 'Internal id, stable from draft to final', { ...eng, ...req }),
      c('key', 'Draft Key', 'text', 'Subscription or account + run period; a re-run updates the draft with the same key', eng),
      c('type', 'Type', 'enum', listed(INVOICE_TYPES), en(INVOICE_TYPES, { ...eng, ...req })),
      c('status', 'Status', 'enum', listed(INVOICE_STATUSES), en(INVOICE_STATUSES, { ...eng, ...req })),
      c('number', 'Number', 'text', 'Gapless number, assigned when finalized', eng),
      c('tenantId', 'Tenant', 'text', 'Seller profile', { ...eng, ...req }),
      c('accountId', 'Account ID', 'text', 'Customer', { ...eng, ...req }),
      c('subscriptionId', 'Subscription ID', 'text', 'Contract (empty for account invoices)', eng),
      c('runId', 'Run ID', 'text', 'Run that made the draft', eng),
      c('periodStart', 'Period Start', 'date', 'Run period start', eng),
      c('periodEnd', 'Period End', 'date', 'Run period end', eng),
      c('invoiceDate', 'Invoice Date', 'date', "Set at finalization (run's date or today)", eng),
      c('dueDate', 'Due Date', 'date', 'Invoice date + payment terms', eng),
      c('currency', 'Currency', 'text', 'ISO 4217', { ...eng, ...req }),
      c('net', 'Net', 'money', 'Sum of line nets', { ...eng, ...req }),
      c('tax', 'Tax', 'money', 'Sum of tax per rate group', { ...eng, ...req }),
      c('gross', 'Gross', 'money', 'Net + tax', { ...eng, ...req }),
      c('rounding', 'Cash Rounding', 'money', 'Rounding to the cash increment (not taxed)', eng),
      c('payable', 'Payable', 'money', 'Gross + cash rounding', { ...eng, ...req }),
      c('taxSummary', 'Tax Summary', 'text', 'Per category and rate: taxable amount and tax', eng),
      c('taxNote', 'Tax Note', 'text', 'Exemption / reverse charge texts', eng),
      c('buyerName', 'Buyer Name', 'text', 'Snapshot of the account at finalization', eng),
      c('buyerAddress', 'Buyer Address', 'text', 'Street, postal code city', eng),
      c('buyerCountry', 'Buyer Country', 'text', 'ISO code', eng),
      c('buyerVatId', 'Buyer VAT ID', 'text', 'Customer VAT ID', eng),
      c('customerType', 'Customer Type', 'text', 'B2B or B2C', eng),
      c('language', 'Language', 'text', 'Invoice language', eng),
      c('buyerReference', 'Buyer Reference', 'text', 'Buyer reference / Leitweg-ID', eng),
      c('orderReference', 'Order Reference', 'text', 'Purchase order', eng),
      c('originalInvoiceId', 'Original Invoice ID', 'text', 'Credit note: the invoice it credits', eng),
      c('originalNumber', 'Original Number', 'text', 'Credit note: number of the credited invoice', eng),
      c('reason', 'Reason', 'text', 'Credit note: why it was issued (printed on it)', eng),
      c('creditNoteIds', 'Credit Notes', 'text', 'Credit notes issued against this invoice', eng),
      c('project', 'Project', 'text', 'Order or project of a prepayment, partial and final invoice', eng),
      c(
        'prepaid',
        'Prepaid',
        'money',
        "Already paid when it was issued: the account's credit applied at finalization (Apply Account Credit); printed as already paid, and what is left to pay is Payable minus it",
        eng,
      ),
      c('paymentReference', 'Payment Reference', 'text', 'ISO 11649 creditor reference (RF…) printed on the invoice for the transfer', eng),
      c('openAmount', 'Open Amount', 'money', 'Still to be paid, from the Balances rows', eng),
      c('paymentStatus', 'Payment Status', 'enum', `${listed(PAYMENT_STATUSES)}; Overdue as of the last payment import or collection`, en(PAYMENT_STATUSES, eng)),
      c('paidOn', 'Paid On', 'date', 'Date of the payment that settled it', eng),
      c('collectionId', 'Collection', 'text', 'SEPA direct-debit file (message id) it was submitted in', eng),
      c('warnings', 'Warnings', 'text', 'Things a reviewer should look at', eng),
      c('finalizedAt', 'Finalized At', 'datetime', 'When the number was assigned', eng),
      c('finalizedBy', 'Finalized By', 'text', 'Who finalized', eng),
      c('hash', 'Hash', 'text', 'SHA-256 of the content, chained to the previous invoice of the range', eng),
      c('previousHash', 'Previous Hash', 'text', 'Hash of the previous invoice of the number range', eng),
      c('docUrl', 'Doc URL', 'text', 'Google Doc', eng),
      c('pdfUrl', 'PDF URL', 'text', 'PDF in Drive', eng),
      c('xmlUrl', 'XML URL', 'text', 'E-invoice in Drive', eng),
      c('delivery', 'Delivery', 'enum', listed(DELIVERY_STATES), en(DELIVERY_STATES, eng)),
      c('sentAt', 'Sent At', 'datetime', 'When the email went out', eng),
      c('sentTo', 'Sent To', 'text', 'Recipients', eng),
    ],
  },
  InvoiceLines: {
    name: 'InvoiceLines',
    engineOwned: true,
    columns: [
      c('invoiceId', 'Invoice ID', 'text', 'Invoice of this line', { ...eng, ...req }),
      c('lineNo', 'Line', 'integer', 'Position on the invoice', { ...eng, ...req }),
      c('kind', 'Kind', 'enum', 'recurring, one_time, usage, manual, credit', en(LINE_KINDS, eng)),
      c('itemId', 'Item ID', 'text', 'Item billed', eng),
      c('productId', 'Product ID', 'text', 'Product billed', eng),
      c('description', 'Description', 'text', 'Line text', eng),
      c('serviceStart', 'Service Start', 'date', 'First day of service on this line', eng),
      c('serviceEnd', 'Service End', 'date', 'Last day of service on this line', eng),
      c(
        'quantity',
        'Quantity',
        'number',
        'Quantity priced on this line: units per period of the item (or of one tier, or packages), units used for usage; a partial period is in Period Factor, never multiplied in here',
        eng,
      ),
      c('unit', 'Unit', 'text', 'UN/ECE unit code', eng),
      c('unitPrice', 'Unit Price', 'money', 'Net price per unit before discount', eng),
      c('discountPercent', 'Discount %', 'percent', 'Item discount', eng),
      c('periodFactor', 'Period Factor', 'number', 'Days served / days of the full period (6 decimals)', eng),
      c('net', 'Net', 'money', 'Line net, rounded to the currency unit', { ...eng, ...req }),
      c('taxCategory', 'Tax Category', 'text', 'EN 16931 VAT category', eng),
      c('taxRate', 'Tax Rate', 'percent', 'VAT rate', eng),
      c('taxClass', 'Tax Class', 'text', 'Product tax class', eng),
      c('exemptionCode', 'Exemption Code', 'text', 'VATEX code of the tax rule', eng),
      c('exemptionText', 'Exemption Text', 'text', 'Legal note of the tax rule', eng),
      c('transactionIds', 'Transactions', 'text', 'Usage records billed on this line (per-transaction lines)', eng),
      c('precedingInvoiceId', 'Preceding Invoice', 'text', 'Final invoice: the prepayment or partial invoice this line deducts', eng),
    ],
  },
  NumberRanges: {
    name: 'NumberRanges',
    id: 'range',
    engineOwned: true,
    columns: [
      c('range', 'Range', 'text', 'Tenant, document type and reset period', { ...eng, ...req }),
      c('lastSeq', 'Last Sequence', 'integer', 'Last sequence number issued', { ...eng, ...req }),
      c('lastNumber', 'Last Number', 'text', 'Last invoice number issued', eng),
      c('lastHash', 'Last Hash', 'text', 'Hash of the last invoice issued (chain head)', eng),
      c('updatedAt', 'Updated At', 'datetime', 'When the range last moved', eng),
    ],
  },
  Runs: {
    name: 'Runs',
    id: 'runId',
    engineOwned: true,
    columns: [
      c('runId', 'Run ID', 'text', 'Run id', { ...eng, ...req }),
      c('startedAt', 'Started At', 'datetime', 'Start time', eng),
      c('startedBy', 'Started By', 'text', 'User or trigger', eng),
      c('status', 'Status', 'enum', 'running, done, done_with_errors, failed', en(['running', 'done', 'done_with_errors', 'failed'], eng)),
      c('periodStart', 'Period Start', 'date', 'Run period start', eng),
      c('periodEnd', 'Period End', 'date', 'Run period end', eng),
      c('invoiceDate', 'Invoice Date', 'date', 'Invoice date for finalization', eng),
      c('filter', 'Filter', 'text', 'Subscription filter', eng),
      c('transactionFilters', 'Transaction Filters', 'text', 'Selected transaction filters', eng),
      c('tenantId', 'Tenant', 'text', 'Only this tenant (empty: all)', eng),
      c('inScope', 'In Scope', 'integer', 'Subscriptions in scope', eng),
      c('drafts', 'Drafts', 'integer', 'Drafts created or updated', eng),
      c('errors', 'Errors', 'integer', 'Row errors and failed subscriptions', eng),
      c('checkpoint', 'Checkpoint', 'text', 'Where a cut run continues', eng),
      c('finishedAt', 'Finished At', 'datetime', 'End time', eng),
      c('lastError', 'Last Error', 'text', 'Most recent error', eng),
      c('remaining', 'Remaining', 'text', 'Subscriptions that failed (to re-run)', eng),
    ],
  },
  Log: {
    name: 'Log',
    engineOwned: true,
    columns: [
      c('at', 'Time', 'datetime', 'When', eng),
      c('user', 'User', 'text', 'Who', eng),
      c('action', 'Action', 'text', 'What', eng),
      c('invoiceId', 'Invoice ID', 'text', 'Which invoice', eng),
      c('number', 'Number', 'text', 'Invoice number', eng),
      c('details', 'Details', 'text', 'More', eng),
    ],
  },
  // Accounts payable: e-invoices received from suppliers (XRechnung, ZUGFeRD / Factur-X), read in.
  Received: {
    name: 'Received',
    id: 'receivedId',
    engineOwned: true,
    columns: [
      c('receivedId', 'Received ID', 'text', 'Id of the received document', eng),
      c('receivedAt', 'Received At', 'datetime', 'When it was read in', eng),
      c('file', 'File', 'text', 'File it came from', eng),
      c('syntax', 'Syntax', 'text', 'UBL or CII (and the specification, e.g. XRechnung)', eng),
      c('typeCode', 'Type', 'text', '380 invoice, 381 credit note, ...', eng),
      c('number', 'Number', 'text', "Supplier's invoice number", eng),
      c('issueDate', 'Issue Date', 'date', 'Invoice date', eng),
      c('dueDate', 'Due Date', 'date', 'Payment due date', eng),
      c('currency', 'Currency', 'text', 'Invoice currency', eng),
      c('supplier', 'Supplier', 'text', 'Seller name', eng),
      c('supplierVatId', 'Supplier VAT ID', 'text', 'Seller VAT identifier', eng),
      c('supplierCountry', 'Supplier Country', 'text', 'Seller country', eng),
      c('buyerReference', 'Buyer Reference', 'text', 'Our reference (BT-10)', eng),
      c('net', 'Net', 'money', 'Total without VAT (BT-109)', eng),
      c('tax', 'Tax', 'money', 'Total VAT (BT-110)', eng),
      c('gross', 'Gross', 'money', 'Total with VAT (BT-112)', eng),
      c('payable', 'Payable', 'money', 'Amount due (BT-115)', eng),
      c('vatBreakdown', 'VAT Breakdown', 'text', 'Per category and rate: taxable → tax', eng),
      c('iban', 'IBAN', 'text', 'Where to pay', eng),
      c('bic', 'BIC', 'text', 'Bank', eng),
      c('paymentTerms', 'Payment Terms', 'text', 'As written by the supplier', eng),
      c('status', 'Validation', 'text', 'valid, or the rules it breaks', eng),
      c('checked', 'Checked Against', 'text', 'The totals (BR-CO-10..16) everywhere; locally with --rules also the schema, EN 16931 and XRechnung rules', eng),
    ],
  },
  ReceivedLines: {
    name: 'ReceivedLines',
    engineOwned: true,
    columns: [
      c('receivedId', 'Received ID', 'text', 'The received document', eng),
      c('lineId', 'Line', 'text', 'Line id', eng),
      c('name', 'Item', 'text', 'Item name', eng),
      c('quantity', 'Quantity', 'number', 'Quantity', eng),
      c('unit', 'Unit', 'text', 'UN/ECE Rec 20 unit code', eng),
      c('price', 'Price', 'number', 'Net price', eng),
      c('net', 'Net', 'money', 'Line net amount', eng),
      c('category', 'VAT Category', 'text', 'VAT category code', eng),
      c('rate', 'VAT Rate', 'number', 'VAT rate in percent', eng),
    ],
  },
  // The cash side: one append-only ledger of money, the payments it books, the direct debits it collects.
  Balances: {
    name: 'Balances',
    id: 'balanceId',
    engineOwned: true,
    columns: [
      c('balanceId', 'Balance ID', 'text', 'Id of the money event', { ...eng, ...req }),
      c('date', 'Date', 'date', 'When the money moved (invoice date, booking date, collection date)', { ...eng, ...req }),
      c('kind', 'Kind', 'enum', listed(BALANCE_KINDS), en(BALANCE_KINDS, { ...eng, ...req })),
      c('accountId', 'Account ID', 'text', 'Customer', { ...eng, ...req }),
      c('invoiceId', 'Invoice ID', 'text', 'Invoice the money belongs to (empty: a credit on the account)', eng),
      c('number', 'Number', 'text', 'Invoice number', eng),
      c('amount', 'Amount', 'money', '+ raises what the customer owes, − lowers it', { ...eng, ...req }),
      c('currency', 'Currency', 'text', 'ISO 4217', { ...eng, ...req }),
      c('paymentId', 'Payment ID', 'text', 'Payment it comes from', eng),
      c('reverses', 'Reverses', 'text', 'Balance ID this row undoes', eng),
      c('source', 'Source', 'text', 'What made it: finalize, a statement file, a collection, an assignment', eng),
      c('reason', 'Reason', 'text', 'Return reason, or why it was undone', eng),
      c('at', 'Booked At', 'datetime', 'When the engine wrote it', eng),
      c('by', 'Booked By', 'text', 'Who', eng),
    ],
  },
  Payments: {
    name: 'Payments',
    id: 'paymentId',
    engineOwned: false,
    columns: [
      c('paymentId', 'Payment ID', 'text', 'Given by the engine when it books the payment', eng),
      c('date', 'Date', 'date', 'Booking date', req),
      c('amount', 'Amount', 'money', 'Received (negative: a return debit or reversal)', req),
      c('currency', 'Currency', 'text', 'ISO 4217', { ...req, code: 'currency' }),
      c('payerName', 'Payer Name', 'text', 'Who paid'),
      c('payerIban', 'Payer IBAN', 'text', 'Account it came from'),
      c('remittance', 'Remittance Text', 'text', 'Verwendungszweck: the invoice number or RF reference is looked for here'),
      c('bankReference', 'Bank Reference', 'text', "The bank's reference of the entry (imports are deduplicated by it)"),
      c('endToEndId', 'End-to-End ID', 'text', 'Of a direct debit: the invoice number'),
      c('returnReason', 'Return Reason', 'text', 'Return debit or reversal: the reason code and its meaning', eng),
      c('status', 'Status', 'enum', listed(PAYMENT_MATCH_STATES), en(PAYMENT_MATCH_STATES, eng)),
      c('accountId', 'Account ID', 'text', 'Whose payment it is', eng),
      c('matched', 'Matched Invoices', 'text', 'Invoice numbers and the amount booked on each', eng),
      c('how', 'Match', 'text', 'Why the engine matched it so, or why not', eng),
      c('suggestions', 'Suggestions', 'text', 'Invoices that may fit: assign one to confirm', eng),
      c('source', 'Source', 'text', 'Statement file it was imported from (empty: typed in)', eng),
      c('entryKey', 'Entry Key', 'text', 'Fingerprint of the statement entry (deduplication)', eng),
      c('importedAt', 'Booked At', 'datetime', 'When the engine booked it', eng),
    ],
  },
  Collections: {
    name: 'Collections',
    id: 'messageId',
    engineOwned: true,
    columns: [
      c('messageId', 'Message ID', 'text', 'pain.008 message id', { ...eng, ...req }),
      c('tenantId', 'Tenant', 'text', 'Creditor profile', eng),
      c('collectionDate', 'Collection Date', 'date', 'Requested collection date', eng),
      c('count', 'Transactions', 'integer', 'Direct debits in the file', eng),
      c('controlSum', 'Control Sum', 'money', 'Sum of the direct debits', eng),
      c('currency', 'Currency', 'text', 'EUR', eng),
      c('invoices', 'Invoices', 'text', 'Invoice numbers collected', eng),
      c('file', 'File', 'text', 'The pain.008.001.08 file', eng),
      c('status', 'Status', 'enum', 'submitted, or cancelled (its invoices may be collected again)', en(['submitted', 'cancelled'], eng)),
      c('createdAt', 'Created At', 'datetime', 'When the file was written', eng),
      c('createdBy', 'Created By', 'text', 'Who', eng),
    ],
  },
} satisfies Record<TableName, TableDef>;

/** Every table's definition, looked up by name. */
export const SCHEMA: Record<TableName, TableDef> = TABLES;

/** The columns of a table, each with its key's literal type. */
export type ColumnOf<N extends TableName> = (typeof TABLES)[N]['columns'][number];
/** The keys of a table's columns: what a record of that table has (model.ts checks it). */
export type ColumnKey<N extends TableName> = ColumnOf<N>['key'];
/** The allowed values of an enum column, as a union type. */
export type EnumOf<N extends TableName, K extends ColumnKey<N>> = Extract<ColumnOf<N>, { key: K }> extends { values: readonly (infer V)[] } ? V : never;

export const TABLE_NAMES = Object.keys(SCHEMA) as TableName[];

/**
 * A column's note as both hosts show it on the header: the schema's note, then "Required." and
 * who writes it, each said once.
 */
export function columnNote(table: TableName, col: ColumnDef): string {
  const note = col.note.replace(/\.?$/, '.');
  if (col.engine || SCHEMA[table].engineOwned) return `${note} Written by the billing engine: do not edit.`;
  return col.required ? `Required. ${note}` : note;
}

/** A column users must fill in every row: its header is styled apart (bold, dark red) in both hosts. */
export function isRequiredInput(table: TableName, col: ColumnDef): boolean {
  return !!col.required && !col.engine && !SCHEMA[table].engineOwned;
}

export function column(table: TableName, key: string): ColumnDef {
  const col = SCHEMA[table].columns.find((x) => x.key === key);
  if (!col) throw new Error(`schema: ${table} has no column ${key}`);
  return col;
}
