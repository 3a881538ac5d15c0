// The Open items panel's Adjust and Refund controls: per open invoice a write-off, Skonto or fee,
// per account with a credit a refund, each asked in the sidebar's confirmation and booked by the
// server (bookAdjustment) as a Balances row; the outcome shows with an Undo. Every text is set as
// text (names and reasons come from the sheet or the user, never parsed as HTML). Each form carries
// a request key from the moment it opens until its booking succeeded: a click again after an error
// (the call may have been booked before the connection broke) gets the row booked, never a second.
import type { AdjustmentRequest, AdjustmentResult, OpenItem } from '../../src/gas/serverApi';
import { call } from './call';
import { $, action, confirmAction, money, showError } from './dom';
import { compareDecimal, guarded, sentence } from './creditPanel';
import { formatMoney, parseAmount } from './format';

/** A key per form (letters, digits, '-': what the server takes), unique enough for one workbook. */
export function requestKey(): string {
  const c = typeof crypto !== 'undefined' && crypto.getRandomValues ? crypto.getRandomValues(new Uint32Array(2)) : [Math.random() * 4294967296, Math.random() * 4294967296];
  return 'sb-' + Date.now().toString(36) + '-' + Array.prototype.map.call(c, (n: number) => Math.floor(n).toString(36)).join('');
}

const KINDS: { value: string; text: string; verb: string }[] = [
  { value: 'write-off', text: 'Write-off', verb: 'Write off' },
  { value: 'skonto', text: 'Skonto (cash discount)', verb: 'Book Skonto of' },
  { value: 'fee', text: 'Fee', verb: 'Charge a fee of' },
];

const abs = (s: string) => (s.charAt(0) === '-' ? s.slice(1) : s);

function field(box: HTMLElement, label: string, placeholder: string): HTMLInputElement {
  const f = document.createElement('input');
  f.type = 'text';
  f.autocomplete = 'off';
  f.className = 'assign';
  f.placeholder = placeholder;
  f.setAttribute('aria-label', label);
  box.appendChild(f);
  return f;
}

/** A small form below an item (its box), or none when it was open: the Adjust and Refund links toggle it. */
function formBox(li: HTMLElement, cls: string): HTMLElement | null {
  const open = li.querySelector('.' + cls);
  if (open) {
    open.remove();
    return null;
  }
  const box = document.createElement('div');
  box.className = 'form ' + cls;
  li.appendChild(box);
  return box;
}

/** What the typed amount asks for: an amount, a Skonto percent ("2 %"), or a write-off of all that is open (empty). */
function amountOf(kind: string, typed: string, i: OpenItem, host: AdjustHost): { amount?: string; percent?: string } {
  const t = typed.trim();
  const percent = /^(.*?)\s*%$/.exec(t);
  if (!t && kind === 'write-off') return {};
  if (!t) throw new Error('Enter the amount of the ' + (kind === 'fee' ? 'fee' : 'Skonto') + ' on ' + i.number + '.');
  if (percent && kind !== 'skonto') throw new Error('Only Skonto can be given as a percent.');
  const value = parseAmount(percent ? percent[1] : t, host.locale());
  if (value === null) throw new Error('"' + t + '" is not an amount as this sheet writes them (for example ' + money('1234.5', i.currency) + ').');
  if (compareDecimal(value, '0') <= 0) throw new Error('The amount must be above 0.');
  if (percent) return { percent: value };
  if (kind !== 'fee' && compareDecimal(value, i.open) > 0) throw new Error(money(value, i.currency) + ' is more than is open on ' + i.number + ': ' + money(i.open, i.currency) + '.');
  return { amount: value };
}

/** The controls need the panel's number locale and a refresh of its list after a booking. */
export interface AdjustHost {
  locale: () => 'de' | 'en';
  refresh: () => Promise<void>;
  busy: (on: boolean) => void;
}

/** The Adjust link of an open invoice and its form: kind, amount, reason, Book. */
export function adjustControl(li: HTMLElement, i: OpenItem, host: AdjustHost): void {
  action(li, 'Adjust', 'Adjust ' + i.number, () => {
    const box = formBox(li, 'adjust');
    if (!box) return;
    // Another kind is another booking: it gets its own key (the server refuses a key reused for it).
    let key = requestKey();
    const kind = document.createElement('select');
    kind.addEventListener('change', () => {
      key = requestKey();
    });
    kind.setAttribute('aria-label', 'Kind of adjustment on ' + i.number);
    for (const k of KINDS) {
      const o = document.createElement('option');
      o.value = k.value;
      o.textContent = k.text;
      kind.appendChild(o);
    }
    box.appendChild(kind);
    const amount = field(box, 'Amount for ' + i.number, 'Amount (write-off: empty for all open; Skonto: or 2 %)');
    const reason = field(box, 'Reason for ' + i.number, 'Reason');
    action(box, 'Book', 'Book adjustment on ' + i.number, () => void bookOnInvoice(i, { kind: kind.value, typed: amount.value, reason: reason.value, key }, host));
  });
}

