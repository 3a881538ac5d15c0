// "In this workbook": what waits when the sidebar opens (drafts, runs cut short, invoices without
// documents or not sent, deliveries in doubt) and whether the hourly trigger is on, read by one
// sidebarState call; refreshed after each run, finalize and send. Also the one place that promises
// what the hourly trigger does: only when it is on; otherwise it offers to turn it on (admins) or
// names who can.
import type { InvoiceGroup, SidebarState } from '../../src/gas/serverApi';
import { call } from './call';
import { $, action, button, confirmAction, input, item, line, money, plural, showError, state } from './dom';
import { totalsPerCurrency } from './format';

const totals = (g: InvoiceGroup) => g.totals.map((t) => money(t.amount, t.currency)).join(' · ');

function period(r: { periodStart?: string; periodEnd?: string }): string {
  return r.periodStart ? r.periodStart + ' – ' + (r.periodEnd || '') : '';
}

function triggerLine(s: SidebarState): string {
  if (s.trigger) return 'Hourly trigger: on (run by ' + s.trigger.owner + '): it continues cut runs, makes missing documents and sends queued mail.';
  return 'Hourly trigger: off, so nothing happens unless someone presses a button here. ' + whoCanTurnOn(s) + '.';
}

function whoCanTurnOn(s: SidebarState): string {
  if (s.access.role === 'admin') return 'You can turn it on (Schedule)';
  return 'A billing admin (' + (s.admins.join(', ') || 'see Settings') + ') can turn it on';
}

export function showOverview(s: SidebarState): void {
  state.sheet = s;
  state.locale = s.numberLocale;
  const list = $('overview');
  list.textContent = '';
  if (s.drafts.length) {
    const li = item(list, plural(s.drafts.length, 'draft', 'drafts') + ' to finalize (listed under Drafts)');
    line(
      li,
      'Total payable: ' +
        totalsPerCurrency(
          s.drafts.map((d) => ({ amount: d.payable, currency: d.currency })),
          s.numberLocale,
        ),
    );
    const warned = s.drafts.filter((d) => d.warnings).length;
    if (warned) line(li, plural(warned, 'draft has', 'drafts have') + ' warnings (see the list)', 'warning');
  }
  for (const r of s.waitingRuns) {
    const li = item(list, 'Run ' + r.runId + (r.periodStart ? ' (' + period(r) + ')' : '') + ' waits to continue: ' + plural(r.drafts, 'draft', 'drafts') + ' so far');
    if (s.access.role === 'admin') {
      action(li, 'Resume', 'Resume run ' + r.runId, () => {
        state.runId = r.runId;
        button('resume').disabled = false;
        button('resume').click();
      });
    }
  }
  const { documents, mail, uncertain } = s.delivery;
  if (documents.count) {
    const li = item(list, plural(documents.count, 'finalized invoice waits', 'finalized invoices wait') + ' for documents');
    line(li, 'Total payable: ' + totals(documents));
    line(li, 'Send makes them on the way' + (s.trigger ? '; so does the hourly trigger.' : '.'));
  }
  if (mail.count) {
    const li = item(list, plural(mail.count, 'finalized invoice waits', 'finalized invoices wait') + ' to be sent');
    line(li, 'Total payable: ' + totals(mail) + ' (' + mail.tenants.join(', ') + ')');
  }
  if (uncertain.length) item(list, plural(uncertain.length, 'delivery is', 'deliveries are') + ' uncertain: see Not sent below', null, 'failed');
  if (!list.children.length) item(list, 'Nothing waits: no drafts, and every finalized invoice has its documents and is sent.');
  item(list, triggerLine(s));
}

/** Reads the workbook's state again (after a run, finalize or send); a failure only leaves the old state. */
export function refreshOverview(): Promise<void> {
  return call('sidebarState')
    .then(showOverview)
    .catch(() => undefined);
}

/**
 * What happens to work left for later (mail over today's quota, documents over the Drive quota), in
 * honest words: the trigger does it only when it is on; otherwise the admin is offered to turn it on.
 */
export function promiseFor(what: 'sends them' | 'makes them', again: string): string {
  const s = state.sheet;
  const box = $('triggerBox');
  if (s?.trigger) {
    box.hidden = true;
    return 'The hourly trigger (run by ' + s.trigger.owner + ') ' + what + ' once the quota allows.';
  }
  const admin = !s || s.access.role === 'admin';
  $('triggerText').textContent = admin
    ? 'No hourly trigger is on, so nothing ' + what + ' by itself: press ' + again + ' again tomorrow, or turn on the hourly trigger.'
    : 'No hourly trigger is on. ' + whoCanTurnOn(s!) + ' in Schedule; until then, press ' + again + ' again tomorrow.';
  button('installTrigger').hidden = !admin;
  box.hidden = false;
  return 'No hourly trigger is on: see below.';
}

/** Turns on the schedule with the values of its form, which keeps one hourly trigger running as this user. */
function installTrigger(): void {
  showError(null);
  const day = Number(input('schedDay').value) || 1;
  const hour = input('schedHour').value === '' ? 6 : Number(input('schedHour').value);
  const autoFinalize = input('schedAutoFinalize').checked;
  const autoSend = autoFinalize && input('schedAutoSend').checked;
  confirmAction(
    'Turn on the hourly trigger?',
    [
      'It runs every hour as you: it sends mail left for later, makes missing documents and continues cut runs.',
      'It comes with the monthly schedule: on day ' +
        day +
        ' from ' +
        hour +
        ':00 it bills last month as drafts' +
        (autoFinalize ? ', finalizes them' + (autoSend ? ' and sends them' : '') : '') +
        ' (change it under Schedule).',
    ],
    'Turn on',
  ).then((ok) => {
    if (!ok) return;
    button('installTrigger').disabled = true;
    call('saveScheduleSettings', { dayOfMonth: day, hour, autoFinalize, autoSend, enabled: true })
      .then((r) => {
        input('schedEnabled').checked = true;
        $('triggerText').textContent = 'The hourly trigger is on (run by you); next scheduled run: ' + (r.next || 'none') + '.';
        button('installTrigger').hidden = true;
        return refreshOverview();
      })
      .catch(showError)
      .then(() => {
        button('installTrigger').disabled = false;
      });
  });
}

export function overviewPanel(): void {
  button('installTrigger').addEventListener('click', installTrigger);
}
