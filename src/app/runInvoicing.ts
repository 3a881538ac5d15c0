// Use case: an invoice run. Reads the workbook once, plans, and writes drafts in bulk.
import type { FailedSubscription, RunOptions } from '../core/plan';
import { planRun } from '../core/plan';
import type { Run } from '../core/model';
import type { Dataset } from '../core/dataset';
import { BillingError } from '../core/errors';
import { toRowValues } from '../core/table';
import type { Ports } from '../ports';
import { summarize, summarizeError, type ErrorSummary, type InvoiceSummary } from './summary';
import { lineRowsOf, linesAppend, readDataset, readForLedger, rowOfInvoice } from './workbook';
import { listText } from '../core/cells';

export type RunRequest = Omit<RunOptions, 'runId'>;

export interface RunReport {
  runId: string;
  status: Run['status'];
  /** False when the run stopped at a checkpoint: call continueRun(runId). */
  done: boolean;
  periodStart: string;
  periodEnd: string;
  inScope: number;
  drafts: InvoiceSummary[];
  /** Drafts deleted because nothing is left to bill for their key. */
  removed: string[];
  /** Subscriptions that could not be billed, with the reason ("View Remaining"). */
  failed: FailedSubscription[];
  /** Rows skipped because of bad data (reported by a run's first slice). */
  rowErrors: ErrorSummary[];
  /** Sheet-level problems that change amounts without failing a row (e.g. a missing Quantity column). */
  warnings: string[];
}

/** How much of a run one call does (Apps Script: one execution must end well before 6 minutes). */
export interface SliceOptions {
  /** At most this many drafts (subscriptions, or accounts when invoicing per account). */
  maxGroups?: number;
  /** Stop starting new drafts after this many milliseconds of the call. */
  budgetMs?: number;
}

interface Checkpoint {
  after: string;
  subscriptionIds?: string[];
}

/** Starts an invoice run; with slice limits it may stop early (`done: false`): continue it with continueRun. */
export function runInvoicing(ports: Ports, req: RunRequest, slice: SliceOptions = {}): RunReport {
  return ports.lock.withLock(() => runSlice(ports, readForLedger(ports), req, slice), 'an invoice run');
}

/** Continues a run that stopped at its checkpoint (the Runs row keeps its options). */
export function continueRun(ports: Ports, runId: string, slice: SliceOptions = {}): RunReport {
  return ports.lock.withLock(() => {
    const ds = readForLedger(ports);
    const row = ds.runs.find((r) => r.record.runId === runId);
    if (!row) throw new BillingError(`run ${runId} does not exist`);
    const run = row.record;
    if (run.status !== 'running' || !run.checkpoint) throw new BillingError(`run ${runId} is not waiting to continue (status ${run.status})`);
    const cp = JSON.parse(run.checkpoint) as Checkpoint;
    const req: RunRequest = {
      periodStart: run.periodStart,
      periodEnd: run.periodEnd,
      invoiceDate: run.invoiceDate,
      filter: run.filter,
      tenantId: run.tenantId,
      transactionFilters: run.transactionFilters ? run.transactionFilters.split(', ') : undefined,
      subscriptionIds: cp.subscriptionIds,
    };
    return runSlice(ports, ds, req, slice, { row: row.row, run, after: cp.after });
  }, 'an invoice run');
}

function runSlice(ports: Ports, ds: Dataset, req: RunRequest, slice: SliceOptions, resume?: { row: number; run: Run; after: string }): RunReport {
  const runId = resume?.run.runId ?? `R-${String(ds.runs.length + 1).padStart(6, '0')}`;
  const startedAt = ports.clock.now();
  const deadline = slice.budgetMs === undefined ? undefined : () => ports.clock.now().getTime() - startedAt.getTime() > slice.budgetMs!;
  const plan = planRun(ds, { ...req, runId }, { after: resume?.after, maxGroups: slice.maxGroups, deadline });

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
  // Row errors are counted by the first slice; failed subscriptions by the slice that met them.
  const before = resume?.run;
  const rowErrors = resume ? [] : ds.errors;
  const errors = (before?.errors ?? 0) + rowErrors.length + plan.failed.length;
  const done = plan.next === undefined;
  // A long list ends in "…and N more": one cell holds at most 50,000 characters in Sheets.
  const remaining = listText(
    before?.remaining,
    plan.failed.map((f) => f.subscriptionId),
  );
  const run: Run = {
    runId,
    startedAt: before?.startedAt ?? startedAt.toISOString(),
    startedBy: before?.startedBy ?? ports.user(),
    status: !done ? 'running' : errors ? 'done_with_errors' : 'done',
    periodStart: req.periodStart,
    periodEnd: req.periodEnd,
    invoiceDate: req.invoiceDate,
    filter: req.filter,
    transactionFilters: req.transactionFilters?.join(', '),
    tenantId: req.tenantId,
    inScope: plan.inScope,
    drafts: (before?.drafts ?? 0) + plan.drafts.length,
    errors,
    checkpoint: done ? undefined : JSON.stringify({ after: plan.next!, subscriptionIds: req.subscriptionIds } satisfies Checkpoint),
    finishedAt: done ? ports.clock.now().toISOString() : undefined,
    lastError: plan.failed[plan.failed.length - 1]?.reason ?? (rowErrors.length ? summarizeError(rowErrors[rowErrors.length - 1]).text : before?.lastError),
    remaining,
  };
  if (resume) ports.tables.apply('Runs', { update: [{ row: resume.row, values: toRowValues('Runs', run) }] });
  else ports.tables.apply('Runs', { append: [toRowValues('Runs', run)] });
  if (done) {
    ports.tables.apply('Log', {
      append: [
        toRowValues('Log', {
          at: run.startedAt,
          user: ports.user(),
          action: 'run',
          details: [`${runId} ${req.periodStart}..${req.periodEnd}: ${run.drafts} drafts, ${errors} errors`, ...ds.structureWarnings].join('; '),
        }),
      ],
    });
  }
  return {
    runId,
    status: run.status,
    done,
    periodStart: req.periodStart,
    periodEnd: req.periodEnd,
    inScope: plan.inScope,
    drafts: plan.drafts.map((d) => summarize(d.invoice)),
    removed: plan.removed,
    failed: plan.failed,
    rowErrors: rowErrors.map(summarizeError),
    warnings: ds.structureWarnings,
  };
}

/** The latest run of this period that stopped at a checkpoint, if any (to continue instead of starting anew). */
export function unfinishedRun(ports: Ports, periodStart: string, periodEnd: string): string | undefined {
  const runs = readDataset(ports, ['Settings', 'Runs']).runs.map((r) => r.record);
  return runs.filter((r) => r.status === 'running' && r.checkpoint && r.periodStart === periodStart && r.periodEnd === periodEnd).pop()?.runId;
}
