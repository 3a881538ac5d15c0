// Apps Script entry points: menus, triggers, onOpen/onInstall, and the sidebar's server functions
// (server.ts) exposed one by one. Every exported function becomes a top-level global function of
// dist/Code.js (menus, triggers and google.script.run only find top-level functions).
import { continueRun as continueUseCase, runInvoicing as startRun, unfinishedRun } from '../app/runInvoicing';
import * as ledger from '../app/ledgerActions';
import { lastOfMonth, addMonthsClamped, firstOfMonth } from '../core/dates';
import { gasPorts } from './host';
import { scheduledWork } from '../app/schedule';
import { toRowValues } from '../core/table';
import { extendToGrid, setupSheets } from './setup';
import { readDataset } from '../app/workbook';
import { deliverySlice, sendInvoices as sendUseCase } from '../app/delivery';
import { DriveDocuments, createDefaultTemplate } from './documents';
import { gasMail } from './mail';
import { HELP } from './help';
import { adminsOf, documentsOwner, ownsDocuments, recordDocumentsOwner, recordTrigger, roleOf, sameUser, triggerOf } from '../app/access';
import { finishRequest, pendingRequests, queueSending, releaseUnsentDocuments } from '../app/handOver';
import type { Ports } from '../ports';
import type { LogAction } from '../core/schema';
import { runUseCase } from '../app/useCase';
import { SLICE_MS, TRIGGER_HANDLER, documentsElsewhere, runOrQueue, server } from './server';

/**
 * google.script.run: the sidebar's server functions (ServerApi in serverApi.ts, implemented in
 * server.ts), each a top-level function of dist/Code.js. The build fails when one is missing here.
 */
export const sidebarState = server.sidebarState;
export const runInvoicing = server.runInvoicing;
export const continueRun = server.continueRun;
export const finalizeInvoices = server.finalizeInvoices;
export const cancelInvoice = server.cancelInvoice;
export const creditInvoice = server.creditInvoice;
export const createManualInvoice = server.createManualInvoice;
export const creditableInvoice = server.creditableInvoice;
export const manualInvoiceForm = server.manualInvoiceForm;
export const previewManualInvoice = server.previewManualInvoice;
export const verifyLedger = server.verifyLedger;
export const renderDocuments = server.renderDocuments;
export const previewDraft = server.previewDraft;
export const sendInvoices = server.sendInvoices;
export const markInvoicesSent = server.markInvoicesSent;
export const receiveInvoices = server.receiveInvoices;
export const scheduleState = server.scheduleState;
export const saveScheduleSettings = server.saveScheduleSettings;
export const goToInvoice = server.goToInvoice;
export const importPayments = server.importPayments;
export const listPayments = server.listPayments;
export const assignPayment = server.assignPayment;
export const undoPayment = server.undoPayment;
export const openItems = server.openItems;
export const bookAdjustment = server.bookAdjustment;
export const undoAdjustment = server.undoAdjustment;
export const collectDirectDebits = server.collectDirectDebits;
export const cancelCollection = server.cancelCollection;
/** Not an entry point (the build makes stubs of functions only): the build and tests read its names. */
export { server };

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
    .addItem('Import bank statements…', 'menuPayments')
    .addItem('Open items', 'menuOpenItems')
    .addItem('Collect direct debits…', 'menuCollect')
    .addItem('Verify ledger', 'menuVerifyLedger')
    .addSeparator()
    .addItem('Set up billing sheets', 'menuSetupSheets')
    .addItem('Take over invoice documents', 'menuTakeOverDocuments')
    .addItem('Help', 'showHelp')
    .addToUi();
  void e;
}

export function onInstall(e?: { authMode?: GoogleAppsScript.Script.AuthMode }): void {
  onOpen(e);
}

/** A menu or trigger execution keeps slicing until this, well before Apps Script's 6 minutes. */
const EXECUTION_MS = 4.5 * 60_000;

