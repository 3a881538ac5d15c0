// Payments: bank statements imported (deduplicated, matched, booked), unmatched payments assigned
// by hand, an assignment undone. The Payments row is written first and says what the payment
// settles (Matched Invoices); the Balances rows are derived from it (reconcile.ts), so a crash
// between the two writes is completed by the next receivables action, never booked twice.
import type { Dataset } from '../../core/dataset';
import { BillingError } from '../../core/errors';
import type { Invoice, Payment } from '../../core/model';
import { D, type Decimal, ZERO } from '../../core/money';
import { type AccountInfo, MatchIndex, type MatchResult } from '../../core/receivables/matching';
import { type Allocation, formatParts } from '../../core/receivables/posting';
import { returnReasonText } from '../../core/receivables/returnReasons';
import { readStatement } from '../../core/receivables/statement';
import { formatError } from '../../core/table';
import type { BankEntry, OpenInvoice } from '../../core/receivables/types';
import type { Ports } from '../../ports';
import { runUseCase } from '../useCase';
import { bookContext } from './post';
import { bookOf, invoicesByNumber, savePayments } from './reconcile';

export interface StatementFile {
  name: string;
  bytes?: Uint8Array;
  text?: string;
}

/** A payment as the sidebar and the CLI show it (plain strings). */
export interface PaymentSummary {
  paymentId: string;
  date: string;
  amount: string;
  currency: string;
  payer: string;
  remittance: string;
  status: string;
  matched: string;
  how: string;
  suggestions: string;
  returnReason?: string;
  source: string;
}

export interface ImportReport {
  files: { file: string; format: string; entries: number; imported: number; duplicates: number; outgoing: number; skipped: string[] }[];
  payments: PaymentSummary[];
  failed: { file: string; reason: string }[];
  /**
   * Payments rows the engine cannot read (a typed amount that is no number, a copied Payment ID:
   * not booked), and payments whose Matched Invoices cell was edited into something it cannot
   * read (left booked as they were); each naming row, column and value.
   */
  problems?: string[];
}

export function summaryOf(p: Payment): PaymentSummary {
  return {
    paymentId: p.paymentId ?? '',
    date: p.date,
    amount: p.amount.toFixed(2),
    currency: p.currency,
    payer: [p.payerName, p.payerIban].filter(Boolean).join(', '),
    remittance: p.remittance ?? '',
    status: p.status ?? '',
    matched: p.matched ?? '',
    how: p.how ?? '',
    suggestions: p.suggestions ?? '',
    ...(p.returnReason ? { returnReason: p.returnReason } : {}),
    source: p.source ?? '',
  };
}

/** Open invoices as matching sees them, by their open amounts (the book's, or more). */
export function openInvoices(ds: Dataset, openOf: (invoiceId: string) => Decimal): OpenInvoice[] {
  const out: OpenInvoice[] = [];
  for (const { record: i } of ds.invoices) {
    if (i.status === 'Draft' || !i.number || i.type === 'credit_note' || i.type === 'pro_forma') continue;
    const open = openOf(i.invoiceId);
    if (!open.gt(0)) continue;
    const account = ds.accounts.get(i.accountId);
    out.push({
      invoiceId: i.invoiceId,
      number: i.number,
      accountId: i.accountId,
      accountName: account?.name ?? i.buyerName ?? i.accountId,
      reference: i.paymentReference ?? '',
      invoiceDate: i.invoiceDate ?? '',
      dueDate: i.dueDate,
      currency: i.currency,
      open: open.toFixed(2),
      iban: account?.iban,
    });
  }
  return out;
}

function accountsOf(ds: Dataset): AccountInfo[] {
  return [...ds.accounts.values()].map((a) => ({ accountId: a.accountId, name: a.name, iban: a.iban }));
}

/** Next payment ids after the highest in the sheet. */
function paymentIds(ds: Dataset): () => string {
  let n = ds.payments.reduce((m, r) => Math.max(m, Number(/^P-(\d+)$/.exec(r.record.paymentId ?? '')?.[1] ?? 0)), 0);
  return () => `P-${String(++n).padStart(6, '0')}`;
}

