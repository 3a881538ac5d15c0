// Send finalized invoices: first what will be sent (how many, which companies, the total per
// currency) with Send / Cancel; then ~20 s calls until done or stopped, "n of N" with a bar and the
// time left; what was not sent, and deliveries that are uncertain, each with Show row, Mark as sent
// and Resend. Marking updates the entry and the summary.
import type { InvoiceGroup, MailReport, SendInvoicesResponse } from '../../src/gas/serverApi';
import { call } from './call';
import { $, action, busy, button, confirmAction, describe, isQueued, item, money, plural, showError, showProgress, showRow, state } from './dom';
import { promiseFor, refreshOverview, showOverview } from './overview';

type Uncertain = MailReport['uncertain'][number];

interface SendTotal {
  rendered: number;
  sent: MailReport['sent'];
  failed: MailReport['failed'];
  uncertain: Uncertain[];
  /** Uncertain deliveries the user marked as sent after checking. */
  marked: Uncertain[];
  queued: number;
  quotaLeft: number | null;
  /** Whether a send ran in this sidebar (the status line is its summary). */
  ran: boolean;
  note?: string;
}

const fresh = (): SendTotal => ({ rendered: 0, sent: [], failed: [], uncertain: [], marked: [], queued: 0, quotaLeft: null, ran: false });
let total: SendTotal = fresh();

/** Adds a slice's entries, an invoice reported again replacing its earlier entry. */
function merge<T extends { invoiceId: string }>(list: T[], more: T[] | undefined): void {
  for (const x of more || []) {
    const i = list.findIndex((y) => y.invoiceId === x.invoiceId);
    if (i >= 0) list[i] = x;
    else list.push(x);
  }
}

function statusLine(): void {
  if (!total.ran) return;
  const parts = ['Sent ' + plural(total.sent.length, 'invoice', 'invoices')];
  if (total.failed.length) parts.push(total.failed.length + ' not sent');
  if (total.uncertain.length) parts.push(total.uncertain.length + ' with delivery uncertain');
  if (total.marked.length) parts.push(total.marked.length + ' marked as sent');
  let text = parts.join(', ') + '.';
  if (total.note) text += ' ' + total.note;
  else if (total.queued > 0) {
    text +=
      ' ' +
      plural(total.queued, 'invoice waits', 'invoices wait') +
      " for tomorrow's mail quota" +
      (total.quotaLeft === null || total.quotaLeft === undefined ? '. ' : ' (mail quota left today: ' + total.quotaLeft + '). ') +
      promiseFor('sends them', 'Send finalized invoices');
  }
  $('workStatus').textContent = text;
}

function uncertainItem(list: HTMLElement, u: Uncertain): void {
  const name = u.number || u.invoiceId;
  const li = item(list, name + ': delivery uncertain; check with the customer, then mark as sent or resend', null, 'failed');
  showRow(li, u);
  action(li, 'Mark as sent', 'Mark ' + describe(u) + ' as sent', (b) => {
    showError(null);
    b.disabled = true;
    call('markInvoicesSent', [u.invoiceId])
      .then(() => {
        li.firstChild!.textContent = name + ': marked as sent';
        li.className = '';
        total.uncertain = total.uncertain.filter((x) => x.invoiceId !== u.invoiceId);
        total.marked.push(u);
        statusLine();
        return refreshOverview();
      })
      .catch((e) => {
        b.disabled = false;
        showError(e);
      });
  });
  action(li, 'Resend', 'Resend ' + describe(u), (b) => {
    showError(null);
    b.disabled = true;
    call('sendInvoices', { invoiceIds: [u.invoiceId], resend: true })
      .then((r) => {
        if (isQueued(r)) {
          li.firstChild!.textContent = name + ': ' + r.message;
          return;
        }
        li.firstChild!.textContent = name + (r.sent.length ? ': sent again' : ': not sent: ' + r.failed.map((f) => f.reason).join('; '));
        if (r.sent.length) {
          // Delivered now: it counts as sent in the summary, no longer as uncertain.
          total.uncertain = total.uncertain.filter((x) => x.invoiceId !== u.invoiceId);
          total.marked = total.marked.filter((x) => x.invoiceId !== u.invoiceId);
          merge(total.sent, r.sent);
          statusLine();
        }
        return refreshOverview();
      })
      .catch(showError)
      .then(() => {
        b.disabled = false;
      });
  });
}

