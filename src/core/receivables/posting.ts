// Writing the Balances ledger: every money event as rows appended, never edited. Finalized
// invoices and credit notes are posted from Invoices; a payment's rows are derived from what its
// Payments row says it settles (Matched Invoices), so a crash between the Payments write and the
// Balances write is completed by deriving again: posting is idempotent, reconciling only adds the
// difference (reversal rows for what no longer holds, new rows for what is missing).
import { BillingError } from '../errors';
import type { Balance, BalanceKind, Invoice, PaymentStatus, Tenant } from '../model';
import { D, type Decimal, minorUnits, roundMoney, ZERO } from '../money';
import { accountKey, money, paymentStatusOf } from './balances';

/** Invoice types that ask the customer for money (a pro-forma invoice does not; a credit note gives it back). */
export const BILLED_TYPES: ReadonlySet<Invoice['type']> = new Set(['invoice', 'prepayment', 'partial', 'final']);

/** One part of a payment: on an invoice (by its number) or, without one, a credit on the account. */
export interface Allocation {
  invoiceId?: string;
  number?: string;
  accountId: string;
  /** As the payment sees it: + received, − taken back (a return debit). */
  amount: Decimal;
}

export interface BookContext {
  today: string;
  now: string;
  user: string;
}

/** What a user books by hand on Balances (a payment's rows come from its Payments row instead). */
export const ADJUSTMENT_KINDS = ['write_off', 'skonto', 'fee', 'refund'] as const;
export type AdjustmentKind = (typeof ADJUSTMENT_KINDS)[number];
const isAdjustment = (k: BalanceKind): k is AdjustmentKind => (ADJUSTMENT_KINDS as readonly string[]).includes(k);

/** An adjustment's kind in words ("write-off", "Skonto"). */
export const ADJUSTMENT_WORDS: Record<AdjustmentKind, string> = { write_off: 'write-off', skonto: 'Skonto', fee: 'fee', refund: 'refund' };

/** A write-off, Skonto or fee on an invoice, or a refund out of an account's credit. */
export interface Adjustment {
  kind: AdjustmentKind;
  /** The invoice of a write-off, Skonto or fee; none for a refund. */
  invoice?: Invoice;
  /** A refund's account and currency (an invoice's come from the invoice). */
  accountId?: string;
  currency?: string;
  /** The size (> 0); the row's sign follows the kind. */
  amount: Decimal;
  date: string;
  source: string;
  reason?: string;
}

/** Where a caller's idempotency key is kept: at the end of the row's Source, which survives in the sheet. */
export const keyedSource = (source: string, key?: string) => (key ? `${source} (request ${key})` : source);
const keyOf = (source?: string) => /\(request ([^()\s]+)\)$/.exec(source ?? '')?.[1];

/** Skonto as a percent of the invoice's payable total, rounded half-up to the currency's minor unit. */
export function skontoAmount(inv: Pick<Invoice, 'payable' | 'currency'>, percent: Decimal): Decimal {
  return roundMoney(inv.payable.times(percent).div(100), inv.currency, 'half-up');
}

export interface OpenFields {
  openAmount: Decimal;
  paymentStatus: PaymentStatus;
  paidOn?: string;
}

/** The Balances ledger in memory: the rows read, the rows added, and each invoice's open amount as they stand. */
export class MoneyBook {
  readonly added: Balance[] = [];
  /** Invoices whose money changed here. */
  readonly touched = new Set<string>();
  private readonly open = new Map<string, Decimal>();
  private readonly credit = new Map<string, Decimal>();
  private readonly posted = new Set<string>();
  private readonly byPayment = new Map<string, Balance[]>();
  /** Reversed row → the reversal row that undoes it. */
  private readonly reversed = new Map<string, string>();
  private readonly byId = new Map<string, Balance>();
  private readonly byKey = new Map<string, Balance>();
  /** Rows that settled each invoice (payments, account credit, write-offs, Skonto): Paid On is the last one still standing. */
  private readonly settledBy = new Map<string, Balance[]>();
  private seq: number;

