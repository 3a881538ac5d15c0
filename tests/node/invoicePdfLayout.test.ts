// The header block of an invoice PDF (sender, address window, invoice data, title) read back with
// pdf.js: no two text runs overlap, in every language, with the longest values a document prints
// (an English service period, long labels, references at their limit). English invoices with a
// long service period used to print "2026" over the VAT ID.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderInvoicePdf } from '../../src/node/invoicePdf';
import { D } from '../../src/core/money';
import type { InvoiceDoc, Language, Tenant } from '../../src/core/model';
import { DE_TENANT } from '../support/fixtures';
import { inspectPdf, type TextItem } from '../support/pdfInspect';

const out = mkdtempSync(join(tmpdir(), 'billing-layout-'));

const tenant = {
  ...DE_TENANT,
  legalName: 'Muster Software GmbH',
  email: 'rechnungen@muster-software.example',
  phone: '+49 30 1234567890',
  bic: 'COBADEFFXXX',
  bankName: 'Commerzbank',
} as unknown as Tenant;

/** An invoice with every info row filled, `ref` as order and buyer reference. */
function longest(lang: Language, ref: string): InvoiceDoc {
  return {
    invoice: {
      invoiceId: 'I-000004',
      key: 'K',
      type: 'invoice',
      status: 'Open',
      number: 'RE-2026-00004',
      tenantId: 'DE',
      accountId: 'K-10000000042',
      invoiceDate: '2026-12-01',
      dueDate: '2026-12-15',
      periodStart: '2026-11-01',
      periodEnd: '2026-11-30',
      currency: 'EUR',
      language: lang,
      net: new D('100.00'),
      tax: new D('19.00'),
      gross: new D('119.00'),
      rounding: new D(0),
      payable: new D('119.00'),
      buyerName: 'Bäckerei Müller & Söhne Kommanditgesellschaft',
      buyerAddress: 'Marktplatz 3, Hinterhaus, 80331 München',
      buyerCountry: 'DE',
      buyerVatId: 'ATU12345678',
      orderReference: ref,
      buyerReference: ref,
    },
    lines: [
      {
        invoiceId: 'I-000004',
        lineNo: 1,
        kind: 'recurring',
        description: 'Cloud Plan S',
        serviceStart: '2026-11-16',
        serviceEnd: '2026-12-31',
        quantity: new D(1),
        unit: 'MON',
        unitPrice: new D('100.00'),
        net: new D('100.00'),
        taxCategory: 'S',
        taxRate: new D(19),
      },
    ],
  };
}

/** The box a text run covers: from its baseline up by its font height, a fifth of it below for descenders. */
const box = (t: TextItem) => ({ left: t.x, right: t.x + t.width, top: t.baseline - t.height * 0.8, bottom: t.baseline + t.height * 0.2 });

function overlaps(items: TextItem[]): string[] {
  const found: string[] = [];
  const slack = 0.5;
  items.forEach((a, i) => {
    for (const b of items.slice(i + 1)) {
      const p = box(a);
      const q = box(b);
      if (Math.min(p.right, q.right) - Math.max(p.left, q.left) > slack && Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top) > slack) found.push(`"${a.str}" × "${b.str}"`);
    }
  });
  return found;
}

describe.each(['de', 'en', 'fr'] as Language[])('the header block of a %s invoice', (lang) => {
  it.each([
    ['usual references', 'PO-2026-000123456789'],
    ['references at their limit', `${'LEITWEG-ID-04011000-1234512345-06 '.repeat(2)}${'X'.repeat(32)}`],
  ])('has no overlapping text with %s', async (_what, ref) => {
    const path = join(out, `${lang}-${ref.length}.pdf`);
    writeFileSync(path, await renderInvoicePdf(longest(lang, ref), { tenant, now: new Date('2026-12-01T09:00:00Z') }));
    const view = inspectPdf(path);
    const page = view.items[0];
    const title = page.find((t) => t.str.includes('RE-2026-00004') && t.height > 12);
    expect(title).toBeDefined();
    // Everything above the line table: the sender block, the address window, the invoice data and the title.
    const header = page.filter((t) => t.baseline <= title!.baseline);
    expect(header.length).toBeGreaterThan(15);
    expect(overlaps(header)).toEqual([]);
  });
});
