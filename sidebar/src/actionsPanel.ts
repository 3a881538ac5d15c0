// Actions: finalize the listed or the selected drafts after a confirmation that says what will
// happen, then make their documents in ~20 s calls ("n of N" with a bar and the time left) and list
// the new invoices with their numbers and links to each PDF and Doc; and verify.
import type { DocumentsReport, DraftSummary, InvoiceSummary } from '../../src/gas/serverApi';
import { call } from './call';
import { $, busy, button, confirmAction, isQueued, item, line, link, money, plural, showError, showProgress, state, tenantName } from './dom';
import { totalsPerCurrency } from './format';
import { promiseFor, refreshOverview } from './overview';
import { draftScope, dropDrafts, listedDrafts } from './runPanel';

/** The facts a finalize confirmation gives: which drafts, of which companies, the total per currency. */
function finalizeFacts(list: DraftSummary[], which: string): string[] {
  const per = new Map<string, number>();
  for (const d of list) per.set(d.tenantId, (per.get(d.tenantId) || 0) + 1);
  return [
    which,
    'Companies: ' + Array.from(per, ([id, n]) => tenantName(id) + ' (' + n + ')').join(', '),
    'Total payable: ' +
      totalsPerCurrency(
        list.map((d) => ({ amount: d.payable, currency: d.currency })),
        state.locale,
      ),
    'Each gets the next number of its company; after that it can only be corrected by a credit note.',
  ];
}

/** A finalized invoice in the results: its number, customer and amount; links once its documents exist. */
function doneItem(inv: InvoiceSummary): void {
  const li = item($('doneList'), (inv.number || inv.invoiceId) + ' ' + (inv.buyerName || inv.accountId), money(inv.payable, inv.currency));
  li.id = 'done-' + inv.invoiceId;
  if (inv.warnings) line(li, 'Warning: ' + inv.warnings, 'warning');
}

function addLinks(rendered: DocumentsReport['rendered']): void {
  for (const r of rendered) {
    const li = document.getElementById('done-' + r.invoiceId);
    if (!li || li.querySelector('a')) continue;
    const box = document.createElement('div');
    box.className = 'line';
    link(box, r.pdfUrl, 'PDF', 'PDF of ' + r.number);
    link(box, r.docUrl, 'Doc', 'Doc of ' + r.number);
    if (box.children.length) li.appendChild(box);
  }
}

/** Documents in ~20 s calls until none remain, the quota is used up, or Stop is pressed. */
function documents(done: string): Promise<void> {
  const bar = $<HTMLProgressElement>('workProgress');
  const startedAt = Date.now();
  let made = 0;
  const failures: string[] = [];
  const next = (): Promise<void> | undefined => {
    if (state.stop) {
      $('workStatus').textContent = done + ' Documents: ' + made + ' made; stopped (Send makes the rest on the way).';
      return undefined;
    }
    return call('renderDocuments', {}).then((d) => {
      if (isQueued(d)) {
        $('workStatus').textContent = done + ' ' + d.message;
        return;
      }
      made += d.rendered.length;
      addLinks(d.rendered);
      for (const f of d.failed) failures.push((f.number || f.invoiceId) + ' (' + f.reason + ')');
      const failed = failures.length ? ' Documents not made: ' + failures.join('; ') + '.' : '';
      const progress = showProgress(bar, made, made + d.remaining + failures.length, startedAt);
      if (d.remaining && !d.quotaExhausted) {
        $('workStatus').textContent = done + ' Making documents: ' + progress + '…' + failed;
        return next();
      }
      const waiting = d.quotaExhausted ? ' ' + plural(d.remaining, 'waits', 'wait') + " for tomorrow's documents quota. " + promiseFor('makes them', 'Send finalized invoices') : '';
      // The end: the bar and "n of N" without an estimate (what is left waits for another day or failed).
      showProgress(bar, made, made + d.remaining + failures.length, startedAt);
      $('workStatus').textContent = done + ' Documents: ' + made + ' of ' + (made + d.remaining + failures.length) + ' made.' + waiting + failed;
    });
  };
  $('workStatus').textContent = done + ' Making documents…';
  return next() || Promise.resolve();
}

/** Finalize exactly these drafts (their ids go to the server), then make their documents. */
function finalize(ids: string[], b: HTMLButtonElement): Promise<void> {
  showError(null);
  b.disabled = true;
  busy(true);
  state.stop = false;
  $('doneList').textContent = '';
  $('doneTotals').textContent = '';
  $('doneBox').hidden = true;
  $('workProgress').hidden = true;
  return call('finalizeInvoices', { invoiceIds: ids })
    .then((r) => {
      const done =
        'Finalized ' + plural(r.invoices.length, 'invoice', 'invoices') + (r.failed.length ? '; not finalized: ' + r.failed.map((f) => f.invoiceId + ' (' + f.reason + ')').join('; ') : '.');
      dropDrafts(r.invoices.map((i) => i.invoiceId));
      for (const inv of r.invoices) doneItem(inv);
      $('doneTotals').textContent = r.invoices.length
        ? 'Total payable: ' +
          totalsPerCurrency(
            r.invoices.map((i) => ({ amount: i.payable, currency: i.currency })),
            state.locale,
          )
        : '';
      $('doneBox').hidden = !r.invoices.length;
      $('workStatus').textContent = done;
      return r.invoices.length ? documents(done) : undefined;
    })
    .catch(showError)
    .then(() => {
      b.disabled = false;
      busy(false);
      return refreshOverview();
    });
}

function ask(list: DraftSummary[], which: string, b: HTMLButtonElement): void {
  showError(null);
  const n = plural(list.length, 'invoice', 'invoices');
  confirmAction('Finalize ' + n + '?', finalizeFacts(list, which), 'Finalize ' + n).then((ok) => {
    if (ok)
      finalize(
        list.map((d) => d.invoiceId),
        b,
      );
    else $('workStatus').textContent = 'Nothing finalized.';
  });
}

export function actionsPanel(): void {
  button('finalize').addEventListener('click', () => {
    const list = listedDrafts();
    if (!list.length) return showError(new Error('No drafts are listed: run invoicing first, or choose another company in the form.'));
    ask(list, 'The ' + plural(list.length, 'draft', 'drafts') + ' listed (' + draftScope() + '). Drafts not listed stay drafts.', button('finalize'));
  });
  button('finalizeSelected').addEventListener('click', () => {
    const ids = Array.prototype.map.call(document.querySelectorAll<HTMLInputElement>('input[name=pick]:checked'), (i: HTMLInputElement) => i.value) as string[];
    if (!ids.length) return showError(new Error('Select the drafts to finalize first.'));
    const list = listedDrafts().filter((d) => ids.indexOf(d.invoiceId) >= 0);
    ask(list, 'The ' + plural(list.length, 'draft', 'drafts') + ' you selected; the others stay drafts.', button('finalizeSelected'));
  });
  button('verify').addEventListener('click', () => {
    showError(null);
    call('verifyLedger')
      .then((r) => {
        $('workStatus').textContent = r.problems.length
          ? 'Ledger problems: ' + r.problems.map((p) => (p.number || p.invoiceId) + ': ' + p.message).join('; ')
          : 'Ledger intact: ' + r.checked + ' finalized invoices checked.';
      })
      .catch(showError);
  });
}
