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
import { DriveDocuments } from './documents';
import { gasPorts } from './host';
import { gasMail } from './mail';
import { extendToGrid } from './setup';
import type { SaveScheduleRequest, ServerApi } from './serverApi';

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
};

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
