// Finalizing, cancelling and crediting invoices: pure state transitions over the parsed workbook
// that return every change to write. Numbers come from the range counters, hashes chain per range.
import type { LogAction } from './schema';
import { D, type Decimal, type RoundingMode, ZERO, roundMoney, sum } from './money';
import { addDays, type IsoDate } from './dates';
import type { Dataset } from './dataset';
import { BillingError } from './errors';
import { invoiceHash, type Sha256Hex } from './hash';
import { byInvoiceRef } from './invoiceRef';
import { invoiceIdSource } from './ids';
import { isDraft, type Invoice, type InvoiceDoc, type InvoiceLine, type Item, type LogEntry, type NumberRange, type Tenant, type Transaction } from './model';
import type { ParsedRow } from './table';
import { formatNumber, numberFormat, rangeKey } from './numbering';
import { makeDraft, roundingMode } from './plan';
import { computeTotals } from './totals';
import { creditLineText } from './i18n';
import { isSwiss } from './swissQr';
import { creditorReference } from './receivables/rf';
import { BILLED_TYPES } from './receivables/posting';

export interface LedgerContext {
  ds: Dataset;
  /** Today in the sheet's time zone (the default invoice date). */
  today: IsoDate;
  /** Timestamp for the ledger (ISO). */
  now: string;
  user: string;
  sha256: Sha256Hex;
}

export interface ItemChange {
  row: number;
  itemId: string;
  billedUntil?: IsoDate | '';
  status?: 'Active' | 'Inactive';
}
export interface TransactionChange {
  row: number;
  transactionId: string;
  invoiceId?: string;
  invoiceNumber?: string;
}

export interface LedgerChanges {
  /** Invoices whose row changes (full record). */
  updated: Invoice[];
  /** New invoices (credit notes) with their lines. */
  created: InvoiceDoc[];
  ranges: NumberRange[];
  items: ItemChange[];
  transactions: TransactionChange[];
  log: LogEntry[];
  errors: { invoiceId: string; reason: string }[];
}

/**
 * What a credit note credits, decided once by the caller: the whole invoice (cancel: the invoice
 * becomes Cancelled and its service billable again), chosen lines, or a net amount.
 */
export type CreditKind =
  | {
      kind: 'cancel';
      /** Also release the invoice's transactions (billable again). */
      releaseTransactions?: boolean;
      /** Asked for as a credit of everything (a credit without lines or amount): a pro-forma invoice is refused, not cancelled. */
      asCredit?: boolean;
    }
  | { kind: 'lines'; lines: number[] }
  | {
      kind: 'amount';
      amount: Decimal;
      /** Issue it even if a credit note of the same amount was issued today (otherwise taken for a retry). */
      again?: boolean;
    };

/** A credit and the free text the Log keeps with it. */
export type CreditRequest = CreditKind & { reason?: string };

type CreditLine = Omit<InvoiceLine, 'invoiceId' | 'lineNo'>;

/** Finalizing this draft now would skip earlier service of the same item that is still on another draft. */
export class OutOfOrderError extends BillingError {
  constructor(
    message: string,
    readonly blockingInvoiceId: string,
  ) {
    super(message);
    this.name = 'OutOfOrderError';
  }
}

export function emptyChanges(): LedgerChanges {
  return { updated: [], created: [], ranges: [], items: [], transactions: [], log: [], errors: [] };
}

/** Works through a batch of ledger operations, keeping range counters and item state in memory. */
export class LedgerWriter {
  readonly changes = emptyChanges();
  private readonly ranges = new Map<string, NumberRange>();
  private readonly usedNumbers = new Set<string>();
  private readonly invoices = new Map<string, Invoice>();
  private readonly items = new Map<string, ItemChange>();
  private readonly nextId: () => string;
  private readonly itemRows = new Map<string, ParsedRow<Item>>();
  private readonly txByInvoice = new Map<string, ParsedRow<Transaction>[]>();
  /** Service on draft invoices, per item (to finalize drafts of one item in service order). */
  private readonly draftService = new Map<string, { invoiceId: string; start: IsoDate; end: IsoDate }[]>();

