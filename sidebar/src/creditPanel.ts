// Cancel or credit an invoice: the user knows the invoice number; the server takes a number or an id.
// Before anything is confirmed, the server says whether the invoice exists and what may still be
// credited on it (creditableInvoice, which writes nothing); the panel shows that, checks the amount
// as the user typed it in the sheet's number locale, and only then asks in the sidebar's
// confirmation (dom.ts confirmAction: window.confirm may be blocked in Apps Script's frame).
import type { CancelRequest, Creditable, CreditRequest, InvoiceSummary, LedgerReport } from '../../src/gas/serverApi';
import { call } from './call';
import { $, button, confirmAction, input, item, line, showError, showRow } from './dom';
import { formatMoney, type NumberLocale, parseAmount } from './format';

/** A message as a sentence, capital first and a full stop last: the server's start in lower case ("invoice X does not exist"). */
export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.');
}

/** showError with the message as a sentence. */
export function showProblem(e: unknown): void {
  showError(e ? new Error(sentence((e as Error).message || String(e))) : null);
}

/** Runs a server call with the panel busy meanwhile; a failure is shown (showProblem) and gives undefined. */
export async function guarded<T>(busy: (on: boolean) => void, work: () => Promise<T>): Promise<T | undefined> {
  busy(true);
  try {
    return await work();
  } catch (e) {
    showProblem(e);
    return undefined;
  } finally {
    busy(false);
  }
}

/** 2026-12-01 as the sheet writes dates: 01.12.2026 (de) or 2026-12-01 (en). */
export function formatDate(iso: string, locale: NumberLocale): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m && locale === 'de' ? `${m[3]}.${m[2]}.${m[1]}` : iso;
}

/** -1, 0 or 1 for two decimal strings ("12.5" vs "12.50"), exactly, without floats. */
export function compareDecimal(a: string, b: string): number {
  const parts = (s: string) => {
    const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(s.trim()) ?? ['', '', '0', ''];
    return { neg: m[1] === '-', int: m[2] || '0', frac: m[3] ?? '' };
  };
  const x = parts(a);
  const y = parts(b);
  const width = Math.max(x.frac.length, y.frac.length);
  const big = (p: ReturnType<typeof parts>) => BigInt(p.int + p.frac.padEnd(width, '0')) * BigInt(p.neg ? -1 : 1);
  const d = big(x) - big(y);
  return d < BigInt(0) ? -1 : d > BigInt(0) ? 1 : 0;
}

const negate = (s: string) => (s.startsWith('-') ? s.slice(1) : `-${s}`);

/** The last check, per invoice typed: a change of the field asks again, a click reuses it. */
let checked: { ref: string; answer: Promise<Creditable> } | null = null;

function check(ref: string): Promise<Creditable> {
  if (checked?.ref !== ref) checked = { ref, answer: call('creditableInvoice', ref) };
  const mine = checked;
  mine.answer.catch(() => {
    if (checked === mine) checked = null;
  });
  return mine.answer;
}

/** What the server said about the invoice: who, when, how much, what is credited and what is left per line. */
function showInvoice(c: Creditable | null): void {
  const box = $('ccInfo');
  box.textContent = '';
  box.hidden = !c;
  if (!c) return;
  const L = c.numberLocale;
  const m = (s: string) => formatMoney(s, c.currency, L);
  const say = (text: string) => {
    const p = document.createElement('p');
    p.className = 'hint';
    p.textContent = text;
    box.appendChild(p);
  };
  say(`${c.type === 'pro_forma' ? 'Pro-forma invoice' : 'Invoice'} ${c.number} of ${formatDate(c.invoiceDate, L)} to ${c.customer}: payable ${m(c.payable)} (net ${m(c.net)}).`);
  say(c.creditNotes.length ? `Credited so far: ${m(c.credited)} (net) on ${c.creditNotes.join(', ')}.` : 'Nothing credited so far.');
  say(c.canCredit ? `May still be credited: ${m(c.open)} (net).` : 'A pro-forma invoice can be cancelled, not credited.');
  const list = document.createElement('ul');
  list.id = 'ccLines';
  list.setAttribute('aria-label', `Lines of ${c.number}`);
  box.appendChild(list);
  for (const l of c.lines) {
    const li = item(list, `${l.lineNo}. ${l.description}`, m(l.net));
    line(
      li,
      compareDecimal(l.remaining, '0') > 0 ? `Creditable: ${m(l.remaining)}` : l.creditedOn ? `Credited on ${l.creditedOn}` : `Not creditable on its own: ${sentence(l.why ?? 'nothing is left')}`,
    );
  }
}

