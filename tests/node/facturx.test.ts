// Local PDFs are PDF/A-3b with embedded fonts; a ZUGFeRD customer's PDF is a Factur-X hybrid
// invoice whose embedded factur-x.xml a PDF reader gets back byte for byte and which passes the
// CII schema and the EN 16931 rules.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { runInvoicing } from '../../src/app/runInvoicing';
import { finalizeInvoices } from '../../src/app/ledgerActions';
import { renderFinalPdfs } from '../../src/node/documents';
import { renderInvoicePdf } from '../../src/node/invoicePdf';
import { memoryPorts } from '../../src/node/memoryHost';
import { coreDemoRows as demoRows } from '../../sheets-templates/demoData';
import { oneInvoiceDoc, oneTenant, workbook } from '../support/fixtures';
import { inspectPdf } from '../support/pdfInspect';
import { problemsOf } from '../support/einvoiceCases';
import { D } from '../../src/core/money';
import type { InvoiceDoc, Tenant } from '../../src/core/model';

/** The XMP packet, checked to be well-formed XML by a strict parser, as property → text (nested RDF containers stripped, entities decoded). */
function xmpOf(xmp: string | null): Record<string, string> {
  expect(xmp).not.toBeNull();
  const parsed = new JSDOM('').window.document.defaultView!.DOMParser;
  const dom = new parsed().parseFromString(xmp!.replace(/^<\?xpacket[^>]*\?>|<\?xpacket[^>]*\?>$/g, ''), 'application/xml');
  expect(dom.getElementsByTagName('parsererror')[0]?.textContent ?? 'well-formed').toBe('well-formed');
  const text = (inner: string) =>
    inner
      .replace(/<[^>]+>/g, '')
      .trim()
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  const names = new Set([...xmp!.matchAll(/<(\w+:\w+)>/g)].map((m) => m[1]));
  return Object.fromEntries([...names].map((n) => [n, text(new RegExp(`<${n}>([\\s\\S]*?)</${n}>`).exec(xmp!)![1])]));
}

/** Font dictionaries in the file: every one must be an embedded TrueType program (PDF/A forbids the unembedded standard 14). */
function fontsOf(pdf: Buffer) {
  const s = pdf.toString('latin1');
  return { descriptors: s.match(/\/Type \/FontDescriptor/g)?.length ?? 0, embedded: s.match(/\/FontFile2 \d+ 0 R/g)?.length ?? 0, type1: /\/Subtype \/Type1\b/.test(s) };
}

