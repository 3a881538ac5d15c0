// Writing the Balances ledger: every money event as rows appended, never edited. Finalized
// invoices and credit notes are posted from Invoices; a payment's rows are derived from what its
// Payments row says it settles (Matched Invoices), so a crash between the Payments write and the
// Balances write is completed by deriving again: posting is idempotent, reconciling only adds the
// difference (reversal rows for what no longer holds, new rows for what is missing).
import type { Balance, BalanceKind, Invoice, PaymentStatus, Tenant } from '../model';
import { D, type Decimal, ZERO } from '../money';
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
  private readonly lastPaid = new Map<string, string>();
  private readonly credit = new Map<string, Decimal>();
  private readonly posted = new Set<string>();
  private readonly byPayment = new Map<string, Balance[]>();
  private readonly reversed = new Set<string>();
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
    if (b.invoiceId && b.amount.isNegative() && (b.kind === 'payment' || b.kind === 'account_credit')) {
      if ((this.lastPaid.get(b.invoiceId) ?? '') < b.date) this.lastPaid.set(b.invoiceId, b.date);
    }
    if (b.kind === 'invoice' && b.invoiceId) this.posted.add(`invoice|${b.invoiceId}`);
    if (b.kind === 'credit_note' && b.number) this.posted.add(`credit_note|${b.number}`);
    if (b.reverses) this.reversed.add(b.reverses);
    if (b.paymentId && b.kind !== 'reversal') this.byPayment.set(b.paymentId, [...(this.byPayment.get(b.paymentId) ?? []), b]);
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
    const same =
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
    return { openAmount: open, paymentStatus: status, paidOn: status === 'Paid' ? this.lastPaid.get(inv.invoiceId) : undefined };
  }
}

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
