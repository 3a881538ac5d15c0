// Actions: finalize all or the selected drafts (then their documents in ~20 s calls), and verify.
import type { FinalizeRequest } from '../../src/gas/serverApi';
import { call } from './call';
import { $, busy, button, isQueued, showError, state } from './dom';

/**
 * Finalize, then make the Docs and PDFs of the new invoices in ~20 s calls (the hourly trigger
 * finishes them if the sidebar is closed first).
 */
function finalize(request: FinalizeRequest, b: HTMLButtonElement): Promise<void> {
  showError(null);
  b.disabled = true;
  busy(true);
  state.stop = false;
  return call('finalizeInvoices', request)
    .then((r) => {
      const done = 'Finalized ' + r.invoices.length + ' invoices' + (r.failed.length ? '; not finalized: ' + r.failed.map((f) => f.invoiceId + ' (' + f.reason + ')').join('; ') : '.');
      for (const inv of r.invoices) {
        const box = document.getElementById('pick-' + inv.invoiceId);
        const li = box?.closest('li');
        if (li) li.parentNode!.removeChild(li);
      }
      $('status').textContent = done;
      let made = 0;
      const documents = (): Promise<void> | undefined => {
        if (state.stop) {
          $('status').textContent = done + ' Documents: ' + made + ' made; stopped (the rest is made by Send or the hourly trigger).';
          return undefined;
        }
        return call('renderDocuments', {}).then((d) => {
          if (isQueued(d)) {
            $('status').textContent = done + ' ' + d.message;
            return;
          }
          made += d.rendered.length;
          const failed = d.failed.length ? ' Documents not made: ' + d.failed.map((f) => (f.number || f.invoiceId) + ' (' + f.reason + ')').join('; ') + '.' : '';
          if (d.remaining && !d.quotaExhausted) {
            $('status').textContent = done + ' Making documents: ' + made + ' so far…' + failed;
            return documents();
          }
          $('status').textContent = done + ' Documents: ' + made + ' made' + (d.quotaExhausted ? ', ' + d.remaining + " wait for tomorrow's documents quota." : '.') + failed;
        });
      };
      return r.invoices.length ? documents() : undefined;
    })
    .catch(showError)
    .then(() => {
      b.disabled = false;
      busy(false);
    });
}

export function actionsPanel(): void {
  button('finalize').addEventListener('click', () => {
    finalize({}, button('finalize'));
  });
  button('finalizeSelected').addEventListener('click', () => {
    const ids = Array.prototype.map.call(document.querySelectorAll<HTMLInputElement>('input[name=pick]:checked'), (i: HTMLInputElement) => i.value) as string[];
    if (!ids.length) return showError(new Error('Select the drafts to finalize first.'));
    finalize({ invoiceIds: ids }, button('finalizeSelected'));
  });
  button('verify').addEventListener('click', () => {
    showError(null);
    call('verifyLedger')
      .then((r) => {
        $('status').textContent = r.problems.length
          ? 'Ledger problems: ' + r.problems.map((p) => (p.number || p.invoiceId) + ': ' + p.message).join('; ')
          : 'Ledger intact: ' + r.checked + ' finalized invoices checked.';
      })
      .catch(showError);
  });
}
