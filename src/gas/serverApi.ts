// The contract between the sidebar and the Apps Script server: every function the sidebar may call
// through google.script.run, with its request and response. Types only (every import is `import
// type`), so the sidebar (sidebar/src, tsconfig.sidebar.json: DOM, no Apps Script types) imports
// this file without pulling in any server code. `server` in ./server.ts implements it; the sidebar's
// `call` (sidebar/src/call.ts) checks each call's name, request and response against it.
//
// What crosses google.script.run is JSON-like: ISO strings for dates (a Date in a result fails the
// call), plain objects and arrays, and a field that is undefined is left out.
import type { Queued } from '../app/handOver';
import type { CreditRequest, FinalizeRequest, LedgerReport } from '../app/ledgerActions';
import type { ReceiveReport } from '../app/receive';
import type { RunReport, RunRequest } from '../app/runInvoicing';
import type { RunOutcome, Schedule } from '../app/schedule';
import type { DraftSummary, InvoiceGroup, SidebarState } from '../app/sidebarState';
import type { InvoiceSummary } from '../app/summary';
import type { DocumentsReport, MailReport, SendRequest } from '../app/delivery';
import type { ManualInvoiceInput } from '../core/manual';
import type { Creditable, ManualInvoiceForm, ManualPreview } from '../app/ledgerPreview';
export type { Creditable, ManualInvoiceForm, ManualInvoiceInput, ManualPreview };
import type { VerifyResult } from '../core/verify';
import type { ImportReport, PaymentSummary } from '../app/receivables/payments';
import type { AccountItems, OpenItem, OpenItemsReport } from '../app/receivables/openItems';
import type { CollectionFile, CollectReport } from '../app/receivables/collections';
import type { AdjustmentRequest, AdjustmentResult } from '../app/receivables/adjustments';
export type { AccountItems, AdjustmentRequest, AdjustmentResult, CollectionFile, CollectReport, ImportReport, OpenItem, OpenItemsReport, PaymentSummary };

export type { DraftSummary, InvoiceGroup };
export type { CreditRequest, DocumentsReport, FinalizeRequest, InvoiceSummary, LedgerReport, MailReport, Queued, ReceiveReport, RunReport, RunRequest, Schedule, SidebarState, VerifyResult };

/** An invoice run started, or (another editor's) queued for the hourly trigger. */
export type RunInvoicingResponse = RunReport | Queued;
export interface CancelRequest {
  /** Invoice id or number. */
  invoiceId: string;
  releaseTransactions?: boolean;
  reason?: string;
}
export interface RenderDocumentsRequest {
  invoiceIds?: string[];
}
/** Documents made in this call, or (an admin who does not own the invoice folders) queued. */
export type RenderDocumentsResponse = DocumentsReport | Queued;
export interface PreviewResponse {
  invoiceId: string;
  /** The preview PDF in Drive; the sidebar opens only an https address. */
  url: string;
}
/** The server sets the time budget of each call. */
export type SendInvoicesRequest = Omit<SendRequest, 'budgetMs'>;
/** Mail sent in this call, or (an admin who does not own the invoice folders) queued. */
export type SendInvoicesResponse = MailReport | Queued;
/** A file picked in the sidebar, read in the browser: XML as text, a PDF as base64. */
export interface ReceivedFile {
  name: string;
  xml?: string;
  pdf?: string;
}
/**
 * A bank statement picked in the sidebar, read in the browser: camt.053/.054 XML as text, a bank's
 * CSV export as base64 (German banks write Windows-1252, which only the server's decoding of the
 * bytes reads right).
 */
export interface StatementFilePicked {
  name: string;
  text?: string;
  base64?: string;
}
export interface ListPaymentsRequest {
  /** Only payments not (fully) matched. */
  unmatched?: boolean;
}
export interface AssignPaymentRequest {
  paymentId: string;
  /** Invoice numbers (or ids), settled oldest first; what they do not need stays a credit on the account. */
  invoices: string[];
}
export interface OpenItemsRequest {
  accountId?: string;
}
export interface UndoAdjustmentRequest {
  /** The Balance ID of the write-off, Skonto, fee or refund (B-0000123). */
  balanceId: string;
  reason?: string;
}
export interface CollectRequest {
  /** Requested collection date (YYYY-MM-DD): invoices due by then are collected. */
  date: string;
  /** Preview: the files, invoices and problems, nothing written. */
  dryRun?: boolean;
}
/** The Schedule form as typed: an empty number field is null, which the server refuses in plain words. */
export type SaveScheduleRequest = Omit<Schedule, 'dayOfMonth' | 'hour'> & { dayOfMonth: number | null; hour: number | null };
export interface SaveScheduleResponse {
  schedule: Schedule;
  /** "YYYY-MM-DD HH:00" in the sheet's time zone, or null when the schedule is off. */
  next: string | null;
}
export interface ScheduleStateResponse {
  schedule: Schedule | null;
  next: string | null;
  lastRuns: RunOutcome[];
}

