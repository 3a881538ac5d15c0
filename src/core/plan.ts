// Invoice run planning (pure, deterministic): the draft invoices a run period produces,
// and the subscriptions that failed with the reason. Same input → identical drafts.
import { D, type Decimal, ZERO, minorUnits, roundTo, type RoundingMode } from './money';
import { isIsoDate, minDate, type IsoDate } from './dates';
import { groupBy, type Dataset } from './dataset';
import { MAX_NUMBER } from './cells';
import { BillingError } from './errors';
import { compileAnyFilter, compileFilter, type RowPredicate } from './filters';
import { invoiceIdSource } from './ids';
import { isDraft, type Account, type DraftInvoice, type Invoice, type InvoiceDoc, type InvoiceLine, type Item, type Product, type Subscription, type Tenant, type Transaction } from './model';
import { CALENDAR_ANCHOR, PERIOD_MONTHS, duePieces } from './periods';
import { lineNet, priceComponents, type PriceSpec } from './pricing';
import { resolveTax } from './tax';
import { computeTotals, taxSummary } from './totals';
import { creditorProblem, isSwiss } from './swissQr';
import type { ParsedRow } from './table';
import type { TableName } from './schema';

export interface RunOptions {
  runId: string;
  periodStart: IsoDate;
  periodEnd: IsoDate;
  /** Invoice date to use at finalization (empty: the day of finalization). */
  invoiceDate?: IsoDate;
  /** Name of a Subscriptions filter of the Filters sheet. */
  filter?: string;
  /** Names of Transactions filters; a transaction is billed if it matches any (none: all). */
  transactionFilters?: string[];
  /** Only subscriptions of this tenant. */
  tenantId?: string;
  /** Only these subscriptions (e.g. re-run the failed ones). */
  subscriptionIds?: string[];
}

export interface FailedSubscription {
  subscriptionId: string;
  accountId: string;
  row: number;
  reason: string;
}

export interface TransactionLink {
  transactionId: string;
  row: number;
  /** Invoice id to set, or '' to release the transaction. */
  invoiceId: string;
}

/**
 * A slice of a run (Apps Script stops an execution after 6 minutes): the groups (draft keys) in
 * sheet order after `after`, until `maxGroups` or `deadline()`. Drafts are keyed, so a group planned
 * twice (a checkpoint lost, a key no longer found) is just updated: slicing never bills twice.
 */
export interface Slice {
  /** Key of the last group done by the previous slice. */
  after?: string;
  maxGroups?: number;
  /** Asked after each group; true stops the slice (at least one group is always done). */
  deadline?: () => boolean;
}

export interface Plan {
  /** Key of the last group done when the run is not finished (the checkpoint); undefined when it is. */
  next?: string;
  drafts: InvoiceDoc[];
  /** Drafts of this run's keys that no longer have anything to bill (to delete). */
  removed: string[];
  transactionLinks: TransactionLink[];
  failed: FailedSubscription[];
  inScope: number;
  /** Subscriptions in scope whose groups the run has worked through, this slice and the earlier ones (nothing due counts as done). */
  processed: number;
}

type Line = Omit<InvoiceLine, 'invoiceId' | 'lineNo'>;

interface Reservations {
  /** Service already on other drafts, per item. */
  service: Map<string, { start: IsoDate; end: IsoDate; invoiceId: string }[]>;
}

export function tenantOf(ds: Dataset, sub: Pick<Subscription, 'tenantId'>, account: Account): Tenant {
  const id = sub.tenantId ?? account.tenantId;
  const t = id ? ds.tenantById.get(id) : ds.tenants[0];
  if (!t) throw new BillingError(id ? `tenant "${id}" does not exist` : 'no company profile in Settings');
  return t;
}

export function currencyOf(sub: Pick<Subscription, 'currency'>, account: Account, tenant: Tenant): string {
  return (sub.currency ?? account.currency ?? tenant.currency).toUpperCase();
}

export function roundingMode(t: Tenant): RoundingMode {
  return t.roundingMode ?? 'half-up';
}

/** Key of a draft: what a re-run of the same period updates. */
export function draftKey(o: RunOptions, sub: Subscription, tenant: Tenant, currency: string): string {
  const period = `${o.periodStart}..${o.periodEnd}`;
  return tenant.invoicePer === 'account' ? `A:${sub.accountId}:${tenant.tenantId}:${currency}:${period}` : `S:${sub.subscriptionId}:${period}`;
}