function form(): { ref: string; reason: string | undefined; amount: string } | null {
  const ref = input('ccInvoice').value.trim();
  if (!ref) {
    showError('Enter the number of the invoice to cancel or credit.');
    input('ccInvoice').focus();
    return null;
  }
  return { ref, reason: input('ccReason').value.trim() || undefined, amount: input('ccAmount').value.trim() };
}

/** What the sidebar's confirmation asks: a question, the facts as lines, the OK button's words. */
interface Question {
  question: string;
  facts: string[];
  ok: string;
}

/** Who and what the invoice is, as the confirmation's first fact. */
const whose = (c: Creditable) => `${c.type === 'pro_forma' ? 'Pro-forma invoice' : 'Invoice'} of ${formatDate(c.invoiceDate, c.numberLocale)} to ${c.customer}`;

/** The confirmation of a cancellation, or a refusal (nothing sent) as an Error. */
function cancelQuestion(c: Creditable, amount: string, release: boolean, reason: string | undefined): Question {
  if (amount) throw new Error('A credit amount is filled in: Credit amount credits that part; empty the field to cancel the whole invoice.');
  const m = (s: string) => formatMoney(s, c.currency, c.numberLocale);
  if (!c.canCancel) throw new Error(`${c.number} already has credit notes (${c.creditNotes.join(', ')}): credit what is left (${m(c.open)} net) instead of cancelling.`);
  const why = reason ? [`Reason: ${reason}`] : [];
  if (c.type === 'pro_forma') return { question: `Cancel pro-forma invoice ${c.number}?`, facts: [whose(c), ...why, 'It gets no credit note. This cannot be undone.'], ok: 'Yes, cancel it' };
  return {
    question: `Cancel invoice ${c.number}?`,
    facts: [
      whose(c),
      `Payable ${m(c.payable)} (net ${m(c.net)})`,
      ...why,
      'A credit note for the whole invoice is issued. This cannot be undone.',
      ...(release ? ['Its usage transactions are billed again by the next run.'] : []),
    ],
    ok: 'Yes, cancel the invoice',
  };
}

/** The amount as a decimal string and the confirmation, or a refusal (nothing sent) as an Error. */
function creditQuestion(c: Creditable, typed: string, reason: string | undefined): Question & { amount: string } {
  const L = c.numberLocale;
  const m = (s: string) => formatMoney(s, c.currency, L);
  if (!c.canCredit) throw new Error(`${c.number} is a pro-forma invoice: it can be cancelled, not credited.`);
  if (!typed) throw new Error('Enter the net amount to credit, or leave it empty and use Cancel invoice to cancel the whole invoice.');
  const amount = parseAmount(typed, L);
  if (amount === null) throw new Error(`"${typed}" is not an amount as this sheet writes them (for example ${formatMoney('1234.5', c.currency, L)}).`);
  if (compareDecimal(amount, '0') <= 0) throw new Error(`The credit amount must be above 0, not ${m(amount)}.`);
  if (compareDecimal(amount, c.open) > 0) throw new Error(`The credit amount ${m(amount)} is more than may still be credited on ${c.number}: ${m(c.open)} (net).`);
  return {
    amount,
    question: `Credit ${m(amount)} (net) on invoice ${c.number}?`,
    facts: [whose(c), `Up to ${m(c.open)} (net) may be credited`, ...(reason ? [`Reason: ${reason}`] : []), 'A credit note is issued. This cannot be undone.'],
    ok: 'Yes, issue the credit note',
  };
}