  constructor(
    rows: readonly Balance[],
    private readonly c: BookContext,
  ) {
    this.seq = rows.reduce((m, b) => Math.max(m, Number(/^B-(\d+)$/.exec(b.balanceId)?.[1] ?? 0)), 0);
    for (const b of rows) this.see(b);
  }

  private see(b: Balance) {
    if (b.invoiceId) this.open.set(b.invoiceId, (this.open.get(b.invoiceId) ?? ZERO).plus(b.amount));
    else this.credit.set(accountKey(b.accountId, b.currency), (this.credit.get(accountKey(b.accountId, b.currency)) ?? ZERO).minus(b.amount));
    // A write-off or Skonto that leaves nothing open settles the invoice on its date, as a payment
    // would: Paid On shows that date. BT-113 (moneyByInvoice's paid) still counts only cash.
    const settles = b.kind === 'payment' || b.kind === 'account_credit' || b.kind === 'write_off' || b.kind === 'skonto';
    if (b.invoiceId && b.amount.isNegative() && settles) {
      const list = this.settledBy.get(b.invoiceId);
      if (list) list.push(b);
      else this.settledBy.set(b.invoiceId, [b]);
    }
    if (b.kind === 'invoice' && b.invoiceId) this.posted.add(`invoice|${b.invoiceId}`);
    if (b.kind === 'credit_note' && b.number) this.posted.add(`credit_note|${b.number}`);
    if (b.reverses) this.reversed.set(b.reverses, b.balanceId);
    if (b.paymentId && b.kind !== 'reversal') {
      const rows = this.byPayment.get(b.paymentId);
      if (rows) rows.push(b);
      else this.byPayment.set(b.paymentId, [b]);
    }
    this.byId.set(b.balanceId, b);
    const key = b.source?.endsWith(')') ? keyOf(b.source) : undefined;
    if (key && !this.byKey.has(key)) this.byKey.set(key, b);
  }

  /** The date of the last row that settled the invoice and was not undone since. */
  private lastPaid(invoiceId: string): string | undefined {
    let last: string | undefined;
    for (const b of this.settledBy.get(invoiceId) ?? []) if (!this.reversed.has(b.balanceId) && (!last || b.date > last)) last = b.date;
    return last;
  }

  private add(row: Omit<Balance, 'balanceId' | 'at' | 'by'>): Balance {
    const b: Balance = { balanceId: `B-${String(++this.seq).padStart(7, '0')}`, ...row, at: this.c.now, by: this.c.user };
    this.added.push(b);
    this.see(b);
    if (b.invoiceId) this.touched.add(b.invoiceId);
    return b;
  }

  openOf(invoiceId: string): Decimal {
    return this.open.get(invoiceId) ?? ZERO;
  }

  /** An account's credit in a currency (what overpayments and credit notes left on it). */
  creditOf(accountId: string, currency: string): Decimal {
    return this.credit.get(accountKey(accountId, currency)) ?? ZERO;
  }

  /** A finalized invoice's charge (once); true when posted now. */
  postInvoice(inv: Invoice): boolean {
    if (!BILLED_TYPES.has(inv.type) || !inv.number || inv.status === 'Draft' || this.posted.has(`invoice|${inv.invoiceId}`)) return false;
    return !!this.add({
      date: inv.invoiceDate!,
      kind: 'invoice',
      accountId: inv.accountId,
      invoiceId: inv.invoiceId,
      number: inv.number,
      amount: inv.payable,
      currency: inv.currency,
      source: 'finalize',
    });
  }