interface LineContext {
  ds: Dataset;
  sub: Subscription;
  account: Account;
  tenant: Tenant;
  currency: string;
  mode: RoundingMode;
  o: RunOptions;
  warnings: Set<string>;
  /** Id of the draft this plan replaces: its own lines do not reserve anything. */
  replacing?: string;
  taxCache: TaxCache;
}

/** Tax fields of a line: the tax rule for seller, buyer and tax class on the service date. */
export function lineTax(
  c: Pick<LineContext, 'ds' | 'tenant' | 'account' | 'warnings'> & { taxCache?: TaxCache },
  taxClass: string,
  date: IsoDate,
): Pick<InvoiceLine, 'taxCategory' | 'taxRate' | 'taxClass' | 'exemptionCode' | 'exemptionText'> {
  const seller = c.tenant.country.toUpperCase();
  const buyer = c.account.country.toUpperCase();
  const key = `${seller}|${buyer}|${c.account.customerType}|${c.account.vatId ? 1 : 0}|${taxClass}|${date}`;
  let hit = c.taxCache?.get(key);
  if (!hit) {
    hit = resolveTax(c.ds.taxRules, { sellerCountry: seller, buyerCountry: buyer, customerType: c.account.customerType, buyerVatId: c.account.vatId, taxClass, date });
    c.taxCache?.set(key, hit);
  }
  const { rule, warning } = hit;
  if (warning) c.warnings.add(warning);
  return { taxCategory: rule.category, taxRate: rule.rate, taxClass, exemptionCode: rule.exemptionCode, exemptionText: rule.exemptionText };
}

/** Tax lookups of one run: the same seller, buyer kind, class and date recur on thousands of lines. */
type TaxCache = Map<string, ReturnType<typeof resolveTax>>;

const taxFields = (c: LineContext, product: Product, date: IsoDate) => lineTax(c, product.taxClass, date);

function priceSpec(c: LineContext, product: Product, item?: Item): PriceSpec {
  if (product.active === false) throw new BillingError(`product ${product.productId} is inactive`);
  const override = item?.unitPrice;
  if (!override && product.currency && product.currency.toUpperCase() !== c.currency) {
    throw new BillingError(`product ${product.productId} is priced in ${product.currency.toUpperCase()} but the invoice is in ${c.currency}: set a Unit Price on the item`);
  }
  return { model: product.priceModel, price: override ?? product.price, tiers: product.tiers, packageSize: product.packageSize, freeUnits: product.freeUnits };
}

/**
 * The price increase factor for a service period (1 + Price Increase % / 100), or undefined when
 * the period starts before Price Increase From. It applies to every priced component (per-unit
 * price, flat fee, each tier's price and fee, package price), so tier bounds and quantities stay.
 */
function increaseFactor(c: LineContext, serviceStart: IsoDate): Decimal | undefined {
  const pct = c.sub.priceIncreasePercent;
  const from = c.sub.priceIncreaseFrom;
  if (!pct || pct.isZero() || !from || serviceStart < from) return undefined;
  return new D(100).plus(pct).div(100);
}

/**
 * A raised unit price. Only line nets are rounded to the currency unit (DESIGN: order of money
 * steps), so the price keeps its precision: 0.0125 + 10% = 0.01375, 0.08 + 10% = 0.088 (at most 6 decimals).
 */
function raisePrice(price: Decimal, factor: Decimal, c: LineContext): Decimal {
  const places = Math.max(PRICE_DECIMALS, price.decimalPlaces(), minorUnits(c.currency));
  return roundTo(price.times(factor), places, c.mode);
}

const PRICE_DECIMALS = 6;
/** At most this much earlier service is caught up by one run. */
export const MAX_CATCH_UP_MONTHS = 24;

/** A stretch of service on another draft (not the one being replaced) that overlaps start..end. */
function reservedBy(c: LineContext, reserved: Reservations, itemId: string, start: IsoDate, end: IsoDate) {
  return reserved.service.get(itemId)?.find((r) => r.invoiceId !== c.replacing && r.start <= end && start <= r.end);
}

