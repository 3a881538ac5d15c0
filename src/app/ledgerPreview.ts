// What the sidebar shows before a ledger action, computed without writing anything: what may still
// be credited on an invoice (before the cancel/credit confirmation), and a manual or pro-forma
// invoice's totals and tax (before it is saved as a draft). Both check who may act first, with the
// same refusal the action itself gives, so a user learns it before filling in a form.
import { isIsoDate } from '../core/dates';
import type { Dataset } from '../core/dataset';
import { BillingError } from '../core/errors';
import { LedgerWriter } from '../core/ledger';
import { manualDraft, type ManualInvoiceInput } from '../core/manual';
import type { Invoice, InvoiceLine } from '../core/model';
import { type Decimal, formatAmount, sum, ZERO } from '../core/money';
import { computeTotals } from '../core/totals';
import { roundingMode } from '../core/plan';
import type { Ports } from '../ports';
import { assertAdmin } from './access';
import { summarize, type InvoiceSummary } from './summary';
import { readDataset } from './workbook';

/** How the sheet writes numbers: the sidebar reads and formats amounts so. */
export type NumberLocale = 'de' | 'en';

export function numberLocaleOf(ports: Ports, ds: Dataset): NumberLocale {
  return ports.locale ?? ds.tenants[0]?.locale ?? 'en';
}

/**
 * The tables a credit or a manual invoice reads (Settings first: the admins and the locale); Balances
 * for a final invoice's warning about a deducted invoice that is still partly open.
 */
const LEDGER_TABLES = ['Settings', 'Accounts', 'Products', 'Items', 'Transactions', 'TaxRules', 'Invoices', 'InvoiceLines', 'NumberRanges', 'Balances'] as const;

export interface CreditableLine {
  lineNo: number;
  description: string;
  net: string;
  taxCategory: string;
  taxRate: string;
  /** The net this line can still be credited with (a line is credited whole): its net, or "0.00". */
  remaining: string;
  /** The credit note this line was credited on, line by line. */
  creditedOn?: string;
  /** Why the line cannot be credited on its own (credited already, less left at its tax rate, a pro-forma). */
  why?: string;
}

export interface Creditable {
  invoiceId: string;
  number: string;
  type: Invoice['type'];
  invoiceDate: string;
  accountId: string;
  customer: string;
  currency: string;
  net: string;
  gross: string;
  payable: string;
  /** Net already credited by credit notes (positive), and their numbers. */
  credited: string;
  creditNotes: string[];
  /** Net that may still be credited as an amount. */
  open: string;
  /** Whether the whole invoice may be cancelled (nothing credited yet; a pro-forma always). */
  canCancel: boolean;
  /** A pro-forma invoice can only be cancelled, never credited. */
  canCredit: boolean;
  lines: CreditableLine[];
  numberLocale: NumberLocale;
}

/**
 * The invoice a user typed (number or id) and what may still be credited on it. Each line's
 * remaining amount is found by asking the engine to credit that line alone in memory (nothing is
 * written), so the panel offers exactly what the credit itself would accept.
 */
export function creditableInvoice(ports: Ports, ref: string): Creditable {
  const ds = readDataset(ports, LEDGER_TABLES);
  assertAdmin(ports, ds, 'cancel or credit invoices');
  if (!String(ref ?? '').trim()) throw new BillingError('enter the number of the invoice to cancel or credit', { code: 'invalid' });
  const writer = () => new LedgerWriter({ ds, today: ports.clock.today(), now: ports.clock.now().toISOString(), user: ports.user(), sha256: (t) => ports.sha256(t) });
  const { invoice: inv, lines } = writer().invoice(ref);
  const name = inv.number ?? inv.invoiceId;
  if (inv.type === 'credit_note') throw new BillingError(`${name} is a credit note; a credit note cannot be cancelled or credited`, { code: 'refused', ref });
  if (inv.status === 'Draft') throw new BillingError(`${name} is a draft: delete or re-run it instead of crediting`, { code: 'refused', ref });
  if (inv.status === 'Cancelled') throw new BillingError(`invoice ${name} is already cancelled`, { code: 'refused', ref });
  const notes = ds.invoices.map((r) => r.record).filter((o) => o.type === 'credit_note' && o.originalInvoiceId === inv.invoiceId);
  const credited = sum(notes.map((n) => n.net.neg()));
  const money = (v: Invoice['net']) => formatAmount(v, inv.currency);
  const proForma = inv.type === 'pro_forma';
  return {
    invoiceId: inv.invoiceId,
    number: name,
    type: inv.type,
    invoiceDate: inv.invoiceDate ?? '',
    accountId: inv.accountId,
    customer: inv.buyerName ?? ds.accounts.get(inv.accountId)?.name ?? inv.accountId,
    currency: inv.currency,
    net: money(inv.net),
    gross: money(inv.gross),
    payable: money(inv.payable),
    credited: money(credited),
    creditNotes: notes.map((n) => n.number ?? n.invoiceId),
    open: money(proForma ? ZERO : inv.net.minus(credited)),
    canCancel: proForma || credited.isZero(),
    canCredit: !proForma,
    lines: lines.map((l) =>
      creditableLine(l, money, proForma ? 'a pro-forma invoice can be cancelled, not credited' : () => writer().credit(inv.invoiceId, { kind: 'lines', lines: [l.lineNo] }), inv.net.gt(credited)),
    ),
    numberLocale: numberLocaleOf(ports, ds),
  };
}