  constructor(private readonly c: LedgerContext) {
    for (const r of c.ds.numberRanges) this.ranges.set(r.record.range, { ...r.record });
    for (const { record: inv } of c.ds.invoices) {
      this.invoices.set(inv.invoiceId, inv);
      if (inv.number) this.usedNumbers.add(`${inv.tenantId}/${inv.number}`);
    }
    this.nextId = invoiceIdSource(c.ds.invoices.map((r) => r.record));
    for (const r of c.ds.items) this.itemRows.set(r.record.itemId, r);
    for (const { record: inv } of c.ds.invoices) {
      if (inv.status !== 'Draft' || inv.type !== 'invoice') continue;
      for (const { record: l } of c.ds.linesByInvoice.get(inv.invoiceId) ?? []) {
        if (!l.itemId || !l.serviceStart || (l.kind !== 'recurring' && l.kind !== 'one_time')) continue;
        const list = this.draftService.get(l.itemId) ?? [];
        list.push({ invoiceId: inv.invoiceId, start: l.serviceStart, end: l.serviceEnd ?? l.serviceStart });
        this.draftService.set(l.itemId, list);
      }
    }
    for (const t of c.ds.transactions) {
      if (!t.record.invoiceId) continue;
      const list = this.txByInvoice.get(t.record.invoiceId);
      if (list) list.push(t);
      else this.txByInvoice.set(t.record.invoiceId, [t]);
    }
  }

  /** An invoice by internal id or by its number (unique across tenants, or an error says so). */
  invoice(idOrNumber: string): InvoiceDoc {
    const invoice = this.invoices.get(idOrNumber) ?? byInvoiceRef([...this.invoices.values()], idOrNumber, (i) => i);
    const id = invoice.invoiceId;
    const created = this.changes.created.find((d) => d.invoice.invoiceId === id);
    return { invoice, lines: created?.lines ?? (this.c.ds.linesByInvoice.get(id) ?? []).map((r) => r.record) };
  }

  tenant(id: string): Tenant {
    const t = this.c.ds.tenantById.get(id);
    if (!t) throw new BillingError(`tenant "${id}" no longer exists in Settings`);
    return t;
  }

  private itemState(itemId: string): { row: number; billedUntil?: IsoDate; status?: string } | undefined {
    const row = this.itemRows.get(itemId);
    if (!row) return undefined;
    const ch = this.items.get(itemId);
    return { row: row.row, billedUntil: ch?.billedUntil !== undefined ? ch.billedUntil || undefined : row.record.billedUntil, status: ch?.status ?? row.record.status };
  }

  private setItem(change: ItemChange) {
    const prev = this.items.get(change.itemId);
    const merged = { ...prev, ...change };
    if (!prev) this.changes.items.push(merged);
    else Object.assign(prev, merged);
    this.items.set(change.itemId, prev ?? merged);
  }

  private update(inv: Invoice) {
    this.invoices.set(inv.invoiceId, inv);
    const created = this.changes.created.find((d) => d.invoice.invoiceId === inv.invoiceId);
    if (created) created.invoice = inv;
    else {
      const i = this.changes.updated.findIndex((u) => u.invoiceId === inv.invoiceId);
      if (i >= 0) this.changes.updated[i] = inv;
      else this.changes.updated.push(inv);
    }
  }

  private log(action: LogAction, inv: Invoice, details?: string) {
    this.changes.log.push({ at: this.c.now, user: this.c.user, action, invoiceId: inv.invoiceId, number: inv.number, details });
  }