/** An active item with its product and price (checked once, even when nothing of it is due). */
interface PricedItem {
  item: Item;
  product: Product;
  base: PriceSpec;
}

/** A stretch of service to bill: `factor` is shown on the line (6 decimals), the net uses the `exact` ratio. */
interface ServicePiece {
  start: IsoDate;
  end: IsoDate;
  factor?: Decimal;
  exact?: Decimal;
  /** Price increase factor (Subscriptions Price Increase %). */
  raise?: Decimal;
}

function itemLines(c: LineContext, item: Item, reserved: Reservations): Line[] {
  const product = c.ds.products.get(item.productId)!;
  const priced: PricedItem = { item, product, base: priceSpec(c, product, item) };
  if (item.billingType === 'recurring') return recurringLines(c, priced, reserved);
  if (item.billingType === 'one_time' && !item.billedUntil) return oneTimeLines(c, priced, reserved);
  return [];
}

/** The lines of one piece of service: one per price component. */
function pieceLines(c: LineContext, { item, product, base }: PricedItem, p: ServicePiece, kind: Line['kind']): Line[] {
  const qty = item.quantity ?? new D(1);
  const name = item.description ?? product.name;
  return priceComponents(base, qty, c.ds.ctx.locale).map((comp) => {
    const unitPrice = p.raise ? raisePrice(comp.unitPrice, p.raise, c) : comp.unitPrice;
    return {
      kind,
      itemId: item.itemId,
      productId: product.productId,
      description: comp.label ? `${name} (${comp.label})` : name,
      serviceStart: p.start,
      serviceEnd: p.end,
      quantity: comp.quantity,
      unit: product.unit,
      unitPrice,
      discountPercent: item.discountPercent,
      periodFactor: p.factor,
      net: lineNet(comp.quantity, unitPrice, { factor: p.exact ?? p.factor, discountPercent: item.discountPercent, currency: c.currency, mode: c.mode }),
      ...taxFields(c, product, p.start),
    };
  });
}

/** A recurring item's due periods in the run (earlier ones caught up), minus service already on other drafts. */
function recurringLines(c: LineContext, priced: PricedItem, reserved: Reservations): Line[] {
  const { item } = priced;
  const sub = c.sub;
  const serviceEnd = item.endDate && sub.endDate ? minDate(item.endDate, sub.endDate) : (item.endDate ?? sub.endDate);
  const pieces = duePieces({
    anchor: sub.alignment === 'start' && sub.startDate ? sub.startDate : CALENDAR_ANCHOR,
    months: PERIOD_MONTHS[sub.billingPeriod],
    timing: sub.billingTiming,
    serviceStart: item.startDate ?? sub.startDate,
    serviceEnd,
    billedUntil: item.billedUntil,
    runStart: c.o.periodStart,
    runEnd: c.o.periodEnd,
    prorate: sub.prorate !== false,
  });
  const late = pieces.filter((p) => p.end < c.o.periodStart);
  // Years of service never billed are a missing Billed Until or a mistyped start date, not a debt to invoice.
  if (late.length * PERIOD_MONTHS[sub.billingPeriod] > MAX_CATCH_UP_MONTHS) {
    throw new BillingError(
      `item ${item.itemId} would catch up ${late.length} earlier periods from ${late[0].start} never billed (more than ${MAX_CATCH_UP_MONTHS} months): check the start date, or set Billed Until if they were billed elsewhere`,
    );
  }
  if (late.length) c.warnings.add(`item ${item.itemId}: catching up ${late.length} earlier period(s) from ${late[0].start} never billed (set Billed Until if they were billed elsewhere)`);
  const out: Line[] = [];
  for (const p of pieces) {
    const taken = reservedBy(c, reserved, item.itemId, p.start, p.end);
    if (taken) {
      c.warnings.add(`item ${item.itemId}: ${p.start}..${p.end} is already on draft ${taken.invoiceId}`);
      continue;
    }
    out.push(...pieceLines(c, priced, { start: p.start, end: p.end, factor: p.factor, exact: p.exact, raise: increaseFactor(c, p.start) }, 'recurring'));
  }
  return out;
}

