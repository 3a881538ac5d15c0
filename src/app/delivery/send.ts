// Sending finalized invoices, for both hosts. Mail cannot be transactional: invoices are marked
// "sending" in batches of BATCH (made durable by the host's commit before the batch goes out),
// mailed, then marked "sent", "failed", "queued" (the quota or the time budget ran out) or left
// "sending" (handed over, no answer). An invoice found still "sending" later is settled by what
// the host knows (Node's outbox: delivered, or never tried) or else reported as delivery
// uncertain: never resent by itself, only when named with resend, or recorded with markSent.
// Moves between states are checked against states.ts.
import { BillingError } from '../../core/errors';
import { byInvoiceRefs } from '../../core/invoiceRef';
import { contactsByAccount, invoiceMail, type InvoiceMail } from '../../core/mail';
import type { Dataset } from '../../core/dataset';
import { isIssued, type Invoice } from '../../core/model';
import type { DeliveryState, LogAction } from '../../core/schema';
import type { DocumentsPort, MailOutcome, MailPort, Ports } from '../../ports';
import { assertAdmin } from '../access';
import { runUseCase } from '../useCase';
import { lowerMarks, readDeliveryView, viewOf, type DeliveryView } from '../deliveryMarks';
import { invoiceRows } from '../workbook';
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

type Ready = { inv: Invoice; m: InvoiceMail };

const recipientCount = (m: InvoiceMail) => m.to.length + m.cc.length + m.bcc.length;

/**
 * One send call's state: each invoice's status as found (`before`) and as marked in this call
 * (`status`), the report, and the Log rows not written yet. Every mark goes through `mark`.
 */
class SendCall<A extends boolean> {
  readonly report: MailReport = { rendered: 0, sent: [], failed: [], uncertain: [], queued: 0, quotaLeft: 0, done: true };
  readonly before = new Map<Invoice, DeliveryStatus>();
  private readonly status = new Map<Invoice, DeliveryStatus>();
  private readonly rowOf: (invoiceId: string) => number;
  private logs: LogEntry[] = [];
  private dirty = false;
  /** Why nothing more may be handed to the mail host in this call (unreachable, or a broken connection). */
  stop: string | undefined;

  constructor(
    private readonly ports: Ports,
    private readonly v: DeliveryView,
    private readonly mail: MailPort<A>,
  ) {
    this.rowOf = invoiceRows(v.ds);
  }

  now = () => this.ports.clock.now().toISOString();

  log(inv: Invoice, action: LogAction, details: string) {
    this.logs.push({ inv, action, details });
  }

  /** Writes marks; a row leaving a mark's finished rows brings the mark down first. The records follow the sheet. */
  mark(list: Mark[]) {
    if (!list.length) return;
    for (const { inv, values } of list) checkMove(inv, this.status.get(inv) ?? statusAtStart(inv), values.delivery as DeliveryState);
    lowerMarks(
      this.ports,
      () => this.v,
      list.map(({ inv, values }) => ({ row: this.rowOf(inv.invoiceId), invoice: { ...inv, ...values } as Invoice })),
    );
    markInvoices(this.ports, this.rowOf, list);
    for (const { inv, values } of list) {
      Object.assign(inv, values);
      this.status.set(inv, values.delivery as DeliveryStatus);
    }
    this.dirty = true;
  }

  /** Not sent: reported and logged; "failed", or what an explicit resend found (sent, uncertain). */
  fail(inv: Invoice, reason: string): Mark {
    this.report.failed.push({ invoiceId: inv.invoiceId, number: inv.number, reason });
    this.log(inv, 'send failed', reason);
    return { inv, values: { delivery: notSent(this.before.get(inv) ?? statusAtStart(inv)) } };
  }

  /** Makes the marks and Log rows so far durable (a host that saves: Node's workbook). */
  *commit(): Io<void> {
    const commit = this.mail.commit?.bind(this.mail);
    if (!commit) return;
    logInvoices(this.ports, this.logs);
    this.logs = [];
    this.dirty = false;
    yield* io(() => commit());
  }

  /** The end of the call: what is unsaved is saved (Node), or the Log rows are written (Apps Script). */
  *close(): Io<void> {
    if (!this.mail.commit) logInvoices(this.ports, this.logs);
    else if (this.dirty || this.logs.length) yield* this.commit();
  }

  /** Treats an invoice found "sending" as queued: the host knows its mail never went out. */
  retry(inv: Invoice) {
    this.before.set(inv, 'queued');
    this.status.set(inv, 'queued');
  }
}

/**
 * Invoices left "sending" by an interrupted call, settled by what the host knows: never tried (sent
 * again now), delivered (recorded as sent, not mailed again), or else reported as uncertain.
 */
