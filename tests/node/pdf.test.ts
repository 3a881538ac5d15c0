// Invoice PDFs read back with a PDF reader (pdf.js): number, totals, recipient, tax notes,
// payment details, page numbers and repeated table headers, the draft watermark, files per tenant.
import { existsSync, mkdtempSync, readFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInvoicing } from '../../src/app/runInvoicing';
import { finalizeInvoices } from '../../src/app/ledgerActions';
import { previewDrafts, renderFinalPdfs } from '../../src/node/documents';
import { memoryPorts } from '../../src/node/memoryHost';
import { renderInvoicePdf } from '../../src/node/invoicePdf';
import { coreDemoRows as demoRows } from '../../sheets-templates/demoData';
import { oneInvoiceDoc, oneTenant, workbook } from '../support/fixtures';
import { inspectPdf } from '../support/pdfInspect';
import { D } from '../../src/core/money';
import type { InvoiceDoc, Tenant } from '../../src/core/model';

describe('invoice PDFs', () => {
  const out = mkdtempSync(join(tmpdir(), 'billing-pdf-'));
  const p = memoryPorts(workbook(demoRows()), { now: () => new Date('2026-12-01T09:00:00Z') });
  runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-12-01' });

  it('previews drafts with a DRAFT watermark and no number', async () => {
    const files = await previewDrafts(p, out, ['I-000001']);
    const { pages } = inspectPdf(files[0].path);
    expect(pages[0]).toContain('ENTWURF');
    expect(pages[0]).toContain('Bäckerei Müller & Söhne KG');
    expect(pages[0]).not.toMatch(/RE-2026-\d+/);
  });

  it('renders finalized invoices into <tenant>/<yyyy>/<mm>/ with number, recipient, totals and payment details', async () => {
    finalizeInvoices(p, {});
    const files = await renderFinalPdfs(p, out);
    expect(files.map((f) => f.path.slice(out.length + 1))).toEqual([
      'DE/2026/12/RE-2026-00001_2026-12-01.pdf',
      'DE/2026/12/RE-2026-00002_2026-12-01.pdf',
      'DE/2026/12/RE-2026-00003_2026-12-01.pdf',
      'DE/2026/12/RE-2026-00004_2026-12-01.pdf',
      'DE/2026/12/RE-2026-00005_2026-12-01.pdf',
      'DE/2026/12/RE-2026-00006_2026-12-01.pdf',
      'CH/2026/12/CH-2026-0001_2026-12-01.pdf',
      'CH/2026/12/CH-2026-0002_2026-12-01.pdf',
    ]);
    const first = inspectPdf(files[0].path);
    expect(first.title).toBe('Rechnung RE-2026-00001');
    const text = first.pages[0];
    for (const s of [
      'Rechnung RE-2026-00001',
      'Bäckerei Müller & Söhne KG',
      'Marktplatz 3',
      '80331 München',
      '01.12.2026',
      '15.12.2026',
      '624,97 EUR',
      '118,74 EUR',
      '743,71 EUR',
      'DE298765432',
      'IBAN DE89370400440532013000',
      'Seite 1 von 1',
      '01.11.2026 – 30.11.2026',
    ]) {
      expect(text).toContain(s);
    }
    expect(text).not.toContain('ENTWURF');
    // Reverse charge: the legal note is printed.
    expect(inspectPdf(files[1].path).pages[0]).toContain('Reverse Charge');
    // French customer: French words and number format.
    expect(inspectPdf(files[2].path).pages[0]).toMatch(/Facture RE-2026-00003[\s\S]*1\s500,00 EUR/);
    // Swiss francs with cash rounding shown on its own.
    expect(inspectPdf(files[6].path).pages[0]).toMatch(/Rundung 0,01 CHF[\s\S]*Zahlbetrag 125,45 CHF/);
  });

  it('records the files in the ledger, skips them next time and makes a deleted one again', async () => {
    expect(await renderFinalPdfs(p, out)).toEqual([]);
    const path = p.tables.objects('Invoices')[0]['PDF URL'] as string;
    expect(existsSync(path)).toBe(true);
    unlinkSync(path);
    expect((await renderFinalPdfs(p, out)).map((f) => f.path)).toEqual([path]);
  });

  it('repeats the table header on every page, numbers the pages and names the invoice on continuation pages', async () => {
    const tenant = { tenantId: 'DE', legalName: 'Muster GmbH', country: 'DE', currency: 'EUR', language: 'en' } as Tenant;
    const lines = Array.from({ length: 60 }, (_, i) => ({
      invoiceId: 'I-1',
      lineNo: i + 1,
      kind: 'manual' as const,
      description: `Consulting day ${i + 1}`,
      quantity: new D(1),
      unitPrice: new D('100'),
      net: new D('100.00'),
      taxCategory: 'S' as const,
      taxRate: new D(19),
    }));
    const doc: InvoiceDoc = {
      invoice: {
        invoiceId: 'I-1',
        key: 'M',
        type: 'invoice',
        status: 'Open',
        number: 'INV-1',
        tenantId: 'DE',
        accountId: 'A',
        currency: 'EUR',
        language: 'en',
        net: new D('6000.00'),
        tax: new D('1140.00'),
        gross: new D('7140.00'),
        rounding: new D(0),
        payable: new D('7140.00'),
        buyerName: 'Big Buyer Ltd',
      },
      lines,
    };
    const path = join(out, 'long.pdf');
    require('node:fs').writeFileSync(path, await renderInvoicePdf(doc, { tenant }));
    const { pages } = inspectPdf(path);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    pages.forEach((t, i) => {
      expect(t).toContain(`Page ${i + 1} of ${pages.length}`);
      expect(t).toMatch(/No\. Description Qty Unit Unit price Disc\. Net/);
      if (i > 0) expect([i, t.includes('Invoice INV-1 – continued')]).toEqual([i, true]);
    });
    expect(pages.join(' ')).toContain('Consulting day 60');
    expect(pages[pages.length - 1]).toContain('EUR 7,140.00');
  });
});

