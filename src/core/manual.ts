// Manual invoices and pro-forma invoices: lines typed by a person, not planned from contracts.
// A pro-forma gets its number from its own range and never counts as revenue. Prepayment
// (Anzahlungs-), partial (Abschlags-) and final (Schluss-) invoices belong to one project; the
// final invoice deducts the earlier ones per VAT rate.
//
// The model of the final invoice (A): it lists the whole service and deducts each earlier
// prepayment or partial invoice's invoiced amount per VAT category and rate as a `deduction` line
// (negative net, the earlier rate), so the tax of the earlier invoices is not charged twice and the
// VAT breakdown nets out per rate. Its total is what is left of the service after the earlier
// invoices; BT-113 (Prepaid) stays 0 and Invoices' Prepaid stays empty. Each earlier invoice keeps
// its own open amount in Balances: paid in full, its payment is what the deduction subtracts; paid in
// part, the rest is still owed on it (a warning on the final draft says so). Deducting the invoiced
// amount and also subtracting the payments as BT-113 would subtract what was paid twice; deducting
// only what was paid would leave tax charged on the unpaid rest of the earlier invoice twice. Over
// all the project's invoices the customer owes exactly the whole service's gross (up to the cent
// that rounding the tax per invoice can make).
import { D, type Decimal, type RoundingMode } from './money';
import { type IsoDate, isIsoDate } from './dates';
import type { Dataset } from './dataset';
import { BillingError } from './errors';
import { deductionLineText, formatMoney } from './i18n';
import type { Account, Invoice, InvoiceDoc, InvoiceLine, Tenant } from './model';
import { currencyOf, lineTax, makeDraft, roundingMode, tenantOf } from './plan';
import { lineNet } from './pricing';
import { moneyByInvoice } from './receivables/balances';
import { isSwiss } from './swissQr';

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
  type?: ManualInvoiceType;
  invoiceDate?: IsoDate;
  orderReference?: string;
  /** The order or project a prepayment, partial or final invoice belongs to (required for a final invoice). */
  project?: string;
  lines: ManualLineInput[];
}

export const MANUAL_INVOICE_TYPES = ['invoice', 'pro_forma', 'prepayment', 'partial', 'final'] as const;
export type ManualInvoiceType = (typeof MANUAL_INVOICE_TYPES)[number];

export function manualDraft(ds: Dataset, invoiceId: string, input: ManualInvoiceInput, today: IsoDate): InvoiceDoc {
  const account = ds.accounts.get(input.accountId);
  if (!account) throw new BillingError(`account "${input.accountId}" does not exist`, { code: 'invalid', ref: input.accountId });
  if (!input.lines.length) throw new BillingError('a manual invoice needs at least one line', { code: 'invalid' });
  const tenant = tenantOf(ds, { tenantId: input.tenantId }, account);
  const currency = (input.currency ?? currencyOf({}, account, tenant)).toUpperCase();
  const type = input.type ?? 'invoice';
  if (!(MANUAL_INVOICE_TYPES as readonly string[]).includes(type)) throw new BillingError(`type "${type}" is not one of ${MANUAL_INVOICE_TYPES.join(', ')}`, { code: 'invalid', ref: String(type) });
  const project = input.project?.trim() || undefined;
  if (type === 'final' && !project) throw new BillingError('a final invoice needs a project: the prepayment and partial invoices of that project are deducted', { code: 'invalid' });
  const c: LineContext = { ds, tenant, account, currency, mode: roundingMode(tenant), warnings: new Set<string>(), date: input.invoiceDate ?? today };
  const lines: Omit<InvoiceLine, 'invoiceId' | 'lineNo'>[] = input.lines.map((l, i) => manualLine(c, l, i + 1));
  if (type === 'final' && project) lines.push(...deductions(c, project));
  const doc = makeDraft({
    invoiceId,
    key: `M:${invoiceId}`,
    type,
    o: { runId: '', periodStart: input.invoiceDate ?? today, periodEnd: input.invoiceDate ?? today, invoiceDate: input.invoiceDate },
    tenant,
    account,
    currency,
    orderReference: input.orderReference,
    lines,
    warnings: [...c.warnings],
  });
  if (project) doc.invoice.project = project;
  return doc;
}