/** A match as the parts a Payments row records: the invoices, and an overpayment as the account's credit. */
function partsOf(m: MatchResult, byNumber: Map<string, Invoice>): Allocation[] {
  const parts: Allocation[] = m.allocations.map((a) => ({ invoiceId: a.invoiceId, number: a.number, accountId: byNumber.get(a.number)?.accountId ?? m.accountId ?? '', amount: new D(a.amount) }));
  const rest = new D(m.rest);
  if (m.status !== 'unmatched' && rest.gt(0) && m.accountId) parts.push({ accountId: m.accountId, amount: rest });
  return parts;
}

/** The payment fields of a match. */
function matchFields(m: MatchResult, byNumber: Map<string, Invoice>): Pick<Payment, 'status' | 'accountId' | 'matched' | 'how' | 'suggestions'> {
  const parts = partsOf(m, byNumber);
  return {
    status: m.status,
    accountId: m.accountId,
    matched: formatParts(parts),
    how: [m.how, m.reason].filter(Boolean).join('; '),
    suggestions: m.suggestions.map((s) => `${s.number} (${s.why})`).join('; '),
  };
}

/**
 * A return debit or reversal: it takes back what the payment of that invoice brought, so the
 * invoice is open again; found by its end-to-end id (our direct debits carry the invoice number)
 * or the invoice number in the text.
 */
function matchReturn(e: BankEntry, byNumber: Map<string, Invoice>, index: MatchIndex): Pick<Payment, 'status' | 'accountId' | 'matched' | 'how' | 'suggestions'> {
  const reason = returnReasonText(e.returnReason) || (e.reversal ? 'reversal' : 'return');
  const inv = e.endToEndId ? byNumber.get(e.endToEndId.trim()) : undefined;
  const found = inv ?? byNumber.get(index.match({ amount: e.amount, currency: e.currency, remittance: e.remittance }).allocations[0]?.number ?? '');
  if (!found || found.currency !== e.currency) {
    return { status: 'unmatched', matched: '', how: `return debit (${reason}): no invoice of ours found by its end-to-end id ${e.endToEndId ?? '(none)'}`, suggestions: '' };
  }
  const part: Allocation = { invoiceId: found.invoiceId, number: found.number, accountId: found.accountId, amount: new D(e.amount).neg() };
  return { status: 'matched', accountId: found.accountId, matched: formatParts([part]), how: `return debit (${reason}) of ${found.number}: the invoice is open again`, suggestions: '' };
}

/** Whether a booked debit is ours to book: a return or reversal of a payment (other debits are the company's own spending). */
const isReturn = (e: BankEntry) => e.reversal || !!e.returnReason || (e.direction === 'DBIT' && !!e.endToEndId && !!e.mandateId);

interface Seen {
  keys: Set<string>;
  refs: Set<string>;
}

/** Cents as text ("119.5" → "119.50"); plain amounts, as statements write them, without a Decimal (10,000 per import). */
const cents = (amount: string) => {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(amount);
  return m ? `${m[1].replace(/^0+(?=\d)/, '')}.${(m[2] ?? '').padEnd(2, '0')}` : new D(amount).toFixed(2);
};
const refKey = (ref: string, amount: string, date: string) => `${ref}|${cents(amount)}|${date}`;

function seenOf(ds: Dataset): Seen {
  const keys = new Set<string>();
  const refs = new Set<string>();
  for (const { record: p } of ds.payments) {
    if (p.entryKey) keys.add(p.entryKey);
    if (p.bankReference) refs.add(refKey(p.bankReference, p.amount.abs().toString(), p.date));
  }
  return { keys, refs };
}

interface Importing {
  ports: Ports;
  ds: Dataset;
  index: MatchIndex;
  byNumber: Map<string, Invoice>;
  seen: Seen;
  nextId: () => string;
  now: string;
}