/** A one-time item not billed yet, on its start date (or the subscription's, or the run's), when that is in the run. */
function oneTimeLines(c: LineContext, priced: PricedItem, reserved: Reservations): Line[] {
  const { item } = priced;
  const date = item.startDate ?? c.sub.startDate ?? c.o.periodStart;
  if (date > c.o.periodEnd) return [];
  const taken = reservedBy(c, reserved, item.itemId, date, date);
  if (taken) {
    c.warnings.add(`one-time item ${item.itemId} is already on draft ${taken.invoiceId}`);
    return [];
  }
  return pieceLines(c, priced, { start: date, end: date }, 'one_time');
}

function usageLines(c: LineContext, txs: ParsedRow<Transaction>[], usageItems: Map<string, Item>): Line[] {
  const groups = new Map<string, ParsedRow<Transaction>[]>();
  for (const t of txs) {
    const k = `${t.record.productId}\u0000${t.record.unitPrice ? t.record.unitPrice.toString() : ''}`;
    const g = groups.get(k);
    if (g) g.push(t);
    else groups.set(k, [t]);
  }
  const each = c.tenant.usageLines === 'each';
  const out: Line[] = [];
  for (const k of [...groups.keys()].sort()) {
    const group = groups
      .get(k)!
      .slice()
      .sort((a, b) => byDateThenId(a.record.date, a.record.transactionId, b.record.date, b.record.transactionId));
    const first = group[0].record;
    const product = c.ds.products.get(first.productId)!;
    const item = usageItems.get(first.productId);
    const name = item?.description ?? product.name;
    const discountPercent = item?.discountPercent;
    const spec: PriceSpec = first.unitPrice ? { model: 'per_unit', price: first.unitPrice } : priceSpec(c, product, item);
    const line = (comp: { label?: string; quantity: Decimal; unitPrice: Decimal }, start: IsoDate, end: IsoDate, description: string, transactionIds?: string): Line => ({
      kind: 'usage',
      itemId: item?.itemId,
      productId: product.productId,
      description: comp.label ? `${description} (${comp.label})` : description,
      serviceStart: start,
      serviceEnd: end,
      quantity: comp.quantity,
      unit: product.unit,
      unitPrice: comp.unitPrice,
      discountPercent,
      net: lineNet(comp.quantity, comp.unitPrice, { discountPercent, currency: c.currency, mode: c.mode }),
      transactionIds,
      ...taxFields(c, product, start),
    });
    if (each && spec.model === 'per_unit') {
      for (const t of group) out.push(line({ quantity: t.record.quantity, unitPrice: spec.price }, t.record.date, t.record.date, t.record.description ?? name, t.record.transactionId));
      continue;
    }
    const total = group.reduce((s, t) => s.plus(t.record.quantity), ZERO as Decimal);
    const start = group[0].record.date;
    const end = group[group.length - 1].record.date;
    for (const comp of priceComponents(spec, new D(total), c.ds.ctx.locale)) out.push(line(comp, start, end, name));
  }
  // One line each: in the order they happened, whatever their product (stable, so a tier's components keep theirs).
  if (each) out.sort((a, b) => byDateThenId(a.serviceStart ?? '', a.transactionIds ?? '', b.serviceStart ?? '', b.transactionIds ?? ''));
  return out;
}

/** By date, then by id in natural order ("T2" before "T10"). */
function byDateThenId(dateA: string, idA: string, dateB: string, idB: string): number {
  if (dateA !== dateB) return dateA < dateB ? -1 : 1;
  return idA.localeCompare(idB, 'en', { numeric: true });
}

function buyerSnapshot(a: Account): Partial<Invoice> {
  return {
    buyerName: a.name,
    buyerAddress: [a.street, [a.postalCode, a.city].filter(Boolean).join(' ')].filter(Boolean).join(', '),
    buyerCountry: a.country.toUpperCase(),
    buyerVatId: a.vatId,
    customerType: a.customerType,
    buyerReference: a.buyerReference,
  };
}

