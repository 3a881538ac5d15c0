// Run invoicing: the form (month or from – to, filters, company), the run in ~20 s slices with
// Stop and Resume, the drafts with Preview and Show row, rows with errors and what was not billed.
// The drafts list is what Finalize acts on: the workbook's drafts when the sidebar opens, the
// current run's after a run, in either case only those of the company chosen in the form.
import type { DraftSummary, RunInvoicingResponse, RunReport, RunRequest, SidebarState } from '../../src/gas/serverApi';
import { call } from './call';
import { $, action, busy, button, input, isQueued, item, line, link, money, option, plural, showError, showRow, state, tenantName } from './dom';
import { totalsPerCurrency } from './format';
import { refreshOverview } from './overview';
import { refreshLastRuns } from './schedulePanel';

/** The drafts the list holds (before the company filter), and where they come from: a run id, or null for the whole workbook. */
const drafts = { list: [] as DraftSummary[], run: null as string | null };

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
      link(status, url, 'Open the preview of ' + id, 'Open the preview of ' + id);
    })
    .catch(showError)
    .then(() => {
      b.disabled = false;
    });
}

/** The drafts shown: the list's, of the company chosen in the form (all when none is). */
export function listedDrafts(): DraftSummary[] {
  const tenant = $<HTMLSelectElement>('tenant').value;
  return drafts.list.filter((d) => !tenant || d.tenantId === tenant);
}

/** Where the listed drafts come from, in words: "run R-000001" or "the workbook", and the company. */
export function draftScope(): string {
  const tenant = $<HTMLSelectElement>('tenant').value;
  return (drafts.run ? 'of run ' + drafts.run : 'in the workbook') + (tenant ? ', company ' + tenantName(tenant) : ', all companies');
}

function draftItem(d: DraftSummary, checked: boolean): void {
  const li = item($('drafts'), d.buyerName || d.accountId, money(d.payable, d.currency));
  // A checkbox per draft for "Finalize selected"; the customer's name is its label.
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.name = 'pick';
  box.value = d.invoiceId;
  box.id = 'pick-' + d.invoiceId;
  box.checked = checked;
  const label = document.createElement('label');
  label.htmlFor = box.id;
  label.className = 'pick';
  label.title = d.buyerName || d.accountId;
  label.appendChild(box);
  label.appendChild(li.firstChild!);
  (label.lastChild as HTMLElement).removeAttribute('class');
  li.insertBefore(label, li.firstChild);
  if (d.warnings) line(li, 'Warning: ' + d.warnings, 'warning');
  action(li, 'Preview', 'Preview draft ' + d.invoiceId, (b) => {
    preview(d.invoiceId, b);
  });
  showRow(li, d);
}

/** Draws the list again (the company filter changed, drafts came or went), keeping what was ticked. */
export function renderDrafts(): void {
  const ticked = new Set(Array.prototype.map.call(document.querySelectorAll<HTMLInputElement>('input[name=pick]:checked'), (i: HTMLInputElement) => i.value) as string[]);
  $('drafts').textContent = '';
  const shown = listedDrafts();
  for (const d of shown) draftItem(d, ticked.has(d.invoiceId));
  const hidden = drafts.list.length - shown.length;
  $('draftScope').textContent = plural(shown.length, 'draft', 'drafts') + ' ' + draftScope() + (hidden ? ' (' + plural(hidden, 'draft', 'drafts') + ' of other companies not listed)' : '') + '.';
  $('draftTotals').textContent = shown.length
    ? 'Total payable: ' +
      totalsPerCurrency(
        shown.map((d) => ({ amount: d.payable, currency: d.currency })),
        state.locale,
      )
    : '';
}

/** Drafts that are drafts no more (finalized, or removed by a run) leave the list. */
export function dropDrafts(ids: string[]): void {
  const gone = new Set(ids);
  drafts.list = drafts.list.filter((d) => !gone.has(d.invoiceId));
  renderDrafts();
}

/** The workbook's drafts, as the sidebar found them when it opened. */
export function showWorkbookDrafts(list: DraftSummary[]): void {
  drafts.list = list.slice();
  drafts.run = null;
  renderDrafts();
}

