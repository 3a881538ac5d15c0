// Send finalized invoices: ~20 s calls until done or stopped; what was not sent, and deliveries that
// are uncertain, each with Show row, Mark as sent and Resend.
import type { MailReport, SendInvoicesResponse } from '../../src/gas/serverApi';
import { call } from './call';
import { $, action, busy, button, describe, isQueued, item, plural, showError, showRow, state } from './dom';

interface SendTotal {
  rendered: number;
  sent: MailReport['sent'];
  failed: MailReport['failed'];
  uncertain: MailReport['uncertain'];
  queued: number;
  quotaLeft: number | null;
}

/** Adds a slice's entries, an invoice reported again replacing its earlier entry. */
function merge<T extends { invoiceId: string }>(list: T[], more: T[] | undefined): void {
  for (const x of more || []) {
    const i = list.findIndex((y) => y.invoiceId === x.invoiceId);
    if (i >= 0) list[i] = x;
    else list.push(x);
  }
}

function sendSummary(total: SendTotal, note?: string): void {
  const parts = ['Sent ' + plural(total.sent.length, 'invoice', 'invoices')];
  if (total.failed.length) parts.push(total.failed.length + ' not sent');
  if (total.uncertain.length) parts.push(total.uncertain.length + ' with delivery uncertain');
  let text = parts.join(', ') + '.';
  if (note) text += ' ' + note;
  else if (total.queued > 0) {
    text +=
      ' ' +
      plural(total.queued, 'invoice waits', 'invoices wait') +
      " for tomorrow's mail quota; the hourly trigger sends them" +
      (total.quotaLeft === null || total.quotaLeft === undefined ? '.' : ' (mail quota left today: ' + total.quotaLeft + ').');
  }
  $('status').textContent = text;
  const list = $('sendList');
  list.textContent = '';
  for (const f of total.failed) showRow(item(list, (f.number || f.invoiceId) + ': ' + f.reason, null, 'failed'), f);
  for (const u of total.uncertain) {
    const li = item(list, (u.number || u.invoiceId) + ': delivery uncertain; check with the customer, then mark as sent or resend', null, 'failed');
    showRow(li, u);
    action(li, 'Mark as sent', 'Mark ' + describe(u) + ' as sent', (b) => {
      showError(null);
      b.disabled = true;
      call('markInvoicesSent', [u.invoiceId])
        .then(() => {
          li.firstChild!.textContent = (u.number || u.invoiceId) + ': marked as sent';
        })
        .catch(showError);
    });
    action(li, 'Resend', 'Resend ' + describe(u), (b) => {
      showError(null);
      b.disabled = true;
      call('sendInvoices', { invoiceIds: [u.invoiceId], resend: true })
        .then((r) => {
          if (isQueued(r)) {
            li.firstChild!.textContent = (u.number || u.invoiceId) + ': ' + r.message;
            return;
          }
          li.firstChild!.textContent = (u.number || u.invoiceId) + (r.sent.length ? ': sent again' : ': not sent: ' + r.failed.map((f) => f.reason).join('; '));
        })
        .catch(showError);
    });
  }
  $('sendBox').hidden = !list.children.length;
}

function sendLoop(total: SendTotal, r: SendInvoicesResponse): Promise<void> | void {
  if (isQueued(r)) {
    $('status').textContent = r.message;
    return busy(false);
  }
  total.rendered += r.rendered || 0;
  merge(total.sent, r.sent);
  merge(total.failed, r.failed);
  merge(total.uncertain, r.uncertain);
  total.queued = r.queued || 0;
  total.quotaLeft = r.quotaLeft;
  if (r.done) {
    sendSummary(total);
    return busy(false);
  }
  if (state.stop) {
    sendSummary(total, 'Stopped: Send finalized invoices again sends the rest.');
    return busy(false);
  }
  $('status').textContent = 'Sent ' + total.sent.length + ' so far…' + (total.rendered ? ' (' + plural(total.rendered, 'PDF', 'PDFs') + ' made)' : '');
  return call('sendInvoices', {}).then((next) => sendLoop(total, next));
}

export function sendPanel(): void {
  button('send').addEventListener('click', () => {
    showError(null);
    state.stop = false;
    $('sendList').textContent = '';
    $('sendBox').hidden = true;
    busy(true);
    $('status').textContent = 'Sending…';
    const total: SendTotal = { rendered: 0, sent: [], failed: [], uncertain: [], queued: 0, quotaLeft: null };
    call('sendInvoices', {})
      .then((r) => sendLoop(total, r))
      .catch((e) => {
        sendSummary(total, 'Interrupted: Send finalized invoices again sends the rest.');
        showError(e);
        busy(false);
      });
  });
}