function showList(): void {
  const list = $('sendList');
  list.textContent = '';
  for (const f of total.failed) showRow(item(list, (f.number || f.invoiceId) + ': ' + f.reason, null, 'failed'), f);
  for (const u of total.uncertain) uncertainItem(list, u);
  $('sendBox').hidden = !list.children.length;
}

function sendSummary(note?: string): void {
  total.note = note;
  statusLine();
  showList();
}

/** Deliveries in doubt found when the sidebar opens: listed with Mark as sent and Resend. */
export function showUncertain(list: { invoiceId: string; number?: string }[]): void {
  if (total.ran) return;
  total.uncertain = list.map((u) => ({ invoiceId: u.invoiceId, number: u.number || u.invoiceId }));
  showList();
}

function sendLoop(r: SendInvoicesResponse, startedAt: number): Promise<void> | void {
  if (isQueued(r)) {
    $('workStatus').textContent = r.message;
    return busy(false);
  }
  total.rendered += r.rendered || 0;
  merge(total.sent, r.sent);
  merge(total.failed, r.failed);
  merge(total.uncertain, r.uncertain);
  total.queued = r.queued || 0;
  total.quotaLeft = r.quotaLeft;
  const handled = total.sent.length + total.failed.length;
  const progress = showProgress($<HTMLProgressElement>('workProgress'), handled, handled + total.queued, startedAt);
  if (r.done) return sendSummary();
  if (state.stop) return sendSummary('Stopped: Send finalized invoices again sends the rest.');
  $('workStatus').textContent = 'Sending: ' + progress + '…' + (total.rendered ? ' (' + plural(total.rendered, 'PDF', 'PDFs') + ' made)' : '');
  return call('sendInvoices', {}).then((next) => sendLoop(next, startedAt));
}

/** True while a send goes on. */
let sending = false;

function send(): void {
  sending = true;
  state.stop = false;
  total = fresh();
  total.ran = true;
  $('sendList').textContent = '';
  $('sendBox').hidden = true;
  $('workProgress').hidden = true;
  busy(true);
  $('workStatus').textContent = 'Sending…';
  const startedAt = Date.now();
  call('sendInvoices', {})
    .then((r) => sendLoop(r, startedAt))
    .catch((e) => {
      sendSummary('Interrupted: Send finalized invoices again sends the rest.');
      showError(e);
    })
    .then(() => {
      sending = false;
      busy(false);
      return refreshOverview();
    });
}

function sendFacts(mail: InvoiceGroup): string[] {
  return [
    'Every finalized invoice not sent yet: ' + mail.count + '.',
    'Companies: ' + mail.tenants.join(', '),
    'Total payable: ' + mail.totals.map((t) => money(t.amount, t.currency)).join(' · '),
    "Each goes by email to its customer's invoice contacts with its PDF; documents still missing are made first.",
  ];
}

export function sendPanel(): void {
  button('send').addEventListener('click', () => {
    showError(null);
    button('send').disabled = true;
    // What Send would mail, read now: the workbook may have changed since the sidebar opened.
    call('sidebarState')
      .then((s) => {
        showOverview(s);
        const mail = s.delivery.mail;
        if (!mail.count) {
          $('workStatus').textContent = 'Nothing to send: every finalized invoice is sent' + (s.delivery.uncertain.length ? ' or its delivery is uncertain (see Not sent).' : '.');
          return;
        }
        const n = plural(mail.count, 'invoice', 'invoices');
        return confirmAction('Send ' + n + '?', sendFacts(mail), 'Send ' + n).then((ok) => {
          if (ok) send();
          else $('workStatus').textContent = 'Nothing sent.';
        });
      })
      .catch(showError)
      .then(() => {
        // A send that started keeps the button disabled until it ends.
        if (!sending) button('send').disabled = false;
      });
  });
}
