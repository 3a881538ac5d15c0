// Which invoices a delivery call works on, and the small pieces every flow shares: the tables it
// reads, the files a mail carries, marks and Log rows, time budgets.
import { isBlank, type Cell } from '../../core/cells';
import type { Dataset } from '../../core/dataset';
import { byInvoiceRef, byInvoiceRefs } from '../../core/invoiceRef';
import type { InvoiceMail, MailRows } from '../../core/mail';
import { isIssued, type Invoice, type InvoiceDoc } from '../../core/model';
import { headerIndex, parseTable, toRowValues, type ParsedRow } from '../../core/table';
import type { LogAction } from '../../core/schema';
import type { DocumentsPort, Ports } from '../../ports';
import { readDeliveryView, viewOf, type DeliveryView, type MarkName } from '../deliveryMarks';

/**
 * The tables of a documents or mail call: Invoices and InvoiceLines from the mark of that work on
 * (see deliveryMarks), whole when invoices are named (`mark` undefined) or when the host checks
 * every file anyway (a local disk). `ds`: a workbook the caller has read already.
 */
export function deliveryView(ports: Ports, docs: Pick<DocumentsPort<boolean>, 'checksEveryFile'>, mark: MarkName | undefined, ds?: Dataset): DeliveryView {
  if (ds) return viewOf(ds, { lines: true });
  return readDeliveryView(ports, docs.checksEveryFile ? undefined : mark, ['Settings', 'Accounts', 'Contacts']);
}

/** Which finalized invoices are due for sending, and which were left in "sending" by a crash. */
export function chooseDeliveries(ds: Dataset, which: { invoiceIds?: readonly string[]; resend?: boolean; queuedOnly?: boolean } = {}): { due: Invoice[]; uncertain: Invoice[] } {
  const { invoiceIds: ids, resend = false, queuedOnly = false } = which;
  const named = ids?.length ? new Set(byInvoiceRefs(ds.invoices, ids, (r) => r.record).map((r) => r.record)) : undefined;
  const chosen = (i: Invoice) => !named || named.has(i);
  const due: Invoice[] = [];
  const uncertain: Invoice[] = [];
  for (const r of ds.invoices) {
    const inv = r.record;
    if (!isIssued(inv) || inv.type === 'pro_forma' || !chosen(inv)) continue;
    if (queuedOnly && inv.delivery !== 'queued') continue;
    // Only a named invoice is resent: a crash must never make "resend" mail every uncertain invoice.
    if (inv.delivery === 'sending' && !(resend && ids?.length)) uncertain.push(inv);
    else if (inv.delivery !== 'sent' || (resend && ids?.length)) due.push(inv);
  }
  return { due, uncertain };
}

/**
 * Whether a finalized invoice needs its documents made: it has no PDF link, or (checked when it is
 * named, or on every invoice by a host that checks files cheaply) its PDF or XML file is gone.
 */
export function needsDocuments(inv: Invoice, docs: Pick<DocumentsPort<boolean>, 'exists' | 'checksEveryFile'>, named: boolean): boolean {
  if (!inv.pdfUrl) return true;
  if (!named && !docs.checksEveryFile) return false;
  return !docs.exists(inv.pdfUrl) || (!!inv.xmlUrl && !docs.exists(inv.xmlUrl));
}

/**
 * The files an invoice's mail carries: its PDF, and its e-invoice XML unless the PDF carries the
 * XML inside (Factur-X / ZUGFeRD): sent twice, an inbound system could book the invoice twice.
 */
export function attachmentsOf(inv: Invoice, docs: Pick<DocumentsPort<boolean>, 'carriesXml'>): string[] {
  const pdf = inv.pdfUrl;
  if (!pdf) throw new Error(`invoice ${inv.number ?? inv.invoiceId} has no PDF to attach`);
  const inside = !!inv.xmlUrl && !!docs.carriesXml?.(pdf);
  return [pdf, ...(inv.xmlUrl && !inside ? [inv.xmlUrl] : [])];
}

/** Whether the trigger has documents or mail waiting. */
export function pendingDelivery(ds: Dataset): { documents: number; queued: number } {
  const finals = ds.invoices.map((r) => r.record).filter(isIssued);
  return { documents: finals.filter((i) => !i.pdfUrl).length, queued: finals.filter((i) => i.delivery === 'queued').length };
}

/**
 * Where each invoice's mail addresses are in the sheets (the tenant's Settings row, the Contacts
 * rows), so that invoiceMail names a bad address by its row. Contacts are read again only when an
 * error needs a row.
 */
export function mailRowsOf(ports: Ports, ds: Dataset): (inv: Invoice) => MailRows {
  const settings = new Map(ds.settingsRows.map((r) => [r.record.tenantId, r.row]));
  let contacts: Map<string, number> | undefined;
  const contact = (id: string) => {
    if (!contacts) {
      const found = new Map<string, number>();
      const raw = ports.tables.read('Contacts');
      const at = raw && headerIndex('Contacts', raw.headers).get('contactId');
      if (raw && at !== undefined) for (const [i, r] of raw.rows.entries()) found.set(String(r[at] ?? '').trim(), i + 2);
      contacts = found;
    }
    return contacts.get(id);
  };
  return (inv) => ({ settings: settings.get(inv.tenantId), contact });
}

