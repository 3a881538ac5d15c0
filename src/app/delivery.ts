// Documents and email of finalized invoices for a synchronous host (Apps Script): the document and
// PDF of every finalized invoice, draft previews, and sending within the mail quota and a time
// budget. Sending cannot be transactional: an invoice is marked "sending" (written) before its
// email goes out and "sent" after; one found still "sending" later is reported as delivery
// uncertain and never resent by itself. What the quota or the time budget leaves stays "queued"
// for the next trigger.
import { documentText } from '../core/docText';
import { eInvoice } from '../core/einvoice';
import { documentName } from '../core/ids';
import { contactsByAccount, invoiceMail, type InvoiceMail, type MailRows } from '../core/mail';
import { isBlank, type Cell } from '../core/cells';
import { byInvoiceRef, byInvoiceRefs } from '../core/invoiceRef';
import type { Dataset } from '../core/dataset';
import type { Invoice, InvoiceDoc } from '../core/model';
import { headerIndex, parseTable, toRowValues, type ParsedRow } from '../core/table';
import type { DocumentsPort, MailPort, Ports } from '../ports';
import { lowerMarks, readDeliveryView, viewOf, type DeliveryView, type MarkName } from './deliveryMarks';
import { assertAdmin } from './ledgerActions';
import { readDataset, rowOfInvoice } from './workbook';

const TABLES = ['Settings', 'Accounts', 'Contacts', 'Invoices', 'InvoiceLines'] as const;

/**
 * The tables of a documents or mail slice: Invoices and InvoiceLines from the mark of that work on
 * (see deliveryMarks), whole when invoices are named (`mark` undefined).
 */
function deliveryView(ports: Ports, mark: MarkName | undefined): DeliveryView {
  return readDeliveryView(ports, mark, ['Settings', 'Accounts', 'Contacts']);
}

