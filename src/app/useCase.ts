// The one way a state-changing use case runs: lock → read → admin check → repair of interrupted
// writes → work → bulk writes → Log. Each use case states what it reads, who may do it and what it
// does; this runner does the rest in the same order every time, so no use case can forget the lock
// or the admin check, and every failure reaches the caller as a typed { code, message, ref }.
//
// The admin check comes before the repair (the list has it after): repairing writes the
// engine's sheets, which only an admin may, and the check needs nothing the repair changes.
import type { Dataset } from '../core/dataset';
import { BillingError, type ErrorCode } from '../core/errors';
import type { LogEntry } from '../core/model';
import type { TableName } from '../core/schema';
import { toRowValues } from '../core/table';
import type { Ports } from '../ports';
import { assertAdmin, assertEditor } from './access';
import { readDataset, readLedger, readLedgerWith, RECEIVABLES_TABLES, repairInterruptedWrites, repairPostings } from './workbook';
import { reconcileMoney } from './receivables/reconcile';

/** What a use case reads: at least a Dataset (ds), which the admin check and the work see. */
export interface Read {
  ds: Dataset;
}

export interface UseCase<T, R extends Read = Read> {
  /** What the user does, as a verb phrase ("finalize invoices"): the lock holder's label and the refusals' wording. */
  action: string;
  /**
   * What it reads: 'ledger' is every billing table, refused if the ledger has unreadable cells and
   * repaired before the work; a table list reads only those (work that does not write the ledger);
   * a function reads its own view (delivery reads Invoices from its marks on). 'receivables' is
   * RECEIVABLES_TABLES (the invoices and the money tables, not lines or plans), with what finalize
   * did not get to post posted, and the money reconciled (Balances made to say what Payments says,
   * the invoices' open amounts what Balances says).
   */
  reads: 'ledger' | 'receivables' | readonly TableName[] | ((ports: Ports) => R);
  /**
   * Who may: billing admins (the default), or any editor, for work that only asks an admin's
   * trigger to do something (viewers are refused either way).
   */
  who?: 'admin' | 'editor';
  /** The work, on what was read. It writes its changes in bulk through ports and records Log rows through `log`. */
  work(ctx: UseCaseContext<R>): T;
}

export interface UseCaseContext<R extends Read = Read> {
  ports: Ports;
  ds: Dataset;
  /** What `reads` returned (for a table list or 'ledger': { ds }). */
  read: R;
  /** A Log row (at: now unless given); all of a use case's rows are appended in one write after the work. */
  log(entry: LogRow): void;
}

export type LogRow = Omit<LogEntry, 'at' | 'user'> & { at?: string };

/** A failed use case as its caller sees it. */
export interface Failure {
  code: ErrorCode;
  message: string;
  /** What it is about when one thing is (an invoice ID or number, a run ID). */
  ref?: string;
}

/** Runs a state-changing use case by the house rules (see the top of this file). */
export function runUseCase<T, R extends Read = Read>(ports: Ports, uc: UseCase<T, R>): T {
  return ports.lock.withLock(() => {
    const read = readFor(ports, uc.reads);
    if (uc.who === 'editor') assertEditor(ports, uc.action);
    else assertAdmin(ports, read.ds, uc.action);
    const ds = uc.reads === 'ledger' ? repairInterruptedWrites(ports, read.ds) : uc.reads === 'receivables' ? reconcileMoney(ports, repairPostings(ports, read.ds)) : read.ds;
    const logs: LogRow[] = [];
    const whole = uc.reads === 'ledger' || uc.reads === 'receivables';
    const result = uc.work({ ports, ds, read: whole ? ({ ...read, ds } as R) : read, log: (e) => void logs.push(e) });
    if (logs.length) {
      const at = ports.clock.now().toISOString();
      ports.tables.apply('Log', { append: logs.map((e) => toRowValues('Log', { at, user: ports.user(), ...e })) });
    }
    return result;
  }, uc.action);
}

function readFor<R extends Read>(ports: Ports, reads: UseCase<unknown, R>['reads']): R {
  if (typeof reads === 'function') return reads(ports);
  if (reads === 'receivables') return { ds: readLedgerWith(ports, RECEIVABLES_TABLES) } as R;
  return { ds: reads === 'ledger' ? readLedger(ports) : readDataset(ports, reads) } as R;
}

/** Any error a use case throws, as the typed failure callers act on; only BillingErrors keep their code. */
export function failureOf(e: unknown): Failure {
  if (e instanceof BillingError) return { code: e.code, message: e.message, ...(e.ref !== undefined ? { ref: e.ref } : {}) };
  return { code: 'failed', message: e instanceof Error ? e.message : String(e) };
}
