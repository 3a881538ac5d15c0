// Run invoicing: the form (month or from – to, filters, company), the run in ~20 s slices with
// Stop and Resume, the drafts with Preview and Show row, and what was not billed.
import type { RunInvoicingResponse, RunReport, RunRequest, SidebarState } from '../../src/gas/serverApi';
import { call } from './call';
import { $, action, busy, button, input, isQueued, item, option, showError, showRow, state } from './dom';

/** The server renders the draft and answers with its address; only an https address is opened or linked. */
function preview(id: string, b: HTMLButtonElement): Promise<void> {
  showError(null);
  b.disabled = true;
  return call('previewDraft', id)
    .then((r) => {
      const url = r && typeof r.url === 'string' ? r.url : '';
      if (!/^https:\/\//i.test(url)) throw new Error('The preview of draft ' + id + ' did not come back as a secure (https) address, so it was not opened.');
      const opened = window.open(url, '_blank');
      const status = $('status');
      status.textContent = opened ? 'Preview of draft ' + id + ' opened in a new tab. If it did not: ' : 'The browser blocked the new tab. ';
      // A link as well: a pop-up blocker may stop window.open after the server call.
      const a = document.createElement('a');
      a.href = url;
      a.target = '_blank';
      a.rel = 'noopener';
      a.textContent = 'Open the preview of ' + id;
      status.appendChild(a);
    })
    .catch(showError)
    .then(() => {
      b.disabled = false;
    });
}

function render(report: RunReport): void {
  for (const d of report.drafts) {
    const li = item($('drafts'), d.buyerName || d.accountId, d.currency + ' ' + d.payable);
    // A checkbox per draft for "Finalize selected"; the customer's name is its label.
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.name = 'pick';
    box.value = d.invoiceId;
    box.id = 'pick-' + d.invoiceId;
    const label = document.createElement('label');
    label.htmlFor = box.id;
    label.className = 'pick';
    label.appendChild(box);
    label.appendChild(li.firstChild!);
    li.insertBefore(label, li.firstChild);
    action(li, 'Preview', 'Preview draft ' + d.invoiceId, (b) => {
      preview(d.invoiceId, b);
    });
    showRow(li, d);
  }
  for (const f of report.failed) {
    state.failed.push(f.subscriptionId);
    item($('failed'), f.subscriptionId + ': ' + f.reason, null, 'failed');
  }
  for (const e of report.rowErrors) item($('failed'), e.text, null, 'failed');
  $('failedBox').hidden = !$('failed').children.length;
  state.drafted += report.drafts.length;
  state.inScope = report.inScope;
  const progress = $<HTMLProgressElement>('progress');
  progress.max = Math.max(1, state.inScope);
  progress.value = Math.min(state.drafted + state.failed.length, state.inScope);
  $('status').textContent = report.done
    ? 'Run ' + report.runId + ' done: ' + state.drafted + ' drafts, ' + state.failed.length + ' not billed.'
    : 'Run ' + report.runId + ': ' + state.drafted + ' drafts so far…';
}

/** Each server call does a bounded slice (~20 s); keep calling until the run is done or stopped. */
function loop(report: RunInvoicingResponse): Promise<void> | void {
  // Work that waits for the hourly trigger (README "Who can do what"): its message says when.
  if (isQueued(report)) {
    $('status').textContent = report.message;
    return busy(false);
  }
  render(report);
  state.runId = report.done ? null : report.runId;
  if (report.done) return busy(false);
  if (state.stop) {
    $('status').textContent += ' Stopped: Resume continues from the checkpoint.';
    return busy(false);
  }
  return call('continueRun', report.runId).then(loop);
}

function start(request: RunRequest): Promise<void> {
  showError(null);
  $('drafts').textContent = '';
  $('failed').textContent = '';
  state.drafted = 0;
  state.failed = [];
  state.stop = false;
  state.lastRequest = request;
  busy(true);
  $('status').textContent = 'Running…';
  return call('runInvoicing', request)
    .then(loop)
    .catch((e) => {
      showError(e);
      busy(false);
    });
}

function monthRange(month: string): { periodStart: string; periodEnd: string } {
  const parts = month.split('-').map(Number);
  const last = new Date(Date.UTC(parts[0], parts[1], 0)).getUTCDate();
  return { periodStart: month + '-01', periodEnd: month + '-' + (last < 10 ? '0' : '') + last };
}

export function runPanel(): void {
  $('runForm').addEventListener('submit', (ev) => {
    ev.preventDefault();
    showError(null);
    // From – to, when both are filled in, wins over the month.
    const from = input('from').value;
    const to = input('to').value;
    if ((from || to) && !(from && to)) return showError(new Error('Fill in both From and To, or clear them to bill the month.'));
    if (from && to && from > to) return showError(new Error('From (' + from + ') is after To (' + to + ').'));
    if (!from && !input('month').value) return showError(new Error('Choose the month to bill, or a period from – to.'));
    const range = from ? { periodStart: from, periodEnd: to } : monthRange(input('month').value);
    const filter = document.querySelector<HTMLInputElement>('input[name=filter]:checked');
    const tx = Array.prototype.map.call(document.querySelectorAll<HTMLInputElement>('input[name=txFilter]:checked'), (i: HTMLInputElement) => i.value) as string[];
    start({
      periodStart: range.periodStart,
      periodEnd: range.periodEnd,
      invoiceDate: input('invoiceDate').value || undefined,
      filter: filter?.value || undefined,
      transactionFilters: tx.length ? tx : undefined,
      tenantId: $<HTMLSelectElement>('tenant').value || undefined,
    });
  });
  button('stop').addEventListener('click', () => {
    state.stop = true;
    button('stop').disabled = true;
  });
  button('resume').addEventListener('click', () => {
    if (!state.runId) return;
    state.stop = false;
    busy(true);
    call('continueRun', state.runId)
      .then(loop)
      .catch((e) => {
        showError(e);
        busy(false);
      });
  });
  button('rerunFailed').addEventListener('click', () => {
    start({ ...state.lastRequest!, subscriptionIds: state.failed.slice() });
  });
}

/** What the form offers comes from the spreadsheet: filters, companies, and last month as default. */
export function fillRunForm(s: SidebarState): void {
  input('month').value = s.defaultMonth;
  if (s.access?.note) {
    $('access').textContent = s.access.note;
    $('access').hidden = false;
  }
  const subs = $('filters');
  option(subs, 'radio', 'filter', '', 'All active subscriptions', s.subscriptionFilters.length !== 1);
  for (const f of s.subscriptionFilters) option(subs, 'radio', 'filter', f, f, s.subscriptionFilters.length === 1);
  const txs = $('txFilters');
  if (!s.transactionFilters.length) txs.appendChild(document.createTextNode('All usage in the period'));
  for (const f of s.transactionFilters) option(txs, 'checkbox', 'txFilter', f, f, false);
  const tenant = $<HTMLSelectElement>('tenant');
  const all = document.createElement('option');
  all.value = '';
  all.textContent = 'All companies';
  tenant.appendChild(all);
  for (const t of s.tenants) {
    const o = document.createElement('option');
    o.value = t.id;
    o.textContent = t.name;
    tenant.appendChild(o);
  }
  if (s.unfinishedRunId) {
    state.runId = s.unfinishedRunId;
    button('resume').disabled = false;
    $('status').textContent = 'Run ' + s.unfinishedRunId + ' is not finished: Resume continues it.';
  }
}