  /** Next number of the document's range, hash chained to the range's last invoice. */
  private issue(doc: InvoiceDoc, date: IsoDate): Invoice {
    const tenant = this.tenant(doc.invoice.tenantId);
    const key = rangeKey(tenant, doc.invoice.type, date);
    const range = this.ranges.get(key) ?? { range: key, lastSeq: 0 };
    const seq = range.lastSeq + 1;
    const number = formatNumber(numberFormat(tenant, doc.invoice.type), seq, date, tenant.tenantId);
    if (this.usedNumbers.has(`${tenant.tenantId}/${number}`)) {
      throw new BillingError(`number ${number} is already used in the ledger: the counter of range ${key} in NumberRanges was changed`);
    }
    const account = this.c.ds.accounts.get(doc.invoice.accountId);
    const terms = account?.paymentTermsDays ?? tenant.paymentTermsDays ?? 14;
    const invoice: Invoice = {
      ...doc.invoice,
      number,
      status: 'Open',
      invoiceDate: date,
      dueDate: addDays(date, terms),
      finalizedAt: this.c.now,
      finalizedBy: this.c.user,
      previousHash: range.lastHash ?? '',
      // The RF reference a transfer quotes (not hashed: it is made from the number).
      paymentReference: BILLED_TYPES.has(doc.invoice.type) ? creditorReference(number) : undefined,
    };
    invoice.hash = invoiceHash({ invoice, lines: doc.lines }, invoice.previousHash!, this.c.sha256);
    const next: NumberRange = { range: key, lastSeq: seq, lastNumber: number, lastHash: invoice.hash, updatedAt: this.c.now };
    this.ranges.set(key, next);
    const i = this.changes.ranges.findIndex((r) => r.range === key);
    if (i >= 0) this.changes.ranges[i] = next;
    else this.changes.ranges.push(next);
    this.usedNumbers.add(`${tenant.tenantId}/${number}`);
    return invoice;
  }

  /** Finalize one draft: number, dates, hash; billed-until advanced, one-time items closed, usage linked. */
  finalize(invoiceId: string, invoiceDate?: IsoDate): Invoice {
    const doc = this.invoice(invoiceId);
    if (!isDraft(doc.invoice)) throw new BillingError(`invoice ${invoiceId} is not a draft (status ${doc.invoice.status})`);
    if (!doc.lines.length) throw new BillingError(`invoice ${invoiceId} has no lines`);
    // A draft whose lines were not all written (an interrupted run) must not be frozen.
    if (!sum(doc.lines.map((l) => l.net)).eq(doc.invoice.net)) {
      throw new BillingError(`draft ${invoiceId} is incomplete: its lines do not add up to its net total; run invoicing for its period again`);
    }
    const date = invoiceDate ?? doc.invoice.invoiceDate ?? this.c.today;
    if (doc.invoice.type === 'invoice') this.checkNotStale(doc);
    if (doc.invoice.type === 'final') this.checkDeductions(doc);
    const invoice = this.issue(doc, date);
    if (doc.invoice.type === 'invoice') {
      for (const l of doc.lines) {
        if (!l.itemId) continue;
        const st = this.itemState(l.itemId);
        if (!st) continue;
        if (l.kind === 'recurring' && l.serviceEnd && (!st.billedUntil || l.serviceEnd > st.billedUntil)) {
          this.setItem({ row: st.row, itemId: l.itemId, billedUntil: l.serviceEnd });
        } else if (l.kind === 'one_time') {
          this.setItem({ row: st.row, itemId: l.itemId, billedUntil: l.serviceStart, status: 'Inactive' });
        }
      }
      for (const t of this.txByInvoice.get(invoiceId) ?? []) {
        this.changes.transactions.push({ row: t.row, transactionId: t.record.transactionId, invoiceNumber: invoice.number });
      }
    }
    this.update(invoice);
    this.log('finalize', invoice, `${invoice.currency} ${invoice.payable.toString()}`);
    return invoice;
  }