/** What happened, as a sentence: the credit note's number and amounts in the sheet's format. */
function outcome(r: LedgerReport, c: Creditable, cancel: boolean): string {
  const m = (s: string, cur: string) => formatMoney(s, cur, c.numberLocale);
  const note = r.invoices.find((i) => i.type === 'credit_note');
  let text = '';
  if (note) {
    const what = `credit note ${note.number || note.invoiceId}: ${m(note.gross, note.currency)} (net ${m(note.net, note.currency)})`;
    text = cancel ? `Cancelled ${c.number} with ${what}.` : `Credited ${m(negate(note.net), note.currency)} (net) on ${c.number} with ${what}.`;
  } else if (r.invoices.some((i) => i.status === 'Cancelled')) text = `Cancelled ${c.number}; a pro-forma invoice gets no credit note.`;
  if (r.failed.length) text += `${text ? ' ' : ''}Not done: ${r.failed.map((f) => `${f.invoiceId}: ${sentence(f.reason)}`).join('; ')}`;
  return text;
}

function listResults(invoices: InvoiceSummary[], locale: NumberLocale): void {
  for (const inv of invoices) {
    const credit = inv.type === 'credit_note';
    const li = item(
      $('ccResults'),
      `${credit ? 'Credit note ' : inv.type === 'pro_forma' ? 'Pro-forma invoice ' : 'Invoice '}${inv.number || inv.invoiceId}${inv.status === 'Cancelled' ? ' (cancelled)' : ''}`,
      formatMoney(inv.gross, inv.currency, locale),
    );
    if (credit) line(li, `Net ${formatMoney(inv.net, inv.currency, locale)}, tax ${formatMoney(inv.tax, inv.currency, locale)}`);
    showRow(li, inv);
  }
}

function setBusy(on: boolean): void {
  button('ccCancel').disabled = on;
  button('ccCredit').disabled = on;
}

/** Check → show → refuse or confirm → act. */
async function act(kind: 'cancel' | 'credit'): Promise<void> {
  const f = form();
  if (!f) return;
  showError(null);
  $('ccStatus').textContent = '';
  setBusy(true);
  try {
    const c = await check(f.ref);
    showInvoice(c);
    const release = input('ccRelease').checked;
    const ask = kind === 'cancel' ? { amount: '', ...cancelQuestion(c, f.amount, release, f.reason) } : creditQuestion(c, f.amount, f.reason);
    if (!(await confirmAction(ask.question, ask.facts, ask.ok))) return;
    const r =
      kind === 'cancel'
        ? await call('cancelInvoice', { invoiceId: c.invoiceId, reason: f.reason, releaseTransactions: release } satisfies CancelRequest)
        : await call('creditInvoice', { invoiceId: c.invoiceId, amount: ask.amount, reason: f.reason } satisfies CreditRequest);
    checked = null;
    $('ccResults').textContent = '';
    listResults(r.invoices, c.numberLocale);
    $('ccStatus').textContent = outcome(r, c, kind === 'cancel');
    if (!r.failed.length) for (const id of ['ccInvoice', 'ccReason', 'ccAmount']) input(id).value = '';
    showInvoice(null);
    releaseRule();
  } catch (e) {
    showProblem(e);
  } finally {
    setBusy(false);
  }
}

/** Releasing usage only applies to a cancellation. */
function releaseRule(): void {
  const partial = !!input('ccAmount').value.trim();
  input('ccRelease').disabled = partial;
  if (partial) input('ccRelease').checked = false;
}

export function creditPanel(): void {
  input('ccAmount').addEventListener('input', releaseRule);
  // A number typed and left: the invoice and what may be credited show before any button.
  input('ccInvoice').addEventListener('change', () => {
    const ref = input('ccInvoice').value.trim();
    showInvoice(null);
    if (!ref) return;
    showError(null);
    check(ref)
      .then((c) => {
        if (input('ccInvoice').value.trim() === ref) showInvoice(c);
      })
      .catch(showProblem);
  });
  button('ccCancel').addEventListener('click', () => void act('cancel'));
  button('ccCredit').addEventListener('click', () => void act('credit'));
}