describe('Factur-X / ZUGFeRD PDF (local host)', () => {
  const out = mkdtempSync(join(tmpdir(), 'billing-fx-'));
  const p = memoryPorts(workbook(demoRows()), { now: () => new Date('2026-12-01T09:00:00Z') });
  runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-12-01' });
  finalizeInvoices(p, {});
  let rendered: Awaited<ReturnType<typeof renderFinalPdfs>>;
  beforeAll(async () => {
    rendered = await renderFinalPdfs(p, out);
  });
  const files = async () => rendered;
  const zugferd = async () => rendered.find((f) => f.number === 'RE-2026-00001')!; // ACC-001: E-Invoice Format zugferd

  it('embeds the CII XML as factur-x.xml; read back, it is the archived XML and passes XSD + EN 16931 with zero errors', async () => {
    const f = await zugferd();
    const view = inspectPdf(f.path);
    expect(view.attachments.map((a) => a.filename)).toEqual(['factur-x.xml']);
    const xml = view.attachments[0].content.toString('utf8');
    expect(xml).toBe(readFileSync(f.xml!, 'utf8'));
    expect(xml).toContain('<ram:ID>urn:cen.eu:en16931:2017</ram:ID>');
    expect(xml).toContain('<ram:ID>RE-2026-00001</ram:ID>');
    expect((await problemsOf(xml, 'zugferd')).errors).toEqual([]);
  }, 300_000);

  it('is PDF/A-3b: XMP with pdfaid and the fx: extension schema, /AF with /Alternative, an output intent, only embedded fonts', async () => {
    const f = await zugferd();
    const x = xmpOf(inspectPdf(f.path).xmp);
    expect([x['pdfaid:part'], x['pdfaid:conformance']]).toEqual(['3', 'B']);
    expect([x['fx:DocumentType'], x['fx:DocumentFileName'], x['fx:Version'], x['fx:ConformanceLevel']]).toEqual(['INVOICE', 'factur-x.xml', '1.0', 'EN 16931']);
    expect(x['pdfaSchema:namespaceURI']).toBe('urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#');
    expect(x['pdfaSchema:prefix']).toBe('fx');
    expect(x['xmp:CreateDate']).toBe('2026-12-01T09:00:00Z');
    const raw = readFileSync(f.path);
    const s = raw.toString('latin1');
    expect(s).toMatch(/\/Type \/Filespec\s+\/AFRelationship \/Alternative\s+\/F \(factur-x\.xml\)/);
    expect(s).toMatch(/\/AF \[\d+ 0 R\]/);
    expect(s).toMatch(/\/Subtype \/text#2Fxml/);
    expect(s).toMatch(/\/ModDate \(D:20261201090000Z\)/);
    expect(s).toMatch(/\/S \/GTS_PDFA1/);
    expect(s).toMatch(/\/Lang \(de\)/);
    const fonts = fontsOf(raw);
    expect(fonts.descriptors).toBeGreaterThan(0);
    expect(fonts).toEqual({ descriptors: fonts.descriptors, embedded: fonts.descriptors, type1: false });
  });

  it('other customers get a PDF/A-3b without an embedded invoice (XRechnung goes as its own XML file)', async () => {
    const all = await files();
    const xr = all.find((f) => f.number === 'RE-2026-00006')!; // ACC-006: Leitweg-ID, so XRechnung UBL
    expect(readFileSync(xr.xml!, 'utf8')).toContain('<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"');
    for (const f of [xr, all.find((x) => !x.xml)!]) {
      const view = inspectPdf(f.path);
      expect(view.attachments).toEqual([]);
      expect(xmpOf(view.xmp)['pdfaid:part']).toBe('3');
      expect(fontsOf(readFileSync(f.path)).type1).toBe(false);
    }
  });

  it('drops control characters and prints "?" for characters the embedded font lacks (no .notdef glyph), keeping the XMP well-formed', async () => {
    const tenant = { ...oneTenant, legalName: 'Acme\u000bGmbH\u0001 北京 🧾 😀' };
    const path = join(out, 'cjk.pdf');
    require('node:fs').writeFileSync(path, await renderInvoicePdf(oneInvoiceDoc(), { tenant }));
    const view = inspectPdf(path);
    expect(xmpOf(view.xmp)['dc:creator']).toBe('Acme GmbH  北京 🧾 😀'); // metadata is not drawn: only the controls go
    expect(view.info.Author).toBe('Acme GmbH  北京 🧾 😀');
    expect(view.pages[0]).toContain('Acme GmbH ?? ? 😀'); // DejaVu has the emoticons block, not CJK or U+1F9FE
    // Every glyph drawn is a real one: the font's ToUnicode maps no code to U+FFFD or nothing.
    expect(view.pages.join(' ')).not.toMatch(/[\u0000-\u0009\u000b-\u001f\ufffd]/);
  });

  it('keeps the XMP well-formed for names with & and <, and prints letters outside Latin-1 with the embedded font', async () => {
    const tenant = { tenantId: 'PL', legalName: 'Łódź & Synowie <Sp. z o.o.>', country: 'PL', currency: 'EUR', language: 'en' } as Tenant;
    const doc: InvoiceDoc = {
      invoice: {
        invoiceId: 'I-1',
        key: 'M',
        type: 'invoice',
        status: 'Open',
        number: 'FV/1&2',
        tenantId: 'PL',
        accountId: 'A',
        currency: 'EUR',
        language: 'en',
        net: new D('100.00'),
        tax: new D('23.00'),
        gross: new D('123.00'),
        rounding: new D(0),
        payable: new D('123.00'),
        buyerName: 'Żabka Ćwierć',
      },
      lines: [
        {
          invoiceId: 'I-1',
          lineNo: 1,
          kind: 'manual',
          description: 'Usługa – Ελληνικά – Кириллица',
          quantity: new D(1),
          unitPrice: new D('100'),
          net: new D('100.00'),
          taxCategory: 'S',
          taxRate: new D(23),
        },
      ],
    };
    const path = join(out, 'pl.pdf');
    require('node:fs').writeFileSync(path, await renderInvoicePdf(doc, { tenant, facturX: '<x>ä</x>' }));
    const view = inspectPdf(path);
    const x = xmpOf(view.xmp);
    expect([x['dc:title'], x['dc:creator']]).toEqual(['Invoice FV/1&2', 'Łódź & Synowie <Sp. z o.o.>']); // the same text as the Info dictionary
    expect(view.info.Author).toBe('Łódź & Synowie <Sp. z o.o.>');
    expect(view.title).toBe('Invoice FV/1&2');
    expect(view.pages[0]).toContain('Łódź & Synowie <Sp. z o.o.>');
    expect(view.pages[0]).toContain('Żabka Ćwierć');
    expect(view.pages[0]).toContain('Usługa – Ελληνικά – Кириллица');
    expect(view.attachments[0].content.toString('utf8')).toBe('<x>ä</x>');
  });
});
