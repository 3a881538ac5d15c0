// The unattended monthly run. One hourly trigger calls scheduledWork: it first continues a run cut
// by the execution limit, otherwise starts last month's run once the scheduled day and hour have
// come (once per month), and otherwise returns at once. The schedule lives in the key-value store.
import { addMonthsClamped, firstOfMonth, lastOfMonth } from '../core/dates';
import { BillingError } from '../core/errors';
import type { Ports } from '../ports';
import { finalizeInvoices } from './ledgerActions';
import { queueRun } from './delivery';
import { continueRun, runInvoicing, type RunReport, type SliceOptions } from './runInvoicing';
import { readDataset } from './workbook';

export interface Schedule {
  /** Day of the month (1–28) from which last month is billed. */
  dayOfMonth: number;
  /** Hour (0–23, sheet time zone) from which the run starts on that day. */
  hour: number;
  /** Finalize the run's drafts when it is done. */
  autoFinalize: boolean;
  /** Then email the finalized invoices (needs autoFinalize); what the mail quota refuses waits for the next trigger. */
  autoSend?: boolean;
  enabled: boolean;
}

const KEY = 'billing.schedule';
const DONE_KEY = 'billing.schedule.lastMonth';

export function loadSchedule(ports: Ports): Schedule | undefined {
  const raw = ports.kv.get(KEY);
  return raw ? (JSON.parse(raw) as Schedule) : undefined;
}

export function saveSchedule(ports: Ports, s: Schedule): Schedule {
  if (!Number.isInteger(s.dayOfMonth) || s.dayOfMonth < 1 || s.dayOfMonth > 28) throw new BillingError(`day of month must be 1 to 28 (every month has it), not ${s.dayOfMonth}`);
  if (!Number.isInteger(s.hour) || s.hour < 0 || s.hour > 23) throw new BillingError(`hour must be 0 to 23, not ${s.hour}`);
  if (s.autoSend && !s.autoFinalize) throw new BillingError('auto-send needs auto-finalize: only finalized invoices are emailed');
  const clean: Schedule = { dayOfMonth: s.dayOfMonth, hour: s.hour, autoFinalize: !!s.autoFinalize, autoSend: !!s.autoSend, enabled: s.enabled !== false };
  ports.kv.set(KEY, JSON.stringify(clean));
  return clean;
}

/** When the scheduled run starts next (sheet time zone): "YYYY-MM-DD HH:00", or "within the hour". */
export function nextScheduledRun(ports: Ports): string | undefined {
  const s = loadSchedule(ports);
  if (!s?.enabled) return undefined;
  const today = ports.clock.today();
  const month = today.slice(0, 7);
  const at = (m: string) => `${m}-${String(s.dayOfMonth).padStart(2, '0')} ${String(s.hour).padStart(2, '0')}:00`;
  if (ports.kv.get(DONE_KEY) === month) return at(addMonthsClamped(`${month}-01`, 1).slice(0, 7));
  return isDue(ports, s) ? 'within the hour' : at(month);
}

function isDue(ports: Ports, s: Schedule): boolean {
  const today = ports.clock.today();
  const day = `${today.slice(0, 7)}-${String(s.dayOfMonth).padStart(2, '0')}`;
  return today > day || (today === day && ports.clock.hour() >= s.hour);
}

export type ScheduledWork = { action: 'none' } | { action: 'continued' | 'started'; run: RunReport; finalized?: number; queued?: number };

/** What the hourly trigger does; quick when there is nothing to do. */
export function scheduledWork(ports: Ports, slice: SliceOptions): ScheduledWork {
  const pending = readDataset(ports, ['Settings', 'Runs'])
    .runs.map((r) => r.record)
    .filter((r) => r.status === 'running' && r.checkpoint)
    .pop();
  const s = loadSchedule(ports);
  if (pending) return finish(ports, 'continued', continueRun(ports, pending.runId, slice), s);
  if (!s?.enabled) return { action: 'none' };
  const today = ports.clock.today();
  const month = today.slice(0, 7);
  if (!isDue(ports, s) || ports.kv.get(DONE_KEY) === month) return { action: 'none' };
  // Marked before the run: a crash never starts last month's run a second time.
  ports.kv.set(DONE_KEY, month);
  const start = firstOfMonth(addMonthsClamped(firstOfMonth(today), -1));
  return finish(ports, 'started', runInvoicing(ports, { periodStart: start, periodEnd: lastOfMonth(start) }, slice), s);
}

function finish(ports: Ports, action: 'continued' | 'started', run: RunReport, s: Schedule | undefined): ScheduledWork {
  if (!run.done || !s?.autoFinalize) return { action, run };
  // The run's own drafts only, found in finalize's single read of the workbook.
  const finalized = finalizeInvoices(ports, { runId: run.runId }).invoices.length;
  // Auto-send queues them: the trigger mails the queue within the daily quota, this hour or later.
  return { action, run, finalized, ...(s.autoSend ? { queued: queueRun(ports, run.runId) } : {}) };
}

export interface RunOutcome {
  runId: string;
  periodStart?: string;
  periodEnd?: string;
  startedAt?: string;
  startedBy?: string;
  status: string;
  drafts: number;
  errors: number;
  lastError?: string;
}

/** The sidebar's Schedule panel: the schedule, when it runs next, and how the last runs ended. */
export function scheduleState(ports: Ports): { schedule: Schedule | null; next: string | null; lastRuns: RunOutcome[] } {
  const runs = readDataset(ports, ['Settings', 'Runs']).runs.map((r) => r.record);
  return {
    schedule: loadSchedule(ports) ?? null,
    next: nextScheduledRun(ports) ?? null,
    lastRuns: runs
      .slice(-5)
      .reverse()
      .map((r) => ({
        runId: r.runId,
        periodStart: r.periodStart,
        periodEnd: r.periodEnd,
        startedAt: r.startedAt,
        startedBy: r.startedBy,
        status: r.status,
        drafts: r.drafts ?? 0,
        errors: r.errors ?? 0,
        lastError: r.lastError,
      })),
  };
}
