// Typed records, one interface per table of the schema (field names = column keys).
import type { Decimal } from './money';
import type { IsoDate } from './dates';
import type { ColumnKey, DeliveryState, EnumOf, LogAction, TableName } from './schema';

// Enum types come from the schema's value lists (declared once there).
export type Language = EnumOf<'Settings', 'language'>;
export type BillingPeriod = EnumOf<'Subscriptions', 'billingPeriod'>;
export type PriceModel = EnumOf<'Products', 'priceModel'>;
export type TaxCategory = EnumOf<'TaxRules', 'category'>;
export type InvoiceType = EnumOf<'Invoices', 'type'>;
export type InvoiceStatus = EnumOf<'Invoices', 'status'>;
export type LineKind = EnumOf<'InvoiceLines', 'kind'>;
export type EInvoiceFormat = EnumOf<'Settings', 'eInvoiceFormat'>;
export type PaymentStatus = EnumOf<'Invoices', 'paymentStatus'>;
export type BalanceKind = EnumOf<'Balances', 'kind'>;
export type PaymentMatchState = EnumOf<'Payments', 'status'>;

export interface Tenant {
  tenantId: string;
  legalName: string;
  street?: string;
  postalCode?: string;
  city?: string;
  country: string;
  vatId?: string;
  taxNumber?: string;
  registerCourt?: string;
  registerNumber?: string;
  managingDirectors?: string;
  email?: string;
  phone?: string;
  contactName?: string;
  iban?: string;
  bic?: string;
  bankName?: string;
  creditorId?: string;
  currency: string;
  language?: Language;
  locale?: EnumOf<'Settings', 'locale'>;
  paymentTermsDays?: number;
  numberFormat?: string;
  creditNumberFormat?: string;
  proFormaNumberFormat?: string;
  numberReset?: EnumOf<'Settings', 'numberReset'>;
  roundingMode?: EnumOf<'Settings', 'roundingMode'>;
  cashRounding?: Decimal;
  invoicePer?: EnumOf<'Settings', 'invoicePer'>;
  usageLines?: EnumOf<'Settings', 'usageLines'>;
  driveFolderId?: string;
  templateId?: string;
  logo?: string;
  eInvoiceFormat?: EInvoiceFormat;
  eInvoiceTransition?: EnumOf<'Settings', 'eInvoiceTransition'>;
  prepaymentNumberFormat?: string;
  applyAccountCredit?: boolean;
  bookDirectDebits?: boolean;
  sepaFirst?: boolean;
  bankCsvColumns?: string;
  billingAdmins?: string;
  replyTo?: string;
  emailSubject?: string;
  emailBody?: string;
}

export interface Account {
  accountId: string;
  name: string;
  status: EnumOf<'Accounts', 'status'>;
  customerType: EnumOf<'Accounts', 'customerType'>;
  street?: string;
  postalCode?: string;
  city?: string;
  country: string;
  vatId?: string;
  language?: Language;
  currency?: string;
  tenantId?: string;
  buyerReference?: string;
  paymentTermsDays?: number;
  paymentMethod?: EnumOf<'Accounts', 'paymentMethod'>;
  iban?: string;
  bic?: string;
  mandateReference?: string;
  mandateDate?: IsoDate;
  mandateScheme?: EnumOf<'Accounts', 'mandateScheme'>;
  eInvoiceFormat?: EInvoiceFormat;
  eInvoiceOptOut?: string;
}

export interface Contact {
  contactId: string;
  accountId: string;
  name?: string;
  email: string;
  role: EnumOf<'Contacts', 'role'>;
  active?: boolean;
}

export interface Product {
  productId: string;
  name: string;
  description?: string;
  unit?: string;
  price: Decimal;
  currency?: string;
  taxClass: string;
  priceModel: PriceModel;
  tiers?: string;
  packageSize?: Decimal;
  freeUnits?: Decimal;
  active?: boolean;
}

export interface Subscription {
  subscriptionId: string;
  accountId: string;
  tenantId?: string;
  status: EnumOf<'Subscriptions', 'status'>;
  startDate?: IsoDate;
  endDate?: IsoDate;
  billingPeriod: BillingPeriod;
  billingTiming: EnumOf<'Subscriptions', 'billingTiming'>;
  alignment?: EnumOf<'Subscriptions', 'alignment'>;
  prorate?: boolean;
  currency?: string;
  tag?: string;
  orderReference?: string;
  priceIncreasePercent?: Decimal;
  priceIncreaseFrom?: IsoDate;
}

