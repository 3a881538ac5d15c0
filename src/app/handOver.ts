// Work handed to the hourly trigger: a user who may not do something themselves (an editor's
// invoice run; documents and mail for an admin whose account cannot reach the invoice folders)
// leaves a request in Document Properties, and the trigger, running as an admin who owns the
// documents, does it within the hour. Nothing is queued that no trigger would pick up.
import { BillingError } from '../core/errors';
import type { Dataset } from '../core/dataset';
import type { Ports } from '../ports';
import type { RunRequest } from './runInvoicing';
import { adminsOf, documentsOwner, sameUser, triggerOf } from './access';
import { chooseDeliveries } from './delivery';
import { lowerMarks, viewOf } from './deliveryMarks';
import { runUseCase } from './useCase';
import { invoiceRows, readDataset } from './workbook';

const REQUESTS = 'billing.requests';
/** Requests kept at most: a queue of asks, not a history. */
const MAX_REQUESTS = 20;

export type WorkKind = 'run' | 'documents' | 'send';
export interface WorkRequest {
  kind: WorkKind;
  by: string;
  at: string;
  run?: RunRequest;
}
/** What a user gets back when their work waits for the trigger. */
export interface Queued {
  queued: true;
  kind: WorkKind;
  message: string;
  by: string;
  triggerOwner: string;
}

export function pendingRequests(ports: Ports): WorkRequest[] {
  const raw = ports.kv.get(REQUESTS);
  return raw ? (JSON.parse(raw) as WorkRequest[]) : [];
}

const WHAT: Record<WorkKind, string> = { run: 'invoice run', documents: 'invoice documents', send: 'sending of invoices' };

/**
 * Puts work in the queue of the hourly trigger. Refused, with who can help, when no trigger would
 * ever pick it up, or when the trigger could not do it (documents: its owner must own the folders).
 */
export function requestWork(ports: Ports, kind: WorkKind, why: string, run?: RunRequest): Queued {
  return runUseCase(ports, { action: 'ask the hourly trigger for work', who: 'editor', reads: ['Settings'], work: ({ ds }) => addRequest(ports, ds, kind, why, run) });
}

/** requestWork's body, for callers that hold the lock already. */
function addRequest(ports: Ports, ds: Dataset, kind: WorkKind, why: string, run?: RunRequest): Queued {
  const trigger = triggerOf(ports);
  const admins = adminsOf(ds);
  const ask = admins.length ? `ask a billing admin (${admins.join(', ')})` : 'ask whoever set up billing';
  if (!trigger) throw new BillingError(`${why} No hourly trigger is set up to do it for you: ${ask} to do it, or to turn on the schedule.`);
  if (kind !== 'run' && !sameUser(trigger.owner, documentsOwner(ports) ?? trigger.owner)) {
    throw new BillingError(
      `${why} The invoice documents are in the Drive of ${documentsOwner(ports)}, but the hourly trigger runs as ${trigger.owner}: ${documentsOwner(ports)} should do it, or turn on the schedule.`,
    );
  }
  const list = pendingRequests(ports);
  const req: WorkRequest = { kind, by: ports.user(), at: ports.clock.now().toISOString(), ...(run ? { run } : {}) };
  // The same ask twice is one request; a full queue drops the oldest, which the newest repeats or replaces.
  const sameAsk = (r: WorkRequest) => r.kind === kind && JSON.stringify(r.run ?? null) === JSON.stringify(run ?? null);
  const next = [...list.filter((r) => !sameAsk(r)), req].slice(-MAX_REQUESTS);
  ports.kv.set(REQUESTS, JSON.stringify(next));
  return {
    queued: true,
    kind,
    by: req.by,
    triggerOwner: trigger.owner,
    message: `${why} Your ${WHAT[kind]} is queued: the hourly trigger (run by ${trigger.owner}) does it within the hour; the Log sheet shows it when done.`,
  };
}

/** The trigger takes the queue: requests are removed one by one as they are done (a crash leaves the rest). */
export function finishRequest(ports: Ports, done: WorkRequest): void {
  ports.kv.set(REQUESTS, JSON.stringify(pendingRequests(ports).filter((r) => !(r.kind === done.kind && r.at === done.at && r.by === done.by))));
}

/**
 * An admin whose account cannot reach the invoice folders asks to send: the chosen invoices are
 * marked queued in the ledger (their own right) and the trigger's owner sends them.
 */
export function queueSending(ports: Ports, req: { invoiceIds?: string[]; resend?: boolean }, why: string): Queued {
  return runUseCase(ports, {
    action: 'queue invoices for the hourly trigger',
    reads: ['Settings', 'Invoices'],
    work: ({ ds }) => markQueued(ports, ds, req, addRequest(ports, ds, 'send', why)),
  });
}

function markQueued(ports: Ports, ds: Dataset, req: { invoiceIds?: string[]; resend?: boolean }, queued: Queued): Queued {
  const { due } = chooseDeliveries(ds, { invoiceIds: req.invoiceIds, resend: req.resend });
  const rowOf = invoiceRows(ds);
  const mark = due.filter((i) => i.delivery !== 'queued');
  // Rows the trigger's slices read from a mark on: queued rows above it bring it down first.
  lowerMarks(
    ports,
    () => viewOf(ds, { lines: false }),
    mark.map((i) => ({ row: rowOf(i.invoiceId), invoice: { ...i, delivery: 'queued' } })),
  );
  if (mark.length) ports.tables.apply('Invoices', { update: mark.map((i) => ({ row: rowOf(i.invoiceId), values: { delivery: 'queued' } })) });
  return queued;
}

/**
 * A new documents owner cannot reach the old owner's files (drive.file), and mail attaches them:
 * the documents of invoices not sent yet lose their links, so the new owner makes them again from
 * the ledger (the same content; the old files stay in the old owner's Drive). Returns how many.
 */
export function releaseUnsentDocuments(ports: Ports): number {
  const ds = readDataset(ports, ['Settings', 'Invoices', 'InvoiceLines']);
  const hits = ds.invoices.filter((r) => r.record.status !== 'Draft' && r.record.pdfUrl && r.record.delivery !== 'sent');
  const cleared = { docUrl: '', pdfUrl: '', xmlUrl: '' };
  lowerMarks(
    ports,
    () => viewOf(ds, { lines: true }),
    hits.map((r) => ({ row: r.row, invoice: { ...r.record, docUrl: undefined, pdfUrl: undefined, xmlUrl: undefined } })),
  );
  if (hits.length) ports.tables.apply('Invoices', { update: hits.map((r) => ({ row: r.row, values: cleared })) });
  return hits.length;
}
