// Sending finalized invoices, for both hosts. Mail cannot be transactional: invoices are marked
// "sending" in batches of BATCH (made durable by the host's commit before the batch goes out),
// mailed, then marked "sent", "failed", "queued" (the quota or the time budget ran out) or left
// "sending" (handed over, no answer). An invoice found still "sending" later is settled by what
// the host knows (Node's outbox: delivered, or never tried) or else reported as delivery
// uncertain: never resent by itself, only when named with resend, or recorded with markSent.
// Moves between states are checked against states.ts.
import type { Dataset } from '../../core/dataset';
import { BillingError } from '../../core/errors';
import { byInvoiceRefs } from '../../core/invoiceRef';
import { contactsByAccount, invoiceMail, type InvoiceMail } from '../../core/mail';
import type { Invoice } from '../../core/model';
import type { DeliveryState } from '../../core/schema';
import type { DocumentsPort, MailOutcome, MailPort, Ports } from '../../ports';
import { assertAdmin } from '../access';
import { lowerMarks, readDeliveryView, viewOf, type DeliveryView } from '../deliveryMarks';
import { readDataset, rowOfInvoice } from '../workbook';
import { DAILY_QUOTA, attachmentsOf, budget, chooseDeliveries, deliveryView, logInvoices, mailRowsOf, markInvoices, needsDocuments, pendingDelivery, recipientsText, type LogEntry } from './choose';
import { documentsFlow } from './documents';
import { io, runAsync, runSync, type Io } from './io';
import { checkMove, notSent, statusAtStart, type DeliveryStatus } from './states';

export interface MailReport {
  /** Documents made on the way (invoices to send need their PDF). */
  rendered: number;
  /** `file`: the host's copy of the mail; `recovered`: delivered by an interrupted call (the host's record says so), recorded now, not mailed again. */
  sent: { invoiceId: string; number: string; to: string[]; file?: string; recovered?: boolean }[];
  failed: { invoiceId: string; number?: string; reason: string }[];
  /** Handed over without an answer (now, or by an interrupted call): check, then resend by name or mark as sent. */
  uncertain: { invoiceId: string; number: string; file?: string; reason?: string }[];
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
  /** Called after each mail handed to the host: (done, of). */
  progress?: (done: number, total: number) => void;
}

type Mark = { inv: Invoice; values: Record<string, string> };

/**
 * Emails finalized invoices not sent yet (or the named ones). `makeDocs: false`: invoices still
 * without documents wait (queued) instead of having them made first (the trigger's slice).
 */
