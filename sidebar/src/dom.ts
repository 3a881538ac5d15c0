// What every panel shares: elements by id, the error box, list items built from text nodes only
// (names and reasons come from the sheet and are never parsed as HTML), and the busy state.
import type { Queued, RunRequest, SidebarState } from '../../src/gas/serverApi';
import { call } from './call';
import { formatMoney, type NumberLocale } from './format';

export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}
export const input = (id: string) => $<HTMLInputElement>(id);
export const button = (id: string) => $<HTMLButtonElement>(id);

/** What the run and send loops share: the run to resume, Stop pressed, and the last run's progress. */
export const state = {
  runId: null as string | null,
  stop: false,
  inScope: 0,
  drafted: 0,
  /** Rows with errors the current run reported. */
  rowErrors: 0,
  failed: [] as string[],
  lastRequest: null as RunRequest | null,
  /** How amounts are written (the company's Number Locale or language, from sidebarState). */
  locale: 'en' as NumberLocale,
  /** The workbook as sidebarState last read it: companies, the trigger, the admins, the role. */
  sheet: null as SidebarState | null,
};

/** An amount (exact decimal string) as the user writes it: "1.234,50 EUR" or "1,234.50 EUR". */
export function money(amount: string, currency: string): string {
  return formatMoney(amount, currency, state.locale);
}

/** A company's name by its id, as Settings gives it. */
export function tenantName(id: string): string {
  return state.sheet?.tenants.find((t) => t.id === id)?.name || id;
}

export function showError(e: unknown): void {
  const box = $('error');
  box.textContent = e ? (e as Error).message || String(e) : '';
  box.style.display = e ? 'block' : 'none';
}

/** While a run, finalize or send goes on, the other actions wait; Stop is the one way out. */
export function busy(running: boolean): void {
  button('start').disabled = running;
  button('stop').disabled = !running;
  button('finalize').disabled = running;
  button('finalizeSelected').disabled = running;
  button('send').disabled = running;
  button('resume').disabled = running || !state.runId;
}

/**
 * A list item of text: the left part, and an amount on the right. With an amount the left part is
 * one line cut with "…" (its full text in the tooltip), so the amounts stay in one column.
 */
export function item(list: HTMLElement, left: string, right?: string | null, cls?: string | null): HTMLLIElement {
  const li = document.createElement('li');
  if (cls) li.className = cls;
  const a = document.createElement('span');
  a.textContent = left;
  if (right) {
    a.className = 'name';
    a.title = left;
  }
  li.appendChild(a);
  if (right) {
    const b = document.createElement('span');
    b.className = 'amount';
    b.textContent = right;
    li.appendChild(b);
  }
  list.appendChild(li);
  return li;
}

/** A further line of text in an item (`cls` "warning": an invoice's warning). */
export function line(li: HTMLElement, text: string, cls?: string): void {
  const d = document.createElement('div');
  d.className = cls ? 'line ' + cls : 'line';
  d.textContent = text;
  li.appendChild(d);
}

/** A link-style button in an item; its accessible name says which invoice it acts on. */
export function action(li: HTMLElement, text: string, name: string, onClick: (b: HTMLButtonElement) => void): void {
  let box = li.querySelector<HTMLElement>('.actions');
  if (!box) {
    box = document.createElement('div');
    box.className = 'actions';
    li.appendChild(box);
  }
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'link';
  b.textContent = text;
  b.setAttribute('aria-label', name);
  b.addEventListener('click', () => onClick(b));
  box.appendChild(b);
}

/** A radio button or checkbox with its text, inside its label. */
export function option(parent: HTMLElement, type: 'radio' | 'checkbox', name: string, value: string, text: string, checked: boolean): void {
  const label = document.createElement('label');
  const box = document.createElement('input');
  box.type = type;
  box.name = name;
  box.value = value;
  box.checked = checked;
  label.appendChild(box);
  label.appendChild(document.createTextNode(' ' + text));
  parent.appendChild(label);
}

export interface InvoiceRef {
  invoiceId: string;
  number?: string;
  type?: string;
  status?: string;
}

export function describe(inv: InvoiceRef): string {
  return (inv.type === 'credit_note' ? 'credit note ' : inv.status === 'Draft' ? 'draft ' : 'invoice ') + (inv.number || inv.invoiceId);
}

/** "Show row": the server selects the invoice's row in the Invoices sheet. */
export function showRow(li: HTMLElement, inv: InvoiceRef): void {
  action(li, 'Show row', 'Show row of ' + describe(inv), () => {
    showError(null);
    call('goToInvoice', inv.invoiceId).catch(showError);
  });
}

/** A link to a document: only an https address becomes a link (opened in a new tab); anything else is left out. */
export function link(parent: HTMLElement, url: string | undefined, text: string, name: string): boolean {
  if (!url || !/^https:\/\//i.test(url)) return false;
  const a = document.createElement('a');
  a.href = url;
  a.target = '_blank';
  a.rel = 'noopener';
  a.textContent = text;
  a.setAttribute('aria-label', name);
  parent.appendChild(a);
  return true;
}

/**
 * Asks in the sidebar (window.confirm may be blocked in Apps Script's sandboxed frame): a question,
 * the facts as lines, and two buttons. Resolves true when the user presses `ok`, false on Cancel.
 */
export function confirmAction(question: string, facts: string[], ok: string): Promise<boolean> {
  const box = $('confirmBox');
  $('confirmText').textContent = question;
  const list = $('confirmFacts');
  list.textContent = '';
  for (const f of facts) item(list, f);
  const yes = button('confirmOk');
  const no = button('confirmCancel');
  yes.textContent = ok;
  box.hidden = false;
  if (box.scrollIntoView) box.scrollIntoView();
  yes.focus();
  return new Promise((resolve) => {
    const answer = (v: boolean) => () => {
      yes.onclick = null;
      no.onclick = null;
      box.onkeydown = null;
      box.hidden = true;
      resolve(v);
    };
    yes.onclick = answer(true);
    no.onclick = answer(false);
    // Escape is Cancel, as in any dialog.
    box.onkeydown = (e) => {
      if (e.key === 'Escape') answer(false)();
    };
  });
}

/** "12 of 40", the bar, and the time left estimated from the pace so far. */
export function showProgress(bar: HTMLProgressElement, done: number, total: number, startedAt: number): string {
  bar.hidden = false;
  bar.max = Math.max(1, total);
  bar.value = Math.min(done, total);
  if (!done || done >= total) return done + ' of ' + total;
  const left = ((Date.now() - startedAt) / done) * (total - done);
  return done + ' of ' + total + ', ' + timeLeft(left);
}

function timeLeft(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return 'under a minute left';
  const m = Math.round(s / 60);
  return 'about ' + plural(m, 'minute', 'minutes') + ' left';
}

export function plural(n: number, one: string, many: string): string {
  return n + ' ' + (n === 1 ? one : many);
}

/** Work that waits for the hourly trigger (README "Who can do what"): its message says when. */
export function isQueued<T extends object>(r: T | Queued): r is Queued {
  return (r as { queued?: unknown }).queued === true;
}
