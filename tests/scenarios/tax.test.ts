// Tax rules end to end: domestic rates, reverse charge, EU B2B without VAT ID, exports.
import { runInvoicing } from '../../src/app/runInvoicing';
import { cancelInvoice, finalizeInvoices } from '../../src/app/ledgerActions';
import { NOV, account, invoiceRow, item, linesOf, ports, product, subscription, totalsOf } from './helpers';

const rows = (acc: Record<string, string>) => ({
  Accounts: [account('A1', acc)],
  Products: [product('P1', '100.00'), product('P2', '50.00', { taxClass: 'reduced' })],
  Subscriptions: [subscription('S1', 'A1')],
  Items: [item('I1', 'S1', 'P1')],
});

describe('tax', () => {
  it('domestic: one tax group per rate, each rounded once', () => {
    const p = ports({
      Accounts: [account('A1')],
      Products: [product('P1', '10.05'), product('P2', '10.05', { taxClass: 'reduced' })],
      Subscriptions: [subscription('S1', 'A1')],
      Items: [item('I1', 'S1', 'P1'), item('I2', 'S1', 'P2')],
    });
    const run = runInvoicing(p, NOV);
    const id = run.drafts[0].invoiceId;
    // 7% of 10.05 = 0.7035 → 0.70; 19% of 10.05 = 1.9095 → 1.91; tax 2.61; net 20.10; gross 22.71
    expect(totalsOf(p, id)).toEqual(['20.10', '2.61', '22.71', '0.00', '22.71']);
    expect(invoiceRow(p, id)['Tax Summary']).toBe('S 7%: 10.05 → 0.70; S 19%: 10.05 → 1.91');
    expect(linesOf(p, id).map((l) => [l['Tax Category'], String(l['Tax Rate'])])).toEqual([
      ['S', '19'],
      ['S', '7'],
    ]);
  });

  it('9 reverse charge', () => {
    const p = ports(rows({ country: 'FR', vatId: 'FR12345678901' }));
    const run = runInvoicing(p, NOV);
    expect(run.failed).toEqual([]);
    const id = run.drafts[0].invoiceId;
    // AE 0%: 100.00 → tax 0.00, gross 100.00
    expect(totalsOf(p, id)).toEqual(['100.00', '0.00', '100.00', '0.00', '100.00']);
    const inv = invoiceRow(p, id);
    expect(inv['Tax Summary']).toBe('AE 0%: 100.00 → 0.00');
    expect(inv['Tax Note']).toBe('Reverse charge: VAT to be paid by the recipient (Art. 196 VAT Directive)');
    expect(inv['Buyer VAT ID']).toBe('FR12345678901');
    expect(inv['Warnings']).toBe('');
    const [l] = linesOf(p, id);
    expect([l['Tax Category'], String(l['Tax Rate']), l['Exemption Code']]).toEqual(['AE', '0', 'VATEX-EU-AE']);
    // The exemption note is frozen into the finalized invoice.
    const fin = finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    expect(fin.invoices.map((i) => [i.number, i.gross])).toEqual([['INV-2026-00001', '100.00']]);
    expect(invoiceRow(p, id)['Tax Note']).toBe('Reverse charge: VAT to be paid by the recipient (Art. 196 VAT Directive)');
    // Its credit note carries the same category and note.
    const cn = cancelInvoice(p, { invoiceId: id }).invoices.find((i) => i.type === 'credit_note')!;
    expect([cn.net, cn.tax, cn.gross]).toEqual(['-100.00', '0.00', '-100.00']);
    expect(invoiceRow(p, cn.invoiceId)['Tax Note']).toBe('Reverse charge: VAT to be paid by the recipient (Art. 196 VAT Directive)');
    expect(invoiceRow(p, cn.invoiceId)['Tax Summary']).toBe('AE 0%: -100.00 → 0.00');
  });

  it('10 EU B2B without VAT ID taxed as B2C', () => {
    const p = ports(rows({ country: 'FR' }));
    const run = runInvoicing(p, NOV);
    const d = run.drafts[0];
    // French B2C rate 20%: 100.00 → 20.00
    expect([d.net, d.tax, d.gross]).toEqual(['100.00', '20.00', '120.00']);
    expect(d.warnings).toBe('business customer in FR has no VAT ID: taxed as a consumer (no reverse charge)');
    expect(invoiceRow(p, d.invoiceId)['Warnings']).toBe('business customer in FR has no VAT ID: taxed as a consumer (no reverse charge)');
    expect(invoiceRow(p, d.invoiceId)['Tax Note']).toBe('');
  });

  it('11 zero-rated export', () => {
    const p = ports(rows({ country: 'US' }));
    const run = runInvoicing(p, NOV);
    const id = run.drafts[0].invoiceId;
    expect(totalsOf(p, id)).toEqual(['100.00', '0.00', '100.00', '0.00', '100.00']);
    const [l] = linesOf(p, id);
    expect([l['Tax Category'], String(l['Tax Rate']), l['Exemption Code']]).toEqual(['G', '0', 'VATEX-EU-G']);
    expect(invoiceRow(p, id)['Tax Note']).toBe('Export outside the EU, not taxable in Germany');
    expect(invoiceRow(p, id)['Tax Summary']).toBe('G 0%: 100.00 → 0.00');
  });

  it('a buyer country without a matching tax rule fails only that subscription', () => {
    const p = ports({
      Accounts: [account('A1', { country: 'PL', customerType: 'B2C' }), account('A2')],
      Products: [product('P1', '100.00')],
      Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A2')],
      Items: [item('I1', 'S1', 'P1'), item('I2', 'S2', 'P1')],
    });
    const run = runInvoicing(p, NOV);
    expect(run.failed.map((f) => [f.subscriptionId, f.reason])).toEqual([['S1', 'no tax rule for seller DE, buyer PL, tax class "standard", B2C on 2026-11-01: add a row to TaxRules']]);
    expect(run.drafts.map((d) => [d.subscriptionId, d.gross])).toEqual([['S2', '119.00']]);
  });

  it('a rate change inside the run applies by service date', () => {
    const p = ports({
      TaxRules: [
        { ruleId: 'OLD', sellerCountry: 'DE', buyerCountry: 'DE', taxClass: 'standard', customerType: '*', rate: 19, category: 'S', validTo: '2026-11-14' },
        { ruleId: 'NEW', sellerCountry: 'DE', buyerCountry: 'DE', taxClass: 'standard', customerType: '*', rate: 16, category: 'S', validFrom: '2026-11-15' },
      ],
      Accounts: [account('A1')],
      Products: [product('P1', '100.00')],
      Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A1', { startDate: '2026-11-15' })],
      Items: [item('I1', 'S1', 'P1'), item('I2', 'S2', 'P1')],
    });
    const run = runInvoicing(p, NOV);
    // S1 service from 11-01: 19% of 100.00 = 19.00; S2 from 11-15: 16/30 × 100.00 = 53.33, 16% = 8.5328 → 8.53
    expect(run.drafts.map((d) => [d.subscriptionId, d.net, d.tax])).toEqual([
      ['S1', '100.00', '19.00'],
      ['S2', '53.33', '8.53'],
    ]);
  });
});