  /**
   * A credit note (once): it lowers what is open on the invoice it credits; what that invoice no
   * longer owes (it was paid) becomes a credit on the account.
   */
  postCreditNote(note: Invoice): void {
    if (note.type !== 'credit_note' || !note.number || this.posted.has(`credit_note|${note.number}`)) return;
    const size = note.payable.abs();
    const open = note.originalInvoiceId ? D.max(this.openOf(note.originalInvoiceId), ZERO) : ZERO;
    const onInvoice = D.min(size, open);
    const base = { date: note.invoiceDate!, kind: 'credit_note' as const, accountId: note.accountId, number: note.number, currency: note.currency, source: `credit note ${note.number}` };
    if (onInvoice.gt(0)) this.add({ ...base, invoiceId: note.originalInvoiceId, amount: onInvoice.neg() });
    if (size.gt(onInvoice)) this.add({ ...base, amount: size.minus(onInvoice).neg(), reason: 'more than was open on the invoice: kept as a credit on the account' });
    if (!size.gt(0)) this.posted.add(`credit_note|${note.number}`);
  }

  /** At finalization, when the tenant says so: the account's credit pays the invoice as far as it goes. Returns what was applied. */
  applyAccountCredit(inv: Invoice, tenant: Tenant): Decimal {
    if (!tenant.applyAccountCredit || !BILLED_TYPES.has(inv.type)) return ZERO;
    const amount = D.min(this.creditOf(inv.accountId, inv.currency), this.openOf(inv.invoiceId));
    if (!amount.gt(0)) return ZERO;
    const base = { date: inv.invoiceDate!, kind: 'account_credit' as const, accountId: inv.accountId, currency: inv.currency, source: `account credit applied to ${inv.number}` };
    this.add({ ...base, amount });
    this.add({ ...base, invoiceId: inv.invoiceId, number: inv.number, amount: amount.neg() });
    return amount;
  }

  /** A payment's rows that hold: not reversals, not reversed. */
  private liveRows(paymentId: string): Balance[] {
    return (this.byPayment.get(paymentId) ?? []).filter((b) => !this.reversed.has(b.balanceId));
  }

  /**
   * Makes the Balances rows of a payment say what `parts` say: nothing when they already do;
   * otherwise every row that holds is reversed and the parts are posted anew.
   */
  settle(p: { paymentId: string; date: string; currency: string; source: string; reason?: string }, parts: readonly Allocation[]): void {
    const want = parts.filter((a) => !a.amount.isZero()).map((a) => ({ ...a, balance: a.amount.neg() }));
    const live = this.liveRows(p.paymentId);
    const key = (x: { invoiceId?: string; accountId: string; amount: Decimal }) => `${x.invoiceId ?? ''}|${x.accountId}|${x.amount.toFixed(2)}`;
    // A new payment (no rows yet) is posted without comparing: most of a statement's ten thousand.
    const same =
      live.length === want.length &&
      live.map(key).sort().join(';') ===
        want
          .map((w) => key({ ...w, amount: w.balance }))
          .sort()
          .join(';');
    if (same) return;
    for (const b of live) {
      this.add({
        date: this.c.today,
        kind: 'reversal',
        accountId: b.accountId,
        invoiceId: b.invoiceId,
        number: b.number,
        amount: b.amount.neg(),
        currency: b.currency,
        paymentId: p.paymentId,
        reverses: b.balanceId,
        source: p.source,
        reason: p.reason,
      });
    }
    for (const w of want) {
      const kind: BalanceKind = w.balance.isNegative() ? 'payment' : 'return_debit';
      this.add({
        date: p.date,
        kind,
        accountId: w.accountId,
        invoiceId: w.invoiceId,
        number: w.number,
        amount: w.balance,
        currency: p.currency,
        paymentId: p.paymentId,
        source: p.source,
        reason: kind === 'return_debit' ? p.reason : undefined,
      });
    }
  }

  /** An invoice's Open Amount, Payment Status and Paid On as the rows say on `today`. */
  openFields(inv: Invoice): OpenFields {
    const open = this.openOf(inv.invoiceId);
    const status = paymentStatusOf(inv, open, this.c.today);
    return { openAmount: open, paymentStatus: status, paidOn: status === 'Paid' ? this.lastPaid(inv.invoiceId) : undefined };
  }

