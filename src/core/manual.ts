// Manual invoices and pro-forma invoices: lines typed by a person, not planned from contracts.
// A pro-forma gets its number from its own range and never counts as revenue.
import { D, type Decimal } from './money';
import type { IsoDate } from './dates';
import type { Dataset } from './dataset';
import { BillingError } from './errors';
import type { InvoiceDoc } from './model';
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
  if (!account) throw new BillingError(`account "${input.accountId}" does not exist`);
  if (!input.lines.length) throw new BillingError('a manual invoice needs at least one line');
  const tenant = tenantOf(ds, { tenantId: input.tenantId }, account);
  const currency = (input.currency ?? currencyOf({}, account, tenant)).toUpperCase();
  const mode = roundingMode(tenant);
  const warnings = new Set<string>();
  const lines = input.lines.map((l, i) => {
    const product = l.productId ? ds.products.get(l.productId) : undefined;
    if (l.productId && !product) throw new BillingError(`line ${i + 1}: product "${l.productId}" does not exist`);
    let quantity: Decimal, unitPrice: Decimal, discountPercent: Decimal | undefined;
    try {
      quantity = new D(l.quantity);
      unitPrice = new D(l.unitPrice);
      discountPercent = l.discountPercent === undefined || l.discountPercent === '' ? undefined : new D(l.discountPercent);
    } catch {
      throw new BillingError(`line ${i + 1}: quantity, unit price and discount must be numbers`);
    }
    if (!l.description?.trim()) throw new BillingError(`line ${i + 1}: description is empty`);
    const date = l.serviceStart ?? input.invoiceDate ?? today;
    return {
      kind: 'manual' as const,
      productId: product?.productId,
      description: l.description.trim(),
      serviceStart: l.serviceStart,
      serviceEnd: l.serviceEnd ?? l.serviceStart,
      quantity,
      unit: l.unit ?? product?.unit,
      unitPrice,
      discountPercent,
      net: lineNet(quantity, unitPrice, { discountPercent, currency, mode }),
      ...lineTax({ ds, tenant, account, warnings }, l.taxClass ?? product?.taxClass ?? 'standard', date),
    };
  });
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
    warnings: [...warnings],
  });
}