describe('long texts on the PDF', () => {
  it('a 5,000-character seller and buyer name: the author and both printed names stop at 200 characters with "…"', async () => {
    const out = mkdtempSync(join(tmpdir(), 'billing-pdf-names-'));
    const seller = `Supplier${' und Söhne'.repeat(500)}`;
    const buyer = `Buyer${' & Partner'.repeat(500)}`;
    const doc = oneInvoiceDoc();
    doc.invoice.buyerName = buyer;
    const path = join(out, 'names.pdf');
    require('node:fs').writeFileSync(path, await renderInvoicePdf(doc, { tenant: { ...oneTenant, legalName: seller } }));
    const { info, pages } = inspectPdf(path);
    const cut = (s: string) => `${s.slice(0, 199).trimEnd()}…`;
    const author = String(info.Author);
    expect({ length: author.length, whole: author === cut(seller), end: author.slice(-20), title: info.Title }).toEqual({
      length: cut(seller).length,
      whole: true,
      end: cut(seller).slice(-20),
      title: 'Invoice X-1',
    });
    const text = pages
      .join(' ')
      .replace(/\u200B/g, '')
      .replace(/\s+/g, ' ');
    const ends = (s: string) => cut(s).slice(-40);
    expect({ seller: text.includes(ends(seller)), buyer: text.includes(ends(buyer)) }).toEqual({ seller: true, buyer: true });
    expect(text.length).toBeLessThan(3000);
  });
});

describe('logo', () => {
  /** A 4×2 PNG in one color, made by hand (signature, IHDR, IDAT, IEND). */
  function png(): Buffer {
    const zlib = require('node:zlib') as typeof import('node:zlib');
    const crcTable = Array.from({ length: 256 }, (_, n) => {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      return c >>> 0;
    });
    const crc = (b: Buffer) => {
      let c = 0xffffffff;
      for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
      return (c ^ 0xffffffff) >>> 0;
    };
    const chunk = (type: string, data: Buffer) => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(data.length);
      const body = Buffer.concat([Buffer.from(type), data]);
      const sum = Buffer.alloc(4);
      sum.writeUInt32BE(crc(body));
      return Buffer.concat([len, body, sum]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(4, 0);
    ihdr.writeUInt32BE(2, 4);
    ihdr.set([8, 2, 0, 0, 0], 8);
    const raw = Buffer.concat([0, 1].map(() => Buffer.from([0, ...new Array(4).fill([20, 60, 160]).flat()])));
    return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
  }

  it("puts the tenant's logo on the invoice when Settings names a file, and renders without it when the file is broken or gone", async () => {
    const out = mkdtempSync(join(tmpdir(), 'billing-logo-'));
    const logo = join(out, 'logo.png');
    require('node:fs').writeFileSync(logo, png());
    const rows = demoRows();
    rows.Settings![0].logo = logo;
    const p = memoryPorts(workbook(rows), { now: () => new Date('2026-12-01T09:00:00Z') });
    runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
    const [withLogo] = await previewDrafts(p, out, ['I-000001']);
    expect(readFileSync(withLogo.path).toString('latin1')).toMatch(/\/Subtype \/Image/);
    require('node:fs').writeFileSync(logo, 'not an image');
    const [broken] = await previewDrafts(p, out, ['I-000001']);
    expect(readFileSync(broken.path).toString('latin1')).not.toMatch(/\/Subtype \/Image/);
    unlinkSync(logo);
    const [without] = await previewDrafts(p, out, ['I-000001']);
    expect(readFileSync(without.path).toString('latin1')).not.toMatch(/\/Subtype \/Image/);
  });

  it('takes an RGB or grey JPEG logo, and leaves out a CMYK one (PDF/A: the output intent is sRGB)', async () => {
    /** The header pdfkit reads of a baseline JPEG (SOI, SOF0 with 1, 3 or 4 components, EOI); the image data itself is not decoded. */
    const jpeg = (components: number) =>
      Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0, 8 + 3 * components, 8, 0, 2, 0, 4, components, ...Array.from({ length: components }, (_, i) => [i + 1, 0x11, 0]).flat(), 0xff, 0xd9]);
    const colorSpaces = [];
    for (const n of [1, 3, 4]) {
      const pdf = (await renderInvoicePdf(oneInvoiceDoc(), { tenant: oneTenant, logo: jpeg(n) })).toString('latin1');
      colorSpaces.push(/\/Subtype \/Image[\s\S]*?\/ColorSpace \/(\w+)/.exec(pdf)?.[1] ?? 'no image');
    }
    expect(colorSpaces).toEqual(['DeviceGray', 'DeviceRGB', 'no image']);
  });
});