/** Plans a run. Throws only for a problem with the run itself (e.g. an unknown filter). */
export function planRun(ds: Dataset, o: RunOptions, slice: Slice = {}): Plan {
  checkRun(ds, o);
  const subFilter: RowPredicate = o.filter ? compileFilter(ds.filters, 'Subscriptions', o.filter, ds.subscriptionHeaders, ds.ctx.dateOf) : () => true;
  const txFilter = compileAnyFilter(ds.filters, o.transactionFilters ?? [], ds.transactionHeaders, ds.ctx.dateOf);
  const scope = runScope(ds, o, subFilter);
  const draftByKey = new Map<string, DraftInvoice>();
  for (const { record: inv } of ds.invoices) if (isDraft(inv) && inv.type === 'invoice') draftByKey.set(inv.key, inv);
  const run: RunState = {
    ds,
    o,
    txFilter,
    invoiceById: new Map(ds.invoices.map((r) => [r.record.invoiceId, r.record])),
    draftByKey,
    // Service already on other drafts is not billed again (the draft being replaced does not count).
    reserved: { service: serviceOnDrafts(ds) },
    nextId: invoiceIdSource(ds.invoices.map((r) => r.record)),
    taxCache: new Map(),
  };
  const out: GroupResult = { drafts: [], removed: [], links: [], failed: [] };
  const order = [...scope.groups.keys()];
  const from = slice.after === undefined ? 0 : order.indexOf(slice.after) + 1;
  let next: string | undefined;
  for (let g = from; g < order.length; g++) {
    if (g > from && ((slice.maxGroups !== undefined && g - from >= slice.maxGroups) || slice.deadline?.())) {
      next = order[g - 1];
      break;
    }
    planGroup(run, order[g], scope.groups.get(order[g]) ?? [], out);
  }
  // Drafts that became stale are removed once the run has seen every group.
  if (next === undefined) removeStale(run, scope, out);
  // Scope problems are reported by the first slice only.
  const failed = slice.after === undefined ? [...scope.failed, ...out.failed] : out.failed;
  const through = next === undefined ? order.length : order.indexOf(next) + 1;
  const processed = order.slice(0, through).reduce((n, k) => n + (scope.groups.get(k)?.length ?? 0), 0);
  return { next, drafts: out.drafts, removed: out.removed, transactionLinks: out.links, failed, inScope: scope.inScope, processed };
}

/** Refuses a run with malformed dates or without a sheet that every invoice needs. */
function checkRun(ds: Dataset, o: RunOptions): void {
  for (const d of [o.periodStart, o.periodEnd, o.invoiceDate]) {
    if (d !== undefined && !isIsoDate(d)) throw new BillingError(`"${d}" is not a date in the form YYYY-MM-DD`);
  }
  if (o.periodEnd < o.periodStart) throw new BillingError(`run period ends (${o.periodEnd}) before it starts (${o.periodStart})`);
  // Without one of these sheets every invoice would come out wrong (or drafts would vanish): no run.
  const needed: TableName[] = ['Settings', 'Accounts', 'Products', 'Subscriptions', 'Items', 'TaxRules'];
  if (o.filter || o.transactionFilters?.length) needed.push('Filters');
  for (const t of needed) {
    const why = ds.unreadable.get(t);
    if (why) throw new BillingError(`${why}: nothing was billed`);
  }
}

/** A subscription in the run's scope, with what its draft key is made of. */
interface Scoped {
  row: ParsedRow<Subscription>;
  account: Account;
  tenant: Tenant;
  currency: string;
  key: string;
}

interface RunScope {
  /** The subscriptions to bill, by draft key, in sheet order. */
  groups: Map<string, Scoped[]>;
  inScope: number;
  /** Subscriptions in scope whose tenant cannot be found. */
  failed: FailedSubscription[];
  /**
   * Keys of subscriptions the run would cover but that are no longer billable (status, account
   * status or a start moved past the period): their drafts of this period are stale.
   */
  staleKeys: Set<string>;
}

