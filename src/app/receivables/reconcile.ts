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

/** The Balances ledger with every booked payment's rows as its Payments row says. */
export function bookOf(ds: Dataset, ctx: BookContext): { book: MoneyBook; unreadable: string[] } {
  const book = new MoneyBook(
    ds.balances.map((r) => r.record),
    ctx,
  );
  const byNumber = invoicesByNumber(ds);
  const unreadable: string[] = [];
  for (const { row, record: p } of ds.payments) {
    if (!p.paymentId || !p.status) continue;
    const parts = p.status === 'ignored' ? [] : parseParts(p.matched, p.accountId, (n) => byNumber.get(n));
    if (!parts) {
      unreadable.push(`Payments row ${row}, column Matched Invoices (value "${p.matched}"): not "<invoice number> <amount>; …" as the engine wrote it, so payment ${p.paymentId} was left as it is`);
      continue;
    }
    book.settle({ paymentId: p.paymentId, date: p.date, currency: p.currency, source: p.source || 'entered by hand', reason: p.returnReason }, parts);
  }
  return { book, unreadable };
}

/** Writes the rows the book added and the invoice fields that differ from it; true when it wrote. */
export function writeBook(ports: Ports, ds: Dataset, book: MoneyBook): boolean {
  const rows = rowOfInvoice(ds);
  const changed = ds.invoices
    .map((r) => r.record)
    .filter((i) => BILLED_TYPES.has(i.type) && i.status !== 'Draft' && i.number)
    .map((i) => ({ i, f: book.openFields(i) }))
    .filter(({ i, f }) => !sameOpenFields(i, f));
  if (book.added.length) ports.tables.apply('Balances', { append: book.added.map((b) => toRowValues('Balances', b)) });
  if (changed.length) ports.tables.apply('Invoices', { update: changed.map(({ i, f }) => ({ row: rows.get(i.invoiceId)!, values: openValues({ ...i, ...f }) })) });
  return book.added.length > 0 || changed.length > 0;
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
 * Writes the payments (the commit), then derives their Balances rows and the invoices' open
 * amounts from the Payments rows as they now are.
 */
export function savePayments(ports: Ports, ds: Dataset, ch: { added?: Payment[]; updated?: { row: number; payment: Payment }[] }): void {
  const added = ch.added ?? [];
  const updated = ch.updated ?? [];
  if (!added.length && !updated.length) return;
  ports.tables.apply('Payments', {
    update: updated.map((u) => ({ row: u.row, values: toRowValues('Payments', u.payment) })),
    append: added.map((p) => toRowValues('Payments', p)),
  });
  const byRow = new Map(updated.map((u) => [u.row, u.payment]));
  const payments = ds.payments.map((r) => (byRow.has(r.row) ? { ...r, record: byRow.get(r.row)! } : r));
  const last = ds.payments.reduce((m, r) => Math.max(m, r.row), 1);
  payments.push(...added.map((record, i) => ({ row: last + 1 + i, record, cells: [] })));
  const now = { ...ds, payments };
  writeBook(ports, now, bookOf(now, bookContext(ports)).book);
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