/** Every function the sidebar may call: `google.script.run.<name>(request)` answers `response`. */
export interface ServerApi {
  /** What the run form offers (filters, companies, last month, the user's role) and the workbook's state: drafts, waiting runs, documents, mail, uncertain deliveries, the trigger. */
  sidebarState(): SidebarState;
  /** Starts an invoice run, one ~20 s slice; `done: false` means call continueRun. */
  runInvoicing(req: RunRequest): RunInvoicingResponse;
  /** The next slice of a run that stopped at its checkpoint. */
  continueRun(runId: string): RunReport;
  finalizeInvoices(req: FinalizeRequest): LedgerReport;
  cancelInvoice(req: CancelRequest): LedgerReport;
  creditInvoice(req: CreditRequest): LedgerReport;
  /** The invoice (number or id) and what may still be credited on it; writes nothing. */
  creditableInvoice(ref: string): Creditable;
  /** What the manual invoice form offers: accounts, products, tax classes, the number locale. */
  manualInvoiceForm(): ManualInvoiceForm;
  /** A manual or pro-forma invoice's totals and tax as its draft would have them; writes nothing. */
  previewManualInvoice(input: ManualInvoiceInput): ManualPreview;
  createManualInvoice(input: ManualInvoiceInput): InvoiceSummary;
  verifyLedger(): VerifyResult;
  /** Docs and PDFs of finalized invoices without them, ~20 s a call. */
  renderDocuments(req?: RenderDocumentsRequest): RenderDocumentsResponse;
  previewDraft(invoiceId: string): PreviewResponse;
  /** Mails finalized invoices not sent yet, ~20 s a call; `done: false` means call again. */
  sendInvoices(req?: SendInvoicesRequest): SendInvoicesResponse;
  /** Records uncertain deliveries as sent; answers the invoice ids marked. */
  markInvoicesSent(ids: string[]): string[];
  receiveInvoices(files: ReceivedFile[]): ReceiveReport;
  scheduleState(): ScheduleStateResponse;
  saveScheduleSettings(s: SaveScheduleRequest): SaveScheduleResponse;
  /** Selects the invoice's row in the Invoices sheet. */
  goToInvoice(invoiceId: string): void;
  /** Bank statements into Payments, matched and booked; a statement read before adds nothing. */
  importPayments(files: StatementFilePicked[]): ImportReport;
  /** The Payments sheet, newest first (with `unmatched`: those not fully matched, with suggestions). */
  listPayments(req: ListPaymentsRequest): PaymentSummary[];
  /** Assigns a payment by hand to invoices (replacing what it settled before). */
  assignPayment(req: AssignPaymentRequest): PaymentSummary;
  /** Undoes what a payment settled: it is unmatched again. */
  undoPayment(paymentId: string): PaymentSummary;
  /**
   * A write-off, Skonto or fee on an invoice, or a refund out of an account's credit (a Balances
   * row). The sidebar sends a key per form: the same key again returns the row booked, nothing more.
   */
  bookAdjustment(req: AdjustmentRequest): AdjustmentResult;
  /** Undoes a write-off, Skonto, fee or refund with a reversal row. */
  undoAdjustment(req: UndoAdjustmentRequest): AdjustmentResult;
  /** Open invoices per account with totals and the account's credit; writes nothing. */
  openItems(req: OpenItemsRequest): OpenItemsReport;
  /** SEPA direct debits due by the date into a pain.008 file per company in its Drive folder's SEPA/ (dryRun: a preview). */
  collectDirectDebits(req: CollectRequest): CollectReport;
  /** Cancels a collection file not submitted to the bank: its invoices may be collected again. */
  cancelCollection(messageId: string): CollectionFile;
}

export type ServerFunction = keyof ServerApi;
export type RequestOf<K extends ServerFunction> = Parameters<ServerApi[K]>;
export type ResponseOf<K extends ServerFunction> = ReturnType<ServerApi[K]>;
