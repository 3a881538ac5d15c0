// Finalize, cancel and credit post their money to Balances; the repair posts what an interrupted
// write left unposted (and, once, what a workbook from before Balances existed never posted).
import type { Dataset } from '../../core/dataset';
import type { LedgerChanges } from '../../core/ledger';
import type { Balance, Invoice } from '../../core/model';
import { type Decimal, ZERO } from '../../core/money';
import { BILLED_TYPES, type BookContext, MoneyBook, type OpenFields, sameOpenFields } from '../../core/receivables/posting';
import type { Ports } from '../../ports';

export function bookContext(ports: Ports): BookContext {
  return { today: ports.clock.today(), now: ports.clock.now().toISOString(), user: ports.user() };
}

const withOpen = (inv: Invoice, f: OpenFields): Invoice => ({ ...inv, ...f });

/** Issued invoices in the order they were finalized: a credit note meets its invoice's open amount as it was then. */
function byFinalization(list: readonly Invoice[]): Invoice[] {
  return [...list].filter((i) => i.status !== 'Draft' && i.number).sort((a, b) => (a.finalizedAt ?? '').localeCompare(b.finalizedAt ?? '') || (a.number ?? '').localeCompare(b.number ?? ''));
}

/** Posts an issued invoice or credit note; returns the account credit applied to it at finalization (Apply Account Credit). */
function post(book: MoneyBook, ds: Dataset, inv: Invoice, applyCredit: boolean): Decimal {
  if (inv.type === 'credit_note') book.postCreditNote(inv);
  else if (book.postInvoice(inv) && applyCredit) {
    const tenant = ds.tenantById.get(inv.tenantId);
    if (tenant) return book.applyAccountCredit(inv, tenant);
  }
  return ZERO;
}

/**
 * The Balances rows of what a ledger operation changed, and its invoices with their Open Amount,
 * Payment Status and Paid On set (the Invoices write carries them). Invoices whose money changed
 * but are not in the operation's changes come back as `others`.
 */
export function postLedgerChanges(ds: Dataset, ch: LedgerChanges, ctx: BookContext): { balances: Balance[]; others: Invoice[] } {
  const book = new MoneyBook(
    ds.balances.map((r) => r.record),
    ctx,
  );
  // An account credit used at finalization is printed on the invoice as already paid (Prepaid, BT-113).
  const applied = new Map<string, Decimal>();
  for (const inv of byFinalization([...ch.updated, ...ch.created.map((d) => d.invoice)])) {
    const credit = post(book, ds, inv, true);
    if (credit.gt(0)) applied.set(inv.invoiceId, credit);
  }
  const mine = new Set<string>();
  const set = (inv: Invoice) => {
    mine.add(inv.invoiceId);
    const paid = applied.has(inv.invoiceId) ? { ...inv, prepaid: applied.get(inv.invoiceId) } : inv;
    const fresh = inv.status !== 'Draft' && inv.number && inv.openAmount === undefined && inv.type !== 'credit_note' && inv.type !== 'pro_forma';
    return book.touched.has(inv.invoiceId) || fresh ? withOpen(paid, book.openFields(inv)) : paid;
  };
  ch.updated.splice(0, ch.updated.length, ...ch.updated.map(set));
  for (const d of ch.created) d.invoice = set(d.invoice);
  const others = ds.invoices.map((r) => r.record).filter((i) => book.touched.has(i.invoiceId) && !mine.has(i.invoiceId));
  return { balances: book.added, others: others.map((i) => withOpen(i, book.openFields(i))) };
}

/**
 * Whether every issued invoice has its 'invoice' row and every credit note a row (the usual case,
 * checked before a book of every row is built and every invoice sorted, on each ledger action).
 * A credit note whose amount is 0 posts no row: it is left to missingPostings, which knows that.
 */
function allPosted(ds: Dataset): boolean {
  const invoices = new Set<string>();
  const notes = new Set<string>();
  for (const { record: b } of ds.balances) {
    if (b.kind === 'invoice' && b.invoiceId) invoices.add(b.invoiceId);
    if (b.kind === 'credit_note' && b.number) notes.add(b.number);
  }
  for (const { record: i } of ds.invoices) {
    if (i.status === 'Draft' || !i.number) continue;
    if (i.type === 'credit_note' ? !notes.has(i.number) : BILLED_TYPES.has(i.type) && !invoices.has(i.invoiceId)) return false;
  }
  return true;
}

/**
 * Issued invoices and credit notes without their Balances rows (an interrupted finalize, or a
 * workbook from before Balances), posted in finalization order; and the invoices whose sheet
 * fields then differ from the rows.
 */
export function missingPostings(ds: Dataset, ctx: BookContext): { balances: Balance[]; invoices: Invoice[] } {
  if (allPosted(ds)) return { balances: [], invoices: [] };
  const book = new MoneyBook(
    ds.balances.map((r) => r.record),
    ctx,
  );
  for (const inv of byFinalization(ds.invoices.map((r) => r.record))) post(book, ds, inv, false);
  if (!book.added.length) return { balances: [], invoices: [] };
  const invoices = ds.invoices
    .map((r) => r.record)
    .filter((i) => book.touched.has(i.invoiceId))
    .map((i) => ({ inv: i, f: book.openFields(i) }))
    .filter(({ inv, f }) => !sameOpenFields(inv, f))
    .map(({ inv, f }) => withOpen(inv, f));
  return { balances: book.added, invoices };
}
