// Apps Script entry points. Every export becomes a top-level global function of dist/Code.js
// (menus, triggers and google.script.run only find top-level functions).
import { runInvoicing as runUseCase, type RunRequest } from '../app/runInvoicing';
import * as ledger from '../app/ledgerActions';
import type { ManualInvoiceInput } from '../core/manual';
import { lastOfMonth, addMonthsClamped, firstOfMonth } from '../core/dates';
import { gasPorts } from './host';
import { setupSheets } from './setup';
import { readDataset } from '../app/workbook';

export function onOpen(e?: { authMode?: GoogleAppsScript.Script.AuthMode }): void {
  // In AuthMode.NONE (add-on not yet used in this document) only a menu may be built.
  const ui = SpreadsheetApp.getUi();
  ui.createMenu('Billing')
    .addItem('Run invoicing for last month', 'menuRunLastMonth')
    .addItem('Finalize all drafts', 'menuFinalizeAll')
    .addItem('Verify ledger', 'menuVerifyLedger')
    .addSeparator()
    .addItem('Set up billing sheets', 'menuSetupSheets')
    .addToUi();
  void e;
}

export function onInstall(e?: { authMode?: GoogleAppsScript.Script.AuthMode }): void {
  onOpen(e);
}

/** google.script.run: an invoice run (ISO dates in, plain objects out). */
export function runInvoicing(req: RunRequest) {
  return runUseCase(gasPorts(), req);
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
  const r = runUseCase(ports, { periodStart: start, periodEnd: lastOfMonth(start) });
  const failed = r.failed.map((f) => `${f.subscriptionId}: ${f.reason}`).concat(r.rowErrors.map((e) => e.text));
  SpreadsheetApp.getUi().alert(`Run ${r.runId} (${r.periodStart} – ${r.periodEnd}): ${r.drafts.length} drafts.` + (failed.length ? `\n\nProblems:\n${failed.slice(0, 20).join('\n')}` : ''));
}

export function menuFinalizeAll(): void {
  const r = ledger.finalizeInvoices(gasPorts(), {});
  SpreadsheetApp.getUi().alert(`Finalized ${r.invoices.length} invoices.` + (r.failed.length ? `\n\nNot finalized:\n${r.failed.map((f) => `${f.invoiceId}: ${f.reason}`).join('\n')}` : ''));
}

export function menuVerifyLedger(): void {
  const r = ledger.verifyLedger(gasPorts());
  SpreadsheetApp.getUi().alert(r.problems.length ? `Ledger problems:\n${r.problems.map((p) => `${p.number ?? p.invoiceId}: ${p.message}`).join('\n')}` : `Ledger intact: ${r.checked} finalized invoices checked.`);
}

/** Creates or completes the billing sheets; billing admins = Settings "Billing Admins" + the user running setup. */
export function setupBillingSheets() {
  const ports = gasPorts();
  const ss = SpreadsheetApp.getActive();
  return ports.lock.withLock(() => {
    const settings = readDataset(ports, ['Settings']).tenants;
    const admins = [...new Set([ports.user(), ...settings.flatMap((t) => (t.billingAdmins ?? '').split(/[,;\s]+/))].filter((e) => e.includes('@')))];
    return setupSheets(ss, admins);
  });
}

export function menuSetupSheets(): void {
  const r = setupBillingSheets();
  SpreadsheetApp.getUi().alert(
    `Billing sheets are ready.\n\nCreated: ${r.createdSheets.join(', ') || 'none'}\nColumns added: ${r.addedColumns.length}\n` +
    `Protected sheets: ${r.protectedSheets.join(', ')}\nProtected engine columns: ${r.protectedColumns.join(', ')}`,
  );
}
