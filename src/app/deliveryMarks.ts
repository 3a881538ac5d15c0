// Where delivery work starts in the ledger, so that a documents or mail slice reads only the rows
// still to be worked on instead of every invoice ever issued.
//
// A mark (Document Properties in Apps Script, the state file in Node) says: every Invoices row above
// `row` is finished for this kind of work, and every InvoiceLines row above `lineRow` belongs to an
// invoice whose lines no slice needs (one with its documents). With each it keeps what the row just
// above holds (the invoice id; the line's invoice id and number): when rows above were deleted,
// inserted or sorted, that row holds something else, and the slice reads the whole sheets and sets
// the mark anew.
//
// Finished, for documents (the bulk documents pass, the trigger's queue): a draft, or a numbered
// invoice with its PDF that is not waiting in the mail queue. For mail (Send without names): a draft,
// a pro-forma invoice, or one sent. Drafts count as finished although finalizing makes them work
// again: every write that makes a row above a mark unfinished (finalize, a queue or resend mark)
// first lowers the mark to that row (lowerMarks), so the next slice reads it. A mark moves up only
// over rows found finished as read at the start of a slice (what a crash left in the sheets), and
// moves down before the write that needs it: a crash in between leaves a mark too low, never too high.
//
// The invariant the lines mark keeps: every invoice at or below `row` that is a draft or has no PDF
// (whose lines finalize or a document needs) has all its lines at or below `lineRow`.
import { isBlank, type Cell } from '../core/cells';
import { loadDataset, type Dataset, type RawWorkbook } from '../core/dataset';
import type { Invoice } from '../core/model';
import type { TableName } from '../core/schema';
import { headerIndex, type RawTable } from '../core/table';
import type { Ports } from '../ports';

export type MarkName = 'documents' | 'mail';
const NAMES: readonly MarkName[] = ['documents', 'mail'];

interface Mark {
  /** First Invoices row not known to be finished (≥ 2). */
  row: number;
  /** Invoice ID in row - 1 ('' when row is 2). */
  id: string;
  /** First InvoiceLines row that may belong to an invoice needing its lines (≥ 2). */
  lineRow: number;
  /** "<invoice id>#<line no>" of row lineRow - 1 ('' when lineRow is 2). */
  lineKey: string;
}

const KEY: Record<MarkName, string> = { documents: 'billing.deliveryMark.documents', mail: 'billing.deliveryMark.mail' };

/** Rows above a mark are finished for its work. */
export const FINISHED: Record<MarkName, (i: Invoice) => boolean> = {
  documents: (i) => i.status === 'Draft' || (!!i.number && !!i.pdfUrl && i.delivery !== 'queued'),
  mail: (i) => i.status === 'Draft' || i.type === 'pro_forma' || (!!i.number && i.delivery === 'sent'),
};

/** A draft (finalize reads its lines) or an invoice without its documents (making them does). */
const needsLines = (i: Invoice) => i.status === 'Draft' || !i.pdfUrl;

function load(ports: Ports, name: MarkName): Mark | undefined {
  try {
    const m = JSON.parse(ports.kv.get(KEY[name]) ?? 'null') as Mark | null;
    return m && m.row >= 2 && m.lineRow >= 2 && typeof m.id === 'string' && typeof m.lineKey === 'string' ? m : undefined;
  } catch {
    return undefined;
  }
}

function save(ports: Ports, name: MarkName, m: Mark, before: Mark | undefined): void {
  if (before && before.row === m.row && before.id === m.id && before.lineRow === m.lineRow && before.lineKey === m.lineKey) return;
  ports.kv.set(KEY[name], JSON.stringify(m));
}

/** The invoices and lines a slice works on, and what is known of the sheet rows around them. */
export interface DeliveryView {
  ds: Dataset;
  /** True when Invoices and InvoiceLines were read from a mark, not whole. */
  tail: boolean;
  /** Invoice ID of a sheet row ('' blank or without one); undefined: above what was read. Row 1 is ''. */
  invoiceIdAt(row: number): string | undefined;
  /** "<invoice id>#<line no>" of an InvoiceLines row, likewise; undefined when the lines were not read. */
  lineKeyAt(row: number): string | undefined;
  /** First row read, last row of the sheet (Invoices, InvoiceLines). */
  invoiceRows: { first: number; last: number };
  lineRows?: { first: number; last: number };
  /** Rows of the lines read, per invoice id. */
  linesOf: Map<string, number[]>;
  /** Parsed invoices by sheet row. */
  invoiceAt: Map<number, Invoice>;
  /** Sheet rows that are blank (not a bad row). */
  blank: Set<number>;
}

const text = (v: Cell | undefined) => (isBlank(v) ? '' : String(v).trim());