/** One bank entry as a payment, matched; undefined when it is a duplicate or not a receivable. */
function paymentOf(c: Importing, e: BankEntry, file: string): Payment | 'duplicate' | 'outgoing' {
  const key = c.ports.sha256(e.entryKey).slice(0, 32);
  if (c.seen.keys.has(key) || (e.bankReference && c.seen.refs.has(refKey(e.bankReference, e.amount, e.bookingDate)))) return 'duplicate';
  const back = isReturn(e);
  if (e.direction === 'DBIT' && !back) return 'outgoing';
  c.seen.keys.add(key);
  if (e.bankReference) c.seen.refs.add(refKey(e.bankReference, e.amount, e.bookingDate));
  const amount = back ? new D(e.amount).neg() : new D(e.amount);
  const m = back
    ? undefined
    : c.index.match({
        amount: e.amount,
        currency: e.currency,
        remittance: e.remittance,
        creditorReference: e.creditorReference,
        counterpartyName: e.counterpartyName,
        counterpartyIban: e.counterpartyIban,
      });
  // What this payment settles is no longer open for the next entries of the statement.
  if (m) c.index.book(m.allocations);
  const fields = m ? matchFields(m, c.byNumber) : matchReturn(e, c.byNumber, c.index);
  return {
    paymentId: c.nextId(),
    date: e.bookingDate,
    amount,
    currency: e.currency,
    payerName: e.counterpartyName,
    payerIban: e.counterpartyIban,
    remittance: [e.remittance, e.creditorReference].filter(Boolean).join(' '),
    bankReference: e.bankReference,
    endToEndId: e.endToEndId,
    returnReason: back ? returnReasonText(e.returnReason) || 'reversal' : undefined,
    ...fields,
    source: file,
    entryKey: key,
    importedAt: c.now,
  };
}

/** One statement file read into new payments (appended to `added`), with its counts. */
function importFile(c: Importing, f: StatementFile, added: Payment[]): ImportReport['files'][number] {
  const tenant = c.ds.tenants[0];
  const read = readStatement(f.bytes ?? f.text ?? '', f.name, { csvColumns: tenant?.bankCsvColumns, currency: tenant?.currency ?? 'EUR' });
  const counts = { file: f.name, format: read.format, entries: read.entries.length, imported: 0, duplicates: 0, outgoing: 0, skipped: read.skipped.map((s) => s.reason) };
  for (const e of read.entries) {
    const p = paymentOf(c, e, f.name);
    if (p === 'duplicate') counts.duplicates++;
    else if (p === 'outgoing') counts.outgoing++;
    else {
      counts.imported++;
      added.push(p);
    }
  }
  return counts;
}

/**
 * Payments typed into the sheet (no Payment ID yet): given an id and matched like imported ones.
 * A negative one (money given back) is left unmatched for the user to assign.
 */
function typedPayments(c: Importing): { row: number; payment: Payment }[] {
  return c.ds.payments
    .filter((r) => !r.record.paymentId)
    .map(({ row, record: p }) => {
      const m = p.amount.gt(0)
        ? c.index.match({ amount: p.amount.toFixed(2), currency: p.currency, remittance: p.remittance, counterpartyName: p.payerName, counterpartyIban: p.payerIban })
        : undefined;
      if (m) c.index.book(m.allocations);
      const fields = m ? matchFields(m, c.byNumber) : { status: 'unmatched' as const, matched: '', how: 'typed in with a negative amount: assign it by hand', suggestions: '' };
      return { row, payment: { ...p, paymentId: c.nextId(), ...fields, source: p.source || 'typed in', importedAt: c.now } };
    });
}

/**
 * Imports bank statements: each booked credit and each return becomes a payment, matched and
 * booked; a statement read twice adds nothing. Payments typed into the sheet are booked with them.
 */
export function importPayments(ports: Ports, files: readonly StatementFile[]): ImportReport {
  return runUseCase(ports, {
    action: 'import bank statements',
    reads: 'receivables',
    work: ({ ports, ds, log }) => {
      const { book, unreadable } = bookOf(ds, bookContext(ports));
      const open = openInvoices(ds, (id) => book.openOf(id));
      const c: Importing = { ports, ds, index: new MatchIndex(open, accountsOf(ds)), byNumber: invoicesByNumber(ds), seen: seenOf(ds), nextId: paymentIds(ds), now: ports.clock.now().toISOString() };
      const problems = [...ds.errors.filter((e) => e.sheet === 'Payments').map((e) => `${formatError(e)} (not booked until the cell is fixed)`), ...unreadable];
      const report: ImportReport = { files: [], payments: [], failed: [], ...(problems.length ? { problems } : {}) };
      const typed = typedPayments(c);
      const added: Payment[] = [];
      for (const f of files) {
        try {
          report.files.push(importFile(c, f, added));
        } catch (e) {
          report.failed.push({ file: f.name, reason: (e as Error).message });
        }
      }
      savePayments(ports, ds, { added, updated: typed });
      report.payments = [...typed.map((t) => t.payment), ...added].map(summaryOf);
      if (report.payments.length) log({ action: 'payments imported', details: `${report.payments.length} payments${files.length ? ` from ${files.map((f) => f.name).join(', ')}` : ''}` });
      return report;
    },
  });
}

