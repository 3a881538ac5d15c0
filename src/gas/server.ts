// The server of the sidebar: every function google.script.run may call, in one object typed by
// ServerApi (./serverApi.ts). main.ts exposes each as a top-level function of dist/Code.js (the
// build checks that none is missing); the sidebar tests call the same bundle's functions.
import { continueRun as continueUseCase, runInvoicing as startRun, type RunRequest } from '../app/runInvoicing';
import * as ledger from '../app/ledgerActions';
import * as ledgerPreview from '../app/ledgerPreview';
import { sidebarState as sidebarStateUseCase } from '../app/sidebarState';
import { nextScheduledRun, saveSchedule, scheduleState as scheduleStateUseCase, type Schedule } from '../app/schedule';
import { readDataset } from '../app/workbook';
import { findInvoice, markSent as markSentUseCase, previewDraft as previewUseCase, renderDocuments as renderUseCase, sendInvoices as sendUseCase } from '../app/delivery';
import { receiveInvoices as receiveUseCase } from '../app/receive';
import { assertAdmin, documentsOwner, ownsDocuments, recordTrigger, roleOf, sameUser, triggerOf } from '../app/access';
import { queueSending, requestWork, type Queued } from '../app/handOver';
import { isIsoDate } from '../core/dates';
import { BillingError } from '../core/errors';
import type { Ports } from '../ports';
import { runUseCase } from '../app/useCase';
import { assignPayment, importPayments, undoPayment } from '../app/receivables/payments';
import { listPayments, openItems } from '../app/receivables/openItems';
import { cancelCollection, collectDirectDebits } from '../app/receivables/collections';
import { type AdjustmentRequest, bookAdjustment, undoAdjustment } from '../app/receivables/adjustments';
import { DriveDocuments } from './documents';
import { gasPorts } from './host';
import { gasMail } from './mail';
import { extendToGrid } from './setup';
import type { SaveScheduleRequest, ServerApi, StatementFilePicked } from './serverApi';

/** A sidebar call does a bounded slice of work (~20 s); the sidebar calls continueRun until done. */
export const SLICE_MS = 20_000;
/** The hourly trigger's handler (main.ts onHourlyTrigger). */
export const TRIGGER_HANDLER = 'onHourlyTrigger';

