// Reading the workbook once per use case and writing each table's changes in one patch.
import { loadDataset, type Dataset, type RawWorkbook } from '../core/dataset';
import type { InvoiceDoc } from '../core/model';
import type { LedgerChanges } from '../core/ledger';
import { TABLE_NAMES, type TableName } from '../core/schema';
import { toRowValues } from '../core/table';
import type { Ports, TablePatch } from '../ports';

export function readDataset(ports: Ports, tables: readonly TableName[] = TABLE_NAMES): Dataset {
  const raw: RawWorkbook = {};
  for (const name of tables) raw[name] = ports.tables.read(name);
  return loadDataset(raw, { locale: ports.locale, dateOf: ports.dateOf });
}

export function rowOfInvoice(ds: Dataset): Map<string, number> {
  return new Map(ds.invoices.map((r) => [r.record.invoiceId, r.row]));
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

/** Writes what finalize / cancel / credit changed: one patch per table. */
export function writeLedgerChanges(ports: Ports, ds: Dataset, ch: LedgerChanges): void {
  const invRows = rowOfInvoice(ds);
  apply(ports, 'Invoices', {
    update: ch.updated.filter((i) => invRows.has(i.invoiceId)).map((i) => ({ row: invRows.get(i.invoiceId)!, values: toRowValues('Invoices', i) })),
    append: [
      ...ch.updated.filter((i) => !invRows.has(i.invoiceId)).map((i) => toRowValues('Invoices', i)),
      ...ch.created.map((d) => toRowValues('Invoices', d.invoice)),
    ],
  });
  apply(ports, 'InvoiceLines', { append: linesAppend(ch.created) });
  const rangeRows = new Map(ds.numberRanges.map((r) => [r.record.range, r.row]));
  apply(ports, 'NumberRanges', {
    update: ch.ranges.filter((r) => rangeRows.has(r.range)).map((r) => ({ row: rangeRows.get(r.range)!, values: toRowValues('NumberRanges', r) })),
    append: ch.ranges.filter((r) => !rangeRows.has(r.range)).map((r) => toRowValues('NumberRanges', r)),
  });
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
