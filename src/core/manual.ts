// Manual invoices and pro-forma invoices: lines typed by a person, not planned from contracts.
// A pro-forma gets its number from its own range and never counts as revenue.
import { D, type Decimal, type RoundingMode } from './money';
import { type IsoDate, isIsoDate } from './dates';
import type { Dataset } from './dataset';
import { BillingError } from './errors';
import type { Account, InvoiceDoc, Tenant } from './model';
import { currencyOf, lineTax, makeDraft, roundingMode, tenantOf } from './plan';
import { lineNet } from './pricing';

export interface ManualLineInput {
  description: string;
  quantity: Decimal.Value;
  unitPrice: Decimal.Value;
  /** Tax class (default: the product's, else "standard"). */
  taxClass?: string;
  productId?: string;
  unit?: string;
  discountPercent?: Decimal.Value;
  serviceStart?: IsoDate;
  serviceEnd?: IsoDate;
}

export interface ManualInvoiceInput {
  accountId: string;
  tenantId?: string;
  currency?: string;
  type?: 'invoice' | 'pro_forma';
  invoiceDate?: IsoDate;
  orderReference?: string;
  lines: ManualLineInput[];
}

export function manualDraft(ds: Dataset, invoiceId: string, input: ManualInvoiceInput, today: IsoDate): InvoiceDoc {
  const account = ds.accounts.get(input.accountId);
  if (!account) throw new BillingError(`account "${input.accountId}" does not exist`, { code: 'invalid', ref: input.accountId });
  if (!input.lines.length) throw new BillingError('a manual invoice needs at least one line', { code: 'invalid' });
  const tenant = tenantOf(ds, { tenantId: input.tenantId }, account);
  const currency = (input.currency ?? currencyOf({}, account, tenant)).toUpperCase();
  const c: LineContext = { ds, tenant, account, currency, mode: roundingMode(tenant), warnings: new Set<string>(), date: input.invoiceDate ?? today };
  const lines = input.lines.map((l, i) => manualLine(c, l, i + 1));
  return makeDraft({
    invoiceId,
    key: `M:${invoiceId}`,
    type: input.type ?? 'invoice',
    o: { runId: '', periodStart: input.invoiceDate ?? today, periodEnd: input.invoiceDate ?? today, invoiceDate: input.invoiceDate },
    tenant,
    account,
    currency,
    orderReference: input.orderReference,
    lines,
    warnings: [...c.warnings],
  });
}

interface LineContext {
  ds: Dataset;
  tenant: Tenant;
  account: Account;
  currency: string;
  mode: RoundingMode;
  warnings: Set<string>;
  /** The invoice date: the tax date of a line without a service period. */
  date: IsoDate;
}

/** A number field of a line, or an error naming the line and the field. */
function numberField(n: number, field: string, value: Decimal.Value | undefined): Decimal {
  try {
    if (value === undefined || value === null || String(value).trim() === '') throw new Error('empty');
    return new D(typeof value === 'string' ? value.trim() : value);
  } catch {
    throw new BillingError(`line ${n}: ${field} "${value ?? ''}" is not a number`, { code: 'invalid', ref: `line ${n}` });
  }
}

/** One typed line: a product's (its name, unit and tax class unless given) or free text. Errors name the line and the field. */
function manualLine(c: LineContext, l: ManualLineInput, n: number) {
  const product = l.productId ? c.ds.products.get(l.productId) : undefined;
  if (l.productId && !product) throw new BillingError(`line ${n}: product "${l.productId}" does not exist`, { code: 'invalid', ref: `line ${n}` });
  const description = (l.description ?? '').trim() || product?.name || '';
  if (!description) throw new BillingError(`line ${n}: description is empty (choose a product or type a text)`, { code: 'invalid', ref: `line ${n}` });
  const quantity = numberField(n, 'quantity', l.quantity);
  const unitPrice = numberField(n, 'unit price', l.unitPrice);
  const discountPercent = l.discountPercent === undefined || l.discountPercent === '' ? undefined : numberField(n, 'discount', l.discountPercent);
  for (const [field, d] of [
    ['service start', l.serviceStart],
    ['service end', l.serviceEnd],
  ] as const) {
    if (d !== undefined && d !== '' && !isIsoDate(d)) throw new BillingError(`line ${n}: ${field} "${d}" is not a date in the form YYYY-MM-DD`, { code: 'invalid', ref: `line ${n}` });
  }
  const serviceStart = l.serviceStart || undefined;
  const serviceEnd = l.serviceEnd || serviceStart;
  if (!serviceStart && serviceEnd) throw new BillingError(`line ${n}: service end is given without a service start`, { code: 'invalid', ref: `line ${n}` });
  if (serviceStart && serviceEnd && serviceEnd < serviceStart)
    throw new BillingError(`line ${n}: service end ${serviceEnd} is before service start ${serviceStart}`, { code: 'invalid', ref: `line ${n}` });
  const taxClass = l.taxClass || product?.taxClass || 'standard';
  let tax: ReturnType<typeof lineTax>;
  try {
    tax = lineTax(c, taxClass, serviceStart ?? c.date);
  } catch (e) {
    throw new BillingError(`line ${n}: tax class "${taxClass}": ${(e as Error).message}`, { code: 'invalid', ref: `line ${n}` });
  }
  return {
    kind: 'manual' as const,
    productId: product?.productId,
    description,
    serviceStart,
    serviceEnd,
    quantity,
    unit: l.unit ?? product?.unit,
    unitPrice,
    discountPercent,
    net: lineNet(quantity, unitPrice, { discountPercent, currency: c.currency, mode: c.mode }),
    ...tax,
  };
}
