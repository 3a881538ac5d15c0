// What the local PDF prints beyond the invoice itself, read back with pdf.js: the seller's legal
// data in the footer of every page, and on a Swiss invoice the QR-bill payment part drawn by the
// swissqrbill library from the core's fields (the same "SPC" payload as src/core/swissQr.ts makes).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { qrBillData, renderInvoicePdf } from '../../src/node/invoicePdf';
import { D } from '../../src/core/money';
import type { InvoiceDoc, Language, Tenant } from '../../src/core/model';
import { spcPayload, swissQrBill } from '../../src/core/swissQr';
import { DE_TENANT } from '../support/fixtures';
import { inspectPdf } from '../support/pdfInspect';

const out = mkdtempSync(join(tmpdir(), 'billing-legal-'));
const NOW = new Date('2026-12-01T09:00:00Z');

function doc(o: { currency: string; lang: Language; lines?: number; number?: string }): InvoiceDoc {
  const n = o.lines ?? 1;
  return {
    invoice: {
      invoiceId: 'I-000001',
      key: 'K',
      type: 'invoice',
      status: 'Open',
      number: o.number ?? 'RE-2026-00001',
      tenantId: 'T',
      accountId: 'K-1',
      invoiceDate: '2026-11-30',
      dueDate: '2026-12-30',
      currency: o.currency,
      language: o.lang,
      net: new D(100 * n),
      tax: new D(8.1 * n),
      gross: new D(108.1 * n),
      rounding: new D(0),
      payable: new D(108.1 * n),
      buyerName: 'Kunde AG',
      buyerAddress: 'Gasse 3, 3000 Bern',
      buyerCountry: 'CH',
    },
    lines: Array.from({ length: n }, (_x, i) => ({
      invoiceId: 'I-000001',
      lineNo: i + 1,
      kind: 'recurring' as const,
      description: `Plan ${i + 1}`,
      quantity: new D(1),
      unitPrice: new D(100),
      net: new D(100),
      taxCategory: 'S' as const,
      taxRate: new D(8.1),
    })),
  };
}

const LEGAL = { registerCourt: 'Amtsgericht Charlottenburg', registerNumber: 'HRB 123456 B', managingDirectors: 'Erika Muster, Max Muster', taxNumber: '27/123/45678' };

async function render(name: string, d: InvoiceDoc, tenant: Tenant) {
  const path = join(out, `${name}.pdf`);
  writeFileSync(path, await renderInvoicePdf(d, { tenant, now: NOW }));
  return { path, view: inspectPdf(path) };
}

describe('the legal data in the PDF footer', () => {
  it('prints register court and number, managing directors and the tax number on every page, beside the VAT ID', async () => {
    const { view } = await render('legal', doc({ currency: 'EUR', lang: 'de', lines: 40 }), { ...DE_TENANT, ...LEGAL } as unknown as Tenant);
    expect(view.pages.length).toBeGreaterThan(1);
    const line = 'Registergericht: Amtsgericht Charlottenburg, HRB 123456 B · Geschäftsführer: Erika Muster, Max Muster · Steuernummer: 27/123/45678';
    expect(view.pages.map((p) => [p.includes(line), p.includes('Unsere USt-IdNr. DE123456789')])).toEqual(view.pages.map(() => [true, true]));
  });

  it('wraps legal data too long for one line within the page, above the page number', async () => {
    const many = {
      ...LEGAL,
      registerCourt: 'Amtsgericht Berlin-Charlottenburg, Abteilung für Handelssachen',
      managingDirectors: 'Erika Mustermann-Schmidt, Maximilian von Musterhausen, Friederike Beispielsfrau, Hans-Joachim Obermüller, Anna-Lena Beispielmann, Konstantin Allerlei',
    };
    const { view } = await render('longlegal', doc({ currency: 'EUR', lang: 'de' }), { ...DE_TENANT, ...many } as unknown as Tenant);
    const MM = 72 / 25.4;
    const page = view.items[0];
    const pageNo = page.find((t) => t.str.startsWith('Seite 1'))!;
    const footer = page.filter((t) => t.baseline > 260 * MM && t !== pageNo && t.str.trim());
    expect(footer.map((t) => t.str).join(' ')).toContain('Konstantin Allerlei');
    // Within the text column (20 mm to 195 mm), and above the page number.
    expect(footer.filter((t) => t.x < 19.5 * MM || t.x + t.width > 195.5 * MM || t.baseline + 0.2 * t.height > pageNo.baseline - 0.8 * pageNo.height).map((t) => t.str)).toEqual([]);
  });

  it('prints no label of data not given', async () => {
    const { view } = await render('nolegal', doc({ currency: 'EUR', lang: 'de' }), DE_TENANT as unknown as Tenant);
    expect(['Registergericht', 'Geschäftsführer', 'Steuernummer'].filter((w) => view.pages[0].includes(w))).toEqual([]);
  });
});

