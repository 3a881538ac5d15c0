// Documents of finalized invoices and previews of drafts, for both hosts. The rule: the e-invoice
// is made first, and data it lacks (named by sheet and column) refuses that invoice's documents
// before any file is made: no PDF goes out without the XRechnung its customer must get. A refused
// invoice is reported and logged ("document failed"); the others are made. Links go to the ledger
// in one write per call, also when the call is interrupted. A daily quota refusal stops the call.
import { documentText } from '../../core/docText';
import type { Dataset } from '../../core/dataset';
import { eInvoice } from '../../core/einvoice';
import { mandateChoice, mandateNote } from '../eInvoiceNotes';
import { documentName } from '../../core/ids';
import { contactsByAccount } from '../../core/mail';
import { isIssued, type Invoice, type IssuedInvoice } from '../../core/model';
import { BillingError } from '../../core/errors';
import type { DocumentJob, DocumentsPort, Ports } from '../../ports';
import { assertAdmin } from '../access';
import { runUseCase } from '../useCase';
import type { DeliveryView } from '../deliveryMarks';
import { invoiceRows, readDataset } from '../workbook';
import { DAILY_QUOTA, budget, deliveryView, docOf, findInvoice, logInvoices, needsDocuments, originals, type LogEntry } from './choose';
import { io, runAsync, runSync, type Io } from './io';

export interface DocumentsReport {
  rendered: { invoiceId: string; number: string; docUrl: string; pdfUrl: string; xmlUrl?: string; carriesXml?: boolean }[];
  failed: { invoiceId: string; number?: string; reason: string }[];
  /** Invoices still without documents (time budget or daily quota): call again, or the trigger does. */
  remaining: number;
  quotaExhausted: boolean;
}

export interface DocumentsRequest {
  /** Only these invoices (id or number), made again when their file is gone. */
  invoiceIds?: string[];
  budgetMs?: number;
  /** Called after each invoice: (done, of). */
  progress?: (done: number, total: number) => void;
}

const find = (ds: Dataset, idOrNumber: string): Invoice => findInvoice(ds, idOrNumber).record;

/**
 * The documents of finalized invoices that need them (see needsDocuments). `max`: at most this
 * many (the rest counts as remaining); `skip`: not these (failed earlier in the trigger's slice).
 */
export function* documentsFlow<A extends boolean>(
  ports: Ports,
  v: DeliveryView,
  docs: DocumentsPort<A>,
  ids: string[] | undefined,
  over: () => boolean,
  o: { max?: number; skip?: Set<string>; progress?: DocumentsRequest['progress'] } = {},
): Io<DocumentsReport> {
  const ds = v.ds;
  const max = o.max ?? Infinity;
  const named = !!ids?.length;
  const chosen = ids?.length ? ids.map((id) => find(ds, id)) : ds.invoices.map((r) => r.record);
  const finals = chosen.filter(isIssued).filter((i) => !o.skip?.has(i.invoiceId));
  const todo = finals.filter((i) => needsDocuments(i, docs, named));
  const report: DocumentsReport = { rendered: [], failed: [], remaining: 0, quotaExhausted: false };
  const notes: LogEntry[] = [];
  const render = renderer(ports, v, docs, notes);
  try {
    for (const [n, inv] of todo.entries()) {
      // Time is checked from the second document on: every call makes at least one, so a caller calling again gets further.
      if ((n > 0 && over()) || n >= max) {
        report.remaining = todo.length - n;
        break;
      }
      try {
        report.rendered.push(yield* render(inv));
      } catch (e) {
        const reason = (e as Error).message;
        if (DAILY_QUOTA.test(reason)) {
          report.quotaExhausted = true;
          report.remaining = todo.length - n;
          break;
        }
        report.failed.push({ invoiceId: inv.invoiceId, number: inv.number, reason });
      }
      o.progress?.(n + 1, todo.length);
    }
  } finally {
    recordDocuments(ports, ds, report, notes);
  }
  return report;
}

/** Makes one issued invoice's document, PDF and e-invoice; throws (nothing made) when its data is incomplete. `notes`: what the e-invoice mandate says, for the Log. */
function renderer<A extends boolean>(ports: Ports, v: DeliveryView, docs: DocumentsPort<A>, notes: LogEntry[]) {
  const ds = v.ds;
  const original = originals(ports, v);
  const contacts = contactsByAccount(ds.contacts);
  const rowOf = (accountId: string) => ds.accountRow.get(accountId);
  return function* (inv: IssuedInvoice): Io<DocumentsReport['rendered'][number]> {
    const tenant = ds.tenantById.get(inv.tenantId);
    if (!tenant) throw new BillingError(`company ${inv.tenantId} is not in Settings`, { ref: inv.invoiceId });
    const account = ds.accounts.get(inv.accountId);
    const doc = docOf(ds, inv);
    // The e-invoice first: data it lacks (named by sheet and column) stops this invoice before any file is made.
    const orig = original(inv);
    // The format by the invoice date it was finalized with (the German mandate), noted in the Log when the sheets say otherwise.
    const choice = mandateChoice(tenant, account, inv, inv.invoiceDate, rowOf);
    const xml = eInvoice(doc, { tenant, account, contacts: contacts.get(inv.accountId) ?? [], original: orig }, choice.format);
    const name = documentName(inv);
    const job: DocumentJob = { doc, account, ...(xml?.format === 'zugferd' ? { facturX: xml.xml } : {}), ...(orig?.doc ? { original: orig.doc } : {}) };
    const r = yield* io(() => docs.render(documentText(doc, tenant, account, { original: orig?.doc }), tenant, name, inv.invoiceDate, job));
    const xmlUrl = xml ? yield* io(() => docs.saveXml(xml.xml, tenant, name, inv.invoiceDate, job)) : undefined;
    const note = mandateNote(choice, inv.accountId);
    if (note) notes.push({ inv, action: 'e-invoice', details: note });
    return { invoiceId: inv.invoiceId, number: inv.number, docUrl: r.docUrl ?? '', pdfUrl: r.pdfUrl, ...(xmlUrl ? { xmlUrl } : {}), ...(r.carriesXml ? { carriesXml: true } : {}) };
  };
}