function lineKeys(t: RawTable | undefined): { at: (cells: Cell[]) => string; id: (cells: Cell[]) => string } {
  const index = headerIndex('InvoiceLines', t?.headers ?? []);
  const id = index.get('invoiceId');
  const no = index.get('lineNo');
  return {
    id: (c) => (id === undefined ? '' : text(c[id])),
    at: (c) => (id === undefined || text(c[id]) === '' ? '' : `${text(c[id])}#${no === undefined ? '' : text(c[no])}`),
  };
}

/**
 * The delivery tables of a slice. With a mark: Invoices and InvoiceLines from the mark on (the rows
 * above checked by the one row just above), and the mark moved up over the rows found finished.
 * Without a mark name (named invoices), or when the check fails: the whole sheets (and the mark set).
 * `tables`: the other sheets, read whole. `lines: false` leaves InvoiceLines unread (and the mark where it is).
 */
export function readDeliveryView(ports: Ports, name: MarkName | undefined, tables: readonly TableName[], opts: { lines?: boolean } = {}): DeliveryView {
  const withLines = opts.lines !== false;
  const raw: RawWorkbook = {};
  for (const t of tables) raw[t] = ports.tables.read(t);
  const mark = name && load(ports, name);
  let inv: RawTable | undefined;
  let lines: RawTable | undefined;
  // The mark, when its check rows still hold what it recorded (else the whole sheets are read).
  let tail: Mark | undefined;
  if (mark) {
    inv = mark.row > 2 ? ports.tables.readFrom('Invoices', mark.row - 1) : ports.tables.read('Invoices');
    const idAt = inv && headerIndex('Invoices', inv.headers).get('invoiceId');
    let ok = !!inv && idAt !== undefined && (mark.row === 2 || (inv.firstRow === mark.row - 1 && !!inv.rows.length && text(inv.rows[0][idAt]) === mark.id));
    if (ok && withLines) {
      lines = mark.lineRow > 2 ? ports.tables.readFrom('InvoiceLines', mark.lineRow - 1) : ports.tables.read('InvoiceLines');
      ok = !!lines && (mark.lineRow === 2 || (lines.firstRow === mark.lineRow - 1 && !!lines.rows.length && lineKeys(lines).at(lines.rows[0]) === mark.lineKey));
    }
    if (ok) tail = mark;
  }
  if (tail && inv) {
    // The check rows are finished: not part of the work.
    if (tail.row > 2) inv = { headers: inv.headers, rows: inv.rows.slice(1), firstRow: tail.row };
    if (lines && tail.lineRow > 2) lines = { headers: lines.headers, rows: lines.rows.slice(1), firstRow: tail.lineRow };
  } else {
    tail = undefined;
    inv = ports.tables.read('Invoices');
    lines = withLines ? ports.tables.read('InvoiceLines') : undefined;
  }
  raw.Invoices = inv;
  if (withLines) raw.InvoiceLines = lines;
  const ds = loadDataset(raw, { locale: ports.locale, dateOf: ports.dateOf });
  const view = makeView(ds, inv, withLines ? lines : undefined, tail, withLines);
  if (name && inv && withLines) {
    const start: Mark = tail ?? { row: 2, id: '', lineRow: 2, lineKey: '' };
    save(ports, name, advance(view, name, start), mark || undefined);
  }
  return view;
}

function makeView(ds: Dataset, inv: RawTable | undefined, lines: RawTable | undefined, mark: Mark | undefined, withLines: boolean): DeliveryView {
  const ids = new Map<number, string>([[1, '']]);
  const blank = new Set<number>();
  const first = inv?.firstRow ?? 2;
  if (mark && mark.row > 2) ids.set(mark.row - 1, mark.id);
  const idAt = inv && headerIndex('Invoices', inv.headers).get('invoiceId');
  inv?.rows.forEach((r, i) => {
    ids.set(first + i, idAt === undefined ? '' : text(r[idAt]));
    if (r.every((v) => isBlank(v))) blank.add(first + i);
  });
  const keys = new Map<number, string>([[1, '']]);
  const linesOf = new Map<string, number[]>();
  const lineFirst = lines?.firstRow ?? 2;
  if (mark && mark.lineRow > 2) keys.set(mark.lineRow - 1, mark.lineKey);
  const k = lineKeys(lines);
  lines?.rows.forEach((r, i) => {
    const row = lineFirst + i;
    keys.set(row, k.at(r));
    const id = k.id(r);
    if (!id) return;
    const list = linesOf.get(id);
    if (list) list.push(row);
    else linesOf.set(id, [row]);
  });
  return {
    ds,
    tail: !!mark,
    invoiceIdAt: (row) => ids.get(row),
    lineKeyAt: (row) => (withLines ? keys.get(row) : undefined),
    invoiceRows: { first, last: first + (inv?.rows.length ?? 0) - 1 },
    lineRows: withLines ? { first: lineFirst, last: lineFirst + (lines?.rows.length ?? 0) - 1 } : undefined,
    linesOf,
    invoiceAt: new Map(ds.invoices.map((r) => [r.row, r.record])),
    blank,
  };
}