/** Scope: active subscriptions of active accounts that started by the period's end and pass the filter. */
function runScope(ds: Dataset, o: RunOptions, subFilter: RowPredicate): RunScope {
  const failed: FailedSubscription[] = [];
  const wanted = o.subscriptionIds ? new Set(o.subscriptionIds) : undefined;
  let scoped: Scoped[] = [];
  for (const row of ds.subscriptions) {
    const sub = row.record;
    const account = ds.accounts.get(sub.accountId)!;
    if (sub.status !== 'Active' || account.status !== 'Active') continue;
    if (sub.startDate && sub.startDate > o.periodEnd) continue;
    if (!subFilter(row.cells)) continue;
    try {
      const tenant = tenantOf(ds, sub, account);
      if (o.tenantId && tenant.tenantId !== o.tenantId) continue;
      const currency = currencyOf(sub, account, tenant);
      scoped.push({ row, account, tenant, currency, key: draftKey(o, sub, tenant, currency) });
    } catch (e) {
      failed.push({ subscriptionId: sub.subscriptionId, accountId: sub.accountId, row: row.row, reason: (e as Error).message });
    }
  }
  if (wanted) {
    // An account invoice is re-planned whole, so a partial re-run never drops another subscription's lines.
    const keys = new Set(scoped.filter((s) => wanted.has(s.row.record.subscriptionId)).map((s) => s.key));
    scoped = scoped.filter((s) => keys.has(s.key));
  }
  const groups = new Map<string, Scoped[]>();
  for (const s of scoped) {
    const g = groups.get(s.key);
    if (g) g.push(s);
    else groups.set(s.key, [s]);
  }
  return { groups, inScope: scoped.length, failed, staleKeys: staleKeys(ds, o, subFilter, wanted) };
}

function staleKeys(ds: Dataset, o: RunOptions, subFilter: RowPredicate, wanted: Set<string> | undefined): Set<string> {
  const keys = new Set<string>();
  for (const row of ds.subscriptions) {
    const sub = row.record;
    const account = ds.accounts.get(sub.accountId)!;
    const billable = sub.status === 'Active' && account.status === 'Active' && !(sub.startDate && sub.startDate > o.periodEnd);
    if (billable || (wanted && !wanted.has(sub.subscriptionId)) || !subFilter(row.cells)) continue;
    try {
      const tenant = tenantOf(ds, sub, account);
      if (o.tenantId && tenant.tenantId !== o.tenantId) continue;
      keys.add(draftKey(o, sub, tenant, currencyOf(sub, account, tenant)));
    } catch {
      // No tenant: no key, and nothing of it can have been drafted under one.
    }
  }
  return keys;
}

/** What every group of a run reads. */
interface RunState {
  ds: Dataset;
  o: RunOptions;
  txFilter: RowPredicate;
  invoiceById: Map<string, Invoice>;
  /** Draft invoices by key: what a group replaces. */
  draftByKey: Map<string, DraftInvoice>;
  reserved: Reservations;
  nextId: () => string;
  taxCache: TaxCache;
}

/** What the groups of a slice add up to. */
interface GroupResult {
  drafts: InvoiceDoc[];
  removed: string[];
  links: TransactionLink[];
  failed: FailedSubscription[];
}

/** One draft key: the lines of its subscriptions, the transactions it takes and releases, and its draft (or its removal). */
function planGroup(run: RunState, key: string, members: Scoped[], out: GroupResult): void {
  const existing = run.draftByKey.get(key);
  const lines: Line[] = [];
  const warnings = new Set<string>();
  const billedTx: ParsedRow<Transaction>[] = [];
  for (const s of members) {
    const sub = s.row.record;
    const c: LineContext = {
      ds: run.ds,
      sub,
      account: s.account,
      tenant: s.tenant,
      currency: s.currency,
      mode: roundingMode(s.tenant),
      o: run.o,
      warnings,
      replacing: existing?.invoiceId,
      taxCache: run.taxCache,
    };
    try {
      const billed = subscriptionLines(run, c, existing);
      lines.push(...billed.lines);
      billedTx.push(...billed.txs);
    } catch (e) {
      out.failed.push({ subscriptionId: sub.subscriptionId, accountId: sub.accountId, row: s.row.row, reason: (e as Error).message });
    }
  }
  // Transactions of the replaced draft that are not billed again are released.
  if (existing) out.links.push(...releasedTransactions(run.ds, members, existing.invoiceId, lines.length ? billedTx : []));
  if (!lines.length) {
    if (existing) out.removed.push(existing.invoiceId);
    return;
  }
  const invoiceId = existing?.invoiceId ?? run.nextId();
  for (const t of billedTx) if (t.record.invoiceId !== invoiceId) out.links.push({ transactionId: t.record.transactionId, row: t.row, invoiceId });
  const settingsRow = run.ds.settingsRows.find((r) => r.record.tenantId === members[0].tenant.tenantId)?.row;
  out.drafts.push(groupDraft(run.o, { invoiceId, key, members, lines, warnings, settingsRow }));
}