async function bookOnInvoice(i: OpenItem, f: { kind: string; typed: string; reason: string; key: string }, host: AdjustHost): Promise<void> {
  showError(null);
  let asked: { amount?: string; percent?: string };
  try {
    asked = amountOf(f.kind, f.typed, i, host);
  } catch (e) {
    return showError(e);
  }
  const k = KINDS.find((x) => x.value === f.kind) ?? KINDS[0];
  const what = asked.percent ? asked.percent + ' % of ' + money(i.payable, i.currency) : asked.amount ? money(asked.amount, i.currency) : 'all that is open (' + money(i.open, i.currency) + ')';
  const ok = await confirmAction(
    k.verb + ' ' + what + ' on ' + i.number + '?',
    ['Open now: ' + money(i.open, i.currency), ...(f.reason.trim() ? ['Reason: ' + f.reason.trim()] : []), f.kind === 'fee' ? 'The fee raises what is open.' : 'It lowers what is open.'],
    'Yes, book it',
  );
  if (!ok) return;
  await book({ kind: f.kind, target: i.number, ...asked, reason: f.reason.trim() || undefined, key: f.key }, host);
}

/** The Refund link of an account's credit in one currency and its form: amount (the whole credit unless changed), reason, Book. */
export function refundControl(li: HTMLElement, a: { accountId: string; name: string }, t: { currency: string; credit: string }, host: AdjustHost): void {
  const label = a.accountId + ' ' + t.currency;
  action(li, 'Refund ' + t.currency, 'Refund credit of ' + label, () => {
    const box = formBox(li, 'refund-' + t.currency);
    if (!box) return;
    const key = requestKey();
    const amount = field(box, 'Refund amount for ' + label, 'Amount');
    amount.value = formatMoney(t.credit, t.currency, host.locale()).replace(/\s\S+$/, '');
    const reason = field(box, 'Refund reason for ' + label, 'Reason (e.g. paid back by transfer)');
    action(box, 'Book', 'Book refund of ' + label, () => void bookRefund(a, t, { typed: amount.value, reason: reason.value, key }, host));
  });
}

async function bookRefund(a: { accountId: string; name: string }, t: { currency: string; credit: string }, f: { typed: string; reason: string; key: string }, host: AdjustHost) {
  showError(null);
  const value = parseAmount(f.typed, host.locale());
  if (value === null || compareDecimal(value, '0') <= 0) return showError(new Error('Enter the amount to refund to ' + a.name + ', above 0.'));
  if (compareDecimal(value, t.credit) > 0) return showError(new Error(money(value, t.currency) + ' is more than the credit of ' + a.name + ': ' + money(t.credit, t.currency) + '.'));
  const ok = await confirmAction(
    'Refund ' + money(value, t.currency) + ' to ' + a.name + '?',
    ['Credit on the account now: ' + money(t.credit, t.currency), ...(f.reason.trim() ? ['Reason: ' + f.reason.trim()] : []), 'Book it after the money went out (or when you send it).'],
    'Yes, book the refund',
  );
  if (!ok) return;
  await book({ kind: 'refund', target: a.accountId, amount: value, currency: t.currency, reason: f.reason.trim() || undefined, key: f.key }, host);
}

/** What a booking left, as a sentence. */
export function outcomeText(r: AdjustmentResult): string {
  const words: Record<string, string> = { write_off: 'write-off', skonto: 'Skonto', fee: 'fee', refund: 'refund' };
  const head = r.reverses
    ? 'Undone ' + r.reverses + ' (' + r.balanceId + ')'
    : (r.repeated ? 'Already booked as ' : 'Booked ') + r.balanceId + ': ' + words[r.kind] + ' of ' + money(abs(r.amount), r.currency);
  const where = r.number
    ? ' on ' + r.number + '; open now ' + money(r.open ?? '0', r.currency) + ' (' + r.paymentStatus + ')'
    : ' to account ' + r.accountId + '; credit left ' + money(r.credit, r.currency);
  return head + where + '.';
}

async function book(req: AdjustmentRequest, host: AdjustHost): Promise<void> {
  const r = await run(() => call('bookAdjustment', req), host);
  if (!r) return;
  await host.refresh();
  const status = $('oiStatus');
  status.textContent = outcomeText(r);
  action(status, 'Undo', 'Undo ' + r.balanceId, () => void undo(r, host));
}

async function undo(r: AdjustmentResult, host: AdjustHost): Promise<void> {
  const ok = await confirmAction('Undo ' + r.balanceId + '?', [sentence(outcomeText(r)), 'A reversal row undoes it; the row itself stays.'], 'Yes, undo');
  if (!ok) return;
  const u = await run(() => call('undoAdjustment', { balanceId: r.balanceId }), host);
  if (!u) return;
  await host.refresh();
  $('oiStatus').textContent = outcomeText(u);
}

const run = <T>(work: () => Promise<T>, host: AdjustHost): Promise<T | undefined> => guarded(host.busy, work);
