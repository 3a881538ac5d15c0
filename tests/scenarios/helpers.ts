// Helpers for the end-to-end scenarios: reading sheets back, simulating a user's edits, amounts as strings.
import type { Cell } from '../../src/core/cells';
import { D } from '../../src/core/money';
import type { TableName } from '../../src/core/schema';
import type { MemoryTables } from '../../src/node/memoryTables';
import { account, item, ports, product, subscription, table } from '../support/fixtures';

export * from '../support/fixtures';

type P = { tables: MemoryTables };

export const NOV = { periodStart: '2026-11-01', periodEnd: '2026-11-30' };
export const DEC = { periodStart: '2026-12-01', periodEnd: '2026-12-31' };
export const OCT = { periodStart: '2026-10-01', periodEnd: '2026-10-31' };

/** Three German customers with one monthly 100.00 item each (S1..S3, I1..I3). */
export function threeCustomers() {
  return ports({
    Accounts: [account('A1'), account('A2'), account('A3')],
    Products: [product('P1', '100.00')],
    Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A2'), subscription('S3', 'A3')],
    Items: [item('I1', 'S1', 'P1'), item('I2', 'S2', 'P1'), item('I3', 'S3', 'P1')],
  });
}

/** A money cell as a fixed-point string ('16.00'); numbers come back from the sheet as numbers. */
export function amt(v: Cell, decimals = 2): string {
  if (v === '' || v === null || v === undefined) throw new Error('amount cell is empty');
  return new D(String(v)).toFixed(decimals);
}

export function invoices(p: P) {
  return table(p, 'Invoices');
}

export function invoiceRow(p: P, invoiceId: string) {
  const r = invoices(p).find((x) => x['Invoice ID'] === invoiceId);
  if (!r) throw new Error(`no invoice ${invoiceId}`);
  return r;
}

export function linesOf(p: P, invoiceId: string) {
  return table(p, 'InvoiceLines').filter((l) => l['Invoice ID'] === invoiceId);
}

/** Totals of an invoice row as strings: [net, tax, gross, rounding, payable]. */
export function totalsOf(p: P, invoiceId: string, decimals = 2): string[] {
  const r = invoiceRow(p, invoiceId);
  return ['Net', 'Tax', 'Gross', 'Cash Rounding', 'Payable'].map((h) => amt(r[h], decimals));
}

/** A user edits cells of the row whose `keyHeader` equals `key`. */
export function edit(p: P, sheet: TableName, keyHeader: string, key: string, values: Record<string, Cell>): void {
  const t = p.tables.sheets.get(sheet)!;
  const ki = t.headers.indexOf(keyHeader);
  const row = t.rows.find((r) => r[ki] === key);
  if (!row) throw new Error(`${sheet}: no row with ${keyHeader} = ${key}`);
  for (const [h, v] of Object.entries(values)) {
    const i = t.headers.indexOf(h);
    if (i < 0) throw new Error(`${sheet}: no column ${h}`);
    row[i] = v;
  }
}

/** A user deletes the row whose `keyHeader` equals `key`. */
export function deleteRow(p: P, sheet: TableName, keyHeader: string, key: string): void {
  const t = p.tables.sheets.get(sheet)!;
  const ki = t.headers.indexOf(keyHeader);
  const i = t.rows.findIndex((r) => r[ki] === key);
  if (i < 0) throw new Error(`${sheet}: no row with ${keyHeader} = ${key}`);
  t.rows.splice(i, 1);
}

/** A user appends a row (cells by header). */
export function appendRow(p: P, sheet: TableName, values: Record<string, Cell>): void {
  const t = p.tables.sheets.get(sheet)!;
  t.rows.push(t.headers.map((h) => (values[String(h)] === undefined ? '' : values[String(h)])));
}

/** A user's own column (not in the schema) with one value per data row. */
export function addUserColumn(p: P, sheet: TableName, header: string, values: Cell[]): void {
  const t = p.tables.sheets.get(sheet)!;
  t.headers.push(header);
  t.rows.forEach((r, i) => {
    r.push(values[i] ?? '');
  });
}

export function cell(p: P, sheet: TableName, keyHeader: string, key: string, header: string): Cell {
  const r = table(p, sheet).find((x) => x[keyHeader] === key);
  if (!r) throw new Error(`${sheet}: no row with ${keyHeader} = ${key}`);
  return r[header];
}

/**
 * Makes the n-th bulk write (and every one after it) fail, as an execution stopped there (Apps
 * Script ends between two bulk writes). The function returned restores the writes and says how
 * many were tried.
 */
export function crashAt(p: P, n: number): () => number {
  const apply = p.tables.apply.bind(p.tables);
  let calls = 0;
  p.tables.apply = (name, patch) => {
    if (++calls >= n) throw new Error(`crash before write ${calls} (${name})`);
    apply(name, patch);
  };
  return () => {
    p.tables.apply = apply;
    return calls;
  };
}

/**
 * `act` stopped at each of its writes in turn (on a fresh workbook each time), then done again,
 * must leave what one uninterrupted run leaves, as `state` sees it. `again` is the second try
 * (default: `act`; it may accept a refusal, e.g. a booking refused as already booked); `check`
 * runs after it.
 */
export function everyWrite<Q extends P>(o: { setup: () => Q; before?: (p: Q) => void; act: (p: Q) => unknown; state: (p: Q) => unknown; again?: (p: Q) => void; check?: (p: Q) => void }): void {
  const reference = o.setup();
  o.before?.(reference);
  const restore = crashAt(reference, Number.POSITIVE_INFINITY);
  o.act(reference);
  const writes = restore();
  if (writes < 2) throw new Error(`only ${writes} write: nothing to stop in between`);
  const want = o.state(reference);
  for (let n = 1; n <= writes; n++) {
    const p = o.setup();
    o.before?.(p);
    const undo = crashAt(p, n);
    expect(() => o.act(p)).toThrow(/crash before write/);
    undo();
    (o.again ?? o.act)(p);
    const at = `crash at write ${n} of ${writes}`;
    expect({ at, state: o.state(p) }).toEqual({ at, state: want });
    o.check?.(p);
  }
}