/** The links of the documents made, in one write, and a Log row per document that failed or whose e-invoice the mandate notes. */
function recordDocuments(ports: Ports, ds: Dataset, report: DocumentsReport, notes: LogEntry[]): void {
  const failed = report.failed.map((f): LogEntry => ({ inv: find(ds, f.invoiceId), action: 'document failed', details: f.reason }));
  logInvoices(ports, [...failed, ...notes]);
  if (!report.rendered.length) return;
  const rowOf = invoiceRows(ds);
  const links = (r: DocumentsReport['rendered'][number]) => ({ docUrl: r.docUrl, pdfUrl: r.pdfUrl, xmlUrl: r.xmlUrl ?? '' });
  ports.tables.apply('Invoices', { update: report.rendered.map((r) => ({ row: rowOf(r.invoiceId), values: links(r) })) });
  // The records too: sending in the same call attaches these files.
  for (const r of report.rendered) Object.assign(find(ds, r.invoiceId), { docUrl: r.docUrl, pdfUrl: r.pdfUrl, xmlUrl: r.xmlUrl });
}

/** Previews of drafts (the named invoices, or every draft) with the DRAFT mark; nothing is recorded. */
export function* previewFlow<A extends boolean>(ds: Dataset, docs: DocumentsPort<A>, ids?: string[]): Io<{ invoiceId: string; number?: string; url: string }[]> {
  const wanted = ids?.length ? ids.map((id) => find(ds, id)) : ds.invoices.map((r) => r.record).filter((i) => i.status === 'Draft');
  const out: { invoiceId: string; number?: string; url: string }[] = [];
  for (const inv of wanted) {
    const tenant = ds.tenantById.get(inv.tenantId);
    if (!tenant) throw new BillingError(`company ${inv.tenantId} is not in Settings`, { ref: inv.invoiceId });
    const account = ds.accounts.get(inv.accountId);
    const doc = docOf(ds, inv);
    const draft = inv.status === 'Draft';
    const url = yield* io(() => docs.preview(documentText(doc, tenant, account, { draft }), tenant, `${draft ? 'DRAFT ' : ''}${documentName(inv)}`, { doc, account, draft }));
    out.push({ invoiceId: inv.invoiceId, ...(inv.number ? { number: inv.number } : {}), url });
  }
  return out;
}

const PREVIEW_TABLES = ['Settings', 'Accounts', 'Contacts', 'Invoices', 'InvoiceLines'] as const;

/**
 * Documents for finalized invoices that have none yet, and for the named ones whose PDF was deleted
 * (made again from the ledger). Apps Script: under the document lock, within a time budget.
 */
export function renderDocuments(ports: Ports, docs: DocumentsPort, req: DocumentsRequest = {}): DocumentsReport {
  return runUseCase(ports, {
    action: 'create invoice documents',
    reads: (p) => deliveryView(p, docs, req.invoiceIds?.length ? undefined : 'documents'),
    work: ({ read }) => runSync(documentsFlow(ports, read, docs, req.invoiceIds, budget(ports, req.budgetMs), { progress: req.progress })),
  });
}

/** renderDocuments for an asynchronous host (Node, which holds the workbook's file lock for the whole command). `ds`: the workbook as the caller has read it. */
export function renderDocumentsAsync(ports: Ports, docs: DocumentsPort<true>, req: DocumentsRequest & { ds?: Dataset } = {}): Promise<DocumentsReport> {
  const v = deliveryView(ports, docs, req.invoiceIds?.length ? undefined : 'documents', req.ds);
  assertAdmin(ports, v.ds, 'create invoice documents');
  return runAsync(documentsFlow(ports, v, docs, req.invoiceIds, budget(ports, req.budgetMs), { progress: req.progress }));
}

/** A draft's preview PDF with the DRAFT mark; anyone may preview, nothing is recorded. */
export function previewDraft(ports: Ports, docs: DocumentsPort, invoiceId: string): { invoiceId: string; url: string } {
  const [p] = runSync(previewFlow(readDataset(ports, PREVIEW_TABLES), docs, [invoiceId]));
  return { invoiceId: p.invoiceId, url: p.url };
}

/** Previews for an asynchronous host: the named invoices, or every draft. `ds`: the workbook as the caller has read it. */
export function previewDraftsAsync(ports: Ports, docs: DocumentsPort<true>, ids?: string[], ds: Dataset = readDataset(ports, PREVIEW_TABLES)) {
  return runAsync(previewFlow(ds, docs, ids));
}
