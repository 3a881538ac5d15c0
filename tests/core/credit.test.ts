// Crediting by an explicit kind (cancel, lines, amount): the use cases decide the kind once from
// the request, and the ledger acts on that kind alone (issue 12).
import { cancelInvoice, createManualInvoice, creditInvoice, finalizeInvoices } from '../../src/app/ledgerActions';
import { runInvoicing } from '../../src/app/runInvoicing';
import { account, invoiceRow, item, NOV, ports, product, subscription } from '../scenarios/helpers';

const finalized = () => {
  const p = ports({
    Accounts: [account('A1')],
    Products: [product('P1', '100.00'), product('P2', '50.00')],
    Subscriptions: [subscription('S1', 'A1')],
    Items: [item('I1', 'S1', 'P1'), item('I2', 'S1', 'P2')],
  });
  runInvoicing(p, NOV);
  finalizeInvoices(p, {});
  return p;
};

const creditNotes = (r: ReturnType<typeof creditInvoice>) => r.invoices.filter((i) => i.type === 'credit_note').map((i) => i.net);

describe('credit kinds', () => {
  it('a credit without lines or amount credits the whole invoice and cancels it', () => {
    const p = finalized();
    expect(creditNotes(creditInvoice(p, { invoiceId: 'I-000001' }))).toEqual(['-150.00']);
    expect(invoiceRow(p, 'I-000001').Status).toBe('Cancelled');
  });

  it('lines win over an amount when a credit names both', () => {
    const p = finalized();
    expect(creditNotes(creditInvoice(p, { invoiceId: 'I-000001', lines: [2], amount: '10' }))).toEqual(['-50.00']);
    expect(invoiceRow(p, 'I-000001').Status).not.toBe('Cancelled');
  });

  it('a credit of an amount leaves the invoice standing', () => {
    const p = finalized();
    expect(creditNotes(creditInvoice(p, { invoiceId: 'I-000001', amount: '10' }))).toEqual(['-10.00']);
    expect(invoiceRow(p, 'I-000001').Status).not.toBe('Cancelled');
  });

  it('a pro-forma invoice is cancelled when asked to cancel, and refused when asked for a credit of everything', () => {
    const p = finalized();
    const pf = createManualInvoice(p, { accountId: 'A1', type: 'pro_forma', lines: [{ description: 'Advance', quantity: 1, unitPrice: '100.00' }] });
    finalizeInvoices(p, { invoiceIds: [pf.invoiceId] });
    expect(() => creditInvoice(p, { invoiceId: pf.invoiceId })).toThrow('is a pro-forma invoice: it can be cancelled, not credited');
    expect(cancelInvoice(p, { invoiceId: pf.invoiceId }).invoices.map((i) => [i.invoiceId, i.status])).toEqual([[pf.invoiceId, 'Cancelled']]);
  });
});