  /**
   * A final invoice's deductions must still be the project's prepayment and partial invoices: one
   * cancelled, or one finalized after the draft was made, makes the draft wrong (made again, it is right).
   */
  private checkDeductions(doc: InvoiceDoc) {
    const inv = doc.invoice;
    const deducted = new Set(doc.lines.map((l) => l.precedingInvoiceId).filter((x): x is string => !!x));
    const byOtherFinal = new Set<string>();
    for (const other of this.invoices.values()) {
      if (other.type !== 'final' || other.invoiceId === inv.invoiceId || other.status === 'Draft' || other.status === 'Cancelled') continue;
      for (const l of this.c.ds.linesByInvoice.get(other.invoiceId) ?? []) if (l.record.precedingInvoiceId) byOtherFinal.add(l.record.precedingInvoiceId);
    }
    const again = `make the final invoice of project ${inv.project ?? ''} again`;
    for (const id of deducted) {
      const earlier = this.invoices.get(id);
      if (!earlier || earlier.status === 'Cancelled') throw new BillingError(`final invoice ${inv.invoiceId} deducts ${earlier?.number ?? id}, which was cancelled after the draft was made: ${again}`);
    }
    for (const earlier of this.invoices.values()) {
      const part = (earlier.type === 'prepayment' || earlier.type === 'partial') && earlier.accountId === inv.accountId && earlier.project === inv.project && earlier.currency === inv.currency;
      if (part && earlier.status !== 'Draft' && earlier.status !== 'Cancelled' && !deducted.has(earlier.invoiceId) && !byOtherFinal.has(earlier.invoiceId)) {
        throw new BillingError(`final invoice ${inv.invoiceId} does not deduct ${earlier.number}, finalized after the draft was made: ${again}`);
      }
    }
  }

  /** A draft made before another invoice billed the same service must be re-run, not finalized. */
  private checkNotStale(doc: InvoiceDoc) {
    for (const l of doc.lines) {
      if (!l.itemId || (l.kind !== 'recurring' && l.kind !== 'one_time')) continue;
      const st = this.itemState(l.itemId);
      if (!st) throw new BillingError(`item ${l.itemId} of line ${l.lineNo} no longer exists: re-run the period`);
      if (st.billedUntil && l.serviceStart && l.serviceStart <= st.billedUntil) {
        throw new BillingError(`item ${l.itemId} is already billed until ${st.billedUntil} (line ${l.lineNo} starts ${l.serviceStart}): re-run the period`);
      }
    }
    // Billed-until would jump over service still waiting on an earlier draft, which then could never be finalized.
    for (const l of doc.lines) {
      if (!l.itemId || !l.serviceStart || l.kind !== 'recurring') continue;
      const st = this.itemState(l.itemId)!;
      const earlier = (this.draftService.get(l.itemId) ?? []).find(
        (d) => d.invoiceId !== doc.invoice.invoiceId && d.start < l.serviceStart! && (!st.billedUntil || d.start > st.billedUntil) && this.invoices.get(d.invoiceId)?.status === 'Draft',
      );
      if (earlier) {
        throw new OutOfOrderError(`item ${l.itemId} has earlier unbilled service on draft ${earlier.invoiceId} (${earlier.start}..${earlier.end}): finalize that draft first`, earlier.invoiceId);
      }
    }
  }

  /**
   * Credit note for a finalized invoice: all lines (cancel), chosen lines, or a net amount spread
   * over the invoice's tax groups. Numbered from the credit-note range at once. A pro-forma
   * invoice has no credit note: it can only be cancelled.
   */
  credit(invoiceId: string, what: CreditRequest): Invoice {
    const original = this.invoice(invoiceId);
    const inv = original.invoice;
    if (inv.type === 'credit_note') throw new BillingError(`${inv.number ?? invoiceId} is a credit note; a credit note cannot be cancelled or credited`);
    if (inv.status === 'Draft') throw new BillingError(`invoice ${invoiceId} is a draft: delete or re-run it instead of crediting`);
    if (inv.status === 'Cancelled') throw new BillingError(`invoice ${inv.number} is already cancelled`);
    if (inv.type === 'pro_forma') {
      if (what.kind !== 'cancel' || what.asCredit) throw new BillingError(`${inv.number} is a pro-forma invoice: it can be cancelled, not credited`);
      const cancelled = { ...inv, status: 'Cancelled' as const };
      this.update(cancelled);
      this.log('cancel', cancelled, what.reason);
      return cancelled;
    }
    const mode = roundingMode(this.tenant(inv.tenantId));
    const prior = this.creditedNet(inv);
    const lines = what.kind === 'cancel' ? this.cancelLines(original, prior) : what.kind === 'lines' ? this.chosenLines(original, what.lines) : this.amountLines(original, what, prior, mode);
    this.checkCreditLimits(original, lines, prior, mode);
    const note = this.issueCreditNote(inv, lines, what.reason);
    const full = what.kind === 'cancel';
    const updatedOriginal: Invoice = {
      ...inv,
      status: full ? 'Cancelled' : inv.status,
      creditNoteIds: [inv.creditNoteIds, note.number].filter(Boolean).join(', '),
    };
    this.update(updatedOriginal);
    if (full) this.release(original, { transactions: !!what.releaseTransactions });
    this.log(full ? 'cancel' : 'credit', updatedOriginal, `credit note ${note.number}${what.reason ? ': ' + what.reason : ''}`);
    this.log('finalize', note, `credits ${inv.number}`);
    return note;
  }