export const server: ServerApi = {
  sidebarState: () => sidebarStateUseCase(gasPorts()),

  runInvoicing(req) {
    const ports = gasPorts();
    return runOrQueue(ports, req, () => startRun(ports, req, { budgetMs: SLICE_MS }));
  },

  continueRun(runId) {
    return continueUseCase(gasPorts(), runId, { budgetMs: SLICE_MS });
  },

  finalizeInvoices: (req) => ledger.finalizeInvoices(gasPorts(), req ?? {}),
  cancelInvoice: (req) => ledger.cancelInvoice(gasPorts(), req),
  creditInvoice: (req) => ledger.creditInvoice(gasPorts(), req),
  createManualInvoice: (input) => ledger.createManualInvoice(gasPorts(), input),
  creditableInvoice: (ref) => ledgerPreview.creditableInvoice(gasPorts(), ref),
  manualInvoiceForm: () => ledgerPreview.manualInvoiceForm(gasPorts()),
  previewManualInvoice: (input) => ledgerPreview.previewManualInvoice(gasPorts(), input),
  verifyLedger: () => ledger.verifyLedger(gasPorts()),

  renderDocuments(req) {
    const ports = gasPorts();
    const notMine = documentsElsewhere(ports, 'create invoice documents');
    if (notMine) return requestWork(ports, 'documents', notMine.why);
    return renderUseCase(ports, new DriveDocuments(), { invoiceIds: req?.invoiceIds, budgetMs: SLICE_MS });
  },

  /** A draft's preview PDF in Drive (<folder>/Previews); the sidebar opens its URL. */
  previewDraft(invoiceId) {
    const ports = gasPorts();
    if (!ownsDocuments(ports))
      throw new BillingError(
        `Previews are made in the invoice folder in the Drive of ${documentsOwner(ports)}, which your account cannot reach: ${documentsOwner(ports)} can preview, or look at the draft's rows in the Invoices sheet.`,
      );
    return previewUseCase(ports, new DriveDocuments(), invoiceId);
  },

  sendInvoices(req) {
    const ports = gasPorts();
    const notMine = documentsElsewhere(ports, 'send invoices');
    if (notMine) return queueSending(ports, req ?? {}, notMine.why);
    return sendUseCase(ports, new DriveDocuments(), gasMail, { ...(req ?? {}), budgetMs: SLICE_MS });
  },

  /** After checking with the customer, an uncertain delivery is recorded as sent. */
  markInvoicesSent: (ids) => markSentUseCase(gasPorts(), ids),

  /**
   * Supplier e-invoices the user picked in the sidebar (read in the browser), into the Received
   * sheets: XML as text, PDFs (Factur-X / ZUGFeRD) as base64, their XML taken out here. Picking files
   * in the browser needs no Drive scope; reading a Drive folder of uploaded files would need
   * `drive.readonly` (drive.file sees only files the add-on created).
   */
  receiveInvoices: (files) =>
    receiveUseCase(
      gasPorts(),
      files.map((f) => (f.pdf === undefined ? { name: f.name, xml: f.xml ?? '' } : { name: f.name, bytes: Uint8Array.from(Utilities.base64Decode(f.pdf)) })),
    ),

  /** The Schedule panel: schedule, next run, the last runs' outcome. */
  scheduleState: () => scheduleStateUseCase(gasPorts()),

  /**
   * Saves the monthly schedule and makes sure exactly one hourly trigger exists (an editor add-on may
   * own one time-driven trigger per user and document, firing at most hourly).
   */
  saveScheduleSettings(s) {
    const ports = gasPorts();
    return runUseCase(ports, { action: 'change the schedule', reads: ['Settings'], work: () => saveScheduleLocked(ports, s) });
  },

  goToInvoice(invoiceId) {
    const ports = gasPorts();
    const row = findInvoice(readDataset(ports, ['Settings', 'Invoices']), invoiceId);
    const sheet = SpreadsheetApp.getActive().getSheetByName('Invoices')!;
    sheet.activate();
    sheet.getRange(row.row, 1).activate();
  },

  /**
   * Bank statements picked in the sidebar (read in the browser, like received e-invoices: no Drive
   * scope needed): camt XML as text, a CSV export as base64, decoded to its bytes here so the
   * engine tells UTF-8 from Windows-1252.
   */
  importPayments: (files) => importPayments(gasPorts(), (files ?? []).map(statementFile)),
  listPayments: (req) => listPayments(gasPorts(), { unmatched: !!req?.unmatched }),
  assignPayment: (req) => assignPayment(gasPorts(), String(req?.paymentId ?? ''), Array.isArray(req?.invoices) ? req.invoices.map(String) : []),
  undoPayment: (paymentId) => undoPayment(gasPorts(), String(paymentId ?? '')),
  openItems: (req) => openItems(gasPorts(), req?.accountId ? { accountId: req.accountId } : {}),
  bookAdjustment: (req) => bookAdjustment(gasPorts(), adjustmentRequest(req)),
  undoAdjustment: (req) => undoAdjustment(gasPorts(), { balanceId: String(req?.balanceId ?? ''), reason: req?.reason === undefined ? undefined : String(req.reason) }),

  /**
   * A direct-debit collection (or its preview): the pain.008 file goes to the company's Drive folder,
   * SEPA/, which only the documents owner reaches (drive.file): another admin's collection is refused
   * before anything is written, naming whom to ask; a preview writes no file, so anyone may see it.
   */
  collectDirectDebits(req) {
    const ports = gasPorts();
    if (!req?.dryRun && !ownsDocuments(ports)) {
      throw new BillingError(
        `The direct-debit file is saved in the company's Drive folder, in the Drive of ${documentsOwner(ports)}, which your account cannot reach: ${documentsOwner(ports)} can collect, or choose Extensions → Billing → Take over invoice documents first.`,
        { code: 'forbidden' },
      );
    }
    return collectDirectDebits(ports, { date: String(req?.date ?? ''), dryRun: !!req?.dryRun });
  },
  cancelCollection: (messageId) => cancelCollection(gasPorts(), String(messageId ?? '')),
};