export function menuRunLastMonth(): void {
  const ports = gasPorts();
  const start = firstOfMonth(addMonthsClamped(ports.clock.today(), -1));
  const began = Date.now();
  const end = lastOfMonth(start);
  const first = runOrQueue(ports, { periodStart: start, periodEnd: end }, () => {
    const pending = unfinishedRun(ports, start, end);
    return pending ? continueUseCase(ports, pending, { budgetMs: SLICE_MS }) : startRun(ports, { periodStart: start, periodEnd: end }, { budgetMs: SLICE_MS });
  });
  if ('queued' in first) {
    SpreadsheetApp.getUi().alert(first.message);
    return;
  }
  let r = first;
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
  SpreadsheetApp.getUi().alert(
    r.problems.length ? `Ledger problems:\n${r.problems.map((p) => `${p.number ?? p.invoiceId}: ${p.message}`).join('\n')}` : `Ledger intact: ${r.checked} finalized invoices checked.`,
  );
}

/**
 * Creates or completes the billing sheets; billing admins = Settings "Billing Admins" + the user
 * running setup. Each company in Settings without them gets a Drive folder and a default invoice
 * template (their ids go into Settings).
 */
export function setupBillingSheets() {
  const ports = gasPorts();
  const ss = SpreadsheetApp.getActive();
  return runUseCase(ports, {
    action: 'set up the billing sheets',
    reads: ['Settings'],
    work: ({ ds }) => {
      // The protections' editors: the admins named in Settings, and whoever runs setup.
      const sheets = setupSheets(ss, [...new Set([ports.user(), ...adminsOf(ds)])]);
      // Folders and templates go into one user's Drive: another admin's setup leaves them to that user.
      const drive = ownsDocuments(ports) ? makeDriveFiles(ports, false) : [];
      return { ...sheets, driveFilesFor: drive, companies: readDataset(ports, ['Settings']).tenants.length, documentsOwner: documentsOwner(ports) ?? null };
    },
  });
}

/**
 * A Drive folder and a default template for each company that lacks them (`all`: for every company),
 * in the running user's Drive, who becomes the documents owner. Returns the companies served.
 */
function makeDriveFiles(ports: Ports, all: boolean): string[] {
  // Read again: setup may have added the Drive columns, and the ids are written by header.
  const rows = readDataset(ports, ['Settings']).settingsRows;
  const created: string[] = [];
  const update = rows
    .filter((r) => all || !r.record.driveFolderId || !r.record.templateId)
    .map((r) => {
      const t = r.record;
      const folder = t.driveFolderId && !all ? DriveApp.getFolderById(t.driveFolderId) : DriveApp.createFolder(`Invoices – ${t.legalName}`);
      const templateId = (!all && t.templateId) || createDefaultTemplate(folder, t.legalName);
      created.push(t.tenantId);
      return { row: r.row, values: { driveFolderId: folder.getId(), templateId } };
    });
  if (update.length) {
    ports.tables.apply('Settings', { update });
    recordDocumentsOwner(ports, ports.user());
  }
  return created;
}

/**
 * Another admin makes the invoice documents from now on: new folders and default templates in their
 * Drive (with drive.file nobody reaches another user's files through the add-on). Earlier documents
 * stay where they are, linked from the ledger; a customised template has to be copied over by hand.
 */
export function takeOverDocuments() {
  const ports = gasPorts();
  return runUseCase(ports, {
    action: 'take over the invoice documents',
    reads: ['Settings'],
    work: () => {
      const before = documentsOwner(ports);
      const companies = makeDriveFiles(ports, true);
      const remade = before && !sameUser(before, ports.user()) ? releaseUnsentDocuments(ports) : 0;
      const trigger = triggerOf(ports);
      return {
        companies,
        previousOwner: before ?? null,
        owner: ports.user(),
        toRemake: remade,
        triggerOwner: trigger?.owner ?? null,
        triggerMakesDocuments: !!trigger && sameUser(trigger.owner, ports.user()),
      };
    },
  });
}

export function menuTakeOverDocuments(): void {
  const r = takeOverDocuments();
  SpreadsheetApp.getUi().alert(
    `New invoice folders and templates in your Drive for: ${r.companies.join(', ') || 'no company (add one in Settings)'}.` +
      (r.toRemake ? `\n\n${r.toRemake} invoices not sent yet get their documents again in your Drive (the earlier ones are in ${r.previousOwner}'s, which your account cannot reach).` : '') +
      (r.triggerMakesDocuments ? '' : '\n\nTurn on the schedule in the sidebar so that the hourly trigger, running as you, makes documents and sends mail.'),
  );
}

