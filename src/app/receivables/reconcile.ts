// Before a receivables use case works: Balances made to say what the Payments rows say (a crash
// between the Payments write and the Balances write is completed here), and every invoice's Open
// Amount, Payment Status (Overdue as of today) and Paid On made to say what Balances says.
import type { Dataset } from '../../core/dataset';
import type { Collection, Invoice, Payment } from '../../core/model';
import { D, type Decimal } from '../../core/money';
import { type BookContext, BILLED_TYPES, formatParts, MoneyBook, parseParts, sameOpenFields } from '../../core/receivables/posting';
import { toRowValues } from '../../core/table';
import type { Ports } from '../../ports';
import { bookContext } from './post';
import { openValues, readLedgerWith, RECEIVABLES_TABLES, rowOfInvoice } from '../workbook';

/** Invoices by number (the Matched Invoices cells name them so). */
export function invoicesByNumber(ds: Dataset): Map<string, Invoice> {
  const out = new Map<string, Invoice>();
  for (const { record: i } of ds.invoices) if (i.number && i.status !== 'Draft') out.set(i.number, i);
  return out;
}

export interface Booked {
  book: MoneyBook;
  /** Payments whose Matched Invoices cell cannot be read: left as their rows are. */
  unreadable: string[];
  byNumber: Map<string, Invoice>;
}

/**
 * One book per dataset read: derived once and shared by the reconcile step, the work and the save
 * of one use case (for 10,000 payments each derivation is a quarter of a second). What a write
 * settles into it is drained as it is written (writeBook), so it stays the truth of what was read
 * plus what was written.
 */
const books = new WeakMap<Dataset, Booked>();

/** The Balances ledger with every booked payment's rows as its Payments row says. */
export function bookOf(ds: Dataset, ctx: BookContext): Booked {
  let b = books.get(ds);
  if (b) return b;
  b = {
    book: new MoneyBook(
      ds.balances.map((r) => r.record),
      ctx,
    ),
    unreadable: [],
    byNumber: invoicesByNumber(ds),
  };
  for (const { row, record } of ds.payments) settlePayment(b, row, record);
  books.set(ds, b);
  return b;
}

/** Makes a payment's Balances rows say what its Payments row says. */
function settlePayment(b: Booked, row: number, p: Payment): void {
  if (!p.paymentId || !p.status) return;
  const parts = p.status === 'ignored' ? [] : parseParts(p.matched, p.accountId, (n) => b.byNumber.get(n));
  if (!parts) {
    b.unreadable.push(`Payments row ${row}, column Matched Invoices (value "${p.matched}"): not "<invoice number> <amount>; …" as the engine wrote it, so payment ${p.paymentId} was left as it is`);
    return;
  }
  b.book.settle({ paymentId: p.paymentId, date: p.date, currency: p.currency, source: p.source || 'entered by hand', reason: p.returnReason }, parts);
}

/**
 * Writes the rows the book added since its last write and the invoice fields that differ from it
 * (of the invoices in `only`, when given: those a save touched); true when it wrote.
 */
export function writeBook(ports: Ports, ds: Dataset, book: MoneyBook, only?: ReadonlySet<string>): boolean {
  const update: { row: number; values: ReturnType<typeof openValues> }[] = [];
  for (const { row, record: i } of ds.invoices) {
    if ((only && !only.has(i.invoiceId)) || !BILLED_TYPES.has(i.type) || i.status === 'Draft' || !i.number) continue;
    const f = book.openFields(i);
    if (!sameOpenFields(i, f)) update.push({ row, values: openValues(f) });
  }
  const added = book.added.splice(0);
  if (added.length) ports.tables.apply('Balances', { append: added.map((b) => toRowValues('Balances', b)) });
  if (update.length) ports.tables.apply('Invoices', { update });
  return added.length > 0 || update.length > 0;
}

/**
 * The receivables read: the ledger repaired, what the Collections rows imply completed, then the
 * money reconciled; read again after anything was written.
 */
export function reconcileMoney(ports: Ports, ds: Dataset): Dataset {
  const now = completeCollections(ports, ds).wrote ? readLedgerWith(ports, RECEIVABLES_TABLES) : ds;
  const { book } = bookOf(now, bookContext(ports));
  return writeBook(ports, now, book) ? readLedgerWith(ports, RECEIVABLES_TABLES) : now;
}

/**
 * Writes the payments (the commit), then their Balances rows and the invoices' open amounts: the
 * dataset's book (every other payment already settled in it, every invoice's fields already as it
 * says: reconcileMoney) settles just these, and only the invoices they touch are compared.
 */