/** A picked statement as the use case reads it: bytes from base64 (Java's signed bytes made 0–255), or text. */
function statementFile(f: StatementFilePicked): { name: string; bytes?: Uint8Array; text?: string } {
  const name = String(f?.name ?? '');
  if (typeof f?.base64 === 'string') {
    let bytes: number[];
    try {
      bytes = Utilities.base64Decode(f.base64);
    } catch {
      throw new BillingError(`${name} did not arrive whole (its base64 cannot be decoded): pick the file again.`, { code: 'invalid', ref: name });
    }
    return { name, bytes: Uint8Array.from(bytes) };
  }
  return { name, text: String(f?.text ?? '') };
}

/**
 * An invoice run asked for by the running user: an admin's starts now; another editor's is queued
 * for the hourly trigger (the run writes protected sheets); a viewer's is refused.
 */
export function runOrQueue(ports: Ports, req: RunRequest, start: () => ReturnType<typeof startRun>): ReturnType<typeof startRun> | Queued {
  const ds = readDataset(ports, ['Settings']);
  const role = roleOf(ports, ds);
  if (role === 'admin') {
    extendToGrid(SpreadsheetApp.getActive(), ports);
    return start();
  }
  if (role === 'viewer') assertAdmin(ports, ds, 'start an invoice run');
  for (const d of [req.periodStart, req.periodEnd, req.invoiceDate]) {
    if (d !== undefined && !isIsoDate(d)) throw new BillingError(`"${d}" is not a date in the form YYYY-MM-DD`, { code: 'invalid', ref: d });
  }
  return requestWork(ports, 'run', 'Invoice runs write the billing sheets, which only the billing admins may change.', req);
}

/**
 * For an admin whose account cannot reach the invoice folders (another user's Drive under
 * drive.file): why, and the Settings read to queue the work. Undefined when the user may go ahead.
 */
export function documentsElsewhere(ports: Ports, action: string) {
  const ds = readDataset(ports, ['Settings']);
  assertAdmin(ports, ds, action);
  if (ownsDocuments(ports)) return undefined;
  return { ds, why: `The invoice folders are in the Drive of ${documentsOwner(ports)}, which your account cannot reach.` };
}

function saveScheduleLocked(ports: Ports, s: SaveScheduleRequest) {
  // The trigger makes documents and mails them: it must run as the user whose Drive holds the folders.
  if (s.enabled && !ownsDocuments(ports)) {
    throw new BillingError(
      `The hourly trigger makes invoice documents in the Drive of ${documentsOwner(ports)}, so it has to run as ${documentsOwner(ports)}: ask them to turn on the schedule, or choose Extensions → Billing → Take over invoice documents first.`,
    );
  }
  // saveSchedule refuses a day or hour that is not a whole number in range, an empty field (null) included.
  const saved = saveSchedule(ports, s as Schedule);
  // This spreadsheet's and user's triggers only: getProjectTriggers() would also list the user's
  // triggers of this add-on in their other workbooks (and disabling here would delete those).
  const mine = ScriptApp.getUserTriggers(SpreadsheetApp.getActive()).filter((t) => t.getHandlerFunction() === TRIGGER_HANDLER);
  if (saved.enabled && !mine.length) ScriptApp.newTrigger(TRIGGER_HANDLER).timeBased().everyHours(1).create();
  // The Document Properties say whose trigger is THE trigger (others cannot list it): requests wait for it.
  if (saved.enabled) recordTrigger(ports, ports.user());
  if (!saved.enabled) {
    for (const t of mine) ScriptApp.deleteTrigger(t);
    if (sameUser(triggerOf(ports)?.owner, ports.user())) recordTrigger(ports, undefined);
  }
  return { schedule: saved, next: nextScheduledRun(ports) ?? null };
}

/** What crossed google.script.run, as the use case takes it: each field a string (or left out), `again` a boolean. */
function adjustmentRequest(req: Partial<AdjustmentRequest> | undefined): AdjustmentRequest {
  const text = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
  const r = req ?? {};
  return {
    kind: String(r.kind ?? ''),
    target: String(r.target ?? ''),
    amount: text(r.amount),
    percent: text(r.percent),
    currency: text(r.currency),
    date: text(r.date),
    reason: text(r.reason),
    key: text(r.key),
    again: !!r.again,
  };
}