export function menuSetupSheets(): void {
  const r = setupBillingSheets();
  SpreadsheetApp.getUi().alert(
    `Billing sheets are ready.\n\nCreated: ${r.createdSheets.join(', ') || 'none'}\nColumns added: ${r.addedColumns.length}\n` +
      `Protected sheets: ${r.protectedSheets.join(', ')}\nProtected engine columns: ${r.protectedColumns.join(', ')}\n` +
      (!r.companies
        ? 'Add your company in Settings, then run Set up billing sheets again to create its Drive folder and invoice template.'
        : r.documentsOwner && !r.driveFilesFor.length && r.documentsOwner !== Session.getEffectiveUser().getEmail()
          ? `Invoice folders and templates are in the Drive of ${r.documentsOwner}, who makes them for new companies.`
          : `Drive folder and invoice template created for: ${r.driveFilesFor.join(', ') || 'none needed'}`),
  );
}

export function menuSendInvoices(): void {
  const ports = gasPorts();
  const notMine = documentsElsewhere(ports, 'send invoices');
  if (notMine) {
    SpreadsheetApp.getUi().alert(queueSending(ports, {}, notMine.why).message);
    return;
  }
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
      (r.queued ? `\n${r.queued} wait in the queue (${r.done ? `today's mail quota has ${r.quotaLeft} recipients left` : 'time ran out'}); ${whoContinues(ports)}` : '') +
      (r.uncertain.length ? `\nDelivery uncertain (check, then resend or mark as sent): ${r.uncertain.map((u) => u.number).join(', ')}` : '') +
      (failed.length ? `\n\nNot sent:\n${failed.map((f) => `${f.number ?? f.invoiceId}: ${f.reason}`).join('\n')}` : ''),
  );
}

/** Who sends the rest: the hourly trigger only when one is recorded as on (never a promise it cannot keep). */
function whoContinues(ports: Ports): string {
  const trigger = triggerOf(ports);
  return trigger
    ? `the hourly trigger (run by ${trigger.owner}) or the next Send continues.`
    : 'the next Send continues (no hourly trigger is on: turn on the schedule in the sidebar to send the rest by itself).';
}

export function showHelp(): void {
  SpreadsheetApp.getUi().alert(HELP);
}

/**
 * The hourly trigger: continue a cut run or start the scheduled one; then, with the time left,
 * documents for finalized invoices and the mail queue; return at once when nothing waits.
 */
export function onHourlyTrigger(): void {
  const began = Date.now();
  const me = Session.getEffectiveUser().getEmail();
  // After an update that asks for more scopes the owner must authorize again; until then say so
  // (mail at most once a day, and the Log) instead of failing at the first service call.
  const auth = ScriptApp.getAuthorizationInfo(ScriptApp.AuthMode.FULL);
  if (auth.getAuthorizationStatus() === ScriptApp.AuthorizationStatus.REQUIRED) {
    askToAuthorize(me, auth.getAuthorizationUrl());
    return;
  }
  const ports = gasPorts();
  const log = (action: LogAction, e: unknown) =>
    // Add-on triggers send no failure email: the Log sheet is where a failure shows.
    ports.tables.apply('Log', { append: [toRowValues('Log', { at: new Date().toISOString(), user: 'trigger', action, details: (e as Error).message ?? String(e) })] });
  // One trigger per workbook does the work: one left behind by an earlier schedule owner removes itself.
  const recorded = triggerOf(ports);
  if (recorded && !sameUser(recorded.owner, me)) {
    ScriptApp.getUserTriggers(SpreadsheetApp.getActive())
      .filter((t) => t.getHandlerFunction() === TRIGGER_HANDLER)
      .forEach((t) => {
        ScriptApp.deleteTrigger(t);
      });
    log('trigger removed', { message: `the hourly trigger of ${me} removed itself: the schedule runs as ${recorded.owner} now` });
    return;
  }
  if (!recorded) recordTrigger(ports, me);
  if (roleOf(ports, readDataset(ports, ['Settings'])) !== 'admin') {
    log('trigger stopped', { message: `${me}, who owns the hourly trigger, may not write the billing sheets (not a billing admin in Settings, or not in their protection): nothing was done` });
    return;
  }
  try {
    extendToGrid(SpreadsheetApp.getActive(), ports);
    runRequested(ports, began, log);
    // Planning stops after 2 minutes, leaving the rest of the 6 for reading and writing the sheets.
    scheduledWork(ports, { budgetMs: 2 * 60_000 });
  } catch (e) {
    log('scheduled run failed', e);
    return;
  }
  // Documents and mail need the folders: a trigger whose owner has no access to them leaves them.
  if (!ownsDocuments(ports)) return;
  const asked = pendingRequests(ports).filter((r) => r.kind !== 'run');
  try {
    const left = () => EXECUTION_MS - 60_000 - (Date.now() - began);
    // Documents and the mail queue in turns: the day's mail quota is used while documents are made.
    if (left() > 0) deliverySlice(ports, new DriveDocuments(), gasMail, { budgetMs: left() });
    // The delivery pass above serves every document and send request made before it.
    for (const r of asked) finishRequest(ports, r);
  } catch (e) {
    log('documents or mail failed', e);
  }
}