export interface Item {
  itemId: string;
  subscriptionId: string;
  productId: string;
  description?: string;
  quantity?: Decimal;
  unitPrice?: Decimal;
  discountPercent?: Decimal;
  billingType: EnumOf<'Items', 'billingType'>;
  startDate?: IsoDate;
  endDate?: IsoDate;
  status: EnumOf<'Items', 'status'>;
  billedUntil?: IsoDate;
}

export interface Transaction {
  transactionId: string;
  subscriptionId: string;
  productId: string;
  date: IsoDate;
  quantity: Decimal;
  unitPrice?: Decimal;
  description?: string;
  category?: string;
  invoiceId?: string;
  invoiceNumber?: string;
}

export interface TaxRule {
  ruleId: string;
  sellerCountry: string;
  buyerCountry: string;
  taxClass: string;
  customerType: EnumOf<'TaxRules', 'customerType'>;
  rate: Decimal;
  category: TaxCategory;
  exemptionCode?: string;
  exemptionText?: string;
  validFrom?: IsoDate;
  validTo?: IsoDate;
}

export interface FilterRow {
  name: string;
  appliesTo: EnumOf<'Filters', 'appliesTo'>;
  column: string;
  operator: EnumOf<'Filters', 'operator'>;
  value?: string;
}

export interface InvoiceLine {
  invoiceId: string;
  lineNo: number;
  kind: LineKind;
  itemId?: string;
  productId?: string;
  description: string;
  serviceStart?: IsoDate;
  serviceEnd?: IsoDate;
  quantity: Decimal;
  unit?: string;
  unitPrice: Decimal;
  discountPercent?: Decimal;
  periodFactor?: Decimal;
  net: Decimal;
  taxCategory: TaxCategory;
  taxRate: Decimal;
  taxClass?: string;
  exemptionCode?: string;
  exemptionText?: string;
  transactionIds?: string;
  precedingInvoiceId?: string;
}

export interface Invoice {
  invoiceId: string;
  key: string;
  type: InvoiceType;
  status: InvoiceStatus;
  number?: string;
  tenantId: string;
  accountId: string;
  subscriptionId?: string;
  runId?: string;
  periodStart?: IsoDate;
  periodEnd?: IsoDate;
  invoiceDate?: IsoDate;
  dueDate?: IsoDate;
  currency: string;
  net: Decimal;
  tax: Decimal;
  gross: Decimal;
  rounding: Decimal;
  payable: Decimal;
  taxSummary?: string;
  taxNote?: string;
  buyerName?: string;
  buyerAddress?: string;
  buyerCountry?: string;
  buyerVatId?: string;
  customerType?: string;
  language?: string;
  buyerReference?: string;
  orderReference?: string;
  originalInvoiceId?: string;
  originalNumber?: string;
  reason?: string;
  creditNoteIds?: string;
  project?: string;
  prepaid?: Decimal;
  paymentReference?: string;
  openAmount?: Decimal;
  paymentStatus?: PaymentStatus;
  paidOn?: IsoDate;
  collectionId?: string;
  warnings?: string;
  finalizedAt?: string;
  finalizedBy?: string;
  hash?: string;
  previousHash?: string;
  docUrl?: string;
  pdfUrl?: string;
  xmlUrl?: string;
  delivery?: DeliveryState;
  sentAt?: string;
  sentTo?: string;
}

/** An invoice not finalized yet: no number, no hash; the next run may replace it. */
export type DraftInvoice = Invoice & { status: 'Draft' };

/**
 * A finalized invoice or credit note (GoBD: immutable from here on): it has its number and date.
 * Delivery works on these only.
 */
export type IssuedInvoice = Invoice & {
  status: Exclude<InvoiceStatus, 'Draft'>;
  number: string;
  invoiceDate: IsoDate;
};

/** Whether an invoice is still a draft (runs replace it; finalize numbers it). */
export function isDraft(inv: Invoice): inv is DraftInvoice {
  return inv.status === 'Draft';
}

