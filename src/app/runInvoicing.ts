// Use case: an invoice run. Reads the workbook once, plans, and writes drafts in bulk.
import type { FailedSubscription, RunOptions } from '../core/plan';
import { planRun } from '../core/plan';
import type { Run } from '../core/model';
import { toRowValues } from '../core/table';
import type { Ports } from '../ports';
import { summarize, summarizeError, type ErrorSummary, type InvoiceSummary } from './summary';
import { lineRowsOf, linesAppend, readDataset, rowOfInvoice } from './workbook';

export type RunRequest = Omit<RunOptions, 'runId'>;

export interface RunReport {
  runId: string;
  status: Run['status'];
  periodStart: string;
  periodEnd: string;
  inScope: number;
  drafts: InvoiceSummary[];
  /** Drafts deleted because nothing is left to bill for their key. */
  removed: string[];
  /** Subscriptions that could not be billed, with the reason ("View Remaining"). */
  failed: FailedSubscription[];
  /** Rows skipped because of bad data. */
  rowErrors: ErrorSummary[];
}

export function runInvoicing(ports: Ports, req: RunRequest): RunReport {
  return ports.lock.withLock(() => {
    const ds = readDataset(ports);
    const runId = `R-${String(ds.runs.length + 1).padStart(6, '0')}`;
    const startedAt = ports.clock.now().toISOString();
    const plan = planRun(ds, { ...req, runId });

    const invRows = rowOfInvoice(ds);
    const replaced = plan.drafts.filter((d) => invRows.has(d.invoice.invoiceId)).map((d) => d.invoice.invoiceId);
    ports.tables.apply('Invoices', {
      update: plan.drafts.filter((d) => invRows.has(d.invoice.invoiceId)).map((d) => ({ row: invRows.get(d.invoice.invoiceId)!, values: toRowValues('Invoices', d.invoice) })),
      remove: plan.removed.map((id) => invRows.get(id)!),
      append: plan.drafts.filter((d) => !invRows.has(d.invoice.invoiceId)).map((d) => toRowValues('Invoices', d.invoice)),
    });
    ports.tables.apply('InvoiceLines', { remove: lineRowsOf(ds, [...replaced, ...plan.removed]), append: linesAppend(plan.drafts) });
    if (plan.transactionLinks.length) {
      ports.tables.apply('Transactions', { update: plan.transactionLinks.map((l) => ({ row: l.row, values: { invoiceId: l.invoiceId } })) });
    }
    const errors = ds.errors.length + plan.failed.length;
    const run: Run = {
      runId, startedAt, startedBy: ports.user(), status: errors ? 'done_with_errors' : 'done',
      periodStart: req.periodStart, periodEnd: req.periodEnd, invoiceDate: req.invoiceDate, filter: req.filter,
      transactionFilters: req.transactionFilters?.join(', '), tenantId: req.tenantId, inScope: plan.inScope,
      drafts: plan.drafts.length, errors, finishedAt: ports.clock.now().toISOString(),
      lastError: plan.failed[plan.failed.length - 1]?.reason ?? (ds.errors.length ? summarizeError(ds.errors[ds.errors.length - 1]).text : undefined),
      remaining: plan.failed.map((f) => f.subscriptionId).join(', ') || undefined,
    };
    ports.tables.apply('Runs', { append: [toRowValues('Runs', run)] });
    ports.tables.apply('Log', {
      append: [toRowValues('Log', { at: startedAt, user: ports.user(), action: 'run', details: `${runId} ${req.periodStart}..${req.periodEnd}: ${plan.drafts.length} drafts, ${errors} errors` })],
    });
    return {
      runId, status: run.status, periodStart: req.periodStart, periodEnd: req.periodEnd, inScope: plan.inScope,
      drafts: plan.drafts.map((d) => summarize(d.invoice)), removed: plan.removed, failed: plan.failed,
      rowErrors: ds.errors.map(summarizeError),
    };
  });
}
