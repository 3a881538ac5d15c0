// Apps Script entry points. Every export becomes a top-level global function of dist/Code.js
// (menus, triggers and google.script.run only find top-level functions).
import { continueRun as continueUseCase, runInvoicing as runUseCase, unfinishedRun, type RunRequest } from '../app/runInvoicing';
import * as ledger from '../app/ledgerActions';
import type { ManualInvoiceInput } from '../core/manual';
import { lastOfMonth, addMonthsClamped, firstOfMonth } from '../core/dates';
import { gasPorts } from './host';
import { sidebarState as sidebarStateUseCase } from '../app/sidebarState';
import { nextScheduledRun, saveSchedule, scheduleState as scheduleStateUseCase, scheduledWork, type Schedule } from '../app/schedule';
import { toRowValues } from '../core/table';
import { setupSheets } from './setup';
import { readDataset } from '../app/workbook';
import { findInvoice, markSent as markSentUseCase, pendingDelivery, previewDraft as previewUseCase, renderDocuments as renderUseCase, sendInvoices as sendUseCase, type SendRequest } from '../app/delivery';
import { receiveInvoices as receiveUseCase } from '../app/receive';
import { DriveDocuments, createDefaultTemplate } from './documents';
import { gasMail } from './mail';
import { HELP } from './help';

export function onOpen(e?: { authMode?: GoogleAppsScript.Script.AuthMode }): void {
  // In AuthMode.NONE (add-on not yet used in this document) only a menu may be built. An editor
  // add-on's menu is createAddonMenu(): Extensions → <add-on name> (in a bound test script, the
  // project's name); createMenu would be a bound script's own top-level menu.
  const ui = SpreadsheetApp.getUi();
  ui.createAddonMenu()
    .addItem('Open sidebar', 'showSidebar')
    .addItem('Run invoicing for last month', 'menuRunLastMonth')
    .addItem('Finalize all drafts', 'menuFinalizeAll')
    .addItem('Send finalized invoices', 'menuSendInvoices')
    .addItem('Read received e-invoices…', 'menuReceiveInvoices')
    .addItem('Verify ledger', 'menuVerifyLedger')
    .addSeparator()
    .addItem('Set up billing sheets', 'menuSetupSheets')
    .addItem('Help', 'showHelp')
    .addToUi();
  void e;
}

export function onInstall(e?: { authMode?: GoogleAppsScript.Script.AuthMode }): void {
  onOpen(e);
}

/** A sidebar call does a bounded slice of work (~20 s); the sidebar calls continueRun until done. */
const SLICE_MS = 20_000;
/** A menu or trigger execution keeps slicing until this, well before Apps Script's 6 minutes. */
const EXECUTION_MS = 4.5 * 60_000;

/** google.script.run: starts an invoice run (ISO dates in, plain objects out); `done: false` means call continueRun. */
export function runInvoicing(req: RunRequest) {
  return runUseCase(gasPorts(), req, { budgetMs: SLICE_MS });
}

/** google.script.run: the next slice of a run that stopped at its checkpoint. */
export function continueRun(runId: string) {
  return continueUseCase(gasPorts(), runId, { budgetMs: SLICE_MS });
}

export function finalizeInvoices(req: ledger.FinalizeRequest) {
  return ledger.finalizeInvoices(gasPorts(), req ?? {});
}

export function cancelInvoice(req: { invoiceId: string; releaseTransactions?: boolean; reason?: string }) {
  return ledger.cancelInvoice(gasPorts(), req);
}

export function creditInvoice(req: ledger.CreditRequest) {
  return ledger.creditInvoice(gasPorts(), req);
}

export function createManualInvoice(input: ManualInvoiceInput) {
  return ledger.createManualInvoice(gasPorts(), input);
}

export function verifyLedger() {
  return ledger.verifyLedger(gasPorts());
}

export function menuRunLastMonth(): void {
  const ports = gasPorts();
  const start = firstOfMonth(addMonthsClamped(ports.clock.today(), -1));
  const began = Date.now();
  const end = lastOfMonth(start);
  const pending = unfinishedRun(ports, start, end);
  let r = pending ? continueUseCase(ports, pending, { budgetMs: SLICE_MS }) : runUseCase(ports, { periodStart: start, periodEnd: end }, { budgetMs: SLICE_MS });
  const drafts = [...r.drafts];
  const failedAll = [...r.failed];
  const rowErrors = r.rowErrors;
  while (!r.done && Date.now() - began < EXECUTION_MS - 2 * SLICE_MS) {
    r = continueUseCase(ports, r.runId, { budgetMs: SLICE_MS });
    drafts.push(...r.drafts);
    failedAll.push(...r.failed);
  }
  const failed = failedAll.map((f) => `${f.subscriptionId}: ${f.reason}`).concat(rowErrors.map((e) => e.text));
  SpreadsheetApp.getUi().alert(
    `Run ${r.runId} (${r.periodStart} – ${r.periodEnd}): ${drafts.length} drafts${r.done ? '.' : ', not finished: choose Run invoicing for last month again to continue from its checkpoint.'}` +
    (failed.length ? `\n\nProblems:\n${failed.slice(0, 20).join('\n')}` : ''),
  );
}

