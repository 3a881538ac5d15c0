// Credit notes a tax adviser accepts: German "Rechnungskorrektur" (a cancellation "Stornorechnung",
// never "Gutschrift", which is self-billing in German VAT law), English "Credit note", French
// "Avoir"; their own labels; the original invoice's number and date, the reason, and the service
// period of what is credited.
import { runInvoicing } from '../../src/app/runInvoicing';
import { cancelInvoice, creditInvoice, finalizeInvoices } from '../../src/app/ledgerActions';
import { readDataset } from '../../src/app/workbook';
import { documentText, type DocText } from '../../src/core/docText';
import type { Invoice, InvoiceDoc } from '../../src/core/model';
import { DE_TENANT, TAX_RULES, account, item, ports, product, subscription } from '../support/fixtures';

type P = ReturnType<typeof ports>;

/** One customer per language; S1 bills 15.11.–31.12.2026 (the rest of the quarter). */
function world(lang: 'de' | 'en' | 'fr'): P {
  const p = ports({
    Settings: [DE_TENANT],
    TaxRules: TAX_RULES,
    Accounts: [account('A1', { language: lang })],
    Products: [product('P1', '100.00')],
    Subscriptions: [subscription('S1', 'A1', { startDate: '2026-11-15', billingPeriod: 'quarterly', alignment: 'calendar' })],
    Items: [item('I1', 'S1', 'P1')],
  });
  const run = runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
  expect([run.failed, run.rowErrors]).toEqual([[], []]);
  expect(finalizeInvoices(p, { invoiceDate: '2026-11-20' }).failed).toEqual([]);
  return p;
}

/** The credit note's document text as delivery makes it: with the invoice it credits and the reason. */
function creditText(p: P, reason?: string): { x: DocText; original: Invoice } {
  const ds = readDataset(p);
  const doc = (inv: Invoice): InvoiceDoc => ({ invoice: inv, lines: (ds.linesByInvoice.get(inv.invoiceId) ?? []).map((l) => l.record) });
  const note = ds.invoices.map((r) => r.record).find((i) => i.type === 'credit_note');
  const original = ds.invoices.map((r) => r.record).find((i) => i.invoiceId === note?.originalInvoiceId);
  if (!note || !original) throw new Error('no credit note');
  return { x: documentText(doc(note), ds.tenantById.get(note.tenantId)!, ds.accounts.get(note.accountId), { original: doc(original), reason }), original };
}

describe('credit note documents', () => {
  it('a German partial credit is a "Rechnungskorrektur" with Korrekturnummer, Datum, the original number and date, the reason and the credited period', () => {
    const p = world('de');
    expect(creditInvoice(p, { invoiceId: 'I-000001', amount: '20', reason: 'Ausfall 3 Tage' }).failed).toEqual([]);
    const { x, original } = creditText(p, 'Ausfall 3 Tage');
    expect(original.number).toBe('INV-2026-00001');
    expect(x.title).toBe('Rechnungskorrektur CN-2026-00001');
    expect(x.fields.type).toBe('Rechnungskorrektur');
    expect(x.credits).toBe('Korrektur zur Rechnung INV-2026-00001 vom 20.11.2026\nGrund: Ausfall 3 Tage');
    expect(x.info).toEqual([
      ['Korrekturnummer', 'CN-2026-00001'],
      ['Datum', '30.11.2026'],
      ['Kundennummer', 'A1'],
      ['Ursprüngliche Rechnung', 'INV-2026-00001'],
      ['Datum der Rechnung', '20.11.2026'],
      ['Leistungszeitraum', '15.11.2026 – 31.12.2026'],
      ['Unsere USt-IdNr.', 'DE123456789'],
    ]);
    const all = JSON.stringify([x.title, x.credits, x.info, x.lines, x.totals, x.notes, x.payment, x.footer]);
    expect(['Gutschrift', 'Rechnungsnummer', 'Fällig am', '01.11.2026 – 30.11.2026'].filter((w) => all.includes(w))).toEqual([]);
  });

  it('a German cancellation is a "Stornorechnung" that names the cancelled invoice and its date', () => {
    const p = world('de');
    expect(cancelInvoice(p, { invoiceId: 'I-000001', reason: 'falscher Kunde' }).failed).toEqual([]);
    const { x } = creditText(p, 'falscher Kunde');
    expect(x.title).toBe('Stornorechnung CN-2026-00001');
    expect(x.credits).toBe('Storno der Rechnung INV-2026-00001 vom 20.11.2026\nGrund: falscher Kunde');
    expect(x.fields.servicePeriod).toBe('15.11.2026 – 31.12.2026');
    expect(JSON.stringify([x.title, x.credits, x.info, x.lines])).not.toContain('Gutschrift');
  });

  it('English "Credit note" and French "Avoir" with the original number and date', () => {
    const en = world('en');
    expect(creditInvoice(en, { invoiceId: 'I-000001', amount: '20' }).failed).toEqual([]);
    const e = creditText(en).x;
    expect([e.title, e.credits]).toEqual(['Credit note CN-2026-00001', 'Credit note for invoice INV-2026-00001 of 20 Nov 2026']);
    expect(e.info.slice(0, 2)).toEqual([
      ['Credit note number', 'CN-2026-00001'],
      ['Date', '30 Nov 2026'],
    ]);
    expect(e.info).toContainEqual(['Service period', '15 Nov 2026 – 31 Dec 2026']);
    const fr = world('fr');
    expect(cancelInvoice(fr, { invoiceId: 'I-000001' }).failed).toEqual([]);
    const f = creditText(fr).x;
    expect([f.title, f.credits]).toEqual(['Avoir CN-2026-00001', 'Annulation de la facture INV-2026-00001 du 20/11/2026']);
    expect(f.info.slice(0, 2)).toEqual([
      ["Numéro d'avoir", 'CN-2026-00001'],
      ['Date', '30/11/2026'],
    ]);
  });
});
