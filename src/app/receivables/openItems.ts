// What is still to be paid, per account: each open invoice with its due date and days overdue as of
// today, the account's credit, and totals per currency. Read only: nothing is written.
import { BillingError } from '../../core/errors';
import { D, type Decimal, ZERO } from '../../core/money';
import { daysOverdue, paymentStatusOf } from '../../core/receivables/balances';
import { BILLED_TYPES } from '../../core/receivables/posting';
import type { Ports } from '../../ports';
import { readLedgerWith, RECEIVABLES_TABLES } from '../workbook';
import { bookContext } from './post';
import { summaryOf, type PaymentSummary } from './payments';
import { bookOf } from './reconcile';

export interface OpenItem {
  invoiceId: string;
  number: string;
  invoiceDate: string;
  dueDate: string;
  currency: string;
  payable: string;
  open: string;
  status: string;
  daysOverdue: number;
  /** The direct-debit file it is in, when collected. */
  collection?: string;
}

export interface AccountItems {
  accountId: string;
  name: string;
  items: OpenItem[];
  /** Per currency: open, of it overdue, and the account's credit. */
  totals: { currency: string; open: string; overdue: string; credit: string }[];
}

export interface OpenItemsReport {
  today: string;
  accounts: AccountItems[];
  /** Per currency over all accounts. */
  totals: { currency: string; open: string; overdue: string }[];
}

function addTo(map: Map<string, { open: Decimal; overdue: Decimal }>, currency: string, open: Decimal, overdue: boolean) {
  const t = map.get(currency) ?? { open: ZERO, overdue: ZERO };
  map.set(currency, { open: t.open.plus(open), overdue: overdue ? t.overdue.plus(open) : t.overdue });
}

/** Open items of every account (or one), oldest first; accounts with a credit and nothing open are listed too. */
export function openItems(ports: Ports, o: { accountId?: string } = {}): OpenItemsReport {
  const ds = readLedgerWith(ports, RECEIVABLES_TABLES);
  if (o.accountId && !ds.accounts.has(o.accountId)) throw new BillingError(`There is no account ${o.accountId} in Accounts.`, { code: 'not-found', ref: o.accountId });
  const { book } = bookOf(ds, bookContext(ports));
  const today = ports.clock.today();
  const byAccount = new Map<string, OpenItem[]>();
  const all = new Map<string, { open: Decimal; overdue: Decimal }>();
  for (const { record: i } of ds.invoices) {
    if (!BILLED_TYPES.has(i.type) || i.status === 'Draft' || !i.number || (o.accountId && i.accountId !== o.accountId)) continue;
    const open = book.openOf(i.invoiceId);
    if (!open.gt(0)) continue;
    const days = daysOverdue(i.dueDate, today);
    const item: OpenItem = {
      invoiceId: i.invoiceId,
      number: i.number,
      invoiceDate: i.invoiceDate ?? '',
      dueDate: i.dueDate ?? '',
      currency: i.currency,
      payable: i.payable.toFixed(2),
      open: open.toFixed(2),
      status: paymentStatusOf(i, open, today),
      daysOverdue: days,
      ...(i.collectionId ? { collection: i.collectionId } : {}),
    };
    byAccount.set(i.accountId, [...(byAccount.get(i.accountId) ?? []), item]);
    addTo(all, i.currency, open, days > 0);
  }
  // Each account's currencies in one pass over Balances (not one pass per account).
  const currenciesOf = new Map<string, Set<string>>();
  for (const { record: b } of ds.balances) {
    const set = currenciesOf.get(b.accountId) ?? new Set<string>();
    set.add(b.currency);
    currenciesOf.set(b.accountId, set);
  }
  const accounts: AccountItems[] = [];
  for (const a of ds.accounts.values()) {
    if (o.accountId && a.accountId !== o.accountId) continue;
    const items = (byAccount.get(a.accountId) ?? []).sort((x, y) => x.invoiceDate.localeCompare(y.invoiceDate) || x.number.localeCompare(y.number));
    const per = new Map<string, { open: Decimal; overdue: Decimal }>();
    for (const it of items) addTo(per, it.currency, new D(it.open), it.daysOverdue > 0);
    const currencies = new Set([...per.keys(), ...(currenciesOf.get(a.accountId) ?? [])]);
    const totals = [...currencies]
      .sort()
      .map((c) => ({ currency: c, open: (per.get(c)?.open ?? ZERO).toFixed(2), overdue: (per.get(c)?.overdue ?? ZERO).toFixed(2), credit: book.creditOf(a.accountId, c).toFixed(2) }))
      .filter((t) => t.open !== '0.00' || t.credit !== '0.00');
    if (items.length || totals.length) accounts.push({ accountId: a.accountId, name: a.name, items, totals });
  }
  return { today, accounts, totals: [...all].sort(([a], [b]) => a.localeCompare(b)).map(([currency, t]) => ({ currency, open: t.open.toFixed(2), overdue: t.overdue.toFixed(2) })) };
}

/** The Payments sheet as summaries, newest first; only those not (fully) matched with `unmatched`. */
export function listPayments(ports: Ports, o: { unmatched?: boolean } = {}): PaymentSummary[] {
  const ds = readLedgerWith(ports, ['Settings', 'Payments']);
  return ds.payments
    .map((r) => r.record)
    .filter((p) => !o.unmatched || p.status === 'unmatched' || p.status === 'partially matched' || !p.status)
    .sort((a, b) => b.date.localeCompare(a.date) || (b.paymentId ?? '').localeCompare(a.paymentId ?? ''))
    .map(summaryOf);
}