export function* sendFlow<A extends boolean>(ports: Ports, v: DeliveryView, docs: DocumentsPort<A>, mail: MailPort<A>, req: SendRequest, over: () => boolean, makeDocs = true): Io<MailReport> {
  const ds = v.ds;
  const named = !!req.invoiceIds?.length;
  const choice = chooseDeliveries(ds, req.invoiceIds, req.resend, req.queuedOnly);
  const report: MailReport = { rendered: 0, sent: [], failed: [], uncertain: [], queued: 0, quotaLeft: 0, done: true };
  const rows = rowOfInvoice(ds);
  const now = () => ports.clock.now().toISOString();
  // Each invoice's status as found (`before`) and as marked in this call (`status`).
  const before = new Map<Invoice, DeliveryStatus>();
  const status = new Map<Invoice, DeliveryStatus>();
  let logs: LogEntry[] = [];
  let dirty = false;
  // A row leaving a mark's finished rows (queued, sending, a resend) brings the mark down first;
  // the records follow the sheet, so that a later call in this slice sees what was written.
  const mark = (list: Mark[]) => {
    if (!list.length) return;
    for (const { inv, values } of list) checkMove(inv, status.get(inv) ?? statusAtStart(inv), values.delivery as DeliveryState);
    lowerMarks(
      ports,
      () => v,
      list.map(({ inv, values }) => ({ row: rows.get(inv.invoiceId)!, invoice: { ...inv, ...values } as Invoice })),
    );
    markInvoices(ports, rows, list);
    for (const { inv, values } of list) {
      Object.assign(inv, values);
      status.set(inv, values.delivery as DeliveryStatus);
    }
    dirty = true;
  };
  /** Not sent: reported and logged; "failed", or what an explicit resend found (sent, uncertain). */
  const fail = (inv: Invoice, reason: string): Mark => {
    report.failed.push({ invoiceId: inv.invoiceId, number: inv.number, reason });
    logs.push({ inv, action: 'send failed', details: reason });
    return { inv, values: { delivery: notSent(before.get(inv) ?? statusAtStart(inv)) } };
  };
  const commit = function* () {
    if (!mail.commit) return;
    logInvoices(ports, logs);
    logs = [];
    dirty = false;
    yield* io(() => mail.commit!());
  };

  // Left "sending" by an interrupted call: what does the host know?
  const retry = new Set<Invoice>();
  const recovered: Mark[] = [];
  for (const inv of choice.uncertain) {
    const e = mail.evidence?.(inv);
    if (e === 'never tried') {
      retry.add(inv);
      before.set(inv, 'queued');
      status.set(inv, 'queued');
    } else if (e && 'delivered' in e) {
      const d = e.delivered;
      recovered.push({ inv, values: { delivery: 'sent', sentAt: d.date ?? now(), sentTo: d.recipients } });
      logs.push({ inv, action: 'send', details: `recorded after an interrupted send: ${d.file} was delivered (no new mail)` });
      report.sent.push({ invoiceId: inv.invoiceId, number: inv.number!, to: d.to, file: d.file, recovered: true });
    } else {
      report.uncertain.push({ invoiceId: inv.invoiceId, number: inv.number!, ...(e && 'inFlight' in e ? { file: e.inFlight } : {}) });
    }
  }
  mark(recovered);
  const dueIds = new Set([...choice.due, ...retry].map((i) => i.invoiceId));
  const due = ds.invoices.map((r) => r.record).filter((i) => dueIds.has(i.invoiceId));
  for (const inv of due) if (!before.has(inv)) before.set(inv, statusAtStart(inv));

  const needDocs = makeDocs ? due.filter((i) => needsDocuments(i, docs, named)) : [];
  if (needDocs.length) {
    const r = yield* documentsFlow(
      ports,
      v,
      docs,
      needDocs.map((i) => i.invoiceId),
      over,
    );
    report.rendered = r.rendered.length;
    report.failed.push(...r.failed.map((f) => ({ ...f, reason: `no document: ${f.reason}` })));
  }

  const ready: { inv: Invoice; m: InvoiceMail }[] = [];
  const unsendable: Mark[] = [];
  const contacts = contactsByAccount(ds.contacts);
  const where = mailRowsOf(ports, ds);
  const docFailed = new Set(report.failed.map((f) => f.invoiceId));
  for (const inv of due) {
    // Out of the queue (its document failure is logged), so the trigger does not retry it every hour unseen.
    if (docFailed.has(inv.invoiceId)) unsendable.push({ inv, values: { delivery: notSent(before.get(inv)!) } });
    if (!inv.pdfUrl || docFailed.has(inv.invoiceId)) continue; // its document failed (above) or waits for time or quota (queued below)
    try {
      const m = invoiceMail(inv, ds.tenantById.get(inv.tenantId)!, contacts.get(inv.accountId) ?? [], where(inv));
      if (mail.sendsFromSettings && !m.from.address) {
        const row = where(inv).settings;
        throw new BillingError(`Settings${row ? ` row ${row}` : ''} (${inv.tenantId}), column Email is empty: invoice emails are sent from this address`);
      }
      ready.push({ inv, m });
    } catch (e) {
      unsendable.push(fail(inv, (e as Error).message));
    }
  }
  mark(unsendable);

  // A transport that cannot be reached fails every mail before any is marked "sending".
  let stop = ready.length && mail.open ? yield* io(() => mail.open!()) : undefined;
  const pending = [...ready];
  const drop = (inv: Invoice) =>
    pending.splice(
      pending.findIndex((p) => p.inv === inv),
      1,
    );
  const recipients = (m: InvoiceMail) => m.to.length + m.cc.length + m.bcc.length;
  let quota = mail.remainingQuota();
  const queuedNow = new Set<string>();
  let tried = 0;
  while (pending.length && quota > 0 && !over()) {
    if (stop) {
      // Never handed to the server: certainly not sent.
      mark(pending.splice(0).map(({ inv }) => fail(inv, `not sent: ${stop}`)));
      break;
    }
    const batch: typeof ready = [];
    for (let q = quota, i = 0; i < pending.length && batch.length < BATCH && recipients(pending[i].m) <= q; i++) {
      q -= recipients(pending[i].m);
      batch.push(pending[i]);
    }
    if (!batch.length) break; // the next email has more recipients than today's quota has left
    mark(batch.map(({ inv }) => ({ inv, values: { delivery: 'sending' } })));
    // The batch's "sending" marks are durable (with the previous batch's results) before any of it goes out.
    yield* commit();
    const outcome: Mark[] = [];
    for (const { inv, m } of batch) {
      if (stop) {
        outcome.push(fail(inv, `not sent: ${stop}`));
        drop(inv);
        continue;
      }
      if (quota <= 0 || over()) {
        // Not tried: back in the queue, certainly not sent.
        outcome.push({ inv, values: { delivery: 'queued' } });
        queuedNow.add(inv.invoiceId);
        continue;
      }
      let r: MailOutcome;
      try {
        r = (yield* io(() => mail.send(m, attachmentsOf(inv, docs), inv))) ?? { outcome: 'sent' };
      } catch (e) {
        const reason = (e as Error).message;
        r = DAILY_QUOTA.test(reason) ? { outcome: 'deferred', reason } : { outcome: 'failed', reason };
      }
      req.progress?.(++tried, ready.length);
      if (r.outcome === 'sent') {
        quota -= recipients(m);
        const to = recipientsText(m);
        outcome.push({ inv, values: { delivery: 'sent', sentAt: now(), sentTo: to } });
        logs.push({ inv, action: 'send', details: `${r.via ?? 'email'} to ${to}${r.note ? `; ${r.note}` : ''}` });
        report.sent.push({ invoiceId: inv.invoiceId, number: inv.number!, to: m.to, ...(r.file ? { file: r.file } : {}) });
        drop(inv);
      } else if (r.outcome === 'deferred') {
        // The quota (or the server, for now) refused it: nothing went out; it waits like the rest.
        quota = 0;
        outcome.push({ inv, values: { delivery: 'queued' } });
        queuedNow.add(inv.invoiceId);
      } else if (r.outcome === 'failed') {
        outcome.push(fail(inv, r.reason));
        drop(inv);
      } else {
        // Stays "sending": the next call reports it as uncertain, as after a crash. Nothing more is tried now.
        logs.push({ inv, action: 'send uncertain', details: r.reason });
        report.uncertain.push({ invoiceId: inv.invoiceId, number: inv.number!, ...(r.file ? { file: r.file } : {}), reason: r.reason });
        stop = `the ${r.via ?? 'mail'} connection broke while ${inv.number} was being sent (${r.reason})`;
        drop(inv);
      }
    }
    mark(outcome);
  }
  // What is left (also what waits for its document) is marked queued: the hourly trigger or the next call sends it.
  const docsWaiting = due.filter((i) => !i.pdfUrl && !docFailed.has(i.invoiceId));
  const left = [...pending.map((p) => p.inv), ...docsWaiting];
  mark(left.filter((inv) => inv.delivery !== 'queued' && !queuedNow.has(inv.invoiceId)).map((inv) => ({ inv, values: { delivery: 'queued' } })));
  if (mail.commit) {
    if (dirty || logs.length) yield* commit();
  } else logInvoices(ports, logs);
  report.queued = left.length;
  report.quotaLeft = Math.max(0, quota);
  // More to do now only if time, not a quota, stopped us.
  report.done = report.queued === 0 || quota <= 0 || !over();
  return report;
}