/**
 * What an invoice lacks for the customer to pay it, worded for the Warnings column with where to
 * fill it in: a customer paying by transfer needs the company's IBAN, one paying by direct debit a
 * mandate; a Swiss invoice's QR-bill needs a Swiss or Liechtenstein IBAN and the company's postal
 * code and town. Credit notes and pro-forma invoices ask for no payment.
 */
export function paymentWarning(inv: Invoice, tenant: Tenant, account: Account, settingsRow: number | undefined): string | undefined {
  if (inv.type !== 'invoice' || !inv.payable.gt(0)) return undefined;
  const settings = `Settings row ${settingsRow ?? `of ${tenant.tenantId}`}`;
  if (account.paymentMethod === 'direct_debit') {
    return account.mandateReference ? undefined : `no payment details: ${account.accountId} pays by direct debit but has no mandate (Accounts, ${account.accountId}, Mandate Reference column)`;
  }
  if (!tenant.iban) return `no payment details: ${account.accountId} pays by transfer and ${tenant.tenantId} has no IBAN (${settings}, IBAN column)`;
  const qr = isSwiss(inv, tenant) ? creditorProblem(tenant) : undefined;
  return qr && `no Swiss QR-bill: ${qr.problem} (${settings}, ${qr.columns})`;
}

/** The lines of one subscription (items, then usage) and the transactions they bill; throws what keeps it from being billed. */
function subscriptionLines(run: RunState, c: LineContext, existing: Invoice | undefined): { lines: Line[]; txs: ParsedRow<Transaction>[] } {
  const { ds, o } = run;
  const sub = c.sub;
  const broken = ds.incomplete.get(sub.subscriptionId);
  if (broken) throw new BillingError(`not billed while ${broken.sheet} row ${broken.row} has an error (${broken.column}: ${broken.message})`);
  const lines: Line[] = [];
  const usageItems = new Map<string, Item>();
  for (const { record: item } of ds.itemsBySubscription.get(sub.subscriptionId) ?? []) {
    if (item.status !== 'Active') continue;
    if (item.billingType === 'usage') usageItems.set(item.productId, item);
    else lines.push(...itemLines(c, item, run.reserved));
  }
  const txs = (ds.transactionsBySubscription.get(sub.subscriptionId) ?? []).filter((t) => {
    const tx = t.record;
    if (tx.date < o.periodStart || tx.date > o.periodEnd) return false;
    if (tx.invoiceId && tx.invoiceId !== existing?.invoiceId && run.invoiceById.has(tx.invoiceId)) return false;
    return run.txFilter(t.cells);
  });
  const noUsage = usageItems.size ? ds.unreadable.get('Transactions') : undefined;
  if (noUsage) throw new BillingError(`its usage items cannot be billed: ${noUsage}`);
  lines.push(...usageLines(c, txs, usageItems));
  const net = lines.reduce((sum, l) => sum.plus(l.net), ZERO);
  if (net.abs().gte(MAX_NUMBER)) throw new BillingError(`the lines add up to ${net.toString()}, beyond any plausible invoice (10^13): check quantities and prices`);
  return { lines, txs };
}

/** Links that release the members' transactions on the replaced draft, except those billed again. */
function releasedTransactions(ds: Dataset, members: Scoped[], invoiceId: string, billedAgain: ParsedRow<Transaction>[]): TransactionLink[] {
  const now = new Set(billedAgain.map((t) => t.record.transactionId));
  const out: TransactionLink[] = [];
  for (const s of members) {
    for (const t of ds.transactionsBySubscription.get(s.row.record.subscriptionId) ?? []) {
      if (t.record.invoiceId === invoiceId && !now.has(t.record.transactionId)) out.push({ transactionId: t.record.transactionId, row: t.row, invoiceId: '' });
    }
  }
  return out;
}

