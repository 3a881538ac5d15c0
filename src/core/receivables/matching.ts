// Matching an incoming payment to open invoices: by creditor reference, by invoice number in the
// remittance text, by customer number, else unmatched with suggestions for the user to confirm.
// Every look-up goes through maps built once per index, so matching a payment costs time in the
// length of its text, not in the number of open invoices (a statement of thousands of entries
// against thousands of open invoices stays well under a second, also in Apps Script).
import { BillingError } from '../errors';
import { D, type Decimal, minorUnits, ZERO } from '../money';
import { isCreditorReference, referenceBody } from './rf';
import type { OpenInvoice } from './types';

export interface PaymentToMatch {
  /** Decimal string, > 0. */
  amount: string;
  currency: string;
  remittance?: string;
  creditorReference?: string;
  counterpartyName?: string;
  counterpartyIban?: string;
}

export interface AccountInfo {
  accountId: string;
  name: string;
  iban?: string;
}

export interface Allocation {
  invoiceId: string;
  number: string;
  amount: string;
}

export interface Suggestion {
  invoiceId: string;
  number: string;
  accountId: string;
  why: string;
}

export interface MatchResult {
  status: 'matched' | 'partially matched' | 'unmatched';
  /** Oldest invoice first. */
  allocations: Allocation[];
  /**
   * What is left over after the allocations ("0.00" when nothing): an overpayment, kept as a credit
   * on the account. For an unmatched payment it is the whole amount.
   */
  rest: string;
  /** Whose payment it is, when known. */
  accountId?: string;
  /** One sentence explaining the match (or what was found). */
  how: string;
  /** Why unmatched. */
  reason?: string;
  /** For the user to confirm: by exact amount, by payer IBAN, by payer name (at most 5). Never allocated. */
  suggestions: Suggestion[];
}

/** An open invoice with its open amount parsed once. */
interface Entry {
  inv: OpenInvoice;
  open: Decimal;
  /** Sorts oldest first as a plain string (see orderKey). */
  order: string;
}

/** Invoice number bodies and customer numbers shorter than this are too likely to occur by chance in any text. */
const MIN_TOKEN = 3;
const MAX_SUGGESTIONS = 5;
/** "RF" + 2 check digits + at most 21 characters. */
const MAX_RF = 25;
/** Words that alone name no one: a payer called "GmbH" resembles every GmbH. */
const NAME_NOISE = new Set(['gmbh', 'mbh', 'ag', 'kg', 'co', 'ug', 'ohg', 'gbr', 'ev', 'se', 'ltd', 'inc', 'llc', 'sa', 'sarl', 'bv', 'und', 'and', 'the', 'haftungsbeschraenkt']);

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlnum = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** Upper case for ASCII letters only, so every position stays where it was ("ß".toUpperCase() is "SS"). */
const asciiUpper = (s: string) => (/[^\x00-\x7f]/.test(s) ? s.replace(/[a-z]+/g, (m) => m.toUpperCase()) : s.toUpperCase());
/** An invoice number's written form with every digit as 9: "RE-2026-00012" → "RE-9999-99999". */
const formatShape = (s: string) => asciiUpper(s).replace(/[0-9]/g, '9');
/** An IBAN or a reference without spaces, upper case (the electronic format). */
const compact = (s: string) => (/[^A-Z0-9]/.test(s) ? s.replace(/[^A-Za-z0-9]/g, '').toUpperCase() : s);
const amountKey = (currency: string, amount: Decimal) => `${currency} ${amount.toString()}`;

/** A name for comparison: lower case, umlauts spelt out, accents and punctuation gone ("Müller-Bau GmbH" → "mueller bau gmbh"). */
export function nameWords(name: string): string[] {
  let s = name.toLowerCase();
  if (/[^\x00-\x7f]/.test(s)) {
    s = s.replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss');
    if (typeof s.normalize === 'function') s = s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  }
  return s.split(/[^a-z0-9]+/).filter(Boolean);
}