function settleInterrupted<A extends boolean>(call: SendCall<A>, mail: MailPort<A>, uncertain: Invoice[]): Invoice[] {
  const retry: Invoice[] = [];
  const recovered: Mark[] = [];
  for (const inv of uncertain) {
    const e = mail.evidence?.(inv);
    if (e === 'never tried') {
      retry.push(inv);
      call.retry(inv);
    } else if (e && 'delivered' in e) {
      const d = e.delivered;
      recovered.push({ inv, values: { delivery: 'sent', sentAt: d.date ?? call.now(), sentTo: d.recipients } });
      call.log(inv, 'send', `recorded after an interrupted send: ${d.file} was delivered (no new mail)`);
      call.report.sent.push({ invoiceId: inv.invoiceId, number: issuedNumber(inv), to: d.to, file: d.file, recovered: true });
    } else {
      call.report.uncertain.push({ invoiceId: inv.invoiceId, number: issuedNumber(inv), ...(e && 'inFlight' in e ? { file: e.inFlight } : {}) });
    }
  }
  call.mark(recovered);
  return retry;
}

/** The mails of the invoices that have their documents; an invoice whose mail cannot be made fails. */
function mailsOf<A extends boolean>(call: SendCall<A>, ports: Ports, ds: Dataset, mail: MailPort<A>, due: Invoice[], docFailed: Set<string>): Ready[] {
  const ready: Ready[] = [];
  const unsendable: Mark[] = [];
  const contacts = contactsByAccount(ds.contacts);
  const where = mailRowsOf(ports, ds);
  for (const inv of due) {
    // Out of the queue (its document failure is logged), so the trigger does not retry it every hour unseen.
    if (docFailed.has(inv.invoiceId)) unsendable.push({ inv, values: { delivery: notSent(call.before.get(inv) ?? statusAtStart(inv)) } });
    if (!inv.pdfUrl || docFailed.has(inv.invoiceId)) continue; // its document failed (above) or waits for time or quota (queued later)
    try {
      const tenant = ds.tenantById.get(inv.tenantId);
      if (!tenant) throw new BillingError(`company ${inv.tenantId} is not in Settings`, { ref: inv.invoiceId });
      const m = invoiceMail(inv, tenant, contacts.get(inv.accountId) ?? [], where(inv));
      if (mail.sendsFromSettings && !m.from.address) {
        const row = where(inv).settings;
        throw new BillingError(`Settings${row ? ` row ${row}` : ''} (${inv.tenantId}), column Email is empty: invoice emails are sent from this address`);
      }
      ready.push({ inv, m });
    } catch (e) {
      unsendable.push(call.fail(inv, (e as Error).message));
    }
  }
  call.mark(unsendable);
  return ready;
}

/** The next batch: up to BATCH mails, in order, as far as today's quota reaches (recipients count). */
function nextBatch(pending: Ready[], quota: number): Ready[] {
  const batch: Ready[] = [];
  for (let q = quota, i = 0; i < pending.length && batch.length < BATCH && recipientCount(pending[i].m) <= q; i++) {
    q -= recipientCount(pending[i].m);
    batch.push(pending[i]);
  }
  return batch;
}

/**
 * Hands the mails to the host in batches, each marked "sending" (and made durable) before it goes
 * out. Stops when all went, today's quota is used up, or time is up (after the first mail: every
 * call gets at least one mail out, so a caller calling again always gets further). Returns what is
 * left, what went back to the queue in this call, and the quota left.
 */