/** Draft assembly: one invoice for the group, from its first member's tenant, account and currency. */
function groupDraft(o: RunOptions, g: { invoiceId: string; key: string; members: Scoped[]; lines: Line[]; warnings: Set<string>; settingsRow?: number }): InvoiceDoc {
  const first = g.members[0];
  return makeDraft({
    invoiceId: g.invoiceId,
    key: g.key,
    o,
    tenant: first.tenant,
    account: first.account,
    currency: first.currency,
    subscription: first.tenant.invoicePer === 'account' ? undefined : first.row.record,
    orderReference: [...new Set(g.members.map((m) => m.row.record.orderReference).filter(Boolean))].join(', ') || undefined,
    lines: g.lines,
    warnings: [...g.warnings],
    settingsRow: g.settingsRow,
  });
}

/** Removes the drafts of stale keys that no group of the run replaced, and releases their transactions. */
function removeStale(run: RunState, scope: RunScope, out: GroupResult): void {
  let txByInvoice: Map<string, ParsedRow<Transaction>[]> | undefined;
  for (const key of [...scope.staleKeys].sort()) {
    const existing = run.draftByKey.get(key);
    if (!existing || scope.groups.has(key)) continue;
    out.removed.push(existing.invoiceId);
    txByInvoice ??= groupBy(run.ds.transactions, (t) => t.invoiceId ?? '');
    for (const t of txByInvoice.get(existing.invoiceId) ?? []) out.links.push({ transactionId: t.record.transactionId, row: t.row, invoiceId: '' });
  }
}

function serviceOnDrafts(ds: Dataset): Reservations['service'] {
  const out: Reservations['service'] = new Map();
  for (const { record: inv } of ds.invoices) {
    if (inv.status !== 'Draft') continue;
    for (const { record: l } of ds.linesByInvoice.get(inv.invoiceId) ?? []) {
      if (!l.itemId || !l.serviceStart || (l.kind !== 'recurring' && l.kind !== 'one_time')) continue;
      const list = out.get(l.itemId) ?? [];
      list.push({ start: l.serviceStart, end: l.serviceEnd ?? l.serviceStart, invoiceId: inv.invoiceId });
      out.set(l.itemId, list);
    }
  }
  return out;
}

export interface DraftSpec {
  invoiceId: string;
  key: string;
  o: Pick<RunOptions, 'runId' | 'periodStart' | 'periodEnd' | 'invoiceDate'>;
  tenant: Tenant;
  account: Account;
  currency: string;
  subscription?: Subscription;
  orderReference?: string;
  lines: Line[];
  warnings: string[];
  type?: Invoice['type'];
  /** The tenant's Settings row, for the payment warning's "where to fill it". */
  settingsRow?: number;
}

/** A draft invoice with numbered lines and totals. */
export function makeDraft(s: DraftSpec): InvoiceDoc {
  // The draft takes ownership of the fresh line objects (no copies: a run makes hundreds of thousands).
  const lines = s.lines as InvoiceLine[];
  lines.forEach((l, i) => {
    l.invoiceId = s.invoiceId;
    l.lineNo = i + 1;
  });
  const totals = computeTotals(lines, { currency: s.currency, mode: roundingMode(s.tenant), cashIncrement: s.tenant.cashRounding });
  const notes = [...new Set(lines.map((l) => l.exemptionText).filter(Boolean))];
  const invoice: Invoice = {
    invoiceId: s.invoiceId,
    key: s.key,
    type: s.type ?? 'invoice',
    status: 'Draft',
    tenantId: s.tenant.tenantId,
    accountId: s.account.accountId,
    subscriptionId: s.subscription?.subscriptionId,
    runId: s.o.runId,
    periodStart: s.o.periodStart,
    periodEnd: s.o.periodEnd,
    invoiceDate: s.o.invoiceDate,
    currency: s.currency,
    net: totals.net,
    tax: totals.tax,
    gross: totals.gross,
    rounding: totals.rounding,
    payable: totals.payable,
    taxSummary: taxSummary(totals.groups, s.currency),
    taxNote: notes.join('\n') || undefined,
    ...buyerSnapshot(s.account),
    language: s.account.language ?? s.tenant.language ?? 'en',
    orderReference: s.orderReference ?? s.subscription?.orderReference,
    warnings: s.warnings.length ? s.warnings.join('; ') : undefined,
  };
  const unpaid = paymentWarning(invoice, s.tenant, s.account, s.settingsRow);
  if (unpaid) invoice.warnings = [invoice.warnings, unpaid].filter(Boolean).join('; ');
  return { invoice, lines };
}
