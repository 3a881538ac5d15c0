// The German e-invoice mandate: from invoice dates on or after 2027-01-01 (small issuers:
// 2028-01-01) a German tenant's domestic B2B invoices get an e-invoice by default; an explicit
// format still wins, but "none" needs a reason in Accounts E-Invoice Opt-Out. Checked on the choice
// itself (core), on drafts (their Warnings) and on the documents step both hosts run (the XML made,
// the Log rows).
import { runInvoicing } from '../../src/app/runInvoicing';
import { createManualInvoice, finalizeInvoices } from '../../src/app/ledgerActions';
import { renderDocuments } from '../../src/app/delivery';
import { readDataset } from '../../src/app/workbook';
import { eInvoiceChoice, formatFor, underMandate } from '../../src/core/einvoice';
import type { Account, Tenant } from '../../src/core/model';
import { CapturingDocs } from '../support/einvoiceCases';
import { DE_TENANT, account, item, ports, product, subscription, table, type Rows } from '../support/fixtures';

const SELLER = { ...DE_TENANT, email: 'rechnung@muster.example', phone: '+49 30 1234567' };
const LEITWEG = '04011000-12345-67';
const invoiceContact = (accountId: string, email: string) => ({ contactId: `C-${accountId}`, accountId, email, role: 'invoice' });

/** Tenant and accounts as the engine reads them from the sheets. */
function parties(tenant: Record<string, unknown>, accounts: Record<string, unknown>[]): { t: Tenant; a: (id: string) => Account } {
  const ds = readDataset(ports({ Settings: [{ ...SELLER, ...tenant }], Accounts: accounts as Rows['Accounts'] }));
  expect(ds.errors).toEqual([]);
  return { t: ds.tenants[0], a: (id) => ds.accounts.get(id)! };
}