function* sendBatches<A extends boolean>(
  call: SendCall<A>,
  docs: DocumentsPort<A>,
  mail: MailPort<A>,
  ready: Ready[],
  o: { over: () => boolean; progress?: SendRequest['progress'] },
): Io<{ pending: Ready[]; requeued: Set<string>; quota: number }> {
  const pending = [...ready];
  const drop = (inv: Invoice) =>
    pending.splice(
      pending.findIndex((p) => p.inv === inv),
      1,
    );
  const requeued = new Set<string>();
  let quota = mail.remainingQuota();
  let tried = 0;
  const timeUp = () => tried > 0 && o.over();
  while (pending.length && quota > 0 && !timeUp()) {
    if (call.stop) {
      // Never handed to the server: certainly not sent.
      call.mark(pending.splice(0).map(({ inv }) => call.fail(inv, `not sent: ${call.stop}`)));
      break;
    }
    const batch = nextBatch(pending, quota);
    if (!batch.length) break; // the next email has more recipients than today's quota has left
    call.mark(batch.map(({ inv }) => ({ inv, values: { delivery: 'sending' } })));
    // The batch's "sending" marks are durable (with the previous batch's results) before any of it goes out.
    yield* call.commit();
    const outcome: Mark[] = [];
    for (const { inv, m } of batch) {
      if (call.stop || quota <= 0 || timeUp()) {
        // Not tried: certainly not sent; failed when the host cannot be reached, else back in the queue.
        if (call.stop) {
          outcome.push(call.fail(inv, `not sent: ${call.stop}`));
          drop(inv);
        } else {
          outcome.push({ inv, values: { delivery: 'queued' } });
          requeued.add(inv.invoiceId);
        }
        continue;
      }
      const r = yield* sendOne(mail, docs, inv, m);
      tried++;
      o.progress?.(tried, ready.length);
      const settled = settle(call, inv, m, r);
      outcome.push(...settled.marks);
      if (r.outcome === 'deferred') {
        quota = 0;
        requeued.add(inv.invoiceId);
      } else drop(inv);
      if (r.outcome === 'sent') quota -= recipientCount(m);
    }
    call.mark(outcome);
  }
  return { pending, requeued, quota };
}

/** One mail handed to the host; a thrown error is the host's refusal (a used-up quota: deferred). */
function* sendOne<A extends boolean>(mail: MailPort<A>, docs: DocumentsPort<A>, inv: Invoice, m: InvoiceMail): Io<MailOutcome> {
  try {
    return (yield* io(() => mail.send(m, attachmentsOf(inv, docs), inv))) ?? { outcome: 'sent' };
  } catch (e) {
    const reason = (e as Error).message;
    return DAILY_QUOTA.test(reason) ? { outcome: 'deferred', reason } : { outcome: 'failed', reason };
  }
}

/** What one mail's outcome means for its invoice: its mark, its Log row and report entry. */
function settle<A extends boolean>(call: SendCall<A>, inv: Invoice, m: InvoiceMail, r: MailOutcome): { marks: Mark[] } {
  if (r.outcome === 'sent') {
    const to = recipientsText(m);
    call.log(inv, 'send', `${r.via ?? 'email'} to ${to}${r.note ? `; ${r.note}` : ''}`);
    call.report.sent.push({ invoiceId: inv.invoiceId, number: issuedNumber(inv), to: m.to, ...(r.file ? { file: r.file } : {}) });
    return { marks: [{ inv, values: { delivery: 'sent', sentAt: call.now(), sentTo: to } }] };
  }
  // The quota (or the server, for now) refused it: nothing went out; it waits like the rest.
  if (r.outcome === 'deferred') return { marks: [{ inv, values: { delivery: 'queued' } }] };
  if (r.outcome === 'failed') return { marks: [call.fail(inv, r.reason)] };
  // Stays "sending": the next call reports it as uncertain, as after a crash. Nothing more is tried now.
  call.log(inv, 'send uncertain', r.reason);
  call.report.uncertain.push({ invoiceId: inv.invoiceId, number: issuedNumber(inv), ...(r.file ? { file: r.file } : {}), reason: r.reason });
  call.stop = `the ${r.via ?? 'mail'} connection broke while ${inv.number} was being sent (${r.reason})`;
  return { marks: [] };
}

/** A finalized invoice's number (chooseDeliveries takes issued invoices only; the id is never needed). */
const issuedNumber = (inv: Invoice): string => (isIssued(inv) ? inv.number : inv.invoiceId);

/**
 * Emails finalized invoices not sent yet (or the named ones). `makeDocs: false`: invoices still
 * without documents wait (queued) instead of having them made first (the trigger's slice).
 */
