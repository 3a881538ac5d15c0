/**
 * What kind of refusal an error is, for callers that act on it (the sidebar, the CLI's exit code,
 * the trigger): every use case's failure maps to one of these (app/useCase.ts failureOf).
 * - busy: another billing action holds the lock; try again later.
 * - forbidden: the user may not do this (a viewer, or not a billing admin).
 * - unreadable: ledger cells the engine cannot read; nothing was changed.
 * - not-found / ambiguous: a reference (invoice ID or number, run ID) names nothing, or more than one thing.
 * - invalid: the request itself is malformed (a date, an amount).
 * - refused: a billing rule refuses it (finalized invoices are immutable, nothing left to credit, ...).
 * - failed: anything else (a Google service error, a bug): not a BillingError.
 */
export const ERROR_CODES = ['busy', 'forbidden', 'unreadable', 'not-found', 'ambiguous', 'invalid', 'refused', 'failed'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** A billing problem with one subscription or invoice; reported, never fatal to the others. */
export class BillingError extends Error {
  readonly code: Exclude<ErrorCode, 'failed'>;
  /** What it is about, when one thing is: an invoice ID or number, a run ID, a sheet cell. */
  readonly ref?: string;
  constructor(message: string, opts: { code?: Exclude<ErrorCode, 'failed'>; ref?: string } = {}) {
    super(message);
    this.name = 'BillingError';
    this.code = opts.code ?? 'refused';
    if (opts.ref !== undefined) this.ref = opts.ref;
  }
}
