// Collect direct debits: the open invoices of direct-debit accounts due by a date, previewed first
// (a dry run: per company's file the count, the sum and the invoices, and every invoice left out
// with its sheet, row and column), then, after the sidebar's confirmation, written to a pain.008
// file in the company's Drive folder (SEPA/), with a link to it.
import type { CollectReport } from '../../src/gas/serverApi';
import { call } from './call';
import { $, action, button, confirmAction, input, item, line, link, money, plural, showError, state, tenantName } from './dom';
import { formatDate, sentence, showProblem } from './creditPanel';

/**
 * The collection date the panel suggests: two TARGET business days from today. A SEPA file has to
 * be at the bank one business day before the collection date (CORE and B2B alike), and banks take
 * uploads until a cut-off on that day, so a file uploaded today meets a date two business days
 * ahead; invoices due by then are collected on or after their due date. Weekends and the fixed
 * TARGET holidays (1 January, 1 May, 25 and 26 December) are skipped; Easter is the user's to see.
 */
export function defaultCollectionDate(today: Date): string {
  const d = new Date(Date.UTC(today.getFullYear(), today.getMonth(), today.getDate()));
  let left = 2;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const md = d.toISOString().slice(5, 10);
    const day = d.getUTCDay();
    if (day !== 0 && day !== 6 && md !== '01-01' && md !== '05-01' && md !== '12-25' && md !== '12-26') left--;
  }
  return d.toISOString().slice(0, 10);
}

/** The preview the Collect button acts on: made for this date, with something to collect. */
let previewed: { date: string; report: CollectReport } | null = null;

function setBusy(on: boolean): void {
  for (const b of Array.prototype.slice.call($('dcFiles').querySelectorAll('button')) as HTMLButtonElement[]) b.disabled = on;
  button('dcPreview').disabled = on;
  input('dcDate').disabled = on;
  button('dcCollect').disabled = on || !previewed || !previewed.report.files.length;
}

/** Files, invoices and problems of a preview or a collection; links to the files written. */
function showReport(r: CollectReport): void {
  const files = $('dcFiles');
  files.textContent = '';
  for (const f of r.files) {
    const head = item(files, tenantName(f.tenantId) + ': ' + plural(f.count, 'direct debit', 'direct debits'), money(f.controlSum, 'EUR'), 'account');
    if (!r.dryRun) line(head, 'Message ID ' + f.messageId);
    if (f.file) {
      const box = document.createElement('div');
      box.className = 'line';
      head.appendChild(box);
      if (!link(box, f.file, 'Open the pain.008 file', 'Open the direct-debit file ' + f.messageId)) box.textContent = 'Saved: ' + f.file;
      action(head, 'Cancel this collection', 'Cancel the direct-debit collection ' + f.messageId, () => void cancel(f.messageId, f.count, f.controlSum));
    }
    for (const i of f.invoices) {
      const li = item(files, i.number, money(i.amount, 'EUR'));
      line(li, [i.account, [i.scheme, i.sequenceType].filter(Boolean).join(' ')].filter(Boolean).join(' · '));
    }
  }
  const problems = $('dcProblems');
  problems.textContent = '';
  for (const p of r.problems) {
    item(problems, (p.number ? p.number + ': ' : '') + p.sheet + ' row ' + p.row + ', ' + p.column + (p.value ? ' "' + p.value + '"' : '') + ': ' + sentence(p.message), null, 'failed');
  }
  $('dcProblemsBox').hidden = !r.problems.length;
}

/** A file not submitted to the bank (or that will not be): its invoices may be collected again. */
async function cancel(messageId: string, count: number, sum: string): Promise<void> {
  const ok = await confirmAction(
    'Cancel the collection ' + messageId + '?',
    [
      plural(count, 'direct debit', 'direct debits') + ', ' + money(sum, 'EUR'),
      'Only if the file was not submitted to the bank (or the bank rejected it): its invoices may be collected again, and what it booked is undone.',
    ],
    'Yes, cancel the collection',
  );
  if (!ok) return;
  showError(null);
  setBusy(true);
  try {
    const r = await call('cancelCollection', messageId);
    $('dcFiles').textContent = '';
    $('dcStatus').textContent = 'Cancelled the collection ' + r.messageId + ': its ' + plural(r.count, 'invoice', 'invoices') + ' may be collected again.';
  } catch (e) {
    showProblem(e);
  } finally {
    setBusy(false);
  }
}

async function preview(): Promise<void> {
  showError(null);
  const date = input('dcDate').value;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return showError(new Error('Choose the collection date first.'));
  previewed = null;
  setBusy(true);
  $('dcStatus').textContent = 'Checking the direct debits due by ' + formatDate(date, state.locale) + '…';
  try {
    const r = await call('collectDirectDebits', { date, dryRun: true });
    previewed = { date, report: r };
    showReport(r);
    const count = r.files.reduce((n, f) => n + f.count, 0);
    $('dcStatus').textContent = count
      ? 'Preview: ' +
        plural(count, 'direct debit', 'direct debits') +
        ' due by ' +
        formatDate(date, state.locale) +
        (r.problems.length ? ', ' + plural(r.problems.length, 'invoice', 'invoices') + ' left out (below)' : '') +
        '. Nothing is written yet.'
      : 'Nothing to collect by ' + formatDate(date, state.locale) + (r.problems.length ? ': ' + plural(r.problems.length, 'invoice', 'invoices') + ' left out (below).' : '.');
  } catch (e) {
    $('dcStatus').textContent = '';
    showProblem(e);
  } finally {
    setBusy(false);
  }
}

async function collect(): Promise<void> {
  if (!previewed || previewed.date !== input('dcDate').value) return void preview();
  const { date, report } = previewed;
  const count = report.files.reduce((n, f) => n + f.count, 0);
  const ok = await confirmAction(
    'Collect ' + plural(count, 'direct debit', 'direct debits') + ' on ' + formatDate(date, state.locale) + '?',
    [
      ...report.files.map((f) => tenantName(f.tenantId) + ': ' + plural(f.count, 'debit', 'debits') + ', ' + money(f.controlSum, 'EUR')),
      ...(report.problems.length ? [plural(report.problems.length, 'invoice is', 'invoices are') + ' left out (see the problems)'] : []),
      'A pain.008 file per company goes to its Drive folder (SEPA); upload it to your bank. Its invoices are not collected again unless the collection is cancelled.',
    ],
    'Yes, write the file',
  );
  if (!ok) return;
  showError(null);
  setBusy(true);
  button('dcCollect').disabled = true;
  try {
    const r = await call('collectDirectDebits', { date });
    previewed = null;
    showReport(r);
    const written = r.files.filter((f) => f.file).length;
    $('dcStatus').textContent =
      (written
        ? 'Wrote ' +
          plural(written, 'direct-debit file', 'direct-debit files') +
          ' with ' +
          plural(
            r.files.reduce((n, f) => n + f.count, 0),
            'debit',
            'debits',
          )
        : 'Nothing was collected') +
      (r.booked.length ? '; ' + plural(r.booked.length, 'payment', 'payments') + ' booked on the collection date' : '') +
      '.';
  } catch (e) {
    showProblem(e);
  } finally {
    setBusy(false);
  }
}

export function collectPanel(): void {
  input('dcDate').value = defaultCollectionDate(new Date());
  input('dcDate').addEventListener('change', () => {
    previewed = null;
    setBusy(false);
  });
  button('dcPreview').addEventListener('click', () => void preview());
  button('dcCollect').addEventListener('click', () => void collect());
  setBusy(false);
}