  /** Cancel: every line negated, when nothing of the invoice was credited yet. */
  private cancelLines(original: InvoiceDoc, prior: Decimal): CreditLine[] {
    if (!prior.isZero()) throw new BillingError(`${original.invoice.number} already has credit notes: credit the remaining lines or amount instead of cancelling`);
    return original.lines.map(negate);
  }

  /** The chosen lines negated: each must exist and not be credited already. */
  private chosenLines(original: InvoiceDoc, lineNos: readonly number[]): CreditLine[] {
    const inv = original.invoice;
    const chosen = original.lines.filter((l) => lineNos.includes(l.lineNo));
    const unknown = lineNos.filter((n) => !original.lines.some((l) => l.lineNo === n));
    if (unknown.length || !chosen.length) throw new BillingError(`invoice ${inv.number} has no line ${unknown.join(', ') || lineNos.join(', ')}`);
    const credited = this.creditedLines(original);
    for (const l of chosen) {
      const on = credited.get(l.lineNo);
      if (on) throw new BillingError(`line ${l.lineNo} of ${inv.number} was already credited on ${on}`);
    }
    return chosen.map(negate);
  }

  /** A net amount (rounded to the currency) spread over the tax groups not yet credited; not twice the same day unless `again`. */
  private amountLines(original: InvoiceDoc, what: { amount: Decimal; again?: boolean }, prior: Decimal, mode: RoundingMode): CreditLine[] {
    const inv = original.invoice;
    const amount = roundMoney(what.amount, inv.currency, mode);
    // The same credit asked for twice the same day is a retry (a crash before the answer, a double
    // click), not a second credit: it takes an explicit "again".
    const twin = [...this.invoices.values()].find((o) => o.type === 'credit_note' && o.originalInvoiceId === inv.invoiceId && o.invoiceDate === this.c.today && o.net.neg().eq(amount));
    if (twin && !what.again) {
      throw new BillingError(`a credit note of ${amount.toFixed(2)} for ${inv.number} was already issued today (${twin.number}); to issue a second one of the same amount, credit with --again`);
    }
    const open = inv.net.minus(prior);
    if (amount.lte(0) || amount.gt(open)) throw new BillingError(`credit amount ${amount} must be above 0 and at most ${open} (net not yet credited)`);
    const t = this.tenant(inv.tenantId);
    const describe = (g?: { category: string; rate: Decimal }) => creditLineText(inv.language ?? t.language, isSwiss(inv, t), inv.number ?? inv.invoiceId, g);
    return spreadAmount(original.lines, amount, inv, mode, this.creditedByGroup(inv), describe);
  }

  /** Never more than the net not yet credited, and per VAT category and rate never more taxable amount than the invoice had there. */
  private checkCreditLimits(original: InvoiceDoc, lines: CreditLine[], prior: Decimal, mode: RoundingMode): void {
    const inv = original.invoice;
    const totals = computeTotals(lines as InvoiceLine[], { currency: inv.currency, mode });
    if (totals.net.neg().plus(prior).gt(inv.net)) {
      throw new BillingError(`crediting ${totals.net.neg()} would exceed the net not yet credited (${inv.net.minus(prior)}; credit notes ${inv.creditNoteIds})`);
    }
    const invoiced = computeTotals(original.lines, { currency: inv.currency, mode }).groups;
    const before = this.creditedByGroup(inv);
    for (const g of totals.groups) {
      const k = groupKey(g);
      const had = invoiced.find((x) => groupKey(x) === k)?.taxable ?? ZERO;
      const left = had.minus(before.get(k) ?? ZERO);
      if (g.taxable.neg().gt(left)) {
        throw new BillingError(`crediting ${g.taxable.neg()} at ${g.category} ${g.rate}% would exceed what is left of ${inv.number} at that rate (${left})`);
      }
    }
  }

