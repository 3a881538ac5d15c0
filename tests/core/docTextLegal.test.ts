// The seller's legal data in the footer of every document (§35a GmbHG, §14 UStG): register court
// and number, managing directors and the tax number (printed beside a VAT ID), labelled in the
// invoice's language; data not given leaves no label behind. Swiss invoices (Swiss seller, CHF)
// say MWST and UID (TVA and IDE in French) instead of USt. and USt-IdNr.
import { runInvoicing } from '../../src/app/runInvoicing';
import { finalizeInvoices } from '../../src/app/ledgerActions';
import { readDataset } from '../../src/app/workbook';
import { documentText, type DocText } from '../../src/core/docText';
import type { Language } from '../../src/core/model';
import { CH_TENANT, DE_TENANT, TAX_RULES, account, item, ports, product, subscription } from '../support/fixtures';

const LEGAL = { registerCourt: 'Amtsgericht Charlottenburg', registerNumber: 'HRB 123456 B', managingDirectors: 'Erika Muster, Max Muster', taxNumber: '27/123/45678' };

/** The finalized invoice of one customer in `lang`, from a tenant with `tenant` over DE_TENANT. */
function invoiceText(lang: Language, tenant: Record<string, unknown>): DocText {
  const p = ports({
    Settings: [{ ...DE_TENANT, ...tenant }],
    TaxRules: TAX_RULES,
    Accounts: [account('A1', { language: lang })],
    Products: [product('P1', '100.00')],
    Subscriptions: [subscription('S1', 'A1')],
    Items: [item('I1', 'S1', 'P1')],
  });
  expect(runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' }).failed).toEqual([]);
  expect(finalizeInvoices(p, { invoiceDate: '2026-11-30' }).failed).toEqual([]);
  const ds = readDataset(p);
  const inv = ds.invoices[0].record;
  return documentText({ invoice: inv, lines: (ds.linesByInvoice.get(inv.invoiceId) ?? []).map((l) => l.record) }, ds.tenantById.get('DE')!, ds.accounts.get('A1'));
}

describe('the legal data in the footer', () => {
  it.each([
    ['de', 'Registergericht: Amtsgericht Charlottenburg, HRB 123456 B · Geschäftsführer: Erika Muster, Max Muster · Steuernummer: 27/123/45678'],
    ['en', 'Commercial register: Amtsgericht Charlottenburg, HRB 123456 B · Managing directors: Erika Muster, Max Muster · Tax number: 27/123/45678'],
    ['fr', 'Registre du commerce: Amtsgericht Charlottenburg, HRB 123456 B · Gérants: Erika Muster, Max Muster · Numéro fiscal: 27/123/45678'],
  ] as const)('a %s invoice prints register, managing directors and the tax number beside the VAT ID', (lang, legal) => {
    const x = invoiceText(lang, LEGAL);
    expect(x.footerLines).toHaveLength(2);
    expect(x.footerLines[1]).toBe(legal);
    expect(x.footerLines[0]).toContain('DE123456789');
    expect(x.footer).toBe(x.footerLines.join('\n'));
    expect(x.fields.footer).toBe(x.footer);
    expect(x.fields).toMatchObject({ registerCourt: LEGAL.registerCourt, registerNumber: LEGAL.registerNumber, managingDirectors: LEGAL.managingDirectors, sellerTaxNumber: LEGAL.taxNumber });
  });

  it('leaves out what is not given, label and all', () => {
    expect(invoiceText('de', { registerNumber: 'HRB 9' }).footerLines[1]).toBe('Registergericht: HRB 9');
    expect(invoiceText('de', { managingDirectors: 'Erika Muster' }).footerLines[1]).toBe('Geschäftsführer: Erika Muster');
    const none = invoiceText('de', {});
    expect(none.footerLines).toEqual(['Muster GmbH · Hauptstr. 1, 10115 Berlin · Unsere USt-IdNr. DE123456789 · IBAN DE89370400440532013000']);
    expect(['Registergericht', 'Geschäftsführer', 'Steuernummer', ': ·', '·  ·'].filter((w) => none.footer.includes(w))).toEqual([]);
  });
});

describe('Swiss invoices', () => {
  /** The Swiss tenant's invoice (CHF) for a customer in `lang`. */
  function swiss(lang: Language, currency = 'CHF'): DocText {
    const p = ports({
      Settings: [{ ...CH_TENANT, street: 'Bahnhofstrasse 1', postalCode: '8001', iban: 'CH9300762011623852957' }],
      TaxRules: [{ ruleId: 'CH-S', sellerCountry: 'CH', buyerCountry: '*', taxClass: 'standard', customerType: '*', rate: 8.1, category: 'S' }],
      Accounts: [account('C1', { tenantId: 'CH', language: lang, country: 'CH', street: 'Gasse 3', postalCode: '3000', city: 'Bern', vatId: 'CHE-987.654.321 MWST', currency })],
      Products: [product('P1', '100.00', { currency })],
      Subscriptions: [subscription('S1', 'C1', { currency })],
      Items: [item('I1', 'S1', 'P1')],
    });
    const run = runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
    expect([run.failed, run.rowErrors]).toEqual([[], []]);
    expect(finalizeInvoices(p, { invoiceDate: '2026-11-30' }).failed).toEqual([]);
    const ds = readDataset(p);
    const inv = ds.invoices[0].record;
    return documentText({ invoice: inv, lines: (ds.linesByInvoice.get(inv.invoiceId) ?? []).map((l) => l.record) }, ds.tenantById.get('CH')!, ds.accounts.get('C1'));
  }

  it.each([
    ['de', 'MWST 8,1 %', 'Unsere UID', 'Ihre UID'],
    ['fr', 'TVA 8,1 %', 'Notre IDE', 'Votre IDE'],
    ['en', 'VAT 8.1 %', 'Our UID', 'Your UID'],
  ] as const)('in %s say %s, %s and %s', (lang, vat, ours, yours) => {
    const x = swiss(lang);
    expect(x.totals[1].label.startsWith(`${vat} `)).toBe(true);
    expect(x.info).toContainEqual([ours, 'CHE-123.456.789 MWST']);
    expect(x.info).toContainEqual([yours, 'CHE-987.654.321 MWST']);
    expect(x.footer).toContain(`${ours} CHE-123.456.789 MWST`);
    expect(['USt', 'VAT ID', 'USt-IdNr', 'n° TVA'].filter((w) => JSON.stringify([x.info, x.totals, x.footer]).includes(w))).toEqual([]);
  });

  it('a Swiss seller billing in EUR keeps the EU wording', () => {
    const x = swiss('de', 'EUR');
    expect(x.info).toContainEqual(['Unsere USt-IdNr.', 'CHE-123.456.789 MWST']);
  });
});
