// All tables of a workbook parsed and cross-checked: the input of every use case.
import { isBlank, type Cell, type ParseContext } from './cells';
import type { Account, Balance, Collection, Contact, FilterRow, Invoice, InvoiceLine, Item, NumberRange, Payment, Product, Run, Subscription, TaxRule, Tenant, Transaction } from './model';
import { ZERO } from './money';
import { parseTiers } from './pricing';
import { taxRuleWarnings } from './tax';
import { SCHEMA, TABLE_NAMES, type TableName } from './schema';
import { formatError, headerIndex, parseTable, type ParsedRow, type ParsedTable, type RawTable, type RecordFor, type RowError } from './table';

export type RawWorkbook = Partial<Record<TableName, RawTable>>;

export interface Dataset {
  ctx: ParseContext;
  tenants: Tenant[];
  /** The Settings rows with their sheet row numbers (setup writes Drive ids into them). */
  settingsRows: ParsedRow<Tenant>[];
  tenantById: Map<string, Tenant>;
  accounts: Map<string, Account>;
  /** The sheet row of each account, for messages that point at it. */
  accountRow: Map<string, number>;
  contacts: Contact[];
  products: Map<string, Product>;
  subscriptions: ParsedRow<Subscription>[];
  subscriptionHeaders: Cell[];
  items: ParsedRow<Item>[];
  itemsBySubscription: Map<string, ParsedRow<Item>[]>;
  transactions: ParsedRow<Transaction>[];
  transactionHeaders: Cell[];
  transactionsBySubscription: Map<string, ParsedRow<Transaction>[]>;
  taxRules: TaxRule[];
  filters: FilterRow[];
  invoices: ParsedRow<Invoice>[];
  linesByInvoice: Map<string, ParsedRow<InvoiceLine>[]>;
  numberRanges: ParsedRow<NumberRange>[];
  runs: ParsedRow<Run>[];
  /** The money ledger (read with the billing ledger: finalize and credit write it). */
  balances: ParsedRow<Balance>[];
  /** Read only by the receivables use cases (empty otherwise). */
  payments: ParsedRow<Payment>[];
  collections: ParsedRow<Collection>[];
  /** Every row problem found, in sheet order. Rows with errors are left out of the collections. */
  errors: RowError[];
  /**
   * Subscriptions with a rejected Items or Transactions row, and that row's first problem:
   * they are not billed at all until it is fixed, so no invoice goes out with an item missing.
   */
  incomplete: Map<string, RowError>;
  /**
   * Sheets that were asked for and cannot be read at all: missing (renamed, deleted) or without a
   * required column. What needs them fails with this message instead of billing without them.
   */
  unreadable: Map<TableName, string>;
  /**
   * Said with every run (run result, Log): optional columns that change amounts missing from a
   * sheet that has rows, cells read in a way worth a look (`cellWarnings`), tax rules without
   * their legal note, and example tax rules not checked yet.
   */
  structureWarnings: string[];
  /** Cells of kept rows read in a way the user may not have meant, and tax rules to look at: sheet, row, column, value. */
  cellWarnings: RowError[];
  /** Rows of the engine's own sheets (Invoices, InvoiceLines, NumberRanges, Runs) that do not parse. */
  ledgerErrors: RowError[];
  /** Every invoice id in the Invoices sheet, including rows that do not parse (repair must never orphan their lines). */
  invoiceIdsInSheet: Set<string>;
}

const LEDGER_SHEETS: readonly TableName[] = ['Invoices', 'InvoiceLines', 'NumberRanges', 'Runs', 'Balances', 'Collections'];

/** What `unreadable` says of a sheet that is not there at all. */
export function missingSheet(name: TableName): string {
  return `the ${name} sheet is missing (renamed or deleted?)`;
}

