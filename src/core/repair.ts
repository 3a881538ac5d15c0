// Completing what an interrupted write left behind. A ledger operation writes its tables one after
// the other (lines, then Invoices — the commit — then counters, items, transactions, Log); Apps
// Script can stop an execution between two writes. The Invoices sheet is the truth: what follows
// from it is derived again here before the next operation reads it.
import type { Dataset } from './dataset';
import type { Invoice, NumberRange } from './model';
import { rangeKey } from './numbering';

export interface Repairs {
  /** Counters behind the invoices already issued from them (followed along the hash chain). */
  ranges: NumberRange[];
  /** Items whose Billed Until (or one-time closing) lags behind a finalized invoice. */
  items: { row: number; itemId: string; billedUntil?: string; status?: string }[];
  /** Usage of finalized invoices still without the invoice number. */
  transactions: { row: number; invoiceNumber: string }[];
  /** Invoice lines whose invoice row was never written. */
  orphanLines: number[];
  notes: string[];
}

export function findRepairs(ds: Dataset, now: string): Repairs {
  const out: Repairs = { ranges: [], items: [], transactions: [], orphanLines: [], notes: [] };
  const finals = ds.invoices.map((r) => r.record).filter((i) => i.status !== 'Draft' && i.number);
  rangeRepairs(ds, finals, now, out);
  itemRepairs(ds, finals, out);
  // Usage linked to a finalized invoice gets its number.
  const numbers = new Map(finals.filter((i) => i.status !== 'Cancelled').map((i) => [i.invoiceId, i.number!]));
  for (const t of ds.transactions) {
    const n = t.record.invoiceId && numbers.get(t.record.invoiceId);
    if (n && t.record.invoiceNumber !== n) out.transactions.push({ row: t.row, invoiceNumber: n });
  }
  // Lines whose invoice row does not exist (written just before an interrupted Invoices write).
  // The sheet's ids, not the parsed rows: a typo in an invoice row must never cost it its lines.
  for (const [id, lines] of ds.linesByInvoice) if (!ds.invoiceIdsInSheet.has(id)) out.orphanLines.push(...lines.map((l) => l.row));
  if (out.orphanLines.length) out.notes.push(`${out.orphanLines.length} invoice lines without an invoice removed`);
  return out;
}

/** Counters: from the range's last hash, the invoice chained to it is the next number issued. */
function rangeRepairs(ds: Dataset, finals: Invoice[], now: string, out: Repairs): void {
  const byRange = new Map<string, Invoice[]>();
  for (const inv of finals) {
    const t = ds.tenantById.get(inv.tenantId);
    if (!t || !inv.invoiceDate) continue;
    const key = rangeKey(t, inv.type, inv.invoiceDate);
    const list = byRange.get(key);
    if (list) list.push(inv);
    else byRange.set(key, [inv]);
  }
  const ranges = new Map(ds.numberRanges.map((r) => [r.record.range, r.record]));
  for (const [key, list] of byRange) {
    const start = ranges.get(key) ?? { range: key, lastSeq: 0 };
    const byPrevious = new Map(list.map((i) => [i.previousHash ?? '', i]));
    let r = start;
    for (let next = byPrevious.get(r.lastHash ?? ''); next?.hash && next.hash !== r.lastHash; next = byPrevious.get(r.lastHash ?? '')) {
      r = { range: key, lastSeq: r.lastSeq + 1, lastNumber: next.number, lastHash: next.hash, updatedAt: now };
    }
    if (r !== start) {
      out.ranges.push(r);
      out.notes.push(`number range ${key} advanced to ${r.lastNumber} (the counter was not saved after finalizing)`);
    }
  }
}

/** Items: billed until the end of the service of every finalized, not cancelled invoice. */
function itemRepairs(ds: Dataset, finals: Invoice[], out: Repairs): void {
  const items = new Map(ds.items.map((r) => [r.record.itemId, r]));
  const want = new Map<string, { billedUntil?: string; close?: string }>();
  for (const inv of finals) {
    if (inv.type !== 'invoice' || inv.status === 'Cancelled') continue;
    for (const { record: l } of ds.linesByInvoice.get(inv.invoiceId) ?? []) {
      if (!l.itemId) continue;
      const w = want.get(l.itemId) ?? {};
      if (l.kind === 'recurring' && l.serviceEnd && (!w.billedUntil || l.serviceEnd > w.billedUntil)) w.billedUntil = l.serviceEnd;
      if (l.kind === 'one_time') w.close = l.serviceStart;
      want.set(l.itemId, w);
    }
  }
  for (const [itemId, w] of want) {
    const it = items.get(itemId);
    if (!it) continue;
    const cur = it.record;
    if (w.billedUntil && (!cur.billedUntil || cur.billedUntil < w.billedUntil)) out.items.push({ row: it.row, itemId, billedUntil: w.billedUntil });
    else if (w.close !== undefined && cur.status === 'Active') out.items.push({ row: it.row, itemId, billedUntil: w.close, status: 'Inactive' });
  }
  if (out.items.length) out.notes.push(`billed-until of ${out.items.length} items caught up with finalized invoices`);
}

export function hasRepairs(r: Repairs): boolean {
  return !!(r.ranges.length || r.items.length || r.transactions.length || r.orphanLines.length);
}