/** Runs editors asked for: each continues from its checkpoint next hour if time runs out. */
function runRequested(ports: Ports, began: number, log: (action: LogAction, e: { message: string }) => void): void {
  for (const r of pendingRequests(ports).filter((x) => x.kind === 'run' && x.run)) {
    const req = r.run!;
    const pending = unfinishedRun(ports, req.periodStart, req.periodEnd);
    let rep = pending ? continueUseCase(ports, pending, { budgetMs: SLICE_MS }) : startRun(ports, req, { budgetMs: SLICE_MS });
    let drafts = rep.drafts.length;
    while (!rep.done && Date.now() - began < EXECUTION_MS / 2) {
      rep = continueUseCase(ports, rep.runId, { budgetMs: SLICE_MS });
      drafts += rep.drafts.length;
    }
    if (!rep.done) return;
    finishRequest(ports, r);
    log('requested run done', { message: `${rep.runId} ${req.periodStart}..${req.periodEnd}, asked for by ${r.by} at ${r.at}: ${drafts} drafts in this execution` });
  }
}

const AUTH_MAILED = 'billing.authorizationMailed';

/** The trigger's owner has to open the add-on and authorize it again: tell them once a day, by mail and in the Log. */
function askToAuthorize(me: string, url: string | null): void {
  const props = PropertiesService.getDocumentProperties();
  const today = Utilities.formatDate(new Date(), SpreadsheetApp.getActive().getSpreadsheetTimeZone(), 'yyyy-MM-dd');
  if (props.getProperty(AUTH_MAILED) === today) return;
  props.setProperty(AUTH_MAILED, today);
  const name = SpreadsheetApp.getActive().getName();
  const text = `The billing add-on was updated and needs your permission again before its hourly trigger in "${name}" can run invoicing, documents and mail. Open the spreadsheet, choose Extensions → Billing → Open sidebar, and allow access${url ? `, or open ${url}` : ''}. Until then scheduled runs and sending wait.`;
  try {
    MailApp.sendEmail(me, 'Billing add-on: please authorize again', text);
  } catch {
    // Mail may be the scope that is missing; the Log still says it.
  }
  try {
    gasPorts().tables.apply('Log', { append: [toRowValues('Log', { at: new Date().toISOString(), user: 'trigger', action: 'authorization required', details: text })] });
  } catch {
    // Nothing else can be told.
  }
}

/** The sidebar: dist/Sidebar.html, built from sidebar/ (template and TypeScript modules) by scripts/build.mjs. */
export function showSidebar(): void {
  openSidebar();
}

/** Menu: the sidebar with its "Read received e-invoices" panel open (files are picked there). */
export function menuReceiveInvoices(): void {
  openSidebar('receivePanel');
}

/** The cash side's panels, each a menu item of its own: the sidebar opens at it. */
export function menuPayments(): void {
  openSidebar('paymentsPanel');
}

export function menuOpenItems(): void {
  openSidebar('openItemsPanel');
}

export function menuCollect(): void {
  openSidebar('collectPanel');
}

function openSidebar(panel?: string): void {
  const html = HtmlService.createHtmlOutputFromFile('Sidebar').setTitle('Billing');
  if (panel) html.append(`<script>openPanel(${JSON.stringify(panel)});</script>`);
  SpreadsheetApp.getUi().showSidebar(html);
}