/** What a final invoice deducts: the earlier finalized prepayment and partial invoices of its account, project and currency. */
export function deductedInvoices(ds: Dataset, o: { accountId: string; project: string; currency: string }): Invoice[] {
  const all = ds.invoices.map((r) => r.record);
  // An earlier final invoice of the project (not cancelled or credited in full) already deducted its invoices.
  const settled = new Set(
    all
      .filter((i) => i.type === 'final' && i.status !== 'Draft' && i.status !== 'Cancelled' && i.status !== 'Credited' && i.accountId === o.accountId && i.project === o.project)
      .flatMap((i) => (ds.linesByInvoice.get(i.invoiceId) ?? []).map((l) => l.record.precedingInvoiceId)),
  );
  return all
    .filter((i) => (i.type === 'prepayment' || i.type === 'partial') && i.accountId === o.accountId && i.project === o.project && i.currency === o.currency)
    .filter((i) => i.status !== 'Draft' && i.status !== 'Cancelled' && i.status !== 'Credited' && !!i.number && !settled.has(i.invoiceId))
    .sort((a, b) => (a.invoiceDate ?? '').localeCompare(b.invoiceDate ?? '') || (a.number ?? '').localeCompare(b.number ?? ''));
}

/** An invoice's taxable amount per VAT category and rate, less what its credit notes took back. */
function taxableByRate(ds: Dataset, inv: Invoice): InvoiceLine[] {
  const credits = ds.invoices.filter((r) => r.record.type === 'credit_note' && r.record.originalInvoiceId === inv.invoiceId && r.record.status !== 'Draft').map((r) => r.record.invoiceId);
  const groups = new Map<string, InvoiceLine>();
  for (const id of [inv.invoiceId, ...credits]) {
    for (const { record: l } of ds.linesByInvoice.get(id) ?? []) {
      const key = `${l.taxCategory}|${l.taxRate.toString()}`;
      const g = groups.get(key);
      if (g) g.net = g.net.plus(l.net);
      else groups.set(key, { ...l, net: l.net });
    }
  }
  return [...groups.values()].filter((g) => !g.net.isZero());
}

/**
 * One deduction line per earlier invoice and VAT category and rate: its taxable amount, negative,
 * at its own rate (a 16 % prepayment is deducted at 16 % from a service billed at 19 %).
 */
function deductions(c: LineContext, project: string): Omit<InvoiceLine, 'invoiceId' | 'lineNo'>[] {
  const lang = c.account.language ?? c.tenant.language ?? 'en';
  const swiss = isSwiss({ currency: c.currency }, c.tenant);
  const money = moneyByInvoice(c.ds.balances.map((r) => r.record));
  return deductedInvoices(c.ds, { accountId: c.account.accountId, project, currency: c.currency }).flatMap((inv) => {
    const groups = taxableByRate(c.ds, inv);
    const open = money.get(inv.invoiceId)?.open;
    if (open?.gt(0)) c.warnings.add(`${inv.number} is deducted in full, ${formatMoney(open, c.currency, 'en')} of it is still open and stays due on it`);
    return groups.map((g) => ({
      kind: 'deduction' as const,
      description: deductionLineText(lang, swiss, {
        type: inv.type as 'prepayment' | 'partial',
        number: inv.number!,
        date: inv.invoiceDate!,
        group: groups.length > 1 ? { category: g.taxCategory, rate: g.taxRate } : undefined,
      }),
      quantity: new D(-1),
      unitPrice: g.net,
      net: g.net.neg(),
      taxCategory: g.taxCategory,
      taxRate: g.taxRate,
      taxClass: g.taxClass,
      exemptionCode: g.exemptionCode,
      exemptionText: g.exemptionText,
      precedingInvoiceId: inv.invoiceId,
    }));
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