/** "to, cc:…, bcc:…" as recorded in the ledger's Sent To column and the Log. */
export function recipientsText(m: InvoiceMail): string {
  return [...m.to, ...m.cc.map((c) => `cc:${c}`), ...m.bcc.map((b) => `bcc:${b}`)].join(', ');
}

/** Sets delivery columns of these invoices in one write. */
export function markInvoices(ports: Ports, rowOf: (invoiceId: string) => number, list: { inv: Invoice; values: Record<string, string> }[]): void {
  if (list.length) ports.tables.apply('Invoices', { update: list.map((m) => ({ row: rowOf(m.inv.invoiceId), values: m.values })) });
}

export type LogEntry = { inv: Invoice; action: LogAction; details: string };

/** Appends Log rows (one bulk write). */
export function logInvoices(ports: Ports, entries: LogEntry[]): void {
  if (!entries.length) return;
  const at = ports.clock.now().toISOString();
  ports.tables.apply('Log', { append: entries.map((e) => toRowValues('Log', { at, user: ports.user(), action: e.action, invoiceId: e.inv.invoiceId, number: e.inv.number, details: e.details })) });
}

/** An invoice with its lines. */
export function docOf(ds: Dataset, inv: Invoice): InvoiceDoc {
  return { invoice: inv, lines: (ds.linesByInvoice.get(inv.invoiceId) ?? []).map((l) => l.record) };
}

/** The invoice a credit note credits: its number and date (the e-invoice's BT-25/26) and, where found, it with its lines (the document). */
export interface OriginalRef {
  number?: string;
  invoiceDate?: string;
  doc?: InvoiceDoc;
}

export function originalOf(ds: Dataset, inv: Invoice): OriginalRef | undefined {
  const o = inv.originalInvoiceId ? ds.invoices.find((r) => r.record.invoiceId === inv.originalInvoiceId)?.record : undefined;
  return o ? { number: o.number, invoiceDate: o.invoiceDate, doc: docOf(ds, o) } : inv.originalNumber ? { number: inv.originalNumber } : undefined;
}

/**
 * originalOf for a call that read Invoices from a mark: an original above the rows read (a credit
 * note for an invoice of an earlier month) is found by one read of the Invoice ID column and one of
 * its row.
 */
export function originals(ports: Ports, v: DeliveryView): (inv: Invoice) => OriginalRef | undefined {
  let ids: Cell[] | undefined | null = null;
  let lineIds: Cell[] | undefined | null = null;
  const found = new Map<string, InvoiceDoc | undefined>();
  const rowsOf = (column: Cell[] | undefined, id: string) => (column ?? []).flatMap((c, i) => (!isBlank(c) && String(c).trim() === id ? [i + 2] : []));
  return (inv) => {
    const id = inv.originalInvoiceId;
    const inView = !!id && v.ds.invoices.some((r) => r.record.invoiceId === id);
    if (!v.tail || !id || (inView && v.ds.linesByInvoice.has(id))) return originalOf(v.ds, inv);
    if (!found.has(id)) {
      ids ??= ports.tables.readColumn('Invoices', 'invoiceId');
      const [at] = rowsOf(ids, id);
      const raw = at ? ports.tables.readFrom('Invoices', at, at) : undefined;
      const record = raw ? parseTable('Invoices', raw, v.ds.ctx).rows[0]?.record : undefined;
      // Its lines are above the mark too: the rows between its first and last line, in one read.
      lineIds ??= ports.tables.readColumn('InvoiceLines', 'invoiceId');
      const lineRows = rowsOf(lineIds, id);
      const rawLines = record && lineRows.length ? ports.tables.readFrom('InvoiceLines', lineRows[0], lineRows[lineRows.length - 1]) : undefined;
      const lines = rawLines
        ? parseTable('InvoiceLines', rawLines, v.ds.ctx)
            .rows.map((r) => r.record)
            .filter((l) => l.invoiceId === id)
        : [];
      found.set(id, record && { invoice: record, lines });
    }
    const o = found.get(id);
    return o ? { number: o.invoice.number, invoiceDate: o.invoice.invoiceDate, doc: o } : originalOf(v.ds, inv);
  };
}

/** An invoice's row, by internal id or number (core/invoiceRef.ts: a number two tenants share is refused). */
export function findInvoice(ds: Dataset, idOrNumber: string): ParsedRow<Invoice> {
  return byInvoiceRef(ds.invoices, idOrNumber, (r) => r.record);
}

/** Whether a call has used up its time budget (never, without one). */
export function budget(ports: Ports, ms: number | undefined): () => boolean {
  const start = ports.clock.now().getTime();
  return () => ms !== undefined && ports.clock.now().getTime() - start > ms;
}

/** A host says this when a daily quota (documents, email recipients) is used up (Apps Script's words). */
export const DAILY_QUOTA = /too many times for one day/i;
