// The ledger's invariants, checked after every crash, fuzz and concurrency case (issue 10). Each
// returns the violations as sentences naming the invoice, row or range, so a failing case says
// what broke. The checks read the sheets as written; they share only the parser with the engine.
import type { Cell } from '../../src/core/cells';
import { loadDataset, type RawWorkbook } from '../../src/core/dataset';
import { formatNumber, numberFormat, rangeKey } from '../../src/core/numbering';
import { SCHEMA, TABLE_NAMES, type TableName } from '../../src/core/schema';
import { headerIndex } from '../../src/core/table';
import { verifyLedger } from '../../src/core/verify';
import { D } from '../../src/core/money';
import { sha256Hex } from '../../src/node/memoryHost';

export interface InvariantOptions {
  /** The user's sheets before the commands ran: their cells must be unchanged except the engine's columns. */
  userSheetsBefore?: RawWorkbook;
  /** Message-IDs (or invoice ids) the mail server received, one entry per delivery. */
  deliveries?: string[];
  /** Invoices a command reported as "delivery uncertain": those may have been delivered twice after a resend. */
  uncertain?: Set<string>;
}

const USER_SHEETS: TableName[] = TABLE_NAMES.filter((t) => !SCHEMA[t].engineOwned);

/** Every violated invariant of a workbook, as sentences; empty when the ledger is sound. */
export function ledgerViolations(raw: RawWorkbook, o: InvariantOptions = {}): string[] {
  const out: string[] = [];
  const ds = loadDataset(raw);
  for (const e of ds.ledgerErrors) out.push(`engine sheet row does not parse: ${e.sheet} row ${e.row}, ${e.column} "${e.value}": ${e.message}`);

  // Ids and draft keys are unique.
  const seenId = new Map<string, number>();
  const draftKeys = new Map<string, string>();
  for (const { row, record: inv } of ds.invoices) {
    if (seenId.has(inv.invoiceId)) out.push(`invoice id ${inv.invoiceId} twice (rows ${seenId.get(inv.invoiceId)} and ${row})`);
    seenId.set(inv.invoiceId, row);
    if (inv.status === 'Draft' && inv.type === 'invoice') {
      if (draftKeys.has(inv.key)) out.push(`draft key ${inv.key} twice (${draftKeys.get(inv.key)} and ${inv.invoiceId})`);
      draftKeys.set(inv.key, inv.invoiceId);
    }
  }

  // Every invoice has its lines, numbered 1..n once each, adding up to its net; no line without its invoice.
  for (const { record: inv } of ds.invoices) {
    const lines = (ds.linesByInvoice.get(inv.invoiceId) ?? []).map((l) => l.record);
    if (!lines.length && !inv.net.isZero()) out.push(`invoice ${inv.number ?? inv.invoiceId} has no lines`);
    const nos = lines.map((l) => l.lineNo).sort((a, b) => a - b);
    if (nos.some((n, i) => n !== i + 1)) out.push(`invoice ${inv.number ?? inv.invoiceId} has lines ${nos.join(',')} (duplicated or missing)`);
    const sum = lines.reduce((s, l) => s.plus(l.net), new D(0));
    if (lines.length && !sum.eq(inv.net)) out.push(`invoice ${inv.number ?? inv.invoiceId}: lines add up to ${sum.toFixed(2)}, the invoice says ${inv.net.toFixed(2)}`);
  }
  for (const id of ds.linesByInvoice.keys()) if (!ds.invoiceIdsInSheet.has(id)) out.push(`lines of invoice ${id}, which does not exist`);

  // Numbers: unique, and per range exactly 1..lastSeq in chain order, the head equal to NumberRanges.
  const finals = ds.invoices.map((r) => r.record).filter((i) => i.status !== 'Draft');
  const byNumber = new Map<string, string>();
  for (const inv of finals) {
    if (!inv.number) out.push(`finalized invoice ${inv.invoiceId} has no number`);
    else if (byNumber.has(inv.number)) out.push(`number ${inv.number} twice (${byNumber.get(inv.number)} and ${inv.invoiceId})`);
    else byNumber.set(inv.number, inv.invoiceId);
  }
  const ranges = new Map(ds.numberRanges.map((r) => [r.record.range, r.record]));
  const byRange = new Map<string, typeof finals>();
  for (const inv of finals) {
    const t = ds.tenantById.get(inv.tenantId);
    if (!t || !inv.invoiceDate) continue;
    const k = rangeKey(t, inv.type, inv.invoiceDate);
    byRange.set(k, [...(byRange.get(k) ?? []), inv]);
  }
  for (const [k, list] of byRange) {
    const next = new Map(list.map((i) => [i.previousHash ?? '', i]));
    const chain: typeof list = [];
    for (let i = next.get(''); i && chain.length <= list.length; i = next.get(i.hash ?? '\u0000')) chain.push(i);
    if (chain.length !== list.length) out.push(`range ${k}: ${list.length} finalized invoices, but the hash chain links ${chain.length}`);
    chain.forEach((inv, i) => {
      const t = ds.tenantById.get(inv.tenantId)!;
      const want = formatNumber(numberFormat(t, inv.type), i + 1, inv.invoiceDate!, t.tenantId);
      if (inv.number !== want) out.push(`range ${k}: invoice ${i + 1} of the chain is numbered ${inv.number}, expected ${want} (a gap or a number twice)`);
    });
    const r = ranges.get(k);
    if (!r) out.push(`range ${k} has invoices but no NumberRanges row`);
    else if (r.lastSeq !== list.length || r.lastNumber !== chain[chain.length - 1]?.number) {
      out.push(`range ${k}: NumberRanges says ${r.lastSeq} / ${r.lastNumber}, the ledger has ${list.length} / ${chain[chain.length - 1]?.number}`);
    }
  }

  // Billed Until never lags behind the service of a finalized, not cancelled invoice.
  const want = new Map<string, string>();
  for (const inv of finals) {
    if (inv.type !== 'invoice' || inv.status === 'Cancelled') continue;
    for (const { record: l } of ds.linesByInvoice.get(inv.invoiceId) ?? []) {
      if (l.kind === 'recurring' && l.itemId && l.serviceEnd && (want.get(l.itemId) ?? '') < l.serviceEnd) want.set(l.itemId, l.serviceEnd);
    }
  }
  const items = new Map(ds.items.map((r) => [r.record.itemId, r.record]));
  for (const [itemId, end] of want) {
    const b = items.get(itemId)?.billedUntil;
    if (items.has(itemId) && (!b || b < end)) out.push(`item ${itemId}: Billed Until ${b ?? '(empty)'} lags behind finalized service to ${end}`);
  }

  // Each transaction on at most one invoice, and the one it names exists and bills it.
  const invoiceById = new Map(ds.invoices.map((r) => [r.record.invoiceId, r.record]));
  const billedBy = new Map<string, string[]>();
  for (const { record: inv } of ds.invoices) {
    if (inv.status === 'Cancelled' || inv.type !== 'invoice') continue;
    for (const { record: l } of ds.linesByInvoice.get(inv.invoiceId) ?? []) {
      for (const t of (l.transactionIds ?? '')
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean))
        billedBy.set(t, [...(billedBy.get(t) ?? []), inv.invoiceId]);
    }
  }
  for (const [t, invs] of billedBy) if (new Set(invs).size > 1) out.push(`transaction ${t} is billed on ${[...new Set(invs)].join(' and ')}`);
  for (const { record: t } of ds.transactions) {
    if (!t.invoiceId) continue;
    const inv = invoiceById.get(t.invoiceId);
    // Ids that are not the engine's (I-000042) mark usage billed before the workbook (the demo's ARCHIVED-…).
    if (!inv) {
      if (/^I-\d+$/.test(t.invoiceId)) out.push(`transaction ${t.transactionId} names invoice ${t.invoiceId}, which does not exist`);
    } else if (inv.status !== 'Draft' && inv.status !== 'Cancelled' && t.invoiceNumber !== inv.number) {
      out.push(`transaction ${t.transactionId} on ${inv.number} says number ${t.invoiceNumber ?? '(empty)'}`);
    }
  }

  // A supplier's invoice is read in once.
  const rec = raw.Received;
  if (rec) {
    const [sup, num] = [rec.headers.indexOf('Supplier'), rec.headers.indexOf('Number')];
    const seen = new Set<string>();
    for (const r of rec.rows) {
      const k = `${String(r[sup])} ${String(r[num])}`;
      if (seen.has(k)) out.push(`received invoice ${k} twice`);
      seen.add(k);
    }
  }

  // The hash chain verifies.
  for (const p of verifyLedger(ds, sha256Hex).problems) out.push(`verify: ${p.number ?? p.invoiceId} (row ${p.row}): ${p.message}`);

  // Mails at most once, unless the invoice was reported uncertain (the user chose to resend it).
  const counts = new Map<string, number>();
  for (const d of o.deliveries ?? []) counts.set(d, (counts.get(d) ?? 0) + 1);
  for (const [id, n] of counts) if (n > 1 && !o.uncertain?.has(id)) out.push(`mail ${id} delivered ${n} times`);

  if (o.userSheetsBefore) out.push(...userSheetChanges(o.userSheetsBefore, raw));
  return out;
}

