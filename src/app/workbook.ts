// Reading the workbook once per use case and writing each table's changes in one patch.
import { loadDataset, missingSheet, type Dataset, type RawWorkbook } from '../core/dataset';
import type { Invoice, InvoiceDoc, NumberRange } from '../core/model';
import type { LedgerChanges } from '../core/ledger';
import { TABLE_NAMES, type TableName } from '../core/schema';
import { formatError, toRowValues } from '../core/table';
import { toCell } from '../core/cells';
import { BillingError } from '../core/errors';
import { findRepairs, hasRepairs } from '../core/repair';
import type { Ports, TablePatch } from '../ports';
import { lowerMarks, viewOf } from './deliveryMarks';
import { bookContext, missingPostings, postLedgerChanges } from './receivables/post';

/**
 * Every table billing reads; the Log is only ever appended to (it grows for years; nothing reads it
 * back), received supplier invoices are not billing's business, and payments and direct-debit
 * files only the receivables use cases read (Balances is billing's: finalize and credit write it).
 */
const NOT_BILLING: readonly TableName[] = ['Log', 'Received', 'ReceivedLines', 'Payments', 'Collections'];
const DATA_TABLES = TABLE_NAMES.filter((t) => !NOT_BILLING.includes(t));
/**
 * What the receivables use cases read: the company, the accounts (names, IBANs, mandates), the
 * invoices and the money tables. Not the lines, plans or usage: a 10,000-invoice workbook reads in
 * half the time, and billing's own repairs (counters, billed-until) wait for billing's next action.
 */
export const RECEIVABLES_TABLES = ['Settings', 'Accounts', 'Invoices', 'Balances', 'Payments', 'Collections'] as const satisfies readonly TableName[];

export function readDataset(ports: Ports, tables: readonly TableName[] = DATA_TABLES): Dataset {
  const raw: RawWorkbook = {};
  for (const name of tables) raw[name] = ports.tables.read(name);
  return loadDataset(raw, { locale: ports.locale, dateOf: ports.dateOf });
}

/** The whole workbook for an operation that writes the ledger: read once, refused if the ledger has unreadable cells. */
export function readLedger(ports: Ports): Dataset {
  return readLedgerWith(ports, DATA_TABLES);
}

/** The ledger and more tables (the receivables use cases also read Payments and Collections). */
export function readLedgerWith(ports: Ports, tables: readonly TableName[]): Dataset {
  const ds = readDataset(ports, tables);
  assertLedgerReadable(ds);
  return ds;
}

/**
 * Completes what an interrupted earlier write left behind (counters, billed-until, usage numbers,
 * orphan lines; see core/repair) and returns the workbook as it is then. Nothing to repair is the
 * usual case and costs no write; a repair writes, so only a billing admin's use case calls it.
 */
export function repairInterruptedWrites(ports: Ports, ds: Dataset): Dataset {
  const r = findRepairs(ds, ports.clock.now().toISOString());
  const money = missingPostings(ds, bookContext(ports));
  if (!hasRepairs(r) && !money.balances.length) return ds;
  writePostings(ports, ds, money);
  writeRanges(ports, ds, r.ranges);
  apply(ports, 'Items', { update: r.items.map((i) => ({ row: i.row, values: { ...(i.billedUntil ? { billedUntil: i.billedUntil } : {}), ...(i.status ? { status: i.status } : {}) } })) });
  apply(ports, 'Transactions', { update: r.transactions.map((t) => ({ row: t.row, values: { invoiceNumber: t.invoiceNumber } })) });
  apply(ports, 'InvoiceLines', { remove: r.orphanLines });
  apply(ports, 'Log', { append: r.notes.map((n) => toRowValues('Log', { at: ports.clock.now().toISOString(), user: ports.user(), action: 'repair', details: n })) });
  return readLedger(ports);
}

/** The receivables' part of the repair: what finalize or credit did not get to post to Balances. */
export function repairPostings(ports: Ports, ds: Dataset): Dataset {
  const money = missingPostings(ds, bookContext(ports));
  if (!money.balances.length) return ds;
  writePostings(ports, ds, money);
  return readLedgerWith(ports, RECEIVABLES_TABLES);
}

/** Balances rows a finalize did not get to write (or a workbook from before Balances), with the invoices' open amounts. */
function writePostings(ports: Ports, ds: Dataset, money: ReturnType<typeof missingPostings>): void {
  apply(ports, 'Balances', { append: money.balances.map((b) => toRowValues('Balances', b)) });
  const rows = rowOfInvoice(ds);
  apply(ports, 'Invoices', { update: money.invoices.map((i) => ({ row: rows.get(i.invoiceId)!, values: openValues(i) })) });
}

/**
 * A ledger the engine cannot read completely is not written: a row that does not parse would look
 * absent (its number reissued, its lines taken for orphans). The user fixes the cell first.
 */
export function assertLedgerReadable(ds: Dataset): void {
  const problems = ds.ledgerErrors.map(formatError);
  for (const t of ['Invoices', 'InvoiceLines', 'NumberRanges'] as const) {
    const why = ds.unreadable.get(t);
    if (why && why !== missingSheet(t)) problems.push(why);
  }
  if (ds.unreadable.has('Invoices') && (ds.linesByInvoice.size || ds.numberRanges.length)) {
    problems.push('the Invoices sheet is missing while InvoiceLines or NumberRanges have rows (renamed or deleted?)');
  }
  if (!problems.length) return;
  const shown = problems.slice(0, 10).map((p) => `  ${p}`);
  if (problems.length > 10) shown.push(`  … and ${problems.length - 10} more`);
  throw new BillingError(
    `The ledger has cells the engine cannot read, so nothing was changed. Restore what the engine wrote there (finalized invoices must stay as they were issued), then try again:\n${shown.join('\n')}`,
    { code: 'unreadable' },
  );
}

