// What the Google Docs path prints beyond the template's fields, on the built bundle and the fakes:
// the title with the invoice number in the header of every page (DocumentApp has no header for
// continuation pages only), also when a user's template has no such header; the seller's legal
// data in the footer; and a Swiss invoice's QR-bill payment part's fields as text (its QR code, an
// image above them: documentsQrCode.test.ts; README, "Swiss QR-bill").
import { FakeSpreadsheet } from '../support/gasFakes';
import { addOn, rowsOf, seedCustomers, seedTable } from '../support/gasHarness';
import { TAX_RULES } from '../support/fixtures';

const DEC_2 = Date.parse('2026-12-02T08:00:00Z');
const idOf = (url: string) => /\/d\/([\w-]+)/.exec(url)![1];

/** Invoices of `n` customers finalized and their documents made; `before` may change the workbook after setup. */
function documents(n: number, tenant: Record<string, unknown> = {}, before: (ss: FakeSpreadsheet) => void = () => {}) {
  const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: DEC_2 });
  seedCustomers(ss, n, tenant);
  const admin = addOn(ss);
  admin.exec('setupBillingSheets');
  before(ss);
  admin.exec('runInvoicing', { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-11-30' });
  expect(admin.exec('finalizeInvoices', {}).failed).toEqual([]);
  const r = admin.exec('renderDocuments', {});
  expect(r.failed).toEqual([]);
  return rowsOf(ss, 'Invoices').map((inv) => {
    const saved = ss.drive.items.get(idOf(inv['Doc URL']))!.doc!;
    return { number: inv.Number as string, payable: String(inv.Payable), header: saved.header?._text() ?? '', body: saved.body._text(), footer: saved.footer?._text() ?? '' };
  });
}

describe('continuation pages of a Google Doc', () => {
  it('the default template’s header names the document and its number on every page', () => {
    const docs = documents(2);
    expect(docs.map((d) => d.header.split('\n').filter(Boolean)[0])).toEqual(docs.map((d) => `Rechnung ${d.number}`));
  });

  it('a template without a header gets one with the title and number', () => {
    const docs = documents(1, {}, (ss) => {
      const templateId = rowsOf(ss, 'Settings')[0]['Template ID'];
      ss.drive.items.get(templateId)!.doc!.header = null;
    });
    // Docs' new header starts with an empty paragraph.
    expect(docs[0].header.split('\n').filter(Boolean)).toEqual([`Rechnung ${docs[0].number}`]);
  });
});

describe('the footer of a Google Doc', () => {
  it('prints register court and number, managing directors and the tax number', () => {
    const [doc] = documents(1, { registerCourt: 'Amtsgericht München', registerNumber: 'HRB 123456', managingDirectors: 'Erika Muster', taxNumber: '143/123/45678' });
    expect(doc.footer).toContain('Registergericht: Amtsgericht München, HRB 123456 · Geschäftsführer: Erika Muster · Steuernummer: 143/123/45678');
  });
});

describe('a Swiss invoice as a Google Doc', () => {
  it('says MWST and UID and prints the QR-bill payment part’s fields as text', () => {
    const [doc] = documents(
      1,
      { country: 'CH', currency: 'CHF', vatId: 'CHE-123.456.789 MWST', street: 'Bahnhofstrasse 1', postalCode: '8001', city: 'Zürich', iban: 'CH4431999123000889012' },
      (ss) => {
        seedTable(ss, 'TaxRules', TAX_RULES);
        seedTable(ss, 'Accounts', [{ accountId: 'A0', name: 'Kunde 0', status: 'Active', customerType: 'B2B', country: 'CH', street: 'Gasse 3', postalCode: '3000', city: 'Bern' }]);
      },
    );
    expect(doc.body).toContain('MWST 8,1 %');
    expect(doc.body).toContain('Unsere UID: CHE-123.456.789 MWST');
    const qr = doc.body.slice(doc.body.indexOf('Zahlteil'));
    expect(qr.split('\n').slice(0, 6)).toEqual([
      'Zahlteil',
      'Konto / Zahlbar an: CH44 3199 9123 0008 8901 2 · Muster GmbH, Bahnhofstrasse 1, 8001 Zürich',
      // QR reference: the number's digits 202600001, zero-padded to 26, and the check digit 4.
      'Referenz: 00 00000 00000 00000 20260 00014',
      `Zusätzliche Informationen: ${doc.number}`,
      'Zahlbar durch: Kunde 0, Gasse 3, 3000 Bern',
      `Währung: CHF · Betrag: ${Number(doc.payable).toFixed(2)}`,
    ]);
  });
});
