// Use case: an invoice run. Reads the workbook once, plans, and writes drafts in bulk.
import type { FailedSubscription, RunOptions, Plan } from '../core/plan';
import { planRun } from '../core/plan';
import type { Run } from '../core/model';
import type { Dataset } from '../core/dataset';
import { BillingError } from '../core/errors';
import { toRowValues } from '../core/table';
import type { Ports } from '../ports';
import { summarize, summarizeError, type ErrorSummary, type InvoiceSummary } from './summary';
import { runUseCase, type UseCaseContext } from './useCase';
import { invoiceRows, lineRowsOf, linesAppend, readDataset, rowOfInvoice } from './workbook';
import { listText } from '../core/cells';
import { addMandateWarnings } from './eInvoiceNotes';

export type RunRequest = Omit<RunOptions, 'runId'>;

export interface RunReport {
  runId: string;
  status: Run['status'];
  /** False when the run stopped at a checkpoint: call continueRun(runId). */
  done: boolean;
  periodStart: string;
  periodEnd: string;
  inScope: number;
  /** Subscriptions in scope the run has worked through so far (nothing due counts): the progress. */
  processed: number;
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
  return runUseCase(ports, { action: 'start an invoice run', reads: 'ledger', work: (ctx) => runSlice(ctx, req, slice) });
}

/** Continues a run that stopped at its checkpoint (the Runs row keeps its options). */
export function continueRun(ports: Ports, runId: string, slice: SliceOptions = {}): RunReport {
  return runUseCase(ports, {
    action: 'continue an invoice run',
    reads: 'ledger',
    work: (ctx) => {
      const row = ctx.ds.runs.find((r) => r.record.runId === runId);
      if (!row) throw new BillingError(`run ${runId} does not exist`, { code: 'not-found', ref: runId });
      const run = row.record;
      if (run.status !== 'running' || !run.checkpoint) throw new BillingError(`run ${runId} is not waiting to continue (status ${run.status})`, { ref: runId });
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
      return runSlice(ctx, req, slice, { row: row.row, run, after: cp.after });
    },
  });
}

type Resume = { row: number; run: Run; after: string };

function runSlice({ ports, ds, log }: UseCaseContext, req: RunRequest, slice: SliceOptions, resume?: Resume): RunReport {
  const runId = resume?.run.runId ?? `R-${String(ds.runs.length + 1).padStart(6, '0')}`;
  const startedAt = ports.clock.now();
  const budget = slice.budgetMs;
  const deadline = budget === undefined ? undefined : () => ports.clock.now().getTime() - startedAt.getTime() > budget;
  const plan = planRun(ds, { ...req, runId }, { after: resume?.after, maxGroups: slice.maxGroups, deadline });
  addMandateWarnings(ds, plan.drafts, ports.clock.today());
  writeDrafts(ports, ds, plan);
  // Row errors are counted by the first slice; failed subscriptions by the slice that met them.
  const rowErrors = resume ? [] : ds.errors;
  const run = runRecord(ports, { runId, req, plan, startedAt, rowErrors, before: resume?.run });
  if (resume) ports.tables.apply('Runs', { update: [{ row: resume.row, values: toRowValues('Runs', run) }] });
  else ports.tables.apply('Runs', { append: [toRowValues('Runs', run)] });
  const done = plan.next === undefined;
  if (done) {
    const details = [`${runId} ${req.periodStart}..${req.periodEnd}: ${run.drafts} drafts, ${run.errors} errors`, ...ds.structureWarnings];
    log({ at: run.startedAt, action: 'run', details: details.join('; ') });
  }
  return {
    runId,
    status: run.status,
    done,
    periodStart: req.periodStart,
    periodEnd: req.periodEnd,
    inScope: plan.inScope,
    processed: plan.processed,
    drafts: plan.drafts.map((d) => summarize(d.invoice)),
    removed: plan.removed,
    failed: plan.failed,
    rowErrors: rowErrors.map(summarizeError),
    warnings: ds.structureWarnings,
  };
}

/** The slice's drafts replace the earlier drafts of their keys; drafts left with nothing to bill go. */
function writeDrafts(ports: Ports, ds: Dataset, plan: Plan): void {
  const invRows = rowOfInvoice(ds);
  const rowOf = invoiceRows(ds);
  const [existing, fresh] = [plan.drafts.filter((d) => invRows.has(d.invoice.invoiceId)), plan.drafts.filter((d) => !invRows.has(d.invoice.invoiceId))];
  ports.tables.apply('Invoices', {
    update: existing.map((d) => ({ row: rowOf(d.invoice.invoiceId), values: toRowValues('Invoices', d.invoice) })),
    remove: plan.removed.map(rowOf),
    append: fresh.map((d) => toRowValues('Invoices', d.invoice)),
  });
  const replaced = existing.map((d) => d.invoice.invoiceId);
  ports.tables.apply('InvoiceLines', { remove: lineRowsOf(ds, [...replaced, ...plan.removed]), append: linesAppend(plan.drafts) });
  if (plan.transactionLinks.length) {
    ports.tables.apply('Transactions', { update: plan.transactionLinks.map((l) => ({ row: l.row, values: { invoiceId: l.invoiceId } })) });
  }
}

/** The Runs row after this slice: counts carried over from the earlier slices of the run. */
function runRecord(ports: Ports, s: { runId: string; req: RunRequest; plan: Plan; startedAt: Date; rowErrors: Dataset['errors']; before?: Run }): Run {
  const { req, plan, before, rowErrors } = s;
  const errors = (before?.errors ?? 0) + rowErrors.length + plan.failed.length;
  const next = plan.next;
  // A long list ends in "…and N more": one cell holds at most 50,000 characters in Sheets.
  const remaining = listText(
    before?.remaining,
    plan.failed.map((f) => f.subscriptionId),
  );
  return {
    runId: s.runId,
    startedAt: before?.startedAt ?? s.startedAt.toISOString(),
    startedBy: before?.startedBy ?? ports.user(),
    status: next !== undefined ? 'running' : errors ? 'done_with_errors' : 'done',
    periodStart: req.periodStart,
    periodEnd: req.periodEnd,
    invoiceDate: req.invoiceDate,
    filter: req.filter,
    transactionFilters: req.transactionFilters?.join(', '),
    tenantId: req.tenantId,
    inScope: plan.inScope,
    drafts: (before?.drafts ?? 0) + plan.drafts.length,
    errors,
    checkpoint: next === undefined ? undefined : JSON.stringify({ after: next, subscriptionIds: req.subscriptionIds } satisfies Checkpoint),
    finishedAt: next === undefined ? ports.clock.now().toISOString() : undefined,
    lastError: plan.failed[plan.failed.length - 1]?.reason ?? (rowErrors.length ? summarizeError(rowErrors[rowErrors.length - 1]).text : before?.lastError),
    remaining,
  };
}

/** The latest run of this period that stopped at a checkpoint, if any (to continue instead of starting anew). */
export function unfinishedRun(ports: Ports, periodStart: string, periodEnd: string): string | undefined {
  const runs = readDataset(ports, ['Settings', 'Runs']).runs.map((r) => r.record);
  return runs.filter((r) => r.status === 'running' && r.checkpoint && r.periodStart === periodStart && r.periodEnd === periodEnd).pop()?.runId;
}