export function rowOfInvoice(ds: Dataset): Map<string, number> {
  return new Map(ds.invoices.map((r) => [r.record.invoiceId, r.row]));
}

/** Splits items into those with a sheet row (by key) and those without: the updates and the appends of a patch. */
export function byRow<T>(items: readonly T[], rows: ReadonlyMap<string, number>, key: (item: T) => string): { found: { row: number; item: T }[]; missing: T[] } {
  const found: { row: number; item: T }[] = [];
  const missing: T[] = [];
  for (const item of items) {
    const row = rows.get(key(item));
    if (row === undefined) missing.push(item);
    else found.push({ row, item });
  }
  return { found, missing };
}

/** The sheet row of each invoice read with the dataset (one an operation just read: never missing). */
export function invoiceRows(ds: Dataset): (invoiceId: string) => number {
  const rows = rowOfInvoice(ds);
  return (id) => {
    const row = rows.get(id);
    if (row === undefined) throw new Error(`invoice ${id} has no row in the Invoices sheet read for this operation`);
    return row;
  };
}

/** Rows of InvoiceLines that belong to these invoices. */
export function lineRowsOf(ds: Dataset, invoiceIds: Iterable<string>): number[] {
  const out: number[] = [];
  for (const id of invoiceIds) for (const l of ds.linesByInvoice.get(id) ?? []) out.push(l.row);
  return out;
}

export function linesAppend(docs: readonly InvoiceDoc[]) {
  return docs.flatMap((d) => d.lines.map((l) => toRowValues('InvoiceLines', l)));
}

function apply(ports: Ports, name: TableName, patch: TablePatch) {
  if (patch.update?.length || patch.remove?.length || patch.append?.length) ports.tables.apply(name, patch);
}

/** Number range counters: updated where the sheet has their row, appended where it has none. */
function writeRanges(ports: Ports, ds: Dataset, ranges: readonly NumberRange[]): void {
  const { found, missing } = byRow(ranges, new Map(ds.numberRanges.map((x) => [x.record.range, x.row])), (x) => x.range);
  apply(ports, 'NumberRanges', {
    update: found.map(({ row, item }) => ({ row, values: toRowValues('NumberRanges', item) })),
    append: missing.map((x) => toRowValues('NumberRanges', x)),
  });
}

/** The payment columns of an invoice row, as the Balances rows say. */
export function openValues(i: Pick<Invoice, 'openAmount' | 'paymentStatus' | 'paidOn'>): Record<string, string | number | boolean> {
  // Three cells, not the whole row: an import may touch thousands of invoices.
  return { openAmount: toCell(i.openAmount), paymentStatus: toCell(i.paymentStatus), paidOn: toCell(i.paidOn) };
}

/** Writes what finalize / cancel / credit changed: one patch per table. */
export function writeLedgerChanges(ports: Ports, ds: Dataset, ch: LedgerChanges): void {
  // The money first in memory: the invoices' open amounts go out with the Invoices write.
  const money = postLedgerChanges(ds, ch, bookContext(ports));
  const rows = rowOfInvoice(ds);
  const updated = byRow(ch.updated, rows, (i) => i.invoiceId);
  // Finalized drafts (and any row written back unfinished) become delivery work again: the marks of
  // the documents and mail slices come down to them before anything is written.
  lowerMarks(
    ports,
    () => viewOf(ds, { lines: true }),
    updated.found.map(({ row, item }) => ({ row, invoice: item })),
  );
  // Lines first: the Invoices write commits; what follows it is derived from Invoices again if an
  // execution stops in between (repairInterruptedWrites), and lines without their invoice are removed.
  apply(ports, 'InvoiceLines', { append: linesAppend(ch.created) });
  apply(ports, 'Invoices', {
    update: updated.found.map(({ row, item }) => ({ row, values: toRowValues('Invoices', item) })),
    append: [...updated.missing.map((i) => toRowValues('Invoices', i)), ...ch.created.map((d) => toRowValues('Invoices', d.invoice))],
  });
  // After the commit: a crash here leaves invoices without their rows, which the repair posts.
  apply(ports, 'Balances', { append: money.balances.map((b) => toRowValues('Balances', b)) });
  apply(ports, 'Invoices', { update: money.others.map((i) => ({ row: rows.get(i.invoiceId)!, values: openValues(i) })) });
  writeRanges(ports, ds, ch.ranges);
  apply(ports, 'Items', {
    update: ch.items.map((i) => ({
      row: i.row,
      values: { ...(i.billedUntil !== undefined ? { billedUntil: i.billedUntil } : {}), ...(i.status ? { status: i.status } : {}) },
    })),
  });
  apply(ports, 'Transactions', {
    update: ch.transactions.map((t) => ({
      row: t.row,
      values: { ...(t.invoiceId !== undefined ? { invoiceId: t.invoiceId } : {}), ...(t.invoiceNumber !== undefined ? { invoiceNumber: t.invoiceNumber } : {}) },
    })),
  });
  apply(ports, 'Log', { append: ch.log.map((e) => toRowValues('Log', e)) });
}