  /** The credit note of these lines, issued at once: the original's buyer snapshot, not today's account data. */
  private issueCreditNote(inv: Invoice, lines: CreditLine[], reason: string | undefined): Invoice {
    const id = this.nextId();
    const account = this.c.ds.accounts.get(inv.accountId);
    const draft = makeDraft({
      invoiceId: id,
      key: `C:${inv.invoiceId}:${id}`,
      type: 'credit_note',
      o: { runId: '', periodStart: inv.periodStart ?? inv.invoiceDate!, periodEnd: inv.periodEnd ?? inv.invoiceDate!, invoiceDate: undefined },
      tenant: this.tenant(inv.tenantId),
      account: account ?? { accountId: inv.accountId, name: inv.buyerName ?? '', status: 'Active', customerType: (inv.customerType as 'B2B') ?? 'B2B', country: inv.buyerCountry ?? '' },
      currency: inv.currency,
      subscription: undefined,
      orderReference: inv.orderReference,
      lines,
      warnings: [],
    });
    for (const f of ['buyerName', 'buyerAddress', 'buyerCountry', 'buyerVatId', 'customerType', 'buyerReference', 'language', 'subscriptionId'] as const) {
      (draft.invoice as unknown as Record<string, unknown>)[f] = inv[f];
    }
    draft.invoice.originalInvoiceId = inv.invoiceId;
    draft.invoice.originalNumber = inv.number;
    draft.invoice.taxNote = inv.taxNote;
    // Why it was issued: printed on the credit note and part of its hash.
    if (reason?.trim()) draft.invoice.reason = reason.trim();
    this.invoices.set(id, draft.invoice);
    this.changes.created.push(draft);
    const note = this.issue(draft, this.c.today);
    this.update(note);
    return note;
  }

  /**
   * Lines of the original already credited line by line, with the credit note's number. A line
   * credit is the negated copy of the line, so each credit line is matched to one original line
   * with the same content (identical lines are counted, not merged).
   */
  private creditedLines(original: InvoiceDoc): Map<number, string> {
    const sig = (l: InvoiceLine, sign: 1 | -1) =>
      JSON.stringify([
        l.itemId ?? '',
        l.productId ?? '',
        l.description,
        l.serviceStart ?? '',
        l.serviceEnd ?? '',
        l.unitPrice.toString(),
        (sign < 0 ? l.quantity.neg() : l.quantity).toString(),
        (sign < 0 ? l.net.neg() : l.net).toString(),
        l.taxCategory,
        l.taxRate.toString(),
      ]);
    const pool = new Map<string, string[]>();
    for (const other of [...this.invoices.values()].sort((a, b) => (a.invoiceId < b.invoiceId ? -1 : 1))) {
      if (other.type !== 'credit_note' || other.originalInvoiceId !== original.invoice.invoiceId) continue;
      for (const l of this.invoice(other.invoiceId).lines) {
        const k = sig(l, -1);
        pool.set(k, [...(pool.get(k) ?? []), other.number ?? other.invoiceId]);
      }
    }
    const out = new Map<number, string>();
    for (const l of original.lines.slice().sort((a, b) => a.lineNo - b.lineNo)) {
      const hit = pool.get(sig(l, 1));
      if (hit?.length) out.set(l.lineNo, hit.shift()!);
    }
    return out;
  }

  /** Net already credited per VAT category and rate (positive amounts). */
  private creditedByGroup(inv: Invoice): Map<string, Decimal> {
    const out = new Map<string, Decimal>();
    for (const other of this.invoices.values()) {
      if (other.type !== 'credit_note' || other.originalInvoiceId !== inv.invoiceId) continue;
      for (const l of this.invoice(other.invoiceId).lines) {
        const k = groupKey({ category: l.taxCategory, rate: l.taxRate });
        out.set(k, (out.get(k) ?? ZERO).minus(l.net));
      }
    }
    return out;
  }