/** Which finalized invoices are due for sending, and which were left in "sending" by a crash. */
export function chooseDeliveries(ds: Dataset, ids?: readonly string[], resend = false, queuedOnly = false): { due: Invoice[]; uncertain: Invoice[] } {
  const named = ids?.length ? new Set(byInvoiceRefs(ds.invoices, ids, (r) => r.record).map((r) => r.record)) : undefined;
  const chosen = (i: Invoice) => !named || named.has(i);
  const due: Invoice[] = [];
  const uncertain: Invoice[] = [];
  for (const r of ds.invoices) {
    const inv = r.record;
    if (inv.status === 'Draft' || inv.type === 'pro_forma' || !chosen(inv)) continue;
    if (queuedOnly && inv.delivery !== 'queued') continue;
    // Only a named invoice is resent: a crash must never make "resend" mail every uncertain invoice.
    if (inv.delivery === 'sending' && !(resend && ids?.length)) uncertain.push(inv);
    else if (inv.delivery !== 'sent' || (resend && ids?.length)) due.push(inv);
  }
  return { due, uncertain };
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
      contacts = new Map();
      const raw = ports.tables.read('Contacts');
      const at = raw && headerIndex('Contacts', raw.headers).get('contactId');
      if (raw && at !== undefined)
        raw.rows.forEach((r, i) => {
          contacts!.set(String(r[at] ?? '').trim(), i + 2);
        });
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
export function markInvoices(ports: Ports, rows: Map<string, number>, list: { inv: Invoice; values: Record<string, string> }[]): void {
  if (list.length) ports.tables.apply('Invoices', { update: list.map((m) => ({ row: rows.get(m.inv.invoiceId)!, values: m.values })) });
}

/** Appends Log rows (one bulk write). */
export function logInvoices(ports: Ports, entries: { inv: Invoice; action: string; details: string }[]): void {
  if (!entries.length) return;
  const at = ports.clock.now().toISOString();
  ports.tables.apply('Log', { append: entries.map((e) => toRowValues('Log', { at, user: ports.user(), action: e.action, invoiceId: e.inv.invoiceId, number: e.inv.number, details: e.details })) });
}

/** An invoice with its lines. */
export function docOf(ds: Dataset, inv: Invoice): InvoiceDoc {
  return { invoice: inv, lines: (ds.linesByInvoice.get(inv.invoiceId) ?? []).map((l) => l.record) };
}

/** The invoice a credit note credits (its number and date go into the e-invoice, BT-25/26). */
export function originalOf(ds: Dataset, inv: Invoice): { number?: string; invoiceDate?: string } | undefined {
  const o = inv.originalInvoiceId ? ds.invoices.find((r) => r.record.invoiceId === inv.originalInvoiceId)?.record : undefined;
  return o ? { number: o.number, invoiceDate: o.invoiceDate } : inv.originalNumber ? { number: inv.originalNumber } : undefined;
}

/**
 * originalOf for a slice that read Invoices from a mark: an original above the rows read (a credit
 * note for an invoice of an earlier month) is found by one read of the Invoice ID column and one of
 * its row.
 */
function originals(ports: Ports, v: DeliveryView): (inv: Invoice) => ReturnType<typeof originalOf> {
  let ids: Cell[] | undefined | null = null;
  const found = new Map<string, Invoice | undefined>();
  return (inv) => {
    const id = inv.originalInvoiceId;
    if (!v.tail || !id || v.ds.invoices.some((r) => r.record.invoiceId === id)) return originalOf(v.ds, inv);
    if (!found.has(id)) {
      if (ids === null) ids = ports.tables.readColumn('Invoices', 'invoiceId');
      const at = ids?.findIndex((c) => !isBlank(c) && String(c).trim() === id) ?? -1;
      const raw = at >= 0 ? ports.tables.readFrom('Invoices', at + 2, at + 2) : undefined;
      found.set(id, raw ? parseTable<Invoice>('Invoices', raw, v.ds.ctx).rows[0]?.record : undefined);
    }
    const o = found.get(id);
    return o ? { number: o.number, invoiceDate: o.invoiceDate } : originalOf(v.ds, inv);
  };
}

/** An invoice's row, by internal id or number (core/invoiceRef.ts: a number two tenants share is refused). */
export function findInvoice(ds: Dataset, idOrNumber: string): ParsedRow<Invoice> {
  return byInvoiceRef(ds.invoices, idOrNumber, (r) => r.record);
}

const find = (ds: Dataset, idOrNumber: string): Invoice => findInvoice(ds, idOrNumber).record;

/** Whether a call has used up its time budget (never, without one). */
function budget(ports: Ports, ms: number | undefined): () => boolean {
  const start = ports.clock.now().getTime();
  return () => ms !== undefined && ports.clock.now().getTime() - start > ms;
}

/** Apps Script says this when a daily quota (documents, email recipients) is used up. */
const DAILY_QUOTA = /too many times for one day/i;

export interface DocumentsReport {
  rendered: { invoiceId: string; number: string; docUrl: string; pdfUrl: string; xmlUrl?: string }[];
  failed: { invoiceId: string; number?: string; reason: string }[];
  /** Invoices still without documents (time budget or daily quota): call again, or the trigger does. */
  remaining: number;
  quotaExhausted: boolean;
}

/**
 * Documents for finalized invoices that have none yet, and for the named ones whose PDF was deleted
 * (made again from the ledger). Links go to the ledger in one write per call, also when a document fails.
 */
export function renderDocuments(ports: Ports, docs: DocumentsPort, req: { invoiceIds?: string[]; budgetMs?: number } = {}): DocumentsReport {
  return ports.lock.withLock(() => {
    const v = deliveryView(ports, req.invoiceIds?.length ? undefined : 'documents');
    assertAdmin(ports, v.ds, 'create invoice documents');
    return renderIn(ports, v, docs, req.invoiceIds, budget(ports, req.budgetMs));
  }, 'creating invoice documents');
}

/** `max`: at most this many documents (the rest counts as remaining); `skip`: not these (failed earlier in the slice). */
function renderIn(ports: Ports, v: DeliveryView, docs: DocumentsPort, ids: string[] | undefined, over: () => boolean, o: { max?: number; skip?: Set<string> } = {}): DocumentsReport {
  const ds = v.ds;
  const max = o.max ?? Infinity;
  const finals = (ids?.length ? ids.map((id) => find(ds, id)) : ds.invoices.map((r) => r.record)).filter((i) => i.status !== 'Draft' && i.number && !o.skip?.has(i.invoiceId));
  // A named invoice is checked in Drive (deleted PDF made again); the bulk pass trusts the ledger's links.
  const todo = finals.filter((i) => !i.pdfUrl || (ids?.length && !docs.exists(i.pdfUrl)));
  const report: DocumentsReport = { rendered: [], failed: [], remaining: 0, quotaExhausted: false };
  const original = originals(ports, v);
  const rows = rowOfInvoice(ds);
  const contacts = contactsByAccount(ds.contacts);
  try {
    for (const [n, inv] of todo.entries()) {
      if (over() || n >= max) {
        report.remaining = todo.length - n;
        break;
      }
      try {
        const tenant = ds.tenantById.get(inv.tenantId)!;
        const account = ds.accounts.get(inv.accountId);
        const doc = docOf(ds, inv);
        // The e-invoice first: data it lacks (named by sheet and column) stops this invoice before any file is made.
        const xml = eInvoice(doc, { tenant, account, contacts: contacts.get(inv.accountId) ?? [], original: original(inv) });
        const name = documentName(inv);
        const r = docs.render(documentText(doc, tenant, account), tenant, name, inv.invoiceDate!);
        const xmlUrl = xml ? docs.saveXml(xml.xml, tenant, name, inv.invoiceDate!) : undefined;
        report.rendered.push({ invoiceId: inv.invoiceId, number: inv.number!, ...r, ...(xmlUrl ? { xmlUrl } : {}) });
      } catch (e) {
        const reason = (e as Error).message;
        if (DAILY_QUOTA.test(reason)) {
          report.quotaExhausted = true;
          report.remaining = todo.length - n;
          break;
        }
        report.failed.push({ invoiceId: inv.invoiceId, number: inv.number, reason });
      }
    }
  } finally {
    logInvoices(
      ports,
      report.failed.map((f) => ({ inv: find(ds, f.invoiceId), action: 'document failed', details: f.reason })),
    );
    if (report.rendered.length) {
      const links = (r: DocumentsReport['rendered'][number]) => ({ docUrl: r.docUrl, pdfUrl: r.pdfUrl, xmlUrl: r.xmlUrl ?? '' });
      ports.tables.apply('Invoices', { update: report.rendered.map((r) => ({ row: rows.get(r.invoiceId)!, values: links(r) })) });
      // The records too: sending in the same call attaches these files.
      for (const r of report.rendered) Object.assign(find(ds, r.invoiceId), { docUrl: r.docUrl, pdfUrl: r.pdfUrl, xmlUrl: r.xmlUrl });
    }
  }
  return report;
}

/** A draft's preview PDF with the DRAFT mark; anyone may preview, nothing is recorded. */
export function previewDraft(ports: Ports, docs: DocumentsPort, invoiceId: string): { invoiceId: string; url: string } {
  const ds = readDataset(ports, TABLES);
  const inv = find(ds, invoiceId);
  const tenant = ds.tenantById.get(inv.tenantId)!;
  const url = docs.preview(documentText(docOf(ds, inv), tenant, ds.accounts.get(inv.accountId), inv.status === 'Draft'), tenant, `${inv.status === 'Draft' ? 'DRAFT ' : ''}${documentName(inv)}`);
  return { invoiceId: inv.invoiceId, url };
}

export interface MailReport {
  /** Documents made on the way (invoices to send need their PDF). */
  rendered: number;
  sent: { invoiceId: string; number: string; to: string[] }[];
  failed: { invoiceId: string; number?: string; reason: string }[];
  uncertain: { invoiceId: string; number: string }[];
  /** Left for later: the mail quota is used up for today, or the time budget ran out. */
  queued: number;
  quotaLeft: number;
  /** False: the time budget ran out with work left; call again. */
  done: boolean;
}

/** Invoices marked "sending" per written batch: a crash can leave at most this many uncertain. */
export const BATCH = 10;

export interface SendRequest {
  /** Only these invoices (id or number); with `resend` also when sent or uncertain before. */
  invoiceIds?: string[];
  resend?: boolean;
  /** Only invoices waiting in the queue (the trigger: never mail what a user chose not to send). */
  queuedOnly?: boolean;
  budgetMs?: number;
}

/**
 * Emails finalized invoices not sent yet (or the named ones), making missing documents first. Each
 * email needs as much quota as it has recipients; what does not fit today stays queued.
 */
export function sendInvoices(ports: Ports, docs: DocumentsPort, mail: MailPort, req: SendRequest = {}): MailReport {
  return ports.lock.withLock(() => {
    // Without names: the queue (the trigger) is the documents mark's work, everything unsent the mail mark's.
    const v = deliveryView(ports, req.invoiceIds?.length ? undefined : req.queuedOnly ? 'documents' : 'mail');
    assertAdmin(ports, v.ds, 'send invoices');
    return sendIn(ports, v, docs, mail, req, budget(ports, req.budgetMs));
  }, 'sending invoices');
}

/** `makeDocs: false`: invoices still without documents wait (queued) instead of having them made first. */
function sendIn(ports: Ports, v: DeliveryView, docs: DocumentsPort, mail: MailPort, req: SendRequest, over: () => boolean, makeDocs = true): MailReport {
  const ds = v.ds;
  const { due, uncertain } = chooseDeliveries(ds, req.invoiceIds, req.resend, req.queuedOnly);
  const report: MailReport = { rendered: 0, sent: [], failed: [], uncertain: uncertain.map((i) => ({ invoiceId: i.invoiceId, number: i.number! })), queued: 0, quotaLeft: 0, done: true };
  const needDocs = makeDocs ? due.filter((i) => !i.pdfUrl || (req.invoiceIds?.length && !docs.exists(i.pdfUrl))) : [];
  if (needDocs.length) {
    const r = renderIn(
      ports,
      v,
      docs,
      needDocs.map((i) => i.invoiceId),
      over,
    );
    report.rendered = r.rendered.length;
    report.failed.push(...r.failed.map((f) => ({ ...f, reason: `no document: ${f.reason}` })));
  }
  const rows = rowOfInvoice(ds);
  // A row leaving a mark's finished rows (queued, sending, a resend) brings the mark down first;
  // the records follow the sheet, so that a later call in this slice sees what was written.
  const mark = (list: { inv: Invoice; values: Record<string, string> }[]) => {
    lowerMarks(
      ports,
      () => v,
      list.map(({ inv, values }) => ({ row: rows.get(inv.invoiceId)!, invoice: { ...inv, ...values } as Invoice })),
    );
    markInvoices(ports, rows, list);
    for (const { inv, values } of list) Object.assign(inv, values);
  };

  const ready: { inv: Invoice; m: InvoiceMail }[] = [];
  const unsendable: { inv: Invoice; values: Record<string, string> }[] = [];
  const logs: { inv: Invoice; action: string; details: string }[] = [];
  const contacts = contactsByAccount(ds.contacts);
  const where = mailRowsOf(ports, ds);
  const docFailed = new Set(report.failed.map((f) => f.invoiceId));
  for (const inv of due) {
    // Out of the queue with a Log row, so the trigger does not retry it every hour unseen.
    if (docFailed.has(inv.invoiceId)) unsendable.push({ inv, values: { delivery: 'failed' } });
    if (!inv.pdfUrl) continue; // its document failed (above) or waits for time or quota (queued below)
    try {
      ready.push({ inv, m: invoiceMail(inv, ds.tenantById.get(inv.tenantId)!, contacts.get(inv.accountId) ?? [], where(inv)) });
    } catch (e) {
      const reason = (e as Error).message;
      report.failed.push({ invoiceId: inv.invoiceId, number: inv.number, reason });
      unsendable.push({ inv, values: { delivery: 'failed' } });
      logs.push({ inv, action: 'send failed', details: reason });
    }
  }
  mark(unsendable);
  const pending = [...ready];
  const recipients = (m: InvoiceMail) => m.to.length + m.cc.length + m.bcc.length;
  let quota = mail.remainingQuota();
  const queuedNow = new Set<string>();
  while (pending.length && quota > 0 && !over()) {
    const batch: typeof ready = [];
    for (let q = quota, i = 0; i < pending.length && batch.length < BATCH && recipients(pending[i].m) <= q; i++) {
      q -= recipients(pending[i].m);
      batch.push(pending[i]);
    }
    if (!batch.length) break; // the next email has more recipients than today's quota has left
    mark(batch.map(({ inv }) => ({ inv, values: { delivery: 'sending' } })));
    const outcome: { inv: Invoice; values: Record<string, string> }[] = [];
    for (const { inv, m } of batch) {
      if (quota <= 0 || over()) {
        // Not tried: back in the queue, certainly not sent.
        outcome.push({ inv, values: { delivery: 'queued' } });
        queuedNow.add(inv.invoiceId);
        continue;
      }
      try {
        mail.send(m, [inv.pdfUrl!, ...(inv.xmlUrl ? [inv.xmlUrl] : [])]);
        quota -= recipients(m);
        const to = recipientsText(m);
        outcome.push({ inv, values: { delivery: 'sent', sentAt: ports.clock.now().toISOString(), sentTo: to } });
        logs.push({ inv, action: 'send', details: `email to ${to}` });
        report.sent.push({ invoiceId: inv.invoiceId, number: inv.number!, to: m.to });
        pending.splice(
          pending.findIndex((p) => p.inv === inv),
          1,
        );
      } catch (e) {
        const reason = (e as Error).message;
        if (DAILY_QUOTA.test(reason)) {
          // The quota refused it: nothing went out; it waits for tomorrow like the rest.
          quota = 0;
          outcome.push({ inv, values: { delivery: 'queued' } });
          queuedNow.add(inv.invoiceId);
        } else {
          outcome.push({ inv, values: { delivery: 'failed' } });
          logs.push({ inv, action: 'send failed', details: reason });
          report.failed.push({ invoiceId: inv.invoiceId, number: inv.number, reason });
          pending.splice(
            pending.findIndex((p) => p.inv === inv),
            1,
          );
        }
      }
    }
    mark(outcome);
  }
  // What is left (also what waits for its document) is marked queued: the hourly trigger sends it.
  const docsWaiting = due.filter((i) => !i.pdfUrl && !docFailed.has(i.invoiceId));
  const left = [...pending.map((p) => p.inv), ...docsWaiting];
  mark(left.filter((inv) => inv.delivery !== 'queued' && !queuedNow.has(inv.invoiceId)).map((inv) => ({ inv, values: { delivery: 'queued' } })));
  logInvoices(ports, logs);
  report.queued = left.length;
  report.quotaLeft = Math.max(0, quota);
  // More to do now only if time, not a quota, stopped us.
  report.done = report.queued === 0 || quota <= 0 || !over();
  return report;
}

/** Documents made per turn of the trigger's slice before the mail that is ready goes out (~5 s each in Apps Script). */
export const DOCUMENT_BATCH = 10;

export interface DeliverySliceReport {
  rendered: number;
  sent: number;
  failed: { invoiceId: string; number?: string; reason: string }[];
  /** Invoices still without documents, and waiting in the mail queue, when the slice ended. */
  documents: number;
  queued: number;
}

/**
 * The hourly trigger's delivery: documents and the mail queue in turns within the time budget, a
 * batch of documents, then the queued invoices that have theirs, and so on. The day's mail quota is
 * used while documents are still being made, instead of after the last of them. Returns at once
 * (reading only Settings and Invoices from the documents mark) when nothing waits.
 */
export function deliverySlice(ports: Ports, docs: DocumentsPort, mail: MailPort, req: { budgetMs?: number } = {}): DeliverySliceReport {
  return ports.lock.withLock(() => {
    const over = budget(ports, req.budgetMs);
    const pending = pendingDelivery(readDeliveryView(ports, 'documents', ['Settings'], { lines: false }).ds);
    const report: DeliverySliceReport = { rendered: 0, sent: 0, failed: [], ...pending };
    if (!pending.documents && !pending.queued) return report;
    const v = deliveryView(ports, 'documents');
    assertAdmin(ports, v.ds, 'create invoice documents and send invoices');
    let documents = pending.documents > 0;
    const failed = new Set<string>();
    for (;;) {
      if (pendingDelivery(v.ds).queued) {
        const s = sendIn(ports, v, docs, mail, { queuedOnly: true }, over, false);
        report.sent += s.sent.length;
        report.failed.push(...s.failed);
      }
      if (!documents || over()) break;
      const r = renderIn(ports, v, docs, undefined, over, { max: DOCUMENT_BATCH, skip: failed });
      report.rendered += r.rendered.length;
      report.failed.push(...r.failed);
      for (const f of r.failed) failed.add(f.invoiceId);
      // No more documents this slice: none left, the day's quota is used up, or time.
      if (!r.remaining || r.quotaExhausted || over() || !(r.rendered.length + r.failed.length)) documents = false;
    }
    Object.assign(report, pendingDelivery(v.ds));
    return report;
  }, 'creating invoice documents and sending invoices');
}

/** Marks a run's finalized invoices for sending (auto-send): the trigger sends them within the quota. */
export function queueRun(ports: Ports, runId: string): number {
  const ds = readDataset(ports, ['Settings', 'Invoices']);
  const hits = ds.invoices.filter((r) => r.record.runId === runId && r.record.status !== 'Draft' && !r.record.delivery);
  lowerMarks(
    ports,
    () => viewOf(ds, { lines: false }),
    hits.map((r) => ({ row: r.row, invoice: { ...r.record, delivery: 'queued' } })),
  );
  if (hits.length) ports.tables.apply('Invoices', { update: hits.map((r) => ({ row: r.row, values: { delivery: 'queued' } })) });
  return hits.length;
}

/** Whether the trigger has documents or mail waiting. */
export function pendingDelivery(ds: Dataset): { documents: number; queued: number } {
  const finals = ds.invoices.map((r) => r.record).filter((i) => i.status !== 'Draft' && i.number);
  return { documents: finals.filter((i) => !i.pdfUrl).length, queued: finals.filter((i) => i.delivery === 'queued').length };
}

/** After checking with the customer: record an uncertain delivery as sent (billing admins only). */
export function markSent(ports: Ports, ids: string[]): string[] {
  return ports.lock.withLock(() => {
    const ds = readDataset(ports, ['Settings', 'Invoices']);
    assertAdmin(ports, ds, 'mark invoices as sent');
    const hits = byInvoiceRefs(ds.invoices, ids, (r) => r.record);
    ports.tables.apply('Invoices', { update: hits.map((r) => ({ row: r.row, values: { delivery: 'sent', sentAt: ports.clock.now().toISOString() } })) });
    logInvoices(
      ports,
      hits.map((r) => ({ inv: r.record, action: 'marked sent', details: 'delivery confirmed by the user' })),
    );
    return hits.map((r) => r.record.number ?? r.record.invoiceId);
  }, 'marking invoices as sent');
}