describe('the choice of e-invoice under the German mandate', () => {
  const { t, a } = parties({}, [
    account('B2B'),
    account('LW', { buyerReference: LEITWEG }),
    account('B2C', { customerType: 'B2C' }),
    account('AT', { country: 'AT', vatId: 'ATU12345678' }),
    account('CII', { eInvoiceFormat: 'xrechnung-cii' }),
    account('NONE', { eInvoiceFormat: 'none' }),
    account('OPT', { eInvoiceFormat: 'none', eInvoiceOptOut: 'Kleinbetragsrechnungen bis 250 EUR (§ 33 UStDV)' }),
  ]);
  const on = (date: string) => ({ invoiceDate: date });

  it('a domestic B2B invoice gets Factur-X from 2027-01-01, XRechnung UBL with a Leitweg-ID; none the day before', () => {
    expect([formatFor(t, a('B2B'), on('2026-12-31')), formatFor(t, a('B2B'), on('2027-01-01'))]).toEqual(['none', 'zugferd']);
    expect([formatFor(t, a('LW'), on('2026-12-31')), formatFor(t, a('LW'), on('2027-01-01'))]).toEqual(['xrechnung-ubl', 'xrechnung-ubl']);
    expect(underMandate(t, a('B2B'), on('2027-01-01'))).toBe(true);
  });

  it('consumers, foreign buyers and foreign sellers are outside it', () => {
    expect(['B2C', 'AT'].map((id) => formatFor(t, a(id), on('2027-03-01')))).toEqual(['none', 'none']);
    const ch = parties({ tenantId: 'CH', country: 'CH', currency: 'CHF', vatId: 'CHE-123.456.789 MWST' }, [account('X', { tenantId: 'CH' })]);
    expect(formatFor(ch.t, ch.a('X'), on('2027-03-01'))).toBe('none');
  });

  it('the invoice as issued decides, not the account today: a buyer invoiced in Austria stays outside', () => {
    expect(eInvoiceChoice(t, a('B2B'), { invoiceDate: '2027-02-01', invoice: { buyerCountry: 'AT', customerType: 'B2B' } }).format).toBe('none');
    expect(eInvoiceChoice(t, a('AT'), { invoiceDate: '2027-02-01', invoice: { buyerCountry: 'DE', customerType: 'B2B' } }).format).toBe('zugferd');
  });

  it("small issuers (E-Invoice Transition small-issuer) start on 2028-01-01; 'standard' is the default", () => {
    const small = parties({ eInvoiceTransition: 'small-issuer' }, [account('B2B')]);
    expect(['2027-01-01', '2027-12-31', '2028-01-01'].map((d) => formatFor(small.t, small.a('B2B'), on(d)))).toEqual(['none', 'none', 'zugferd']);
    const standard = parties({ eInvoiceTransition: 'standard' }, [account('B2B')]);
    expect(formatFor(standard.t, standard.a('B2B'), on('2027-01-01'))).toBe('zugferd');
  });

  it("an explicit format wins, the account's over the tenant's", () => {
    expect(formatFor(t, a('CII'), on('2027-01-01'))).toBe('xrechnung-cii');
    const tenantCii = parties({ eInvoiceFormat: 'xrechnung-cii' }, [account('B2B'), account('Z', { eInvoiceFormat: 'zugferd' })]);
    expect([formatFor(tenantCii.t, tenantCii.a('B2B'), on('2027-01-01')), formatFor(tenantCii.t, tenantCii.a('Z'), on('2027-01-01'))]).toEqual(['xrechnung-cii', 'zugferd']);
  });

  it("'none' without a reason under the mandate: the default e-invoice and a warning naming the Accounts row, column and account", () => {
    const c = eInvoiceChoice(t, a('NONE'), { invoiceDate: '2027-01-01', accountRow: 7 });
    expect(c.format).toBe('zugferd');
    expect(c.optOut).toBeUndefined();
    expect(c.warning).toMatch(/^Accounts row 7, column E-Invoice Opt-Out \(account NONE\): E-Invoice Format is "none", but the German e-invoice mandate applies/);
    expect(c.warning).toContain('dated 2027-01-01');
    // Before the mandate 'none' is just none.
    expect(eInvoiceChoice(t, a('NONE'), on('2026-12-31'))).toEqual({ format: 'none', mandated: false });
  });

  it("'none' with a reason: no e-invoice, the reason kept", () => {
    expect(eInvoiceChoice(t, a('OPT'), on('2027-01-01'))).toEqual({ format: 'none', mandated: true, optOut: 'Kleinbetragsrechnungen bis 250 EUR (§ 33 UStDV)' });
  });

  it("a tenant-wide 'none' needs the account's reason too", () => {
    const off = parties({ eInvoiceFormat: 'none' }, [account('B2B'), account('OPT', { eInvoiceOptOut: 'Kleinbetragsrechnung' })]);
    const c = eInvoiceChoice(off.t, off.a('B2B'), on('2027-01-01'));
    expect([c.format, c.warning?.includes('E-Invoice Format is "none" in Settings (DE)')]).toEqual(['zugferd', true]);
    expect(eInvoiceChoice(off.t, off.a('OPT'), on('2027-01-01')).format).toBe('none');
  });
});

