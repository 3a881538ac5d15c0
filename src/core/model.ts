// Typed records, one interface per table of the schema (field names = column keys).
import type { Decimal } from './money';
import type { IsoDate } from './dates';
import type { DeliveryState } from './schema';

export type Language = 'de' | 'en' | 'fr';
export type BillingPeriod = 'monthly' | 'quarterly' | 'semiannual' | 'annual';
export type PriceModel = 'per_unit' | 'flat' | 'graduated' | 'volume' | 'package';
export type TaxCategory = 'S' | 'Z' | 'E' | 'AE' | 'K' | 'G' | 'O' | 'L' | 'M';
export type InvoiceType = 'invoice' | 'credit_note' | 'pro_forma';
export type InvoiceStatus = 'Draft' | 'Open' | 'Paid' | 'Cancelled' | 'Credited';
export type LineKind = 'recurring' | 'one_time' | 'usage' | 'manual' | 'credit';

export interface Tenant {
  tenantId: string;
  legalName: string;
  street?: string;
  postalCode?: string;
  city?: string;
  country: string;
  vatId?: string;
  taxNumber?: string;
  email?: string;
  phone?: string;
  contactName?: string;
  iban?: string;
  bic?: string;
  bankName?: string;
  creditorId?: string;
  currency: string;
  language?: Language;
  locale?: 'de' | 'en';
  paymentTermsDays?: number;
  numberFormat?: string;
  creditNumberFormat?: string;
  proFormaNumberFormat?: string;
  numberReset?: 'none' | 'yearly' | 'monthly';
  roundingMode?: 'half-up' | 'half-even';
  cashRounding?: Decimal;
  invoicePer?: 'subscription' | 'account';
  usageLines?: 'aggregate' | 'each';
  driveFolderId?: string;
  templateId?: string;
  logo?: string;
  eInvoiceFormat?: string;
  billingAdmins?: string;
  replyTo?: string;
  emailSubject?: string;
  emailBody?: string;
}

export interface Account {
  accountId: string;
  name: string;
  status: 'Active' | 'Inactive';
  customerType: 'B2B' | 'B2C';
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
  paymentMethod?: 'transfer' | 'direct_debit';
  iban?: string;
  bic?: string;
  mandateReference?: string;
  mandateDate?: IsoDate;
  eInvoiceFormat?: string;
}

export interface Contact {
  contactId: string;
  accountId: string;
  name?: string;
  email: string;
  role: 'invoice' | 'cc' | 'bcc' | 'mailing';
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
  status: 'Draft' | 'Active' | 'Paused' | 'Cancelled' | 'Ended';
  startDate?: IsoDate;
  endDate?: IsoDate;
  billingPeriod: BillingPeriod;
  billingTiming: 'advance' | 'arrears';
  alignment?: 'calendar' | 'start';
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
  billingType: 'recurring' | 'one_time' | 'usage';
  startDate?: IsoDate;
  endDate?: IsoDate;
  status: 'Active' | 'Inactive';
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
  customerType: 'B2B' | 'B2C' | '*';
  rate: Decimal;
  category: TaxCategory;
  exemptionCode?: string;
  exemptionText?: string;
  validFrom?: IsoDate;
  validTo?: IsoDate;
}

export interface FilterRow {
  name: string;
  appliesTo: 'Subscriptions' | 'Transactions';
  column: string;
  operator: 'equals' | 'not_equals' | 'contains' | 'in' | 'empty' | 'not_empty';
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
  creditNoteIds?: string;
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
  status: 'running' | 'done' | 'done_with_errors' | 'failed';
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
  action: string;
  invoiceId?: string;
  number?: string;
  details?: string;
}

/** An invoice with its lines: what planning produces and finalization freezes. */
export interface InvoiceDoc {
  invoice: Invoice;
  lines: InvoiceLine[];
}
