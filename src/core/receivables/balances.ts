// What the Balances rows say: each invoice's open amount, what was paid on it and when, its payment
// status, and each account's balance. The rows are the one truth; Invoices' Open Amount, Payment
// Status and Paid On are written from here, and verify checks they agree.
import type { Balance, BalanceKind, Invoice, PaymentStatus } from '../model';
import { D, type Decimal, ZERO } from '../money';

/** Kinds that are money received (or taken back: a return debit, a refund) rather than billed or credited. */
const CASH: ReadonlySet<BalanceKind> = new Set(['payment', 'return_debit', 'refund', 'account_credit']);

export interface InvoiceMoney {
  /** Sum of every row of the invoice: what is still to be paid (never below 0 for an invoice). */
  open: Decimal;
  /** Received on it, net of return debits and refunds (BT-113 of a final invoice that deducts it). */
  paid: Decimal;
  /** Date of the last payment row, when one settled something. */
  lastPayment?: string;
}

/** The kind a row counts as: a reversal counts as the kind of the row it undoes. */
function kindsOf(rows: readonly Balance[]): (b: Balance) => BalanceKind {
  const byId = new Map(rows.map((b) => [b.balanceId, b]));
  return (b) => {
    let k: Balance | undefined = b;
    for (let hops = 0; k && k.kind === 'reversal' && hops < 10; hops++) k = k.reverses ? byId.get(k.reverses) : undefined;
    return k?.kind ?? 'reversal';
  };
}

/** Each invoice's money, from its rows. */
export function moneyByInvoice(rows: readonly Balance[]): Map<string, InvoiceMoney> {
  const kindOf = kindsOf(rows);
  const out = new Map<string, InvoiceMoney>();
  for (const b of rows) {
    if (!b.invoiceId) continue;
    const m = out.get(b.invoiceId) ?? { open: ZERO, paid: ZERO };
    m.open = m.open.plus(b.amount);
    if (CASH.has(kindOf(b))) {
      m.paid = m.paid.minus(b.amount);
      if (b.amount.isNegative() && (!m.lastPayment || b.date > m.lastPayment)) m.lastPayment = b.date;
    }
    out.set(b.invoiceId, m);
  }
  return out;
}

/** Key of an account's balance in one currency. */
export const accountKey = (accountId: string, currency: string) => `${accountId}|${currency}`;

/** Each account's balance per currency (+: the customer owes; −: a credit the customer has). */
export function accountBalances(rows: readonly Balance[]): Map<string, Decimal> {
  const out = new Map<string, Decimal>();
  for (const b of rows) {
    const k = accountKey(b.accountId, b.currency);
    out.set(k, (out.get(k) ?? ZERO).plus(b.amount));
  }
  return out;
}

/** An account's credit in one currency: what rows without an invoice hold for it (≥ 0). */
export function accountCredits(rows: readonly Balance[]): Map<string, Decimal> {
  const out = new Map<string, Decimal>();
  for (const b of rows) {
    if (b.invoiceId) continue;
    const k = accountKey(b.accountId, b.currency);
    out.set(k, (out.get(k) ?? ZERO).minus(b.amount));
  }
  return out;
}

/** Open, Partially paid, Paid or Overdue (past the due date on `today` with something open). */
export function paymentStatusOf(inv: Pick<Invoice, 'payable' | 'dueDate'>, open: Decimal, today: string): PaymentStatus {
  if (open.lte(0)) return 'Paid';
  if (inv.dueDate && inv.dueDate < today) return 'Overdue';
  return open.lt(inv.payable) ? 'Partially paid' : 'Open';
}

/** Days past the due date on `today` (0 when not due yet). */
export function daysOverdue(dueDate: string | undefined, today: string): number {
  if (!dueDate || dueDate >= today) return 0;
  return Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${dueDate}T00:00:00Z`)) / 86_400_000);
}

/** A decimal string of an amount (two decimals at least, as the sheet shows money). */
export const money = (d: Decimal) => (d.decimalPlaces() < 2 ? d.toFixed(2) : d.toString());

export { D };