function runSummary(report: RunReport): string {
  const warned = drafts.list.filter((d) => d.warnings).length;
  return (
    plural(state.drafted, 'draft', 'drafts') +
    (warned ? ' (' + warned + ' with warnings)' : '') +
    ', ' +
    plural(state.rowErrors, 'row', 'rows') +
    ' with errors, ' +
    plural(state.failed.length, 'subscription', 'subscriptions') +
    ' failed' +
    (report.warnings.length ? '. ' + report.warnings.join(' ') : '')
  );
}

function render(report: RunReport): void {
  const seen = new Set(report.drafts.map((d) => d.invoiceId));
  const removed = new Set(report.removed);
  drafts.list = drafts.list.filter((d) => !seen.has(d.invoiceId) && !removed.has(d.invoiceId)).concat(report.drafts.map((d) => ({ ...d, runId: report.runId })));
  drafts.run = report.runId;
  renderDrafts();
  for (const f of report.failed) {
    state.failed.push(f.subscriptionId);
    item($('failed'), f.subscriptionId + ': ' + f.reason, null, 'failed');
  }
  for (const e of report.rowErrors) item($('rowErrors'), e.text, null, 'failed');
  state.rowErrors += report.rowErrors.length;
  $('rowErrorBox').hidden = !state.rowErrors;
  // "Re-run these" only for subscriptions that failed: a row with errors needs its sheet fixed first.
  $('failedBox').hidden = !state.failed.length;
  state.drafted += report.drafts.length;
  state.inScope = report.inScope;
  const progress = $<HTMLProgressElement>('progress');
  progress.max = Math.max(1, state.inScope);
  // The subscriptions worked through, with or without a draft (nothing due is done, not missing).
  progress.value = report.done ? progress.max : Math.min(report.processed, state.inScope);
  $('status').textContent = report.done
    ? 'Run ' + report.runId + ' done: ' + runSummary(report) + '.'
    : 'Run ' +
      report.runId +
      ': ' +
      plural(state.drafted, 'draft', 'drafts') +
      ' so far, ' +
      Math.round((progress.value / progress.max) * 100) +
      ' % of ' +
      plural(state.inScope, 'subscription', 'subscriptions') +
      '…';
}

function ended(): void {
  busy(false);
  refreshLastRuns();
  refreshOverview();
}

/** Each server call does a bounded slice (~20 s); keep calling until the run is done or stopped. */
function loop(report: RunInvoicingResponse): Promise<void> | void {
  // Work that waits for the hourly trigger (README "Who can do what"): its message says when.
  if (isQueued(report)) {
    $('status').textContent = report.message;
    return ended();
  }
  render(report);
  state.runId = report.done ? null : report.runId;
  if (report.done) return ended();
  if (state.stop) {
    $('status').textContent += ' Stopped: Resume continues from the checkpoint.';
    return ended();
  }
  return call('continueRun', report.runId).then(loop);
}

function start(request: RunRequest): Promise<void> {
  showError(null);
  drafts.list = [];
  $('failed').textContent = '';
  $('rowErrors').textContent = '';
  state.drafted = 0;
  state.rowErrors = 0;
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

function submit() {
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
}

export function runPanel(): void {
  $('runForm').addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit();
  });
  $('tenant').addEventListener('change', renderDrafts);
  button('stop').addEventListener('click', () => {
    state.stop = true;
    button('stop').disabled = true;
  });
  button('resume').addEventListener('click', () => {
    if (!state.runId) return;
    if (drafts.run !== state.runId) {
      // A run cut before the sidebar opened: the list shows that run's drafts, those made before included.
      const runId = state.runId;
      drafts.list = drafts.list.filter((d) => d.runId === runId);
      state.drafted = drafts.list.length;
      state.rowErrors = 0;
      state.failed = [];
      $('failed').textContent = '';
      $('rowErrors').textContent = '';
    }
    state.stop = false;
    busy(true);
    $('status').textContent = 'Continuing run ' + state.runId + '…';
    call('continueRun', state.runId)
      .then(loop)
      .catch((e) => {
        showError(e);
        busy(false);
      });
  });
  button('rerunFailed').addEventListener('click', () => {
    // Exactly the subscriptions that failed, with the rest of the request as it was.
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
  // A run started before the answer came lists its own drafts.
  if (!drafts.run) showWorkbookDrafts(s.drafts);
  if (s.unfinishedRunId) {
    state.runId = s.unfinishedRunId;
    button('resume').disabled = false;
    $('status').textContent = 'Run ' + s.unfinishedRunId + ' is not finished: Resume continues it.';
  }
}