/** What a Matched Invoices cell names, without the amounts ("INV-1 -50.00; INV-2 -10.00" → "INV-1, INV-2"). */
const partNames = (matched: string) =>
  matched
    .split(';')
    .map((part) => part.trim().replace(/\s+-?[\d.]+$/, ''))
    .join(', ');

/** A payment by its id, with its sheet row. */
function paymentRow(ds: Dataset, paymentId: string): { row: number; record: Payment } {
  const found = ds.payments.find((r) => r.record.paymentId === paymentId.trim());
  if (!found) throw new BillingError(`There is no payment ${paymentId} in the Payments sheet.`, { code: 'not-found', ref: paymentId });
  return found;
}

/**
 * Assigns a payment by hand to the invoices named (numbers or ids), oldest first; what they do not
 * need stays a credit on their account. Replaces what the payment settled before (reversal rows).
 */
export function assignPayment(ports: Ports, paymentId: string, invoiceRefs: readonly string[]): PaymentSummary {
  return runUseCase(ports, {
    action: 'assign a payment',
    reads: 'receivables',
    work: ({ ports, ds, log }) => {
      const { row, record: p } = paymentRow(ds, paymentId);
      if (!p.amount.gt(0))
        throw new BillingError(`Payment ${paymentId} is a return of ${p.amount.abs().toFixed(2)} ${p.currency}: it is booked against the invoice it took back, not assigned.`, {
          code: 'refused',
          ref: paymentId,
        });
      if (!invoiceRefs.length) throw new BillingError('Name at least one invoice to assign the payment to.', { code: 'invalid' });
      const { book } = bookOf(ds, bookContext(ports));
      // What the payment settled before counts as open again for its new assignment.
      const own = ownParts(p, invoicesByNumber(ds));
      const open = openInvoices(ds, (id) => book.openOf(id).plus(own.get(id) ?? ZERO));
      const m = new MatchIndex(open, accountsOf(ds)).settle(invoiceRefs, p.amount.toFixed(2));
      const fields = matchFields({ ...m, how: `assigned by ${ports.user()}` }, invoicesByNumber(ds));
      const payment: Payment = { ...p, ...fields, status: m.status === 'unmatched' ? 'unmatched' : m.status };
      savePayments(ports, ds, { updated: [{ row, payment }] });
      log({ action: 'payment assigned', details: `${paymentId}: ${payment.matched}` });
      return summaryOf(payment);
    },
  });
}

/** What a payment settles on each invoice now (by invoice id). */
function ownParts(p: Payment, byNumber: Map<string, Invoice>): Map<string, Decimal> {
  const out = new Map<string, Decimal>();
  for (const part of (p.matched ?? '').split(';')) {
    const m = /^\s*(.+?)\s+(-?\d+(?:\.\d+)?)\s*$/.exec(part);
    const inv = m && byNumber.get(m[1]);
    if (inv && m) out.set(inv.invoiceId, (out.get(inv.invoiceId) ?? ZERO).plus(m[2]));
  }
  return out;
}

/** Undoes what a payment settled: it is unmatched again and its Balances rows are reversed. */
export function undoPayment(ports: Ports, paymentId: string): PaymentSummary {
  return runUseCase(ports, {
    action: 'undo a payment assignment',
    reads: 'receivables',
    work: ({ ports, ds, log }) => {
      const { row, record: p } = paymentRow(ds, paymentId);
      if (!p.matched) throw new BillingError(`Payment ${paymentId} settles nothing: there is nothing to undo.`, { code: 'refused', ref: paymentId });
      // Undoing a return would close its invoice again, below zero once the customer has paid it anew.
      if (p.amount.isNegative())
        throw new BillingError(
          `Payment ${paymentId} is a return of ${p.amount.abs().toFixed(2)} ${p.currency} that reopened ${partNames(p.matched)}: a return is not undone by hand; if the bank reversed it, import that statement.`,
          {
            code: 'refused',
            ref: paymentId,
          },
        );
      const payment: Payment = { ...p, status: 'unmatched', matched: '', how: `undone by ${ports.user()} (was: ${p.matched})` };
      savePayments(ports, ds, { updated: [{ row, payment }] });
      log({ action: 'payment undone', details: `${paymentId}: ${p.matched}` });
      return summaryOf(payment);
    },
  });
}