/** A view of a whole workbook already parsed (finalize, cancel, credit, queueing a run). */
export function viewOf(ds: Dataset, opts: { lines: boolean }): DeliveryView {
  const ids = new Map<number, string>(ds.invoices.map((r) => [r.row, r.record.invoiceId]));
  const keys = new Map<number, string>();
  const linesOf = new Map<string, number[]>();
  let lastLine = 1;
  let last = 1;
  for (const r of ds.invoices) last = Math.max(last, r.row);
  for (const [id, ls] of ds.linesByInvoice) {
    linesOf.set(
      id,
      ls.map((l) => l.row),
    );
    for (const l of ls) {
      keys.set(l.row, `${id}#${l.record.lineNo}`);
      lastLine = Math.max(lastLine, l.row);
    }
  }
  return {
    ds,
    tail: false,
    // Every row is known; a row that did not parse counts as blank (a mark never rests on it).
    invoiceIdAt: (row) => ids.get(row) ?? '',
    lineKeyAt: (row) => (opts.lines ? (keys.get(row) ?? '') : undefined),
    invoiceRows: { first: 2, last },
    lineRows: opts.lines ? { first: 2, last: lastLine } : undefined,
    linesOf: opts.lines ? linesOf : new Map(),
    invoiceAt: new Map(ds.invoices.map((r) => [r.row, r.record])),
    blank: new Set(),
  };
}

/** The mark moved up over the finished rows read from `from` on; the lines mark with it. */
function advance(v: DeliveryView, name: MarkName, from: Mark): Mark {
  let row = from.row;
  let id = from.id;
  for (let r = from.row; r <= v.invoiceRows.last; r++) {
    const i = v.invoiceAt.get(r);
    if (i) {
      if (!FINISHED[name](i)) break;
      row = r + 1;
      id = i.invoiceId;
    } else if (!v.blank.has(r)) break; // a row that does not parse is the user's to fix: the mark waits there
  }
  // The first line of an invoice from the new mark on that may need its lines.
  let lineRow = v.lineRows!.last + 1;
  for (let r = row; r <= v.invoiceRows.last; r++) {
    const i = v.invoiceAt.get(r);
    if (i && !needsLines(i)) continue;
    const rows = v.linesOf.get(i?.invoiceId ?? v.invoiceIdAt(r) ?? '');
    if (rows?.length && rows[0] < lineRow) lineRow = rows[0];
  }
  const line = restingPlace(v.lineKeyAt, lineRow);
  return line ? { row, id, lineRow: line.row, lineKey: line.key } : from;
}

/** Moves a mark: walk down from `row - 1` past blank rows to a row whose id is known. */
function restingPlace(at: (row: number) => string | undefined, row: number): { row: number; key: string } | undefined {
  let k = row - 1;
  while (k > 1 && at(k) === '') k--;
  if (k <= 1) return { row: 2, key: '' };
  const key = at(k);
  return key === undefined ? undefined : { row: k + 1, key };
}

/**
 * Before writing invoices in place: a mark above a row that the write leaves unfinished for its
 * work comes down to that row (and the lines mark to that invoice's lines), or is dropped when
 * the view does not know enough to place it (the next slice then reads the whole sheets).
 */
export function lowerMarks(ports: Ports, view: () => DeliveryView, changed: { row: number; invoice: Invoice }[]): void {
  if (!changed.length) return;
  let v: DeliveryView | undefined;
  for (const name of NAMES) {
    const m = load(ports, name);
    if (!m) continue;
    let target = Infinity;
    for (const c of changed) if (c.row < m.row && c.row < target && !FINISHED[name](c.invoice)) target = c.row;
    if (target === Infinity) continue;
    v ??= view();
    const lowered = lowerTo(v, m, target, new Map(changed.map((c) => [c.row, c.invoice])));
    if (lowered) ports.kv.set(KEY[name], JSON.stringify(lowered));
    else ports.kv.delete(KEY[name]);
  }
}

function lowerTo(v: DeliveryView, m: Mark, target: number, changed: Map<number, Invoice>): Mark | undefined {
  const inv = restingPlace(v.invoiceIdAt, target);
  if (!inv || !v.lineRows) return undefined;
  // Rows coming back into the work: their drafts and invoices without documents need their lines.
  let lineRow = m.lineRow;
  for (let r = inv.row; r < m.row; r++) {
    const i = changed.get(r) ?? v.invoiceAt.get(r);
    const id = v.invoiceIdAt(r);
    if (id === undefined) return undefined;
    if (i ? !needsLines(i) : !id) continue;
    for (const l of v.linesOf.get(id) ?? []) lineRow = Math.min(lineRow, l);
  }
  const line = restingPlace(v.lineKeyAt, lineRow);
  if (!line) return undefined;
  return { row: inv.row, id: inv.key, lineRow: line.row, lineKey: line.key };
}