export function* sendFlow<A extends boolean>(ports: Ports, v: DeliveryView, docs: DocumentsPort<A>, mail: MailPort<A>, req: SendRequest, over: () => boolean, makeDocs = true): Io<MailReport> {
  const ds = v.ds;
  const named = !!req.invoiceIds?.length;
  const call = new SendCall(ports, v, mail);
  const { report } = call;
  const choice = chooseDeliveries(ds, req);
  const retry = settleInterrupted(call, mail, choice.uncertain);
  const dueIds = new Set([...choice.due, ...retry].map((i) => i.invoiceId));
  const due = ds.invoices.map((r) => r.record).filter((i) => dueIds.has(i.invoiceId));
  for (const inv of due) if (!call.before.has(inv)) call.before.set(inv, statusAtStart(inv));

  const needDocs = makeDocs ? due.filter((i) => needsDocuments(i, docs, named)) : [];
  if (needDocs.length) {
    const ids = needDocs.map((i) => i.invoiceId);
    const r = yield* documentsFlow(ports, v, docs, ids, over);
    report.rendered = r.rendered.length;
    report.failed.push(...r.failed.map((f) => ({ ...f, reason: `no document: ${f.reason}` })));
  }
  const docFailed = new Set(report.failed.map((f) => f.invoiceId));
  const ready = mailsOf(call, ports, ds, mail, due, docFailed);
  // A transport that cannot be reached fails every mail before any is marked "sending".
  const open = mail.open?.bind(mail);
  call.stop = ready.length && open ? yield* io(() => open()) : undefined;
  const sent = yield* sendBatches(call, docs, mail, ready, { over, progress: req.progress });

  // What is left (also what waits for its document) is marked queued: the hourly trigger or the next call sends it.
  const docsWaiting = due.filter((i) => !i.pdfUrl && !docFailed.has(i.invoiceId));
  const left = [...sent.pending.map((p) => p.inv), ...docsWaiting];
  call.mark(left.filter((inv) => inv.delivery !== 'queued' && !sent.requeued.has(inv.invoiceId)).map((inv) => ({ inv, values: { delivery: 'queued' } })));
  yield* call.close();
  report.queued = left.length;
  report.quotaLeft = Math.max(0, sent.quota);
  // More to do now only if time, not a quota, stopped us.
  report.done = report.queued === 0 || sent.quota <= 0 || !over();
  return report;
}

/** Which invoices a send call reads: named → whole sheets; the queue (the trigger) → the documents mark's work; else the mail mark's. */
const markOf = (req: SendRequest) => (req.invoiceIds?.length ? undefined : req.queuedOnly ? 'documents' : 'mail');

/**
 * Emails finalized invoices not sent yet (or the named ones), making missing documents first. Each
 * email needs as much quota as it has recipients; what does not fit today stays queued.
 */
export function sendInvoices(ports: Ports, docs: DocumentsPort, mail: MailPort, req: SendRequest = {}): MailReport {
  return runUseCase(ports, {
    action: 'send invoices',
    reads: (p) => deliveryView(p, docs, markOf(req)),
    work: ({ read }) => runSync(sendFlow(ports, read, docs, mail, req, budget(ports, req.budgetMs))),
  });
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
  return runUseCase(ports, {
    action: 'create invoice documents and send invoices',
    // Settings and Invoices from the documents mark first: quick when nothing waits.
    reads: (p) => readDeliveryView(p, 'documents', ['Settings'], { lines: false }),
    work: ({ ds }) => {
      const over = budget(ports, req.budgetMs);
      const pending = pendingDelivery(ds);
      const report: DeliverySliceReport = { rendered: 0, sent: 0, failed: [], ...pending };
      if (!pending.documents && !pending.queued) return report;
      return runSync(sliceFlow(ports, deliveryView(ports, docs, 'documents'), docs, mail, over, report));
    },
  });
}

/** Marks a run's finalized invoices for sending (auto-send): the trigger sends them within the quota. */
export function queueRun(ports: Ports, runId: string): number {
  return runUseCase(ports, {
    action: 'queue invoices for sending',
    reads: ['Settings', 'Invoices'],
    work: ({ ds }) => {
      const hits = ds.invoices.filter((r) => r.record.runId === runId && r.record.status !== 'Draft' && !r.record.delivery);
      for (const r of hits) checkMove(r.record, 'none', 'queued');
      lowerMarks(
        ports,
        () => viewOf(ds, { lines: false }),
        hits.map((r) => ({ row: r.row, invoice: { ...r.record, delivery: 'queued' } })),
      );
      if (hits.length) ports.tables.apply('Invoices', { update: hits.map((r) => ({ row: r.row, values: { delivery: 'queued' } })) });
      return hits.length;
    },
  });
}

/** After checking with the customer: record an uncertain delivery as sent (billing admins only). */
export function markSent(ports: Ports, ids: string[]): string[] {
  return runUseCase(ports, {
    action: 'mark invoices as sent',
    reads: ['Settings', 'Invoices'],
    work: ({ ds, log }) => {
      const hits = byInvoiceRefs(ds.invoices, ids, (r) => r.record);
      for (const r of hits) checkMove(r.record, statusAtStart(r.record), 'sent');
      ports.tables.apply('Invoices', { update: hits.map((r) => ({ row: r.row, values: { delivery: 'sent', sentAt: ports.clock.now().toISOString() } })) });
      for (const r of hits) log({ action: 'marked sent', invoiceId: r.record.invoiceId, number: r.record.number, details: 'delivery confirmed by the user' });
      return hits.map((r) => r.record.number ?? r.record.invoiceId);
    },
  });
}
