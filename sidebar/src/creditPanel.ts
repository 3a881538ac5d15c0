// Cancel or credit an invoice: the user knows the invoice number; the server takes a number or an id.
import type { CancelRequest, CreditRequest } from '../../src/gas/serverApi';
import { call } from './call';
import { $, button, input, item, line, showError, showRow } from './dom';

function creditForm(): { invoiceId: string; reason: string | undefined; amount: string } | null {
  const invoiceId = input('ccInvoice').value.trim();
  if (!invoiceId) {
    showError('Enter the number of the invoice to cancel or credit.');
    input('ccInvoice').focus();
    return null;
  }
  return { invoiceId, reason: input('ccReason').value.trim() || undefined, amount: input('ccAmount').value.trim() };
}

function ledgerAction(fn: 'cancelInvoice' | 'creditInvoice', request: CancelRequest | CreditRequest, done: string): Promise<void> {
  showError(null);
  $('ccStatus').textContent = '';
  $('ccResults').textContent = '';
  button('ccCancel').disabled = true;
  button('ccCredit').disabled = true;
  const sent = fn === 'cancelInvoice' ? call('cancelInvoice', request as CancelRequest) : call('creditInvoice', request as CreditRequest);
  return sent
    .then((r) => {
      const notes: string[] = [];
      for (const inv of r.invoices) {
        const credit = inv.type === 'credit_note';
        const li = item($('ccResults'), (credit ? 'Credit note ' : 'Invoice ') + (inv.number || inv.invoiceId) + (inv.status === 'Cancelled' ? ' (cancelled)' : ''), inv.currency + ' ' + inv.gross);
        if (credit) {
          line(li, 'Net ' + inv.net + ', tax ' + inv.tax + ', total ' + inv.gross);
          notes.push('credit note ' + (inv.number || inv.invoiceId) + ' (total ' + inv.currency + ' ' + inv.gross + ')');
        }
        showRow(li, inv);
      }
      let text = notes.length ? done + ' ' + request.invoiceId + ' with ' + notes.join(', ') + '.' : '';
      if (r.failed.length) text += (text ? ' ' : '') + 'Not done: ' + r.failed.map((f) => f.invoiceId + ': ' + f.reason).join('; ');
      $('ccStatus').textContent = text;
      if (!r.failed.length) {
        for (const id of ['ccInvoice', 'ccReason', 'ccAmount']) input(id).value = '';
      }
      releaseRule();
    })
    .catch(showError)
    .then(() => {
      button('ccCancel').disabled = false;
      button('ccCredit').disabled = false;
    });
}

/** Releasing usage only applies to a cancellation. */
function releaseRule(): void {
  const partial = !!input('ccAmount').value.trim();
  input('ccRelease').disabled = partial;
  if (partial) input('ccRelease').checked = false;
}

export function creditPanel(): void {
  input('ccAmount').addEventListener('input', releaseRule);
  button('ccCancel').addEventListener('click', () => {
    const f = creditForm();
    if (!f) return;
    if (f.amount) return showError('A credit amount is filled in: Credit amount credits that part; empty the field to cancel the whole invoice.');
    const release = input('ccRelease').checked;
    if (
      !window.confirm(
        'Cancel invoice ' + f.invoiceId + '? A credit note for the whole invoice is issued; this cannot be undone.' + (release ? ' Its usage transactions are billed again by the next run.' : ''),
      )
    )
      return;
    ledgerAction('cancelInvoice', { invoiceId: f.invoiceId, reason: f.reason, releaseTransactions: release }, 'Cancelled');
  });
  button('ccCredit').addEventListener('click', () => {
    const f = creditForm();
    if (!f) return;
    if (!f.amount) return showError('Enter the net amount to credit, or leave it empty and use Cancel invoice to cancel the whole invoice.');
    const amount = f.amount.replace(/^(-?\d*),(\d+)$/, '$1.$2'); // a decimal comma
    if (!window.confirm('Credit ' + amount + ' (net) on invoice ' + f.invoiceId + '? A credit note is issued; this cannot be undone.')) return;
    ledgerAction('creditInvoice', { invoiceId: f.invoiceId, amount, reason: f.reason }, 'Credited');
  });
}
