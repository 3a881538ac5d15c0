// Write-offs, Skonto, fees and refunds: rows a user books by hand on the Balances ledger, and their
// undo (a reversal row). The Balances append is the commit: the invoices' Open Amount, Payment
// Status and Paid On follow from the rows (writeBook), and the next receivables read completes them
// after a crash. A retry never books twice: a request carrying a key (the sidebar's per form) gets
// the row booked with that key back; without a key, an identical row still standing (same kind,
// invoice or account, amount and date) refuses the booking unless `again` says it is meant.
import type { Dataset } from '../../core/dataset';
import { isIsoDate } from '../../core/dates';
import { BillingError } from '../../core/errors';
import { byInvoiceRef } from '../../core/invoiceRef';
import type { Balance } from '../../core/model';
import { D, type Decimal } from '../../core/money';
import { money } from '../../core/receivables/balances';
import { ADJUSTMENT_KINDS, ADJUSTMENT_WORDS, type Adjustment, type AdjustmentKind, keyedSource, type MoneyBook, skontoAmount } from '../../core/receivables/posting';
import type { Ports } from '../../ports';
import { runUseCase } from '../useCase';
import { bookContext } from './post';
import { bookOf, writeBook } from './reconcile';

/** What the user asks for; amounts and percents as decimal strings ("19.99"). */
export interface AdjustmentRequest {
  /** write-off, skonto, fee or refund (write_off is taken too). */
  kind: string;
  /** The invoice (number or Invoice ID); for a refund the Account ID. */
  target: string;
  /** Required, except a write-off (default: all that is open) and Skonto given as `percent`. */
  amount?: string;
  /** Skonto as a percent of the invoice's payable total. */
  percent?: string;
  /** A refund's currency (default: the account's, else its company's). */
  currency?: string;
  /** YYYY-MM-DD (default: today). */
  date?: string;
  reason?: string;
  /** Idempotency key: the same key again returns the row it booked and books nothing. */
  key?: string;
  /** Book it even if an identical row of the same date stands. */
  again?: boolean;
}

/** A booked (or undone) adjustment and what it left, as plain strings. */
export interface AdjustmentResult {
  balanceId: string;
  kind: string;
  date: string;
  /** Signed as in Balances: − lowers what the customer owes. */
  amount: string;
  currency: string;
  accountId: string;
  number?: string;
  reverses?: string;
  reason?: string;
  /** The invoice after it: open amount, payment status, paid on. */
  open?: string;
  paymentStatus?: string;
  paidOn?: string;
  /** The account's credit in the currency after it. */
  credit: string;
  /** The key was booked before: this is that row, nothing new was written. */
  repeated?: boolean;
}