  /** A row by its Balance ID. */
  row(balanceId: string): Balance | undefined {
    return this.byId.get(balanceId.trim());
  }

  /** The row booked with this idempotency key (keyedSource), if any. */
  rowWithKey(key: string): Balance | undefined {
    return this.byKey.get(key);
  }

  /** The reversal row that undid a row, if one did. */
  reversalOf(balanceId: string): string | undefined {
    return this.reversed.get(balanceId);
  }

  /** A row still standing (not undone) of the same kind, invoice or account, amount (unless `anyAmount`), currency and date: a repeat of `a`. */
  twinOf(a: Adjustment, anyAmount = false): Balance | undefined {
    const row = anyAmount ? { ...this.rowOf({ ...a, amount: new D(1) }), amount: undefined } : this.rowOf(a);
    for (const b of this.byId.values()) {
      if (b.kind !== row.kind || b.date !== row.date || b.currency !== row.currency || (row.amount && !b.amount.eq(row.amount)) || this.reversed.has(b.balanceId)) continue;
      if ((b.invoiceId ?? '') === (row.invoiceId ?? '') && b.accountId === row.accountId) return b;
    }
    return undefined;
  }

  /**
   * Books a write-off or Skonto (− on the invoice: it lowers what is open, never below 0), a fee
   * (+ on the invoice) or a refund (+ on the account: paid out of its credit, never more than it
   * holds). Refused with a BillingError that says why.
   */
  adjust(a: Adjustment): Balance {
    const row = this.rowOf(a);
    if (a.kind === 'refund') {
      const credit = this.creditOf(row.accountId, row.currency);
      if (a.amount.gt(credit)) throw refusal(`a refund of ${money(a.amount)} ${row.currency} is more than the credit on account ${row.accountId}: ${money(credit)} ${row.currency}`, row.accountId);
    } else if (row.amount.isNegative()) {
      const open = this.openOf(row.invoiceId!);
      const what = `${ADJUSTMENT_WORDS[a.kind]} of ${money(a.amount)} ${row.currency} on ${row.number}`;
      if (!open.gt(0)) throw refusal(`nothing is open on ${row.number}: a ${ADJUSTMENT_WORDS[a.kind]} has nothing to lower`, row.number);
      if (a.amount.gt(open)) throw refusal(`a ${what} is more than is open on it: ${money(open)} ${row.currency}`, row.number);
    }
    return this.add(row);
  }

  /** The row an adjustment would be, checked: an amount above 0 in the currency's cents, a finalized invoice that bills. */
  private rowOf(a: Adjustment): Omit<Balance, 'balanceId' | 'at' | 'by'> {
    const inv = a.invoice;
    const currency = inv?.currency ?? a.currency ?? '';
    if (!a.amount.gt(0)) throw new BillingError(`the amount of a ${ADJUSTMENT_WORDS[a.kind]} must be above 0, not ${a.amount.toString()}`, { code: 'invalid' });
    if (a.amount.decimalPlaces() > minorUnits(currency)) throw new BillingError(`${a.amount.toString()} ${currency} has more decimals than the currency has`, { code: 'invalid' });
    const base = { date: a.date, kind: a.kind as BalanceKind, currency, source: a.source, reason: a.reason || undefined };
    if (a.kind === 'refund') {
      if (!a.accountId || !currency) throw new BillingError('a refund needs the account and the currency', { code: 'invalid' });
      return { ...base, accountId: a.accountId, amount: a.amount };
    }
    if (!inv) throw new BillingError(`a ${ADJUSTMENT_WORDS[a.kind]} needs the invoice it is on`, { code: 'invalid' });
    const name = inv.number ?? inv.invoiceId;
    if (inv.status === 'Draft' || !inv.number) throw refusal(`${name} is a draft: only a finalized invoice has money to adjust`, name);
    if (!BILLED_TYPES.has(inv.type)) throw refusal(`${name} is a ${inv.type === 'credit_note' ? 'credit note' : 'pro-forma invoice'}: it asks for no money, so there is nothing to adjust`, name);
    if (a.kind === 'fee' && inv.status === 'Cancelled') throw refusal(`${name} is cancelled: put the fee on another invoice`, name);
    const amount = a.kind === 'fee' ? a.amount : a.amount.neg();
    return { ...base, accountId: inv.accountId, invoiceId: inv.invoiceId, number: inv.number, amount };
  }