/** Which invoices a send call reads: named → whole sheets; the queue (the trigger) → the documents mark's work; else the mail mark's. */
const markOf = (req: SendRequest) => (req.invoiceIds?.length ? undefined : req.queuedOnly ? 'documents' : 'mail');

/**
 * Emails finalized invoices not sent yet (or the named ones), making missing documents first. Each
 * email needs as much quota as it has recipients; what does not fit today stays queued.
 */
export function sendInvoices(ports: Ports, docs: DocumentsPort, mail: MailPort, req: SendRequest = {}): MailReport {
  return ports.lock.withLock(() => {
    const v = deliveryView(ports, docs, markOf(req));
    assertAdmin(ports, v.ds, 'send invoices');
    return runSync(sendFlow(ports, v, docs, mail, req, budget(ports, req.budgetMs)));
  }, 'sending invoices');
}

/** sendInvoices for an asynchronous host (Node, which holds the workbook's file lock for the whole command). */
export function sendInvoicesAsync(ports: Ports, docs: DocumentsPort<true>, mail: MailPort<true>, req: SendRequest = {}): Promise<MailReport> {
  const v = deliveryView(ports, docs, markOf(req));
  assertAdmin(ports, v.ds, 'send invoices');
  return runAsync(sendFlow(ports, v, docs, mail, req, budget(ports, req.budgetMs)));
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

function* sliceFlow<A extends boolean>(ports: Ports, v: DeliveryView, docs: DocumentsPort<A>, mail: MailPort<A>, over: () => boolean, report: DeliverySliceReport): Io<DeliverySliceReport> {
  let documents = report.documents > 0;
  const failed = new Set<string>();
  for (;;) {
    if (pendingDelivery(v.ds).queued) {
      const s = yield* sendFlow(ports, v, docs, mail, { queuedOnly: true }, over, false);
      report.sent += s.sent.length;
      report.failed.push(...s.failed);
    }
    if (!documents || over()) break;
    const r = yield* documentsFlow(ports, v, docs, undefined, over, { max: DOCUMENT_BATCH, skip: failed });
    report.rendered += r.rendered.length;
    report.failed.push(...r.failed);
    for (const f of r.failed) failed.add(f.invoiceId);
    // No more documents this slice: none left, the day's quota is used up, or time.
    if (!r.remaining || r.quotaExhausted || over() || !(r.rendered.length + r.failed.length)) documents = false;
  }
  return Object.assign(report, pendingDelivery(v.ds));
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
    const v = deliveryView(ports, docs, 'documents');
    assertAdmin(ports, v.ds, 'create invoice documents and send invoices');
    return runSync(sliceFlow(ports, v, docs, mail, over, report));
  }, 'creating invoice documents and sending invoices');
}