function kindOf(text: string): AdjustmentKind {
  const k = String(text ?? '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if ((ADJUSTMENT_KINDS as readonly string[]).includes(k)) return k as AdjustmentKind;
  throw new BillingError(`"${text}" is not a kind of adjustment: write-off, skonto, fee or refund`, { code: 'invalid' });
}

function decimalOf(text: string | undefined, what: string): Decimal | undefined {
  const t = String(text ?? '').trim();
  if (!t) return undefined;
  if (!/^-?\d+(\.\d+)?$/.test(t)) throw new BillingError(`${what} "${t}" is not a number like 19.99`, { code: 'invalid' });
  return new D(t);
}

/** The date a booking or undo counts from: the one given (YYYY-MM-DD), else today. */
function dateOf(ports: Ports, given: string | undefined): string {
  const date = String(given ?? '').trim() || ports.clock.today();
  if (!isIsoDate(date)) throw new BillingError(`the date "${date}" is not YYYY-MM-DD`, { code: 'invalid' });
  return date;
}

/** What the request books, resolved against the workbook (the invoice, the refund's account and currency, the amount). */
function adjustmentOf(ports: Ports, ds: Dataset, book: MoneyBook, req: AdjustmentRequest): Adjustment {
  const kind = kindOf(req.kind);
  const date = dateOf(ports, req.date);
  const amount = decimalOf(req.amount, 'the amount');
  const percent = decimalOf(req.percent, 'the percent');
  const common = { kind, date, source: keyedSource(`${ADJUSTMENT_WORDS[kind]} by ${ports.user()}`, req.key), reason: String(req.reason ?? '').trim() || undefined };
  if (percent && kind !== 'skonto') throw new BillingError('only Skonto is given as a percent', { code: 'invalid' });
  if (kind === 'refund') {
    const account = ds.accounts.get(String(req.target ?? '').trim());
    if (!account) throw new BillingError(`There is no account ${req.target} in Accounts.`, { code: 'not-found', ref: req.target });
    const currency = (String(req.currency ?? '').trim() || account.currency || ds.tenantById.get(account.tenantId ?? '')?.currency || ds.tenants[0]?.currency || 'EUR').toUpperCase();
    if (!amount) throw new BillingError('a refund needs its amount', { code: 'invalid' });
    return { ...common, accountId: account.accountId, currency, amount };
  }
  const invoice = byInvoiceRef(ds.invoices, String(req.target ?? ''), (r) => r.record).record;
  if (kind === 'skonto' && !!amount === !!percent) throw new BillingError('give Skonto as an amount or as a percent of the invoice total, one of them', { code: 'invalid' });
  if (kind === 'skonto' && percent && !(percent.gt(0) && percent.lte(100))) throw new BillingError(`a Skonto percent must be above 0 and at most 100, not ${percent}`, { code: 'invalid' });
  const sized = kind === 'skonto' && percent ? skontoAmount(invoice, percent) : kind === 'write_off' && !amount ? book.openOf(invoice.invoiceId) : amount;
  if (!sized) throw new BillingError(`a ${ADJUSTMENT_WORDS[kind]} needs its amount`, { code: 'invalid' });
  return { ...common, invoice, amount: sized };
}

/**
 * Refuses a repeat: a row still standing with the same kind, invoice or account, amount and date
 * (for a write-off of all that is open, when nothing is open any more: one of any amount that day).
 * A request with a key of its own is no repeat: a retry carries the same key and is answered
 * before this (the sidebar's second identical fee of a day is meant).
 */
function refuseRepeat(book: MoneyBook, a: Adjustment, req: AdjustmentRequest): void {
  const whole = a.kind === 'write_off' && !String(req.amount ?? '').trim() && a.amount.isZero();
  const twin = req.again || req.key ? undefined : book.twinOf(a, whole);
  if (twin) {
    const on = twin.number ?? `account ${twin.accountId}`;
    throw new BillingError(
      `an identical ${ADJUSTMENT_WORDS[a.kind]} of ${money(twin.amount.abs())} ${twin.currency} on ${on} dated ${twin.date} is already booked as ${twin.balanceId}, so it was not booked again; to book a second one, use --again`,
      { code: 'refused', ref: twin.balanceId },
    );
  }
  const name = a.invoice?.number ?? '';
  if (whole) throw new BillingError(`nothing is open on ${name}: there is nothing to write off`, { code: 'refused', ref: name });
}

function resultOf(book: MoneyBook, ds: Dataset, b: Balance, repeated = false): AdjustmentResult {
  const inv = b.invoiceId ? ds.invoices.find((r) => r.record.invoiceId === b.invoiceId)?.record : undefined;
  const f = inv && book.openFields(inv);
  return {
    balanceId: b.balanceId,
    kind: b.kind,
    date: b.date,
    amount: money(b.amount),
    currency: b.currency,
    accountId: b.accountId,
    ...(b.number ? { number: b.number } : {}),
    ...(b.reverses ? { reverses: b.reverses } : {}),
    ...(b.reason ? { reason: b.reason } : {}),
    ...(f ? { open: money(f.openAmount), paymentStatus: f.paymentStatus, ...(f.paidOn ? { paidOn: f.paidOn } : {}) } : {}),
    credit: money(book.creditOf(b.accountId, b.currency)),
    ...(repeated ? { repeated } : {}),
  };
}

const KEY = /^[A-Za-z0-9._:-]{1,64}$/;

/** The row booked before with the request's key; a key used for another kind or target is refused, never taken for it. */
function repeatOf(book: MoneyBook, req: AdjustmentRequest): Balance | undefined {
  const b = req.key ? book.rowWithKey(req.key) : undefined;
  if (!b) return undefined;
  const target = String(req.target ?? '').trim();
  if (b.kind !== kindOf(req.kind) || ![b.number, b.invoiceId, b.kind === 'refund' ? b.accountId : undefined].includes(target)) {
    throw new BillingError(`the request key ${req.key} was used for ${b.balanceId} (${ADJUSTMENT_WORDS[b.kind as AdjustmentKind] ?? b.kind} on ${b.number ?? b.accountId}): use a new key`, {
      code: 'invalid',
      ref: b.balanceId,
    });
  }
  return b;
}

/** Books a write-off, Skonto or fee on an invoice, or a refund out of an account's credit. */
export function bookAdjustment(ports: Ports, req: AdjustmentRequest): AdjustmentResult {
  return runUseCase(ports, {
    action: 'book a write-off, Skonto, fee or refund',
    reads: 'receivables',
    work: ({ ports, ds, log }) => {
      if (req.key !== undefined && !KEY.test(req.key)) throw new BillingError(`the request key "${req.key}" may have letters, digits and . _ : - only (up to 64)`, { code: 'invalid' });
      const { book } = bookOf(ds, bookContext(ports));
      const before = repeatOf(book, req);
      if (before) return resultOf(book, ds, before, true);
      const a = adjustmentOf(ports, ds, book, req);
      refuseRepeat(book, a, req);
      const b = book.adjust(a);
      writeBook(ports, ds, book);
      log({
        action: 'adjustment',
        invoiceId: b.invoiceId,
        details: `${b.balanceId}: ${ADJUSTMENT_WORDS[a.kind]} ${money(b.amount)} ${b.currency} on ${b.number ?? `account ${b.accountId}`}${b.reason ? ` (${b.reason})` : ''}`,
      });
      return resultOf(book, ds, b);
    },
  });
}

/** Undoes a write-off, Skonto, fee or refund (by its Balance ID) with a reversal row. */
export function undoAdjustment(ports: Ports, req: { balanceId: string; reason?: string; date?: string }): AdjustmentResult {
  return runUseCase(ports, {
    action: 'undo a write-off, Skonto, fee or refund',
    reads: 'receivables',
    work: ({ ports, ds, log }) => {
      const date = dateOf(ports, req.date);
      const { book } = bookOf(ds, bookContext(ports));
      const reason = String(req.reason ?? '').trim() || undefined;
      const b = book.undoAdjustment(String(req.balanceId ?? ''), { date, source: `undone by ${ports.user()}`, reason });
      writeBook(ports, ds, book);
      log({ action: 'adjustment undone', invoiceId: b.invoiceId, details: `${b.reverses} undone by ${b.balanceId}${reason ? ` (${reason})` : ''}` });
      return resultOf(book, ds, b);
    },
  });
}