describe('the Swiss QR-bill on the PDF', () => {
  const CH = { tenantId: 'T', legalName: 'Beispiel AG', street: 'Bahnhofstrasse 1', postalCode: '8001', city: 'Zürich', country: 'CH', currency: 'CHF', vatId: 'CHE-123.456.789 MWST' } as Tenant;

  it('the library gets the core’s fields and encodes the same SPC payload', () => {
    const r = swissQrBill(doc({ currency: 'CHF', lang: 'de' }).invoice, { ...CH, iban: 'CH44 3199 9123 0008 8901 2' });
    if (!('bill' in r)) throw new Error(r.problem);
    // The library's own payload builder, inside node_modules/swissqrbill/lib/cjs (not among its
    // package exports, so loaded by path from the folder that holds its pdf entry).
    const libDir = dirname(dirname(require.resolve('swissqrbill/pdf')));
    const lib = createRequire(__filename)(join(libDir, 'shared', 'qr-code.cjs')) as { generateQRData(d: unknown): string };
    expect(lib.generateQRData(qrBillData(r.bill))).toBe(spcPayload(r.bill));
  });

  it.each([
    [
      'de',
      ['Zahlteil', 'Empfangsschein', 'Konto / Zahlbar an', 'CH44 3199 9123 0008 8901 2', 'Referenz', '00 00000 00000 00000 02026 00013', 'Zahlbar durch', 'Kunde AG', 'CHF', '108.10', 'MWST 8,1 %'],
    ],
    ['fr', ['Section paiement', 'Récépissé', 'Compte / Payable à', 'CH44 3199 9123 0008 8901 2', 'TVA 8,1 %']],
    ['en', ['Payment part', 'Receipt', 'Account / Payable to', 'CH44 3199 9123 0008 8901 2', 'VAT 8.1 %']],
  ] as const)('in %s, on a page of its own after the invoice, in embedded fonts', async (lang, words) => {
    const { path, view } = await render(`ch-${lang}`, doc({ currency: 'CHF', lang, number: 'CH-2026-0001' }), { ...CH, iban: 'CH4431999123000889012' });
    expect(view.pages).toHaveLength(2);
    const last = view.pages[1];
    expect(words.filter((w) => !view.pages.join('\n').includes(w))).toEqual([]);
    expect(last).toContain('CH-2026-0001');
    // PDF/A: no standard-14 font (the library's default Helvetica) slipped in.
    expect(/\/Subtype \/Type1\b/.test(readFileSync(path, 'latin1'))).toBe(false);
  });

  it('a Swiss seller without a Swiss IBAN gets no payment part (the draft warning says so)', async () => {
    const { view } = await render('ch-noiban', doc({ currency: 'CHF', lang: 'de' }), { ...CH, iban: 'DE89370400440532013000' });
    expect(view.pages).toHaveLength(1);
    expect(view.pages[0]).not.toContain('Zahlteil');
  });
});
