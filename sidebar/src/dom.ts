// What every panel shares: elements by id, the error box, list items built from text nodes only
// (names and reasons come from the sheet and are never parsed as HTML), and the busy state.
import type { Queued, RunRequest } from '../../src/gas/serverApi';
import { call } from './call';

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
  failed: [] as string[],
  lastRequest: null as RunRequest | null,
};

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

/** A list item of text: the left part, and an amount on the right. */
export function item(list: HTMLElement, left: string, right?: string | null, cls?: string | null): HTMLLIElement {
  const li = document.createElement('li');
  if (cls) li.className = cls;
  const a = document.createElement('span');
  a.textContent = left;
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

/** A further line of text in an item. */
export function line(li: HTMLElement, text: string): void {
  const d = document.createElement('div');
  d.className = 'line';
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

export function plural(n: number, one: string, many: string): string {
  return n + ' ' + (n === 1 ? one : many);
}

/** Work that waits for the hourly trigger (README "Who can do what"): its message says when. */
export function isQueued<T extends object>(r: T | Queued): r is Queued {
  return (r as { queued?: unknown }).queued === true;
}
