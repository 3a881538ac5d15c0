// Open items: per account the invoices still to be paid (number, due date, open amount, payment
// status, days overdue), the account's totals per currency with its credit, and the totals over all
// accounts; an account filter. The list itself is read only; each open invoice has an Adjust link
// (write-off, Skonto, fee) and each credit a Refund link (adjustControls.ts), booked by the server.
import type { AccountItems, OpenItemsReport } from '../../src/gas/serverApi';
import { adjustControl, type AdjustHost, refundControl } from './adjustControls';
import { call } from './call';
import { $, button, item, line, money, plural, showError, state } from './dom';
import { formatDate, showProblem } from './creditPanel';

/** Accounts the filter offers: those of the last report over all accounts (id → name). */
const known = new Map<string, string>();

function fillFilter(report: OpenItemsReport): void {
  for (const a of report.accounts) known.set(a.accountId, a.name);
  const select = $<HTMLSelectElement>('oiAccount');
  const chosen = select.value;
  select.textContent = '';
  const all = document.createElement('option');
  all.value = '';
  all.textContent = 'All accounts';
  select.appendChild(all);
  for (const [id, name] of [...known].sort((a, b) => a[1].localeCompare(b[1]))) {
    const o = document.createElement('option');
    o.value = id;
    o.textContent = name + ' (' + id + ')';
    select.appendChild(o);
  }
  select.value = known.has(chosen) ? chosen : '';
}

/** "Overdue, 12 days" or the status as the engine says it. */
function statusText(status: string, days: number): string {
  return days > 0 ? status + ', ' + plural(days, 'day', 'days') + ' overdue' : status;
}

/** Every button and the filter of the panel wait while a call runs. */
function setBusy(on: boolean): void {
  button('oiShow').disabled = on;
  $<HTMLSelectElement>('oiAccount').disabled = on;
  for (const b of Array.prototype.slice.call($('openItemsPanel').querySelectorAll('#oiList button, #oiStatus button')) as HTMLButtonElement[]) b.disabled = on;
}

const host: AdjustHost = { locale: () => state.locale, refresh: () => show(), busy: setBusy };

function showAccount(list: HTMLElement, a: AccountItems): void {
  const open = a.totals.filter((t) => t.open !== '0.00').map((t) => money(t.open, t.currency));
  const head = item(list, a.name + ' (' + a.accountId + ')', open.join(' · ') || null, 'account');
  for (const t of a.totals) {
    if (t.overdue !== '0.00') line(head, 'Overdue: ' + money(t.overdue, t.currency), 'warning');
    if (t.credit !== '0.00') line(head, 'Credit on the account: ' + money(t.credit, t.currency));
  }
  for (const t of a.totals) if (t.credit !== '0.00') refundControl(head, a, t, host);
  for (const i of a.items) {
    const li = item(list, i.number, money(i.open, i.currency), i.daysOverdue > 0 ? 'overdue' : null);
    line(
      li,
      'Due ' +
        formatDate(i.dueDate, state.locale) +
        ' · ' +
        statusText(i.status, i.daysOverdue) +
        (i.open !== i.payable ? ' · of ' + money(i.payable, i.currency) : '') +
        (i.collection ? ' · in direct debit ' + i.collection : ''),
    );
    adjustControl(li, i, host);
  }
}

async function show(): Promise<void> {
  showError(null);
  const accountId = $<HTMLSelectElement>('oiAccount').value;
  setBusy(true);
  try {
    const r = await call('openItems', accountId ? { accountId } : {});
    if (!accountId) fillFilter(r);
    const list = $('oiList');
    list.textContent = '';
    for (const a of r.accounts) showAccount(list, a);
    const totals = accountId ? r.accounts.flatMap((a) => a.totals.map((t) => ({ currency: t.currency, open: t.open, overdue: t.overdue }))) : r.totals;
    $('oiTotals').textContent = r.accounts.length
      ? 'Open as of ' +
        formatDate(r.today, state.locale) +
        ': ' +
        (totals.map((t) => money(t.open, t.currency) + (t.overdue !== '0.00' ? ' (overdue ' + money(t.overdue, t.currency) + ')' : '')).join(' · ') || 'nothing')
      : 'Nothing is open' + (accountId ? ' on this account.' : '.');
  } catch (e) {
    showProblem(e);
  } finally {
    setBusy(false);
  }
}

export function openItemsPanel(): void {
  button('oiShow').addEventListener('click', () => void show());
  $('oiAccount').addEventListener('change', () => void show());
  // Opened the first time: the open items show without a click.
  let loaded = false;
  $('openItemsPanel').addEventListener('toggle', () => {
    if (loaded || !($('openItemsPanel') as HTMLDetailsElement).open) return;
    loaded = true;
    void show();
  });
}