export function menuFinalizeAll(): void {
  const r = ledger.finalizeInvoices(gasPorts(), {});
  SpreadsheetApp.getUi().alert(`Finalized ${r.invoices.length} invoices.` + (r.failed.length ? `\n\nNot finalized:\n${r.failed.map((f) => `${f.invoiceId}: ${f.reason}`).join('\n')}` : ''));
}

export function menuVerifyLedger(): void {
  const r = ledger.verifyLedger(gasPorts());
  SpreadsheetApp.getUi().alert(r.problems.length ? `Ledger problems:\n${r.problems.map((p) => `${p.number ?? p.invoiceId}: ${p.message}`).join('\n')}` : `Ledger intact: ${r.checked} finalized invoices checked.`);
}

/**
 * Creates or completes the billing sheets; billing admins = Settings "Billing Admins" + the user
 * running setup. Each company in Settings without them gets a Drive folder and a default invoice
 * template (their ids go into Settings).
 */
export function setupBillingSheets() {
  const ports = gasPorts();
  const ss = SpreadsheetApp.getActive();
  return ports.lock.withLock(() => {
    const settings = readDataset(ports, ['Settings']).tenants;
    const admins = [...new Set([ports.user(), ...settings.flatMap((t) => (t.billingAdmins ?? '').split(/[,;\s]+/))].filter((e) => e.includes('@')))];
    const sheets = setupSheets(ss, admins);
    // Read again: setup may have added the Drive columns, and the ids are written by header.
    const rows = readDataset(ports, ['Settings']).settingsRows;
    const created: string[] = [];
    const update = rows.filter((r) => !r.record.driveFolderId || !r.record.templateId).map((r) => {
      const t = r.record;
      const folder = t.driveFolderId ? DriveApp.getFolderById(t.driveFolderId) : DriveApp.createFolder(`Invoices – ${t.legalName}`);
      const templateId = t.templateId || createDefaultTemplate(folder, t.legalName);
      created.push(t.tenantId);
      return { row: r.row, values: { driveFolderId: folder.getId(), templateId } };
    });
    if (update.length) ports.tables.apply('Settings', { update });
    return { ...sheets, driveFilesFor: created, companies: rows.length };
  }, 'setting up the billing sheets');
}

export function menuSetupSheets(): void {
  const r = setupBillingSheets();
  SpreadsheetApp.getUi().alert(
    `Billing sheets are ready.\n\nCreated: ${r.createdSheets.join(', ') || 'none'}\nColumns added: ${r.addedColumns.length}\n` +
    `Protected sheets: ${r.protectedSheets.join(', ')}\nProtected engine columns: ${r.protectedColumns.join(', ')}\n` +
    (r.companies ? `Drive folder and invoice template created for: ${r.driveFilesFor.join(', ') || 'none needed'}` : 'Add your company in Settings, then run Set up billing sheets again to create its Drive folder and invoice template.'),
  );
}

/** google.script.run: documents (Doc + PDF in Drive) for finalized invoices that have none, ~20 s a call. */
export function renderDocuments(req?: { invoiceIds?: string[] }) {
  return renderUseCase(gasPorts(), new DriveDocuments(), { invoiceIds: req?.invoiceIds, budgetMs: SLICE_MS });
}

/** google.script.run: a draft's preview PDF in Drive (<folder>/Previews); the sidebar opens its URL. */
export function previewDraft(invoiceId: string) {
  return previewUseCase(gasPorts(), new DriveDocuments(), invoiceId);
}

/** google.script.run: emails finalized invoices not sent yet, ~20 s a call; `done: false` means call again. */
export function sendInvoices(req?: SendRequest) {
  return sendUseCase(gasPorts(), new DriveDocuments(), gasMail, { ...(req ?? {}), budgetMs: SLICE_MS });
}

