// Use cases on the ledger: finalize drafts, cancel or credit finalized invoices, manual and
// pro-forma invoices, verify the hash chain. Each reads once, works in memory, writes in bulk.
import { D, type Decimal } from '../core/money';
import { isIsoDate } from '../core/dates';
import { BillingError } from '../core/errors';
import { type CreditKind, LedgerWriter, OutOfOrderError, type LedgerContext } from '../core/ledger';
import { manualDraft, type ManualInvoiceInput } from '../core/manual';
import { invoiceIdSource } from '../core/ids';
import { verifyLedger as verifyCore, type VerifyResult } from '../core/verify';
import { toRowValues } from '../core/table';
import type { Dataset } from '../core/dataset';
import type { Invoice } from '../core/model';
import type { Ports } from '../ports';
import { summarize, type InvoiceSummary } from './summary';
import { runUseCase } from './useCase';
import { linesAppend, readDataset, writeLedgerChanges } from './workbook';
import { assertAdmin } from './access';
import { addMandateWarnings } from './eInvoiceNotes';

export interface LedgerReport {
  invoices: InvoiceSummary[];
  /** Invoices that could not be processed, with the reason; the others went through. */
  failed: { invoiceId: string; reason: string }[];
}

// Who may act: one rule, in access.ts (re-exported for the delivery use cases).
export { assertAdmin };

function context(ports: Ports, ds: Dataset): LedgerContext {
  return { ds, today: ports.clock.today(), now: ports.clock.now().toISOString(), user: ports.user(), sha256: (t) => ports.sha256(t) };
}

function checkDate(d: string | undefined) {
  if (d !== undefined && !isIsoDate(d)) throw new BillingError(`"${d}" is not a date in the form YYYY-MM-DD`, { code: 'invalid', ref: d });
}

export interface FinalizeRequest {
  /** Drafts to finalize; omitted = every draft (optionally of one tenant or one run). */
  invoiceIds?: string[];
  tenantId?: string;
  runId?: string;
  /** Overrides the drafts' invoice date. */
  invoiceDate?: string;
}

export function finalizeInvoices(ports: Ports, req: FinalizeRequest = {}): LedgerReport {
  checkDate(req.invoiceDate);
  return runUseCase(ports, {
    action: 'finalize invoices',
    reads: 'ledger',
    work: ({ ports, ds }) => {
      const w = new LedgerWriter(context(ports, ds));
      const done = finalizeInOrder(w, req.invoiceIds ?? draftsOf(ds, req), req.invoiceDate);
      writeLedgerChanges(ports, ds, w.changes);
      return { invoices: done, failed: w.changes.errors };
    },
  });
}

function draftsOf(ds: Dataset, req: FinalizeRequest): string[] {
  const chosen = (i: Invoice) => i.status === 'Draft' && (!req.tenantId || i.tenantId === req.tenantId) && (!req.runId || i.runId === req.runId);
  return ds.invoices
    .map((r) => r.record)
    .filter(chosen)
    .map((i) => i.invoiceId);
}

/** Drafts of one item go in service order: a draft waiting for an earlier draft of this batch is retried after it. */
function finalizeInOrder(w: LedgerWriter, ids: readonly string[], invoiceDate: string | undefined): InvoiceSummary[] {
  const done: InvoiceSummary[] = [];
  const requested = new Set(ids);
  const failedIds = new Set<string>();
  let pending = [...requested];
  while (pending.length) {
    const deferred: { id: string; reason: string }[] = [];
    for (const id of pending) {
      try {
        done.push(summarize(w.finalize(id, invoiceDate)));
      } catch (e) {
        if (e instanceof OutOfOrderError && requested.has(e.blockingInvoiceId) && !failedIds.has(e.blockingInvoiceId)) {
          deferred.push({ id, reason: e.message });
        } else {
          failedIds.add(id);
          w.changes.errors.push({ invoiceId: id, reason: (e as Error).message });
        }
      }
    }
    if (deferred.length === pending.length) {
      for (const d of deferred) w.changes.errors.push({ invoiceId: d.id, reason: d.reason });
      break;
    }
    pending = deferred.map((d) => d.id);
  }
  return done;
}

export interface CreditRequest {
  invoiceId: string;
  /** Credit these line numbers only. */
  lines?: number[];
  /** Credit this net amount, spread over the invoice's tax rates. */
  amount?: string;
  /** Free text for the log. */
  reason?: string;
  /** Issue it even if the same amount was credited on this invoice today (otherwise taken for a retry). */
  again?: boolean;
}

/** Cancel = a credit note mirroring the whole invoice; the invoice becomes Cancelled and its service billable again. */
export function cancelInvoice(ports: Ports, req: { invoiceId: string; releaseTransactions?: boolean; reason?: string }): LedgerReport {
  return ledgerOp(ports, (w) => w.credit(req.invoiceId, { kind: 'cancel', releaseTransactions: req.releaseTransactions, reason: req.reason }));
}

export function creditInvoice(ports: Ports, req: CreditRequest): LedgerReport {
  let amount: Decimal | undefined;
  if (req.amount !== undefined) {
    try {
      amount = new D(req.amount);
    } catch {
      throw new BillingError(`credit amount "${req.amount}" is not a number`, { code: 'invalid', ref: req.amount });
    }
  }
  // Lines win over an amount; neither credits everything, as a cancel (which a pro-forma invoice refuses when asked as a credit).
  const what: CreditKind = req.lines ? { kind: 'lines', lines: req.lines } : amount ? { kind: 'amount', amount, again: req.again } : { kind: 'cancel', asCredit: true };
  return ledgerOp(ports, (w) => w.credit(req.invoiceId, { ...what, reason: req.reason }));
}

function ledgerOp(ports: Ports, op: (w: LedgerWriter) => unknown): LedgerReport {
  return runUseCase(ports, {
    action: 'cancel or credit invoices',
    reads: 'ledger',
    work: ({ ports, ds }) => {
      const w = new LedgerWriter(context(ports, ds));
      op(w);
      writeLedgerChanges(ports, ds, w.changes);
      return { invoices: [...w.changes.created.map((d) => d.invoice), ...w.changes.updated].map(summarize), failed: w.changes.errors };
    },
  });
}

/** A manual (or pro-forma) draft; finalize it like any other draft. */
export function createManualInvoice(ports: Ports, input: ManualInvoiceInput): InvoiceSummary {
  checkDate(input.invoiceDate);
  return runUseCase(ports, {
    action: 'create invoices by hand',
    reads: 'ledger',
    work: ({ ports, ds, log }) => {
      const id = invoiceIdSource(ds.invoices.map((r) => r.record))();
      const doc = manualDraft(ds, id, input, ports.clock.today());
      addMandateWarnings(ds, [doc], ports.clock.today());
      ports.tables.apply('Invoices', { append: [toRowValues('Invoices', doc.invoice)] });
      ports.tables.apply('InvoiceLines', { append: linesAppend([doc]) });
      log({ action: 'manual draft', invoiceId: id });
      return summarize(doc.invoice);
    },
  });
}

export function verifyLedger(ports: Ports): VerifyResult {
  const ds = readDataset(ports, ['Settings', 'Invoices', 'InvoiceLines', 'NumberRanges', 'Balances']);
  return verifyCore(ds, (t) => ports.sha256(t));
}