/**
 * One line and what it may still be credited with: `credit` is the engine crediting it alone (in
 * memory), or the reason it cannot be. The engine's refusals become words for the panel: the credit
 * note a line was credited on, or that its tax rate has less left than the line (an amount credit
 * still can take what is left).
 */
function creditableLine(l: InvoiceLine, money: (v: Decimal) => string, credit: (() => unknown) | string, openLeft: boolean): CreditableLine {
  const line = { lineNo: l.lineNo, description: l.description, net: money(l.net), taxCategory: l.taxCategory, taxRate: l.taxRate.toString() };
  try {
    if (typeof credit === 'string') throw new BillingError(credit);
    credit();
    return { ...line, remaining: money(l.net) };
  } catch (e) {
    const why = (e as Error).message;
    const on = /already credited on (\S+)$/.exec(why)?.[1];
    if (on) return { ...line, remaining: money(ZERO), creditedOn: on, why };
    if (!/would exceed/.test(why)) return { ...line, remaining: money(ZERO), why };
    return { ...line, remaining: money(ZERO), why: openLeft ? `less is left at ${l.taxCategory} ${line.taxRate} % than this line: credit an amount instead` : 'nothing is left to credit' };
  }
}

export interface ManualInvoiceForm {
  accounts: { accountId: string; name: string; currency: string }[];
  products: { productId: string; name: string; price: string; taxClass: string; unit?: string }[];
  /** The tax classes of the TaxRules sheet. */
  taxClasses: string[];
  today: string;
  numberLocale: NumberLocale;
}

/** What the manual invoice form offers: active accounts and products, the tax classes, the locale. */
export function manualInvoiceForm(ports: Ports): ManualInvoiceForm {
  const ds = readDataset(ports, ['Settings', 'Accounts', 'Products', 'TaxRules']);
  const tenantCurrency = (id?: string) => (id ? ds.tenantById.get(id) : ds.tenants[0])?.currency ?? '';
  return {
    accounts: [...ds.accounts.values()]
      .filter((a) => a.status !== 'Inactive')
      .map((a) => ({ accountId: a.accountId, name: a.name, currency: (a.currency ?? tenantCurrency(a.tenantId)).toUpperCase() })),
    products: [...ds.products.values()].filter((p) => p.active !== false).map((p) => ({ productId: p.productId, name: p.name, price: p.price.toString(), taxClass: p.taxClass, unit: p.unit })),
    taxClasses: [...new Set(ds.taxRules.map((r) => r.taxClass))].filter((t) => t && t !== '*').sort(),
    today: ports.clock.today(),
    numberLocale: numberLocaleOf(ports, ds),
  };
}

export interface ManualPreviewLine {
  lineNo: number;
  description: string;
  quantity: string;
  unitPrice: string;
  net: string;
  taxCategory: string;
  taxRate: string;
  serviceStart?: string;
  serviceEnd?: string;
}

export interface ManualPreview {
  invoice: InvoiceSummary;
  lines: ManualPreviewLine[];
  /** Tax per category and rate: taxable amount and tax. */
  taxes: { category: string; rate: string; taxable: string; tax: string }[];
}

/** A manual or pro-forma invoice computed by the engine as its draft would be, without writing it. */
export function previewManualInvoice(ports: Ports, input: ManualInvoiceInput): ManualPreview {
  const ds = readDataset(ports, LEDGER_TABLES);
  assertAdmin(ports, ds, 'create invoices by hand');
  if (input.invoiceDate !== undefined && !isIsoDate(input.invoiceDate))
    throw new BillingError(`"${input.invoiceDate}" is not a date in the form YYYY-MM-DD`, { code: 'invalid', ref: input.invoiceDate });
  const doc = manualDraft(ds, 'preview', input, ports.clock.today());
  const inv = doc.invoice;
  const money = (v: Invoice['net']) => formatAmount(v, inv.currency);
  const groups = computeTotals(doc.lines, { currency: inv.currency, mode: roundingMode(ds.tenantById.get(inv.tenantId)!) }).groups;
  return {
    invoice: { ...summarize(inv), invoiceId: '' },
    lines: doc.lines.map((l) => ({
      lineNo: l.lineNo,
      description: l.description,
      quantity: l.quantity.toString(),
      unitPrice: l.unitPrice.toString(),
      net: money(l.net),
      taxCategory: l.taxCategory,
      taxRate: l.taxRate.toString(),
      serviceStart: l.serviceStart,
      serviceEnd: l.serviceEnd,
    })),
    taxes: groups.map((g) => ({ category: g.category, rate: g.rate.toString(), taxable: money(g.taxable), tax: money(g.tax) })),
  };
}