  /**
   * Undoes a write-off, Skonto, fee or refund with a reversal row. Refused for other rows (a
   * payment is undone through its Payments row), for a row undone before, and for a fee already
   * paid (undoing it would leave the invoice below 0).
   */
  undoAdjustment(balanceId: string, u: { date: string; source: string; reason?: string }): Balance {
    const b = this.row(balanceId);
    if (!b) throw new BillingError(`there is no row ${balanceId} in the Balances sheet`, { code: 'not-found', ref: balanceId });
    if (!isAdjustment(b.kind)) {
      const how = b.paymentId ? `: undo payment ${b.paymentId} instead` : b.kind === 'reversal' ? ': it undoes another row' : '';
      throw refusal(`${b.balanceId} is ${/^[aeiou]/.test(b.kind) ? 'an' : 'a'} ${b.kind.replace('_', ' ')} row, not a write-off, Skonto, fee or refund${how}`, b.balanceId);
    }
    const by = this.reversed.get(b.balanceId);
    if (by) throw refusal(`${b.balanceId} was already undone by ${by}`, b.balanceId);
    if (b.invoiceId && b.amount.isPositive() && this.openOf(b.invoiceId).lt(b.amount)) {
      throw refusal(
        `the fee ${b.balanceId} on ${b.number} is already paid in part: only ${money(this.openOf(b.invoiceId))} ${b.currency} is open, less than the fee of ${money(b.amount)}`,
        b.balanceId,
      );
    }
    const { accountId, invoiceId, number, currency } = b;
    return this.add({ date: u.date, kind: 'reversal', accountId, invoiceId, number, amount: b.amount.neg(), currency, reverses: b.balanceId, source: u.source, reason: u.reason || undefined });
  }
}

const refusal = (message: string, ref?: string) => new BillingError(message, { code: 'refused', ...(ref ? { ref } : {}) });

/** Whether an invoice's sheet fields already say what the rows say. */
export function sameOpenFields(inv: Invoice, f: OpenFields): boolean {
  return !!inv.openAmount?.eq(f.openAmount) && inv.paymentStatus === f.paymentStatus && (inv.paidOn ?? '') === (f.paidOn ?? '');
}

// --- A payment's parts as its Payments row writes them ("INV-2026-00012 100.00; account credit 1.00")

const ACCOUNT_CREDIT = 'account credit';

export function formatParts(parts: readonly Allocation[]): string {
  return parts.map((a) => `${a.number ?? ACCOUNT_CREDIT} ${money(a.amount)}`).join('; ');
}

/**
 * Reads a Matched Invoices cell back into parts; numbers resolve through `invoiceOf`. Undefined
 * when a part cannot be read (a hand-edited cell): the payment is then left as its rows are.
 */
export function parseParts(text: string | undefined, accountId: string | undefined, invoiceOf: (number: string) => Invoice | undefined): Allocation[] | undefined {
  if (!text?.trim()) return [];
  const out: Allocation[] = [];
  for (const part of text.split(';')) {
    const m = /^\s*(.+?)\s+(-?\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!m) return undefined;
    if (m[1] === ACCOUNT_CREDIT) {
      if (!accountId) return undefined;
      out.push({ accountId, amount: new D(m[2]) });
      continue;
    }
    const inv = invoiceOf(m[1]);
    if (!inv) return undefined;
    out.push({ invoiceId: inv.invoiceId, number: inv.number, accountId: inv.accountId, amount: new D(m[2]) });
  }
  return out;
}