/** Whether an invoice is finalized, with everything finalization gave it (see IssuedInvoice). */
export function isIssued(inv: Invoice): inv is IssuedInvoice {
  return inv.status !== 'Draft' && !!inv.number && !!inv.invoiceDate;
}

export interface NumberRange {
  range: string;
  lastSeq: number;
  lastNumber?: string;
  lastHash?: string;
  updatedAt?: string;
}

export interface Run {
  runId: string;
  startedAt: string;
  startedBy?: string;
  status: EnumOf<'Runs', 'status'>;
  periodStart: IsoDate;
  periodEnd: IsoDate;
  invoiceDate?: IsoDate;
  filter?: string;
  transactionFilters?: string;
  tenantId?: string;
  inScope?: number;
  drafts?: number;
  errors?: number;
  checkpoint?: string;
  finishedAt?: string;
  lastError?: string;
  remaining?: string;
}

export interface LogEntry {
  at: string;
  user?: string;
  action: LogAction;
  invoiceId?: string;
  number?: string;
  details?: string;
}

/** One money event of the append-only Balances ledger (never edited: a reversal row undoes one). */
export interface Balance {
  balanceId: string;
  date: IsoDate;
  kind: BalanceKind;
  accountId: string;
  invoiceId?: string;
  number?: string;
  amount: Decimal;
  currency: string;
  paymentId?: string;
  reverses?: string;
  source?: string;
  reason?: string;
  at?: string;
  by?: string;
}

/** A payment typed in or imported from a bank statement; negative: a return debit or reversal. */
export interface Payment {
  paymentId?: string;
  date: IsoDate;
  amount: Decimal;
  currency: string;
  payerName?: string;
  payerIban?: string;
  remittance?: string;
  bankReference?: string;
  endToEndId?: string;
  returnReason?: string;
  status?: PaymentMatchState;
  accountId?: string;
  matched?: string;
  how?: string;
  suggestions?: string;
  source?: string;
  entryKey?: string;
  importedAt?: string;
}

/** A SEPA direct-debit file written by a collection run. */
export interface Collection {
  messageId: string;
  tenantId?: string;
  collectionDate?: IsoDate;
  count?: number;
  controlSum?: Decimal;
  currency?: string;
  invoices?: string;
  file?: string;
  status?: EnumOf<'Collections', 'status'>;
  createdAt?: string;
  createdBy?: string;
}

/** An invoice with its lines: what planning produces and finalization freezes. */
export interface InvoiceDoc {
  invoice: Invoice;
  lines: InvoiceLine[];
}

// --- The records checked against the schema -------------------------------------------------

/** The record type of each table. */
export interface TableRecords {
  Settings: Tenant;
  Accounts: Account;
  Contacts: Contact;
  Products: Product;
  Subscriptions: Subscription;
  Items: Item;
  Transactions: Transaction;
  TaxRules: TaxRule;
  Filters: FilterRow;
  Invoices: Invoice;
  InvoiceLines: InvoiceLine;
  NumberRanges: NumberRange;
  Runs: Run;
  Log: LogEntry;
  Balances: Balance;
  Payments: Payment;
  Collections: Collection;
}

/** true when a record type has exactly the schema's column keys; otherwise names what differs. */
export type SameKeys<R, K extends string> = [Exclude<keyof R, K>, Exclude<K, keyof R>] extends [never, never] ? true : { notInSchema: Exclude<keyof R, K>; notInRecord: Exclude<K, keyof R> };

/**
 * The compiler's check that each record has the fields its sheet has: a column added to the schema
 * without its field (or the reverse) fails `npm run typecheck` here, naming the key.
 */
export const RECORDS_MATCH_SCHEMA: { [N in keyof TableRecords]: SameKeys<TableRecords[N], ColumnKey<N>> } = {
  Settings: true,
  Accounts: true,
  Contacts: true,
  Products: true,
  Subscriptions: true,
  Items: true,
  Transactions: true,
  TaxRules: true,
  Filters: true,
  Invoices: true,
  InvoiceLines: true,
  NumberRanges: true,
  Runs: true,
  Log: true,
  Balances: true,
  Payments: true,
  Collections: true,
};
export type RecordOf<N extends keyof TableRecords> = TableRecords[N];
export type { TableName };