describe('the mandate in a run, on drafts and in the documents step', () => {
  // Accounts rows: 2 A-PLAIN, 3 A-NONE (none, no reason), 4 A-OPT (none with reason), 5 A-LW (Leitweg-ID), 6 A-B2C.
  const rows: Rows = {
    Settings: [SELLER],
    Accounts: [
      account('A-PLAIN'),
      account('A-NONE', { eInvoiceFormat: 'none' }),
      account('A-OPT', { eInvoiceFormat: 'none', eInvoiceOptOut: 'Kleinbetragsrechnungen (§ 33 UStDV)' }),
      account('A-LW', { buyerReference: LEITWEG }),
      account('A-B2C', { customerType: 'B2C' }),
    ],
    Contacts: ['A-PLAIN', 'A-NONE', 'A-OPT', 'A-LW', 'A-B2C'].map((id) => invoiceContact(id, `ap-${id.toLowerCase()}@kunde.example`)),
    Products: [product('P1', '100.00')],
    Subscriptions: ['A-PLAIN', 'A-NONE', 'A-OPT', 'A-LW', 'A-B2C'].map((id) => subscription(`S-${id}`, id, { startDate: '2026-12-01' })),
    Items: ['A-PLAIN', 'A-NONE', 'A-OPT', 'A-LW', 'A-B2C'].map((id) => item(`I-${id}`, `S-${id}`, 'P1')),
  };

  function cycle(invoiceDate: string) {
    const p = ports(rows, `${invoiceDate}T09:00:00Z`);
    runInvoicing(p, { periodStart: '2026-12-01', periodEnd: '2026-12-31', invoiceDate });
    const warnings = Object.fromEntries(table(p, 'Invoices').map((r) => [r['Account ID'], String(r.Warnings ?? '')]));
    expect(finalizeInvoices(p, {}).failed).toEqual([]);
    const docs = new CapturingDocs();
    const report = renderDocuments(p, docs);
    expect(report.failed).toEqual([]);
    const byAccount = Object.fromEntries(table(p, 'Invoices').map((r) => [r['Account ID'], docs.kindOf(String(r.Number))]));
    const log = table(p, 'Log').filter((r) => r.Action === 'e-invoice');
    return { warnings, byAccount, log };
  }

  it('invoices dated 2026-12-31: e-invoices only where the sheets ask for them, no notes', () => {
    const r = cycle('2026-12-31');
    expect(r.byAccount).toEqual({ 'A-PLAIN': 'none', 'A-NONE': 'none', 'A-OPT': 'none', 'A-LW': 'xml', 'A-B2C': 'none' });
    expect(Object.values(r.warnings).filter(Boolean)).toEqual([]);
    expect(r.log).toEqual([]);
  });

  it('invoices dated 2027-01-01: every domestic B2B invoice gets one but the opted-out; the missing reason is a Warning and a Log row', () => {
    const r = cycle('2027-01-01');
    expect(r.byAccount).toEqual({ 'A-PLAIN': 'zugferd', 'A-NONE': 'zugferd', 'A-OPT': 'none', 'A-LW': 'xml', 'A-B2C': 'none' });
    expect(r.warnings['A-NONE']).toMatch(/^Accounts row 3, column E-Invoice Opt-Out \(account A-NONE\): E-Invoice Format is "none", but the German e-invoice mandate applies/);
    expect(r.warnings['A-OPT']).toContain('account A-OPT opted out (E-Invoice Opt-Out: Kleinbetragsrechnungen (§ 33 UStDV))');
    expect(['A-PLAIN', 'A-LW', 'A-B2C'].map((id) => r.warnings[id])).toEqual(['', '', '']);
    expect(r.log.map((l) => String(l.Details).slice(0, 40)).sort()).toEqual(['Accounts row 3, column E-Invoice Opt-Out', 'no e-invoice although the German e-invoi']);
  });

  it('a manual draft dated 2027-01-01 for an account with "none" and no reason carries the same Warning; a pro-forma none', () => {
    const p = ports(rows, '2027-01-01T09:00:00Z');
    const line = { description: 'Beratung', quantity: 1, unitPrice: '500' };
    const manual = createManualInvoice(p, { accountId: 'A-NONE', invoiceDate: '2027-01-01', lines: [line] });
    expect(manual.warnings).toMatch(/^Accounts row 3, column E-Invoice Opt-Out \(account A-NONE\)/);
    expect(createManualInvoice(p, { accountId: 'A-NONE', type: 'pro_forma', invoiceDate: '2027-01-01', lines: [line] }).warnings).toBeUndefined();
  });
});