export function savePayments(ports: Ports, ds: Dataset, ch: { added?: Payment[]; updated?: { row: number; payment: Payment }[] }): void {
  const added = ch.added ?? [];
  const updated = ch.updated ?? [];
  if (!added.length && !updated.length) return;
  ports.tables.apply('Payments', {
    update: updated.map((u) => ({ row: u.row, values: toRowValues('Payments', u.payment) })),
    append: added.map((p) => toRowValues('Payments', p)),
  });
  const b = bookOf(ds, bookContext(ports));
  for (const u of updated) settlePayment(b, u.row, u.payment);
  const last = ds.payments.reduce((m, r) => Math.max(m, r.row), 1);
  for (const [i, p] of added.entries()) settlePayment(b, last + 1 + i, p);
  writeBook(ports, ds, b.book, b.book.touched);
}

/** Collections that still hold their invoices (not cancelled). */
export function liveCollections(ds: Dataset): Map<string, Collection> {
  return new Map(ds.collections.filter((r) => r.record.status !== 'cancelled').map((r) => [r.record.messageId, r.record]));
}

/** A Collections row's invoices ("INV-2027-00001 119.00; …"): number and amount collected. */
export function invoicesIn(c: Collection): { number: string; amount: Decimal }[] {
  return (c.invoices ?? '')
    .split(';')
    .map((part) => /^\s*(.+?)\s+(\d+(?:\.\d+)?)\s*$/.exec(part))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ number: m[1], amount: new D(m[2]) }));
}

/** Invoices in a live collection (by the Collections rows, the commit). */
export function collectedInvoices(ds: Dataset): Map<string, string> {
  const byNumber = new Map<string, string>();
  for (const c of liveCollections(ds).values()) for (const { number } of invoicesIn(c)) byNumber.set(number, c.messageId);
  return byNumber;
}

/**
 * What follows from the Collections rows: each invoice's Collection column, and (with Book Direct
 * Debits) a payment per collected invoice on the collection date; for a cancelled collection, the
 * column cleared and its payments ignored. Returns the payments it booked, and whether it wrote.
 */
export function completeCollections(ports: Ports, ds: Dataset): { added: Payment[]; wrote: boolean } {
  const live = liveCollections(ds);
  const collected = collectedInvoices(ds);
  const rows = rowOfInvoice(ds);
  const invoiceUpdates = ds.invoices
    .filter((r) => r.record.number && (collected.get(r.record.number) ?? '') !== (r.record.collectionId ?? ''))
    .map((r) => ({ row: rows.get(r.record.invoiceId)!, values: { collectionId: collected.get(r.record.number!) ?? '' } }));
  if (invoiceUpdates.length) ports.tables.apply('Invoices', { update: invoiceUpdates });
  const fromCollection = new Map(ds.payments.filter((r) => r.record.source?.startsWith('collection ')).map((r) => [`${r.record.source}|${r.record.endToEndId}`, r]));
  const added: Payment[] = [];
  const updated: { row: number; payment: Payment }[] = [];
  const byNumber = new Map(ds.invoices.filter((r) => r.record.number).map((r) => [r.record.number!, r.record]));
  let n = ds.payments.reduce((m, r) => Math.max(m, Number(/^P-(\d+)$/.exec(r.record.paymentId ?? '')?.[1] ?? 0)), 0);
  for (const c of ds.collections.map((r) => r.record)) {
    const tenant = ds.tenantById.get(c.tenantId ?? '');
    for (const { number, amount } of invoicesIn(c)) {
      const source = `collection ${c.messageId}`;
      const existing = fromCollection.get(`${source}|${number}`);
      if (!live.has(c.messageId)) {
        if (existing && existing.record.status !== 'ignored')
          updated.push({ row: existing.row, payment: { ...existing.record, status: 'ignored', matched: '', how: `collection ${c.messageId} was cancelled` } });
        continue;
      }
      const inv = byNumber.get(number);
      if (existing || !tenant?.bookDirectDebits || !inv) continue;
      added.push({
        paymentId: `P-${String(++n).padStart(6, '0')}`,
        date: c.collectionDate ?? '',
        amount,
        currency: inv.currency,
        payerName: inv.buyerName,
        remittance: `${number} ${inv.paymentReference ?? ''}`.trim(),
        endToEndId: number,
        status: 'matched',
        accountId: inv.accountId,
        matched: formatParts([{ invoiceId: inv.invoiceId, number, accountId: inv.accountId, amount }]),
        how: `collected by SEPA direct debit in ${c.messageId}`,
        source,
        importedAt: ports.clock.now().toISOString(),
      });
    }
  }
  savePayments(ports, ds, { added, updated });
  return { added, wrote: invoiceUpdates.length > 0 || added.length > 0 || updated.length > 0 };
}