/**
 * Oldest first as one string: the invoice date, then the number with each run of digits led by its
 * length, so RE-9 sorts before RE-10; computed once per invoice, not per comparison.
 */
function orderKey(inv: OpenInvoice): string {
  const s = inv.number;
  let key = `${inv.invoiceDate}\u0000`;
  for (let i = 0; i < s.length; ) {
    if (!isDigit(s.charCodeAt(i))) {
      key += s[i++];
      continue;
    }
    let end = i;
    while (end < s.length && isDigit(s.charCodeAt(end))) end++;
    while (i < end - 1 && s.charCodeAt(i) === 48) i++;
    key += String.fromCharCode(48 + Math.min(end - i, 70)) + s.slice(i, end);
    i = end;
  }
  return `${key}\u0000${s}`;
}

const oldestFirst = (a: Entry, b: Entry) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0);

/** "A", "A and B", "A, B and C". */
function listOf(items: readonly string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** A decimal string as a Decimal, or undefined when it is none ("12,50", "", "abc"). */
function decimalOf(text: string): Decimal | undefined {
  try {
    const d = new D(text.trim());
    return d.isFinite() ? d : undefined;
  } catch {
    return undefined;
  }
}

function positiveAmount(amount: string): Decimal {
  const d = decimalOf(amount);
  if (d?.gt(0)) return d;
  throw new BillingError(`A payment amount must be a positive decimal number, not "${amount}".`, { code: 'invalid' });
}

/** A remittance text reduced to its ASCII letters and digits (upper case), with where each one stood. */
interface Scan {
  text: string;
  upper: string;
  /** Letters and digits only. */
  norm: string;
  /** norm with every digit as 9, made when first needed (numbers not open are rare). */
  shape?: string;
  /** Position in text of each character of norm. */
  pos: number[];
}

function scanText(text: string): Scan {
  const upper = asciiUpper(text);
  const pos: number[] = [];
  for (let i = 0; i < upper.length; i++) if (isAlnum(upper.charCodeAt(i))) pos.push(i);
  return { text, upper, norm: upper.replace(/[^A-Z0-9]+/g, ''), pos };
}

/** Whether a separator (or the text's start or end) lies before norm[k]: a number may start or end only there. */
function boundaryAt(s: Scan, k: number): boolean {
  return k === 0 || k === s.pos.length || s.pos[k] - s.pos[k - 1] > 1;
}

/**
 * The RF references a text may quote from position `at` ("RF70 INV2 0260 0012", spaces anywhere
 * inside), longest first: one candidate ends at each group of letters and digits.
 */
function rfCandidates(upper: string, at: number): string[] {
  const out: string[] = [];
  let ref = '';
  for (let j = at; j < upper.length && ref.length <= MAX_RF; j++) {
    const c = upper.charCodeAt(j);
    if (isAlnum(c)) {
      ref += upper[j];
      if (j + 1 === upper.length || !isAlnum(upper.charCodeAt(j + 1))) out.push(ref);
    } else if (!/\s/.test(upper[j])) break;
  }
  return out.filter((r) => r.length <= MAX_RF).reverse();
}

/**
 * The invoices found, oldest first, settled with the amount: each takes what it still needs until
 * the amount runs out. `covered` says whether all of them were paid in full.
 */
function allocate(entries: readonly Entry[], amount: Decimal, places: number): { allocations: Allocation[]; rest: string; covered: boolean } {
  const allocations: Allocation[] = [];
  let left = amount;
  let covered = true;
  for (const e of entries) {
    if (e.open.lte(0)) continue;
    if (left.isZero()) {
      covered = false;
      break;
    }
    const whole = left.gte(e.open);
    const take = whole ? e.open : left;
    if (!whole) covered = false;
    allocations.push({ invoiceId: e.inv.invoiceId, number: e.inv.number, amount: take.toFixed(places) });
    left = whole ? left.minus(take) : ZERO;
  }
  return { allocations, rest: left.toFixed(places), covered };
}

/** Decimals of the strings written out: the currency's, or more when an input has more (sums stay exact). */
function placesOf(currency: string, amount: Decimal, entries: readonly Entry[]): number {
  return entries.reduce((p, e) => Math.max(p, e.open.decimalPlaces()), Math.max(minorUnits(currency), amount.decimalPlaces()));
}

function toEntries(invoices: readonly OpenInvoice[]): Entry[] {
  const entries = invoices.map((inv) => {
    const open = decimalOf(inv.open);
    if (!open) throw new BillingError(`Invoice ${inv.number}: its open amount "${inv.open}" is not a number.`, { code: 'invalid', ref: inv.number });
    return { inv, open, order: orderKey(inv) };
  });
  return entries.sort(oldestFirst);
}

/**
 * Settles a payment over the given invoices, oldest first (by invoice date, then number): the last
 * one reached may stay partly open; what the invoices do not need is the rest.
 */
export function settleOldestFirst(invoices: readonly OpenInvoice[], amount: string): { allocations: Allocation[]; rest: string } {
  const paid = positiveAmount(amount);
  const entries = toEntries(invoices);
  const { allocations, rest } = allocate(entries, paid, placesOf(invoices[0]?.currency ?? '', paid, entries));
  return { allocations, rest };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Adds an entry to its key's list, which is kept oldest first (a binary search, not a sort). */
function insertSorted<K>(map: Map<K, Entry[]>, key: K, e: Entry): void {
  const list = map.get(key);
  if (!list) return void map.set(key, [e]);
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (oldestFirst(list[mid], e) <= 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, e);
}

/** The distinct key lengths of a map, longest first (the scan tries the longest number first). */
const lengthsOf = (keys: Iterable<string>) => [...new Set([...keys].map((k) => k.length))].sort((a, b) => b - a);

/** Every run of consecutive words that could name someone ("mueller bau gmbh" → "mueller", "mueller bau", …). */
function partsOf(words: readonly string[]): string[] {
  const out: string[] = [];
  const w = words.slice(0, 10);
  for (let i = 0; i < w.length; i++) {
    for (let j = i + 1; j <= w.length; j++) {
      const part = w.slice(i, j);
      const key = part.join(' ');
      if (key.length >= MIN_TOKEN && !part.every((x) => NAME_NOISE.has(x))) out.push(key);
    }
  }
  return out;
}

/** Each invoice once, in the order found. */
function unique(entries: readonly Entry[]): Entry[] {
  const seen = new Set<string>();
  return entries.filter((e) => !seen.has(e.inv.invoiceId) && seen.add(e.inv.invoiceId));
}

const sentence = (how: string, notes: readonly string[]) => [how, ...new Set(notes)].join('; ');
const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);
const notOpen = (written: string) => `${written} is not an open invoice (already paid?)`;

/** Invoices to offer first, with why. */
interface Offer {
  entries: readonly Entry[];
  why: string;
}

/**
 * The open invoices of a moment, indexed for matching payments: by creditor reference, by number
 * (letters and digits only), by account, by open amount, by the accounts' IBANs and names.
 */
export class MatchIndex {
  /** Map look-ups made by match(): they grow with the payments' texts, not with the open invoices (tests/core/receivables/matchingScale.test.ts). */
  lookups = 0;
  private readonly entries: Entry[];
  /** Invoice IDs and numbers → invoice, for settle() only: made on its first call. */
  private byIdOrNumber?: Map<string, Entry>;
  private readonly byReference = new Map<string, Entry>();
  private readonly byBody = new Map<string, Entry[]>();
  /** Bodies with digits as 9, and numbers as written with digits as 9: what an invoice number not open looks like. */
  private readonly bodyShapes = new Set<string>();
  private readonly formats = new Set<string>();
  private readonly byAccount = new Map<string, Entry[]>();
  /** Account ids in upper case → as given. */
  private readonly accountIds = new Map<string, string>();
  /**
   * Open amount → invoices, oldest first. Subscriptions share a few prices, so one amount can hold
   * thousands: an invoice whose amount changed stays in its old list (stale, skipped when read,
   * dropped once half a list is stale) instead of each booking filtering the list.
   */
  private readonly byAmount = new Map<string, Entry[]>();
  private readonly staleByAmount = new Map<string, number>();
  /** Electronic IBAN → account ids. */
  private readonly byIban = new Map<string, string[]>();
  /** An account's whole name (normalised) → account ids; and every run of its words → account ids. */
  private readonly byFullName = new Map<string, string[]>();
  private readonly byNamePart = new Map<string, string[]>();
  private readonly names = new Map<string, string>();
  private readonly bodyLengths: number[];
  private readonly idLengths: number[];

  constructor(open: readonly OpenInvoice[], accounts: readonly AccountInfo[]) {
    const entries = toEntries(open).filter((e) => e.open.gt(0));
    this.entries = entries;
    for (const e of entries) this.addInvoice(e);
    for (const a of accounts) this.addAccount(a.accountId, a.name, a.iban);
    for (const e of entries) this.addAccount(e.inv.accountId, e.inv.accountName, e.inv.iban);
    this.bodyLengths = lengthsOf(this.byBody.keys());
    this.idLengths = lengthsOf(this.accountIds.keys());
  }

  private addInvoice(e: Entry): void {
    const inv = e.inv;
    if (inv.reference) this.byReference.set(compact(inv.reference), e);
    const body = referenceBody(inv.number);
    if (body.length >= MIN_TOKEN) {
      push(this.byBody, body, e);
      this.bodyShapes.add(body.replace(/[0-9]/g, '9'));
      this.formats.add(formatShape(inv.number.trim()));
    }
    push(this.byAccount, inv.accountId, e);
    push(this.byAmount, amountKey(inv.currency, e.open), e);
  }

  /** Called for the accounts given and again for each invoice's account: each id, IBAN and name is indexed once. */
  private addAccount(accountId: string, name: string, iban?: string): void {
    const key = iban ? compact(iban) : '';
    if (key && !this.byIban.get(key)?.includes(accountId)) push(this.byIban, key, accountId);
    if (this.names.has(accountId)) return;
    this.names.set(accountId, name);
    const id = accountId.trim();
    if (id.length >= MIN_TOKEN && isAlnum(id.charCodeAt(0)) && isAlnum(id.charCodeAt(id.length - 1))) this.accountIds.set(asciiUpper(id), accountId);
    const words = nameWords(name);
    const full = words.join(' ');
    if (full.length >= MIN_TOKEN && !words.every((w) => NAME_NOISE.has(w))) push(this.byFullName, full, accountId);
    for (const part of partsOf(words)) push(this.byNamePart, part, accountId);
  }

  /** Rules in order: creditor reference, invoice numbers, customer number; else unmatched with suggestions. */
  match(p: PaymentToMatch): MatchResult {
    const amount = positiveAmount(p.amount);
    const scan = scanText(p.remittance ?? '');
    const notes: string[] = [];
    const refs = this.findReferences(p, scan, notes);
    if (refs.length) return this.settleFound(p, amount, refs, `${plural(refs.length, 'creditor reference', 'creditor references')} ${listOf(refs.map((e) => e.inv.reference))}`, notes);
    const numbers = this.findNumbers(scan, notes);
    if (numbers.length) {
      const how = `${plural(numbers.length, 'invoice number', 'invoice numbers')} ${listOf(numbers.map((e) => e.inv.number))} in the remittance text`;
      return this.settleFound(p, amount, numbers, how, notes);
    }
    const accounts = this.findAccounts(scan);
    if (accounts.length === 1) return this.settleAccount(p, amount, accounts[0], notes);
    if (accounts.length > 1) {
      const offers = accounts.map((id) => ({ entries: this.byAccount.get(id) ?? [], why: `customer number ${id} in the remittance text` }));
      const reason = `customer numbers ${listOf(accounts)} in the remittance text: which one?`;
      return this.unmatched(p, amount, { how: sentence('several customer numbers in the remittance text', notes), reason, offers });
    }
    const reason = notes.length ? sentence(notes[0], notes.slice(1)) : 'no creditor reference, invoice number or customer number of an open invoice in the payment';
    return this.unmatched(p, amount, { how: 'nothing in the payment names an open invoice', reason });
  }

  /**
   * A manual assignment: the payment settled over the invoices named (invoice IDs or numbers),
   * oldest first, as match() would have done.
   */
  settle(invoices: readonly string[], amount: string): MatchResult {
    const paid = positiveAmount(amount);
    const known = this.known();
    const entries = unique(
      invoices.map((ref) => {
        const e = known.get(ref);
        if (!e) throw new BillingError(`${ref} is not an open invoice.`, { code: 'not-found', ref });
        return e;
      }),
    ).sort(oldestFirst);
    const currencies = [...new Set(entries.map((e) => e.inv.currency))];
    if (currencies.length !== 1) throw new BillingError(currencies.length ? `One payment cannot settle invoices in ${listOf(currencies)}.` : 'No invoice to settle.', { code: 'invalid' });
    const { allocations, rest, covered } = allocate(entries, paid, placesOf(currencies[0], paid, entries));
    const how = `assigned by hand to ${listOf(entries.map((e) => e.inv.number))}`;
    return { status: covered ? 'matched' : 'partially matched', allocations, rest, accountId: entries[0].inv.accountId, how, suggestions: [] };
  }

  /** Open invoices by ID and by number (an ID wins), made on first use: only settle() and book() need them. */
  private known(): Map<string, Entry> {
    return (this.byIdOrNumber ??= new Map([...this.entries.map((e): [string, Entry] => [e.inv.number, e]), ...this.entries.map((e): [string, Entry] => [e.inv.invoiceId, e])]));
  }

  /**
   * Books allocations made from this index (a statement's earlier payments), so the next payments
   * see what is still open: open amounts go down, and an invoice paid in full is no longer open
   * (a second payment naming it is told it is already paid).
   */
  book(allocations: readonly Allocation[]): void {
    for (const a of allocations) {
      const e = this.known().get(a.invoiceId);
      if (!e) throw new BillingError(`${a.number || a.invoiceId} is not an open invoice.`, { code: 'not-found', ref: a.invoiceId });
      const inv = e.inv;
      const drop = <K>(map: Map<K, Entry[]>, key: K) => {
        const rest = (map.get(key) ?? []).filter((x) => x !== e);
        if (rest.length) map.set(key, rest);
        else map.delete(key);
      };
      const was = amountKey(inv.currency, e.open);
      this.staleByAmount.set(was, (this.staleByAmount.get(was) ?? 0) + 1);
      e.open = e.open.minus(a.amount);
      if (e.open.gt(0)) {
        insertSorted(this.byAmount, amountKey(inv.currency, e.open), e);
        continue;
      }
      drop(this.byAccount, inv.accountId);
      drop(this.byBody, referenceBody(inv.number));
      if (this.byReference.get(compact(inv.reference)) === e) this.byReference.delete(compact(inv.reference));
      this.byIdOrNumber?.delete(inv.invoiceId);
      if (this.byIdOrNumber?.get(inv.number) === e) this.byIdOrNumber.delete(inv.number);
    }
  }

  /** Rule 1: the payment's structured reference, and RF references quoted in its text. */
  private findReferences(p: PaymentToMatch, scan: Scan, notes: string[]): Entry[] {
    const found: Entry[] = [];
    const given = p.creditorReference ? compact(p.creditorReference) : '';
    if (given) {
      this.lookups++;
      const e = this.byReference.get(given);
      if (e) found.push(e);
      else if (isCreditorReference(given)) notes.push(`${given} is not the reference of an open invoice`);
    }
    const u = scan.upper;
    for (let at = u.indexOf('RF'); at >= 0; at = u.indexOf('RF', at + 2)) {
      if (at > 0 && isAlnum(u.charCodeAt(at - 1))) continue;
      const candidates = rfCandidates(u, at);
      this.lookups += candidates.length;
      const hit = candidates.find((c) => this.byReference.has(c));
      if (hit) found.push(this.byReference.get(hit)!);
      else {
        const valid = candidates.find((c) => isCreditorReference(c));
        if (valid) notes.push(`${valid} is not the reference of an open invoice`);
      }
    }
    return unique(found);
  }

  /** Rule 2: invoice numbers, with separators anywhere inside, bounded by separators outside. */
  private findNumbers(scan: Scan, notes: string[]): Entry[] {
    const found: Entry[] = [];
    for (let k = 0; k < scan.norm.length; k++) {
      if (!boundaryAt(scan, k)) continue;
      const end = this.numberAt(scan, k, found, notes);
      if (end > k) k = end - 1;
    }
    return unique(found);
  }

  /** The longest open invoice number starting at norm[k] (else one that looks like ours but is not open): where it ends, or k. */
  private numberAt(scan: Scan, k: number, found: Entry[], notes: string[]): number {
    for (const len of this.bodyLengths) {
      const end = k + len;
      if (end > scan.norm.length || !boundaryAt(scan, end)) continue;
      this.lookups++;
      const hits = this.byBody.get(scan.norm.slice(k, end));
      if (!hits) continue;
      found.push(...hits);
      return end;
    }
    for (const len of this.bodyLengths) {
      const end = k + len;
      if (end > scan.norm.length || !boundaryAt(scan, end) || !this.bodyShapes.has((scan.shape ??= scan.norm.replace(/[0-9]/g, '9')).slice(k, end))) continue;
      const written = scan.text.slice(scan.pos[k], scan.pos[end - 1] + 1);
      if (!this.formats.has(formatShape(written))) continue;
      notes.push(notOpen(written));
      return end;
    }
    return k;
  }

  /** Rule 3: account ids standing alone in the text (letters and digits do not continue on either side). */
  private findAccounts(scan: Scan): string[] {
    const found: string[] = [];
    const u = scan.upper;
    for (let i = 0; i < u.length; i++) {
      if (!isAlnum(u.charCodeAt(i)) || (i > 0 && isAlnum(u.charCodeAt(i - 1)))) continue;
      for (const len of this.idLengths) {
        const end = i + len;
        if (end > u.length || (end < u.length && isAlnum(u.charCodeAt(end)))) continue;
        this.lookups++;
        const id = this.accountIds.get(u.slice(i, end));
        if (id !== undefined && !found.includes(id)) found.push(id);
      }
    }
    return found;
  }

  private settleAccount(p: PaymentToMatch, amount: Decimal, accountId: string, notes: string[]): MatchResult {
    const entries = this.byAccount.get(accountId) ?? [];
    if (entries.length) return this.settleFound(p, amount, entries, `customer number ${accountId} in the remittance text: oldest open invoices first`, notes);
    return this.unmatched(p, amount, { how: sentence(`customer number ${accountId} in the remittance text`, notes), reason: `account ${accountId} has no open invoices`, accountId });
  }

  /** The invoices found settled oldest first, those in another currency left out. */
  private settleFound(p: PaymentToMatch, amount: Decimal, found: readonly Entry[], how: string, notes: string[]): MatchResult {
    const sorted = [...found].sort(oldestFirst);
    const same = sorted.filter((e) => e.inv.currency === p.currency);
    const other = sorted.filter((e) => e.inv.currency !== p.currency);
    const currencies = listOf([...new Set(other.map((e) => e.inv.currency))]);
    if (!same.length)
      return this.unmatched(p, amount, { how: sentence(how, notes), reason: `paid in ${p.currency}; the open invoices found are in ${currencies}`, accountId: sorted[0].inv.accountId });
    if (other.length) notes.push(`${listOf(other.map((e) => e.inv.number))} ${plural(other.length, 'is', 'are')} in ${currencies} and left out`);
    const { allocations, rest, covered } = allocate(same, amount, placesOf(p.currency, amount, same));
    return { status: covered ? 'matched' : 'partially matched', allocations, rest, accountId: same[0].inv.accountId, how: sentence(how, notes), suggestions: [] };
  }

  private unmatched(p: PaymentToMatch, amount: Decimal, o: { how: string; reason: string; accountId?: string; offers?: Offer[] }): MatchResult {
    const suggestions = this.suggestions(p, amount, o.offers ?? []);
    const how = suggestions.length ? `${o.how}; ${suggestions.length} ${plural(suggestions.length, 'suggestion', 'suggestions')} to confirm` : o.how;
    const rest = amount.toFixed(Math.max(minorUnits(p.currency), amount.decimalPlaces()));
    const result: MatchResult = { status: 'unmatched', allocations: [], rest, how, reason: o.reason, suggestions };
    if (o.accountId !== undefined) result.accountId = o.accountId;
    return result;
  }

  /** Offers first, then invoices open for exactly the amount, then the payer IBAN's account's, then the payer name's accounts'. */
  private suggestions(p: PaymentToMatch, amount: Decimal, offers: readonly Offer[]): Suggestion[] {
    const out: Suggestion[] = [];
    const add = (entries: readonly Entry[], why: string) => {
      for (const e of entries) {
        if (out.length >= MAX_SUGGESTIONS) return;
        if (e.inv.currency !== p.currency || out.some((s) => s.invoiceId === e.inv.invoiceId)) continue;
        out.push({ invoiceId: e.inv.invoiceId, number: e.inv.number, accountId: e.inv.accountId, why });
      }
    };
    for (const o of offers) add(o.entries, o.why);
    this.lookups++;
    // Twice the suggestions: the offers before may have taken some of the same invoices.
    add(this.openFor(amountKey(p.currency, amount), 2 * MAX_SUGGESTIONS), `open amount equals the payment (${p.amount} ${p.currency})`);
    const iban = p.counterpartyIban ? compact(p.counterpartyIban) : '';
    this.lookups++;
    for (const id of (iban && this.byIban.get(iban)) || []) add(this.byAccount.get(id) ?? [], `the payer's IBAN ${iban} is account ${id}'s`);
    for (const id of p.counterpartyName ? this.accountsNamed(p.counterpartyName) : []) {
      add(this.byAccount.get(id) ?? [], `the payer "${p.counterpartyName}" resembles account ${id} (${this.names.get(id)})`);
    }
    return out;
  }

  /**
   * The oldest invoices open for exactly an amount, at most `limit` (stale ones skipped; a stale
   * run at the front, where payments oldest first leave them, is cut off as it is met).
   */
  private openFor(key: string, limit: number): Entry[] {
    let list = this.byAmount.get(key) ?? [];
    const live = (e: Entry) => e.open.gt(0) && amountKey(e.inv.currency, e.open) === key;
    let stale = this.staleByAmount.get(key) ?? 0;
    if (stale * 2 > list.length) {
      list = list.filter(live);
      this.byAmount.set(key, list);
      stale = 0;
    }
    let front = 0;
    while (front < list.length && !live(list[front])) front++;
    if (front) list.splice(0, front);
    this.staleByAmount.set(key, Math.max(0, stale - front));
    const out: Entry[] = [];
    for (let i = 0; i < list.length && out.length < limit; i++) if (live(list[i])) out.push(list[i]);
    return out;
  }

  /** Accounts whose name is in the payer's name, or whose name holds the payer's (word by word, umlauts and case aside). */
  private accountsNamed(payer: string): string[] {
    const words = nameWords(payer).slice(0, 10);
    const out: string[] = [];
    for (const part of partsOf(words)) {
      this.lookups++;
      out.push(...(this.byFullName.get(part) ?? []));
    }
    const whole = words.join(' ');
    this.lookups++;
    if (whole.length >= MIN_TOKEN && !words.every((w) => NAME_NOISE.has(w))) out.push(...(this.byNamePart.get(whole) ?? []));
    return [...new Set(out)];
  }
}