/** Cells of the user's sheets that changed, other than the engine's columns (and Items Status). */
export function userSheetChanges(before: RawWorkbook, after: RawWorkbook): string[] {
  const out: string[] = [];
  for (const name of USER_SHEETS) {
    const a = before[name];
    const b = after[name];
    if (!a) continue;
    if (!b) {
      out.push(`sheet ${name} is gone`);
      continue;
    }
    const idx = headerIndex(name, a.headers);
    const engineCols = new Set(SCHEMA[name].columns.filter((c) => c.engine || (name === 'Items' && c.key === 'status')).map((c) => idx.get(c.key)));
    a.headers.forEach((h, i) => {
      if (b.headers[i] !== h) out.push(`${name}: header of column ${i + 1} changed from "${String(h)}" to "${String(b.headers[i])}"`);
    });
    const rows = Math.max(a.rows.length, b.rows.length);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < a.headers.length; c++) {
        if (engineCols.has(c)) continue;
        const x = norm(a.rows[r]?.[c]);
        const y = norm(b.rows[r]?.[c]);
        if (x !== y) out.push(`${name} row ${r + 2}, column ${String(a.headers[c])}: "${x}" became "${y}"`);
      }
    }
  }
  return out;
}

function norm(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/** A deep copy of sheets (for the "before" picture). */
export function copySheets(raw: RawWorkbook): RawWorkbook {
  const out: RawWorkbook = {};
  for (const [k, t] of Object.entries(raw)) if (t) out[k as TableName] = { headers: [...t.headers], rows: t.rows.map((r) => [...r]) };
  return out;
}
