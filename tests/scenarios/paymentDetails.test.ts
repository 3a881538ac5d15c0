// An invoice the customer cannot pay from the document gets a Warning in the Invoices sheet when
// it is drafted, saying what is missing and where to fill it in: the company's IBAN for customers
// paying by transfer, the mandate for customers paying by direct debit, and for a Swiss invoice's
// QR-bill a Swiss or Liechtenstein IBAN. Credit notes and pro-forma invoices ask for no payment.
import { runInvoicing } from '../../src/app/runInvoicing';
import { createManualInvoice, creditInvoice, finalizeInvoices } from '../../src/app/ledgerActions';
import { readDataset } from '../../src/app/workbook';
import type { Cell } from '../../src/core/cells';
import type { Invoice } from '../../src/core/model';
import { CH_TENANT, DE_TENANT, TAX_RULES, account, item, ports, product, subscription } from '../support/fixtures';

const NOV = { periodStart: '2026-11-01', periodEnd: '2026-11-30' };

/** Warnings of each invoice by account (and type), after a November run. */
function warnings(tenants: Record<string, Cell>[], accounts: Record<string, Cell>[], more: (p: ReturnType<typeof ports>) => void = () => {}): Record<string, string> {
  const p = ports({
    Settings: tenants,
    TaxRules: TAX_RULES,
    Accounts: accounts,
    Products: [product('P1', '100.00'), product('PC', '100.00', { currency: 'CHF' })],
    Subscriptions: accounts.map((a, i) => subscription(`S${i}`, String(a.accountId), a.tenantId === 'CH' ? { currency: 'CHF' } : {})),
    Items: accounts.map((a, i) => item(`I${i}`, `S${i}`, a.tenantId === 'CH' ? 'PC' : 'P1')),
  });
  const run = runInvoicing(p, NOV);
  expect([run.failed, run.rowErrors]).toEqual([[], []]);
  more(p);
  const all: Invoice[] = readDataset(p).invoices.map((r) => r.record);
  return Object.fromEntries(all.map((i) => [`${i.accountId} ${i.type}${i.type === 'invoice' && i.key.startsWith('M:') ? ' manual' : ''}`, i.warnings ?? '']));
}

const { iban: _iban, ...NO_IBAN } = DE_TENANT;

describe('payment details or a warning', () => {
  it('a customer paying by transfer, from a company without IBAN: the draft says so and where to fill it', () => {
    const w = warnings([NO_IBAN], [account('A1')]);
    expect(w['A1 invoice']).toBe('no payment details: A1 pays by transfer and DE has no IBAN (Settings row 2, IBAN column)');
  });

  it('no warning with the company’s IBAN, nor for direct debit with a mandate', () => {
    expect(warnings([DE_TENANT], [account('A1')])['A1 invoice']).toBe('');
    expect(warnings([NO_IBAN], [account('A2', { paymentMethod: 'direct_debit', mandateReference: 'M-1', iban: 'DE02120300000000202051' })])['A2 invoice']).toBe('');
  });

  it('direct debit without a mandate is a warning that names the Accounts column', () => {
    const w = warnings([DE_TENANT], [account('A3', { paymentMethod: 'direct_debit' })]);
    expect(w['A3 invoice']).toBe('no payment details: A3 pays by direct debit but has no mandate (Accounts, A3, Mandate Reference column)');
  });

  it('manual invoices are warned too; pro-forma invoices and credit notes are not', () => {
    const w = warnings([NO_IBAN], [account('A1')], (p) => {
      expect(createManualInvoice(p, { accountId: 'A1', lines: [{ description: 'Beratung', quantity: 1, unitPrice: '50' }] }).invoiceId).toBeDefined();
      createManualInvoice(p, { accountId: 'A1', type: 'pro_forma', lines: [{ description: 'Beratung', quantity: 1, unitPrice: '50' }] });
      expect(finalizeInvoices(p, { invoiceDate: '2026-11-30', invoiceIds: ['I-000001'] }).failed).toEqual([]);
      expect(creditInvoice(p, { invoiceId: 'I-000001', amount: '10' }).failed).toEqual([]);
    });
    expect(w['A1 invoice manual']).toBe('no payment details: A1 pays by transfer and DE has no IBAN (Settings row of DE, IBAN column)');
    expect([w['A1 pro_forma'], w['A1 credit_note']]).toEqual(['', '']);
  });

  it('a Swiss invoice without a Swiss IBAN has no QR-bill, and says so', () => {
    const ch = { ...CH_TENANT, street: 'Bahnhofstrasse 1', postalCode: '8001' };
    const swiss = (iban: string) => warnings([DE_TENANT, { ...ch, iban }], [account('C1', { tenantId: 'CH', country: 'CH', city: 'Bern' })])['C1 invoice'];
    expect(swiss('DE89370400440532013000')).toBe('no Swiss QR-bill: the IBAN DE89370400440532013000 is not a valid Swiss or Liechtenstein IBAN (Settings row 3, IBAN column)');
    expect(swiss('CH4431999123000889012')).toBe('');
    expect(warnings([DE_TENANT, { ...CH_TENANT, iban: 'CH4431999123000889012' }], [account('C1', { tenantId: 'CH', country: 'CH' })])['C1 invoice']).toBe(
      'no Swiss QR-bill: no postal code or city (Settings row 3, Postal Code and City columns)',
    );
  });
});
