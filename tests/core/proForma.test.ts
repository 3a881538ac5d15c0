// Pro-forma invoices as the sidebar's manual invoice panel saves them: the document says so in its
// title in the customer's language, and the number comes from the pro-forma range only (the
// invoice range stays gapless). Manual lines' errors name the line and the field.
import { createManualInvoice, finalizeInvoices } from '../../src/app/ledgerActions';
import { readDataset } from '../../src/app/workbook';
import { documentText } from '../../src/core/docText';
import { account, ports, product } from '../support/fixtures';

const line = { description: 'Anzahlung', quantity: '1', unitPrice: '1000.00' };

function workbook() {
  return ports({ Accounts: [account('DE1', { language: 'de' }), account('EN1', { language: 'en' }), account('FR1', { language: 'fr' })], Products: [product('P1', '100.00')] });
}

describe('pro-forma invoices', () => {
  it('are titled pro-forma in the customer language and numbered PF-…, while invoices keep their own gapless range', () => {
    const p = workbook();
    const ids = ['DE1', 'EN1', 'FR1'].map((a) => createManualInvoice(p, { accountId: a, type: 'pro_forma', lines: [line] }).invoiceId);
    const invoice = createManualInvoice(p, { accountId: 'DE1', lines: [line] }).invoiceId;
    const numbers = finalizeInvoices(p, { invoiceIds: [...ids, invoice] }).invoices.map((i) => i.number);
    expect(numbers).toEqual(['PF-2026-00001', 'PF-2026-00002', 'PF-2026-00003', 'INV-2026-00001']);
    const ds = readDataset(p);
    const titles = ids.map((id) => {
      const inv = ds.invoices.find((r) => r.record.invoiceId === id)!.record;
      const doc = { invoice: inv, lines: (ds.linesByInvoice.get(id) ?? []).map((r) => r.record) };
      return documentText(doc, ds.tenantById.get(inv.tenantId)!, ds.accounts.get(inv.accountId)).title;
    });
    expect(titles).toEqual(['Proforma-Rechnung PF-2026-00001', 'Pro forma invoice PF-2026-00002', 'Facture pro forma PF-2026-00003']);
    expect(ds.numberRanges.map((r) => [r.record.range, r.record.lastNumber])).toEqual([
      ['DE/pro_forma/*', 'PF-2026-00003'],
      ['DE/invoice/*', 'INV-2026-00001'],
    ]);
  });
});

describe('manual lines typed by a person', () => {
  const refusal = (lines: Record<string, string>[]) => {
    try {
      createManualInvoice(workbook(), { accountId: 'DE1', lines: lines as never });
    } catch (e) {
      return (e as Error).message;
    }
    return 'no refusal';
  };

  it('name the line and the field that is wrong', () => {
    expect(refusal([line, { ...line, quantity: 'zwei' }])).toBe('line 2: quantity "zwei" is not a number');
    expect(refusal([{ ...line, unitPrice: '' }])).toBe('line 1: unit price "" is not a number');
    expect(refusal([{ ...line, discountPercent: '10 %' }])).toBe('line 1: discount "10 %" is not a number');
    expect(refusal([line, line, { ...line, serviceStart: '2026-13-01' }])).toBe('line 3: service start "2026-13-01" is not a date in the form YYYY-MM-DD');
    expect(refusal([{ ...line, serviceEnd: '2026-11-30' }])).toBe('line 1: service end is given without a service start');
    expect(refusal([{ ...line, productId: 'NOPE' }])).toBe('line 1: product "NOPE" does not exist');
    expect(refusal([{ ...line, description: ' ' }])).toBe('line 1: description is empty (choose a product or type a text)');
    expect(refusal([{ ...line, taxClass: 'luxury' }])).toMatch(/^line 1: tax class "luxury": no tax rule/);
  });

  it("take a product's name, unit and tax class when the line gives none", () => {
    const p = workbook();
    createManualInvoice(p, { accountId: 'DE1', lines: [{ productId: 'P1', description: '', quantity: '3', unitPrice: '100' }] });
    const l = readDataset(p).linesByInvoice.get('I-000001')![0].record;
    expect([l.description, l.unit, l.taxClass, l.net.toFixed(2), l.taxRate.toString()]).toEqual(['Product P1', 'C62', 'standard', '300.00', '19']);
  });
});