/** Missing sheets, sheets without a required column, and missing columns that change amounts. */
function structure(raw: RawWorkbook, errors: RowError[]): { unreadable: Map<TableName, string>; warnings: string[] } {
  const unreadable = new Map<TableName, string>();
  const warnings: string[] = [];
  for (const name of TABLE_NAMES) {
    if (!(name in raw)) continue;
    const t = raw[name];
    if (!t) {
      unreadable.set(name, missingSheet(name));
      continue;
    }
    const header = errors.find((e) => e.sheet === name && e.row === 1);
    if (header) {
      unreadable.set(name, `${name}: ${header.message}`);
      continue;
    }
    if (!t.rows.some((r) => r.some((v) => !isBlank(v)))) continue;
    const index = headerIndex(name, t.headers);
    for (const col of SCHEMA[name].columns) {
      if (col.amounts && !index.has(col.key)) warnings.push(`${name}: column "${col.header}" is missing, so every row is billed as if it were empty (${col.note})`);
    }
  }
  return { unreadable, warnings };
}

export function groupBy<T>(rows: ParsedRow<T>[], key: (r: T) => string): Map<string, ParsedRow<T>[]> {
  const out = new Map<string, ParsedRow<T>[]>();
  for (const r of rows) {
    const k = key(r.record);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/**
 * Parses every table and checks references (item → subscription → account, products, tenants).
 * `locale` is the sheet's number locale; default: the first tenant's Number Locale, else its
 * Language's (de and fr: "de", 1.234,50), else "en".
 */
export function loadDataset(raw: RawWorkbook, opts: { locale?: 'de' | 'en'; dateOf?: (d: Date) => string } = {}): Dataset {
  const errors: RowError[] = [];
  const { ctx, tables: t } = parseTables(raw, opts, errors);
  const tenants = t.settings.rows.map((r) => r.record);
  const tenantById = new Map(tenants.map((x) => [x.tenantId, x]));
  const products = checkProducts(t.products.rows, ctx, errors);
  const refs = checkReferences({ ...t, products: { ...t.products, rows: products.kept } }, tenantById, errors, products.rejected);
  const incomplete = incompleteSubscriptions(raw, errors);
  const { unreadable, warnings } = structure(raw, errors);
  const cellWarnings = [...Object.values(t).flatMap((x) => x.warnings), ...taxRuleWarnings(t.rules.rows)];
  const structureWarnings = [...warnings, ...summarizeWarnings(cellWarnings)];
  if (!tenants.length && !t.settings.errors.length) {
    errors.push({ sheet: 'Settings', row: 2, column: headerOf('Settings', 'tenantId'), value: '', message: 'no company profile: add a row to Settings' });
  }
  return {
    ctx,
    tenants,
    settingsRows: t.settings.rows,
    tenantById,
    accounts: refs.accounts,
    accountRow: refs.accountRow,
    contacts: refs.contacts,
    products: refs.products,
    subscriptions: refs.subs,
    subscriptionHeaders: t.subs.headers,
    items: refs.items,
    itemsBySubscription: groupBy(refs.items, (i) => i.subscriptionId),
    transactions: refs.txs,
    transactionHeaders: t.txs.headers,
    transactionsBySubscription: groupBy(refs.txs, (x) => x.subscriptionId),
    taxRules: t.rules.rows.map((r) => r.record),
    filters: t.filters.rows.map((r) => r.record),
    invoices: t.invoices.rows,
    linesByInvoice: groupBy(t.lines.rows, (l) => l.invoiceId),
    numberRanges: t.ranges.rows,
    runs: t.runs.rows,
    balances: t.balances.rows,
    payments: t.payments.rows,
    collections: t.collections.rows,
    errors: errors.sort((a, b) => TABLE_NAMES.indexOf(a.sheet as TableName) - TABLE_NAMES.indexOf(b.sheet as TableName) || a.row - b.row),
    incomplete,
    unreadable,
    structureWarnings,
    cellWarnings,
    invoiceIdsInSheet: invoiceIdsIn(raw),
    ledgerErrors: errors.filter((e) => LEDGER_SHEETS.includes(e.sheet as TableName)),
  };
}

/** Every table parsed, in sheet order, with its row errors added to `errors`. Settings is read first: its first tenant may name the locale. */
function parseTables(raw: RawWorkbook, opts: { locale?: 'de' | 'en'; dateOf?: (d: Date) => string }, errors: RowError[]) {
  const first = parseTable('Settings', raw.Settings, { locale: opts.locale ?? 'en', dateOf: opts.dateOf });
  const tenant = first.rows[0]?.record;
  // An empty Number Locale follows the language: German and French write 1.234,50.
  const locale = opts.locale ?? tenant?.locale ?? (tenant?.language === 'de' || tenant?.language === 'fr' ? 'de' : 'en');
  const ctx: ParseContext = { locale, dateOf: opts.dateOf };
  const parse = <N extends TableName>(name: N): ParsedTable<RecordFor<N>> => {
    const t = name === 'Settings' && locale === (opts.locale ?? 'en') ? (first as ParsedTable<RecordFor<N>>) : parseTable(name, raw[name], ctx);
    errors.push(...t.errors);
    return t;
  };
  const tables = {
    settings: parse('Settings'),
    accounts: parse('Accounts'),
    contacts: parse('Contacts'),
    products: parse('Products'),
    subs: parse('Subscriptions'),
    items: parse('Items'),
    txs: parse('Transactions'),
    rules: parse('TaxRules'),
    filters: parse('Filters'),
    invoices: parse('Invoices'),
    lines: parse('InvoiceLines'),
    ranges: parse('NumberRanges'),
    runs: parse('Runs'),
    balances: parse('Balances'),
    payments: parse('Payments'),
    collections: parse('Collections'),
  };
  return { ctx, tables };
}

type Tables = ReturnType<typeof parseTables>['tables'];

const headerOf = (t: TableName, key: string) => SCHEMA[t].columns.find((c) => c.key === key)!.header;

/** Keeps rows whose reference resolves; the others become errors. */
function checkRef<T>(errors: RowError[], table: TableName, rows: ParsedRow<T>[], key: keyof T & string, exists: (id: string) => boolean, what: string, why?: Map<string, string>): ParsedRow<T>[] {
  return rows.filter((r) => {
    const id = r.record[key] as unknown as string | undefined;
    if (id === undefined || exists(id)) return true;
    const message = why?.has(id) ? `${what} "${id}" cannot be billed: ${why.get(id)}` : `${what} "${id}" does not exist (or its row has errors)`;
    errors.push({ sheet: table, row: r.row, column: headerOf(table, key), value: id, message });
    return false;
  });
}

/** The rows whose references resolve (item → subscription → account → tenant, products); the others become errors. */
function checkReferences(t: Tables, tenantById: Map<string, Tenant>, errors: RowError[], rejectedProducts: Map<string, string>) {
  const accountRows = checkRef(errors, 'Accounts', t.accounts.rows, 'tenantId', (id) => tenantById.has(id), 'tenant');
  const accounts = new Map(accountRows.map((r) => [r.record.accountId, r.record]));
  const accountRow = new Map(accountRows.map((r) => [r.record.accountId, r.row]));
  const products = new Map(t.products.rows.map((r) => [r.record.productId, r.record]));
  let subs = checkRef(errors, 'Subscriptions', t.subs.rows, 'accountId', (id) => accounts.has(id), 'account');
  subs = checkRef(errors, 'Subscriptions', subs, 'tenantId', (id) => tenantById.has(id), 'tenant');
  const subIds = new Set(subs.map((r) => r.record.subscriptionId));
  let items = checkRef(errors, 'Items', t.items.rows, 'subscriptionId', (id) => subIds.has(id), 'subscription');
  items = checkRef(errors, 'Items', items, 'productId', (id) => products.has(id), 'product', rejectedProducts);
  let txs = checkRef(errors, 'Transactions', t.txs.rows, 'subscriptionId', (id) => subIds.has(id), 'subscription');
  txs = checkRef(errors, 'Transactions', txs, 'productId', (id) => products.has(id), 'product', rejectedProducts);
  const contacts = checkRef(errors, 'Contacts', t.contacts.rows, 'accountId', (id) => accounts.has(id), 'account').map((r) => r.record);
  return { accounts, accountRow, products, subs, items, txs, contacts };
}

/**
 * Products whose price model has what it needs: a Price for per_unit, flat and package (graduated
 * and volume ignore it), readable Tiers for graduated and volume, a Package Size for package. The
 * others become errors naming the Products row and column, so a bad tier text is fixed where it is.
 */
function checkProducts(rows: ParsedRow<Product>[], ctx: ParseContext, errors: RowError[]): { kept: ParsedRow<Product>[]; rejected: Map<string, string> } {
  const rejected = new Map<string, string>();
  const kept = rows.filter(({ row, record: p }) => {
    const fail = (key: keyof Product & string, value: string, message: string) => {
      errors.push({ sheet: 'Products', row, column: headerOf('Products', key), value, message: `product ${p.productId}: ${message}` });
      rejected.set(p.productId, `its Products row ${row} has an error in ${headerOf('Products', key)}`);
      return false;
    };
    const tiered = p.priceModel === 'graduated' || p.priceModel === 'volume';
    if (!tiered && p.price === undefined) return fail('price', '', `Price is required for price model ${p.priceModel} (only graduated and volume take their prices from Tiers)`);
    if (p.priceModel === 'package' && !p.packageSize?.gt(0)) return fail('packageSize', p.packageSize?.toString() ?? '', 'price model package needs a Package Size above 0');
    if (!tiered) return true;
    if (!p.tiers) return fail('tiers', '', `Tiers are required for price model ${p.priceModel}, e.g. "1-100: 0.10; 101+: 0.08"`);
    try {
      parseTiers(p.tiers, ctx.locale);
    } catch (e) {
      return fail('tiers', p.tiers, (e as Error).message);
    }
    // Price is ignored for tiered models: an empty one is fine.
    if (p.price === undefined) p.price = ZERO;
    return true;
  });
  return { kept, rejected };
}

/** Warnings as lines of the run report: each with sheet, row, column and value; many of one kind are counted, not listed. */
function summarizeWarnings(list: RowError[], max = 10): string[] {
  const lines = list.slice(0, max).map(formatError);
  if (list.length > max) lines.push(`…and ${list.length - max} more warnings like these (in ${[...new Set(list.slice(max).map((w) => w.sheet))].join(', ')})`);
  return lines;
}

/** Subscriptions with a rejected Items or Transactions row, and that row's first problem (read from the raw row: a rejected row has no record). */
function incompleteSubscriptions(raw: RawWorkbook, errors: RowError[]): Map<string, RowError> {
  const incomplete = new Map<string, RowError>();
  for (const t of ['Items', 'Transactions'] as const) {
    const table = raw[t];
    const at = headerIndex(t, table?.headers ?? []).get('subscriptionId');
    if (!table || at === undefined) continue;
    for (const e of errors) {
      if (e.sheet !== t || e.row < 2) continue;
      const sub = String(table.rows[e.row - (table.firstRow ?? 2)]?.[at] ?? '').trim();
      if (sub && !incomplete.has(sub)) incomplete.set(sub, e);
    }
  }
  return incomplete;
}

/** Every invoice id in the Invoices sheet, including rows that do not parse. */
function invoiceIdsIn(raw: RawWorkbook): Set<string> {
  const ids = new Set<string>();
  const at = headerIndex('Invoices', raw.Invoices?.headers ?? []).get('invoiceId');
  if (raw.Invoices && at !== undefined) for (const r of raw.Invoices.rows) if (!isBlank(r[at])) ids.add(String(r[at]).trim());
  return ids;
}