/** Marks a run's finalized invoices for sending (auto-send): the trigger sends them within the quota. */
export function queueRun(ports: Ports, runId: string): number {
  const ds = readDataset(ports, ['Settings', 'Invoices']);
  const hits = ds.invoices.filter((r) => r.record.runId === runId && r.record.status !== 'Draft' && !r.record.delivery);
  for (const r of hits) checkMove(r.record, 'none', 'queued');
  lowerMarks(
    ports,
    () => viewOf(ds, { lines: false }),
    hits.map((r) => ({ row: r.row, invoice: { ...r.record, delivery: 'queued' } })),
  );
  if (hits.length) ports.tables.apply('Invoices', { update: hits.map((r) => ({ row: r.row, values: { delivery: 'queued' } })) });
  return hits.length;
}

/** After checking with the customer: record an uncertain delivery as sent (billing admins only). */
export function markSent(ports: Ports, ids: string[]): string[] {
  return ports.lock.withLock(() => {
    const ds: Dataset = readDataset(ports, ['Settings', 'Invoices']);
    assertAdmin(ports, ds, 'mark invoices as sent');
    const hits = byInvoiceRefs(ds.invoices, ids, (r) => r.record);
    for (const r of hits) checkMove(r.record, statusAtStart(r.record), 'sent');
    ports.tables.apply('Invoices', { update: hits.map((r) => ({ row: r.row, values: { delivery: 'sent', sentAt: ports.clock.now().toISOString() } })) });
    logInvoices(
      ports,
      hits.map((r) => ({ inv: r.record, action: 'marked sent', details: 'delivery confirmed by the user' })),
    );
    return hits.map((r) => r.record.number ?? r.record.invoiceId);
  }, 'marking invoices as sent');
}