  private creditedNet(inv: Invoice): Decimal {
    let total: Decimal = ZERO;
    for (const other of this.invoices.values()) {
      if (other.type === 'credit_note' && other.originalInvoiceId === inv.invoiceId) total = total.plus(other.net.neg());
    }
    return total;
  }

  /** Cancelling gives back what the invoice billed: billed-until moves back, one-time items reopen. */
  private release(doc: InvoiceDoc, o: { transactions: boolean }) {
    const byItem = new Map<string, { start: IsoDate; end: IsoDate; oneTime: boolean }>();
    for (const l of doc.lines) {
      if (!l.itemId || !l.serviceStart || (l.kind !== 'recurring' && l.kind !== 'one_time')) continue;
      const cur = byItem.get(l.itemId);
      byItem.set(l.itemId, {
        start: cur && cur.start < l.serviceStart ? cur.start : l.serviceStart,
        end: cur && cur.end > (l.serviceEnd ?? l.serviceStart) ? cur.end : (l.serviceEnd ?? l.serviceStart),
        oneTime: l.kind === 'one_time',
      });
    }
    for (const [itemId, span] of byItem) {
      const st = this.itemState(itemId);
      if (!st) continue;
      if (span.oneTime) this.setItem({ row: st.row, itemId, billedUntil: '', status: 'Active' });
      else if (st.billedUntil === span.end) this.setItem({ row: st.row, itemId, billedUntil: addDays(span.start, -1) });
      else
        this.changes.errors.push({ invoiceId: doc.invoice.invoiceId, reason: `item ${itemId} was billed further (until ${st.billedUntil}) by a later invoice: its Billed Until was left unchanged` });
    }
    if (o.transactions) {
      for (const t of this.txByInvoice.get(doc.invoice.invoiceId) ?? []) {
        this.changes.transactions.push({ row: t.row, transactionId: t.record.transactionId, invoiceId: '', invoiceNumber: '' });
      }
    }
  }
}

function negate(l: InvoiceLine): CreditLine {
  const { invoiceId: _i, lineNo: _n, ...rest } = l;
  return { ...rest, kind: 'credit', quantity: l.quantity.neg(), net: l.net.neg(), transactionIds: undefined };
}

const groupKey = (g: { category: string; rate: Decimal }) => `${g.category}|${new D(g.rate).toFixed(4)}`;

/**
 * A net amount spread over the invoice's tax groups in proportion to what is left of each (its
 * taxable amount less what earlier credit notes took there); the largest group takes the rounding rest.
 */
function spreadAmount(
  lines: readonly InvoiceLine[],
  amount: Decimal,
  inv: Invoice,
  mode: ReturnType<typeof roundingMode>,
  credited: Map<string, Decimal>,
  describe: (group?: { category: string; rate: Decimal }) => string,
) {
  const groups = computeTotals(lines, { currency: inv.currency, mode })
    .groups.map((g) => ({ ...g, left: g.taxable.minus(credited.get(groupKey(g)) ?? ZERO) }))
    .filter((g) => g.left.gt(0));
  if (!groups.length) throw new BillingError(`nothing is left to credit on ${inv.number}`);
  const total = groups.reduce((s, g) => s.plus(g.left), ZERO as Decimal);
  const order = groups.map((_g, i) => i).sort((a, b) => groups[b].left.cmp(groups[a].left) || a - b);
  const shares = groups.map((g) => roundMoney(amount.times(g.left).div(total), inv.currency, mode));
  const rest = amount.minus(shares.reduce((s, x) => s.plus(x), ZERO as Decimal));
  shares[order[0]] = shares[order[0]].plus(rest);
  return groups.map((g, i) => ({
    kind: 'credit' as const,
    description: describe(groups.length > 1 ? g : undefined),
    quantity: new D(-1),
    unitPrice: shares[i],
    net: shares[i].neg(),
    taxCategory: g.category,
    taxRate: g.rate,
    exemptionCode: g.exemptionCode,
    exemptionText: g.exemptionText,
  }));
}