export function menuSendInvoices(): void {
  const ports = gasPorts();
  const docs = new DriveDocuments();
  const began = Date.now();
  let r = sendUseCase(ports, docs, gasMail, { budgetMs: SLICE_MS });
  let sent = r.sent.length;
  const failed = [...r.failed];
  while (!r.done && Date.now() - began < EXECUTION_MS - 2 * SLICE_MS) {
    r = sendUseCase(ports, docs, gasMail, { budgetMs: SLICE_MS });
    sent += r.sent.length;
    failed.push(...r.failed);
  }
  SpreadsheetApp.getUi().alert(
    `Sent ${sent} invoices.` +
    (r.queued ? `\n${r.queued} wait in the queue (${r.done ? `today's mail quota has ${r.quotaLeft} recipients left` : 'time ran out'}); the hourly trigger or the next Send continues.` : '') +
    (r.uncertain.length ? `\nDelivery uncertain (check, then resend or mark as sent): ${r.uncertain.map((u) => u.number).join(', ')}` : '') +
    (failed.length ? `\n\nNot sent:\n${failed.map((f) => `${f.number ?? f.invoiceId}: ${f.reason}`).join('\n')}` : ''),
  );
}

/** google.script.run: after checking with the customer, an uncertain delivery is recorded as sent. */
export function markInvoicesSent(ids: string[]) {
  return markSentUseCase(gasPorts(), ids);
}

/**
 * google.script.run: supplier e-invoices the user picked in the sidebar (read in the browser), into
 * the Received sheets: XML as text, PDFs (Factur-X / ZUGFeRD) as base64, their XML taken out here.
 * Picking files in the browser needs no Drive scope; reading a Drive folder of uploaded files would
 * need `drive.readonly` (drive.file sees only files the add-on created).
 */
export function receiveInvoices(files: { name: string; xml?: string; pdf?: string }[]) {
  return receiveUseCase(gasPorts(), files.map((f) => (f.pdf === undefined ? { name: f.name, xml: f.xml ?? '' } : { name: f.name, bytes: Uint8Array.from(Utilities.base64Decode(f.pdf)) })));
}

/** google.script.run: the Schedule panel (schedule, next run, the last runs' outcome). */
export function scheduleState() {
  return scheduleStateUseCase(gasPorts());
}

/** google.script.run: selects an invoice's row in the Invoices sheet. */
export function goToInvoice(invoiceId: string): void {
  const ports = gasPorts();
  const row = findInvoice(readDataset(ports, ['Settings', 'Invoices']), invoiceId);
  const sheet = SpreadsheetApp.getActive().getSheetByName('Invoices')!;
  sheet.activate();
  sheet.getRange(row.row, 1).activate();
}

export function showHelp(): void {
  SpreadsheetApp.getUi().alert(HELP);
}

const TRIGGER_HANDLER = 'onHourlyTrigger';

/**
 * google.script.run: saves the monthly schedule and makes sure exactly one hourly trigger exists
 * (an editor add-on may own one time-driven trigger per user and document, firing at most hourly).
 */
export function saveScheduleSettings(s: Schedule) {
  const ports = gasPorts();
  const saved = saveSchedule(ports, s);
  // This spreadsheet's and user's triggers only: getProjectTriggers() would also list the user's
  // triggers of this add-on in their other workbooks (and disabling here would delete those).
  const mine = ScriptApp.getUserTriggers(SpreadsheetApp.getActive()).filter((t) => t.getHandlerFunction() === TRIGGER_HANDLER);
  if (saved.enabled && !mine.length) ScriptApp.newTrigger(TRIGGER_HANDLER).timeBased().everyHours(1).create();
  if (!saved.enabled) mine.forEach((t) => ScriptApp.deleteTrigger(t));
  return { schedule: saved, next: nextScheduledRun(ports) ?? null };
}

/**
 * The hourly trigger: continue a cut run or start the scheduled one; then, with the time left,
 * documents for finalized invoices and the mail queue; return at once when nothing waits.
 */
export function onHourlyTrigger(): void {
  const ports = gasPorts();
  const began = Date.now();
  const log = (action: string, e: unknown) =>
    // Add-on triggers send no failure email: the Log sheet is where a failure shows.
    ports.tables.apply('Log', { append: [toRowValues('Log', { at: new Date().toISOString(), user: 'trigger', action, details: (e as Error).message })] });
  try {
    // Planning stops after 2 minutes, leaving the rest of the 6 for reading and writing the sheets.
    scheduledWork(ports, { budgetMs: 2 * 60_000 });
  } catch (e) {
    log('scheduled run failed', e);
    return;
  }
  try {
    const left = () => EXECUTION_MS - 60_000 - (Date.now() - began);
    const pending = pendingDelivery(readDataset(ports, ['Settings', 'Invoices']));
    if (!pending.documents && !pending.queued) return;
    const docs = new DriveDocuments();
    if (pending.documents && left() > 0) renderUseCase(ports, docs, { budgetMs: left() });
    if (pending.queued && left() > 0) sendUseCase(ports, docs, gasMail, { queuedOnly: true, budgetMs: left() });
  } catch (e) {
    log('documents or mail failed', e);
  }
}

/** The sidebar (sidebar/Sidebar.html, copied into dist/ by the build). */
export function showSidebar(): void {
  openSidebar();
}

/** Menu: the sidebar with its "Read received e-invoices" panel open (files are picked there). */
export function menuReceiveInvoices(): void {
  openSidebar('receivePanel');
}

function openSidebar(panel?: string): void {
  const html = HtmlService.createHtmlOutputFromFile('Sidebar').setTitle('Billing');
  if (panel) html.append(`<script>openPanel(${JSON.stringify(panel)});</script>`);
  SpreadsheetApp.getUi().showSidebar(html);
}

/** google.script.run: what the sidebar's run form offers. */
export function sidebarState() {
  return sidebarStateUseCase(gasPorts());
}
