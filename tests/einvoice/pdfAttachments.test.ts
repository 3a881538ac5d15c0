// Reading the e-invoice out of a hybrid PDF (Factur-X / ZUGFeRD / XRechnung attached to a PDF/A-3):
// pdfkit's PDFs, compressed and not; PDFs written here by hand with object streams, a
// cross-reference stream with PNG predictors, and incremental updates, each cross-checked with
// pdf.js; and clear errors for what is not a hybrid invoice (never a TypeError, never a hang).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, deflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';
import { eInvoiceFromPdf } from '../../src/core/einvoice/fromPdf';
import { isPdf, pdfAttachments } from '../../src/core/pdf/attachments';
import { MAX_STREAM_BYTES } from '../../src/core/pdf/streams';
import { BillingError } from '../../src/core/errors';
import { inspectPdf } from '../support/pdfInspect';
import { einvoiceDir } from '../support/einvoiceValidation';

const DIR = einvoiceDir();
const CII_EXAMPLE = readFileSync(join(DIR, 'examples/cii/CII_example1.xml'), 'utf8');
const SMALL_CII =
  '<?xml version="1.0" encoding="UTF-8"?>\n<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100">' +
  '<Name>Müller &amp; Söhne – Łódź 😀 (Kopie) \\ ß</Name></rsm:CrossIndustryInvoice>\n';
const UBL = (id: string) => `<?xml version="1.0"?><!-- a UBL invoice --><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>${id}</ID></Invoice>`;
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

const u8 = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.length);
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

/** The message of the BillingError `fn` throws (fails the test when it throws nothing or something else). */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BillingError);
    return (e as Error).message;
  }
  throw new Error('expected a BillingError, nothing was thrown');
}

// ---------- PDFs from pdfkit ----------

type Attach = { data: Buffer; name: string; type?: string; relationship?: string };

function pdfkit(options: PDFKit.PDFDocumentOptions, files: Attach[], pages = 0): Promise<Buffer> {
  return new Promise((done, fail) => {
    const doc = new PDFDocument(options);
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => done(Buffer.concat(chunks)));
    doc.on('error', fail);
    for (let i = 0; i < pages; i++) doc.addPage().text(`Page ${i + 1}: ${'Lorem ipsum dolor sit amet. '.repeat(40)}`);
    for (const f of files) {
      doc.file(f.data, { name: f.name, type: f.type, relationship: f.relationship, description: `${f.name} (attached)` } as PDFKit.Mixins.PDFAttachmentOptions);
    }
    doc.end();
  });
}

const PDFA = { pdfVersion: '1.7', subset: 'PDF/A-3b' } as const;
const facturX = (xml: string): Attach => ({ data: Buffer.from(xml, 'utf8'), name: 'factur-x.xml', type: 'text/xml', relationship: 'Alternative' });

// ---------- PDFs written by hand ----------

/** Appends objects to a PDF, keeping each one's offset for the cross-reference section. */
class PdfWriter {
  readonly parts: Buffer[] = [];
  size = 0;
  readonly offsets = new Map<number, number>();

  constructor(start: Buffer | string = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n') {
    this.raw(start);
  }

  raw(x: Buffer | string): this {
    const b = typeof x === 'string' ? Buffer.from(x, 'latin1') : x;
    this.parts.push(b);
    this.size += b.length;
    return this;
  }

  object(num: number, dict: string, stream?: Buffer): this {
    this.offsets.set(num, this.size);
    this.raw(`${num} 0 obj\n${dict}\n`);
    if (stream) this.raw('stream\n').raw(stream).raw('\nendstream\n');
    return this.raw('endobj\n');
  }

  /** A classic xref table with a subsection per object, and the trailer. */
  xrefTable(trailer: string): this {
    const at = this.size;
    const nums = [...this.offsets.keys()].sort((a, b) => a - b);
    this.raw(`xref\n0 1\n0000000000 65535 f \n${nums.map((n) => `${n} 1\n${String(this.offsets.get(n)).padStart(10, '0')} 00000 n \n`).join('')}`);
    return this.raw(`trailer\n${trailer}\nstartxref\n${at}\n%%EOF\n`);
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

type Predictor = 'png' | 'tiff' | 'none';

/** PNG-predicted rows, cycling through all five filter types (the decoder must undo each). */
function pngPredict(raw: Buffer, columns: number): Buffer {
  const rows = Math.ceil(raw.length / columns);
  const data = Buffer.concat([raw, Buffer.alloc(rows * columns - raw.length)]);
  const out = Buffer.alloc(rows * (columns + 1));
  for (let r = 0; r < rows; r++) {
    const type = r % 5;
    out[r * (columns + 1)] = type;
    for (let i = 0; i < columns; i++) {
      const at = r * columns + i;
      const left = i > 0 ? data[at - 1] : 0,
        up = r > 0 ? data[at - columns] : 0,
        upLeft = r > 0 && i > 0 ? data[at - columns - 1] : 0;
      const p = left + up - upLeft;
      const paeth = Math.abs(p - left) <= Math.abs(p - up) && Math.abs(p - left) <= Math.abs(p - upLeft) ? left : Math.abs(p - up) <= Math.abs(p - upLeft) ? up : upLeft;
      const prediction = [0, left, up, (left + up) >> 1, paeth][type];
      out[r * (columns + 1) + 1 + i] = (data[at] - prediction) & 0xff;
    }
  }
  return out;
}

/** TIFF predictor 2, one colour component of 8 bits: each byte less its left neighbour. */
function tiffPredict(raw: Buffer, columns: number): Buffer {
  return Buffer.from(raw.map((b, i) => (i % columns ? (b - raw[i - 1]) & 0xff : b)));
}

/** A FlateDecode stream's dictionary entries and data, with the predictor applied first. */
function flate(raw: Buffer, predictor: Predictor, columns: number): { entries: string; data: Buffer } {
  if (predictor === 'none') return { entries: '/Filter /FlateDecode', data: deflateSync(raw) };
  const predicted = predictor === 'png' ? pngPredict(raw, columns) : tiffPredict(raw, columns);
  return { entries: `/Filter /FlateDecode /DecodeParms << /Predictor ${predictor === 'png' ? 12 : 2} /Columns ${columns} >>`, data: deflateSync(predicted) };
}

/** An object stream holding `members` (object number, its text). */
function objectStream(members: [number, string][], predictor: Predictor): { dict: string; data: Buffer } {
  let index = '';
  let body = '';
  for (const [num, src] of members) {
    index += `${num} ${body.length} `;
    body += `${src}\n`;
  }
  const { entries, data } = flate(Buffer.from(index + body, 'latin1'), predictor, 16);
  return { dict: `<< /Type /ObjStm /N ${members.length} /First ${index.length} ${entries} /Length ${data.length} >>`, data };
}

type XrefEntry = [number, number, number]; // type (1 in the file, 2 in an object stream), offset or stream, generation or index

/** A cross-reference stream (W [1 4 2], PNG predictor Up and the others) for `entries`, written as object `num`. */
function writeXrefStream(w: PdfWriter, num: number, entries: Map<number, XrefEntry>, trailer: string): void {
  const at = w.size;
  entries.set(num, [1, at, 0]);
  const nums = [...entries.keys()].sort((a, b) => a - b);
  const rows = nums.map((n) => {
    const [type, f2, f3] = entries.get(n)!;
    const row = Buffer.alloc(7);
    row[0] = type;
    row.writeUInt32BE(f2, 1);
    row.writeUInt16BE(f3, 5);
    return row;
  });
  const { entries: filter, data } = flate(Buffer.concat(rows), 'png', 7);
  const index = nums.map((n) => `${n} 1`).join(' ');
  w.object(num, `<< /Type /XRef /W [1 4 2] /Index [${index}] ${filter.replace('/Predictor 12', '/Predictor 12 /Colors 1 /BitsPerComponent 8')} /Length ${data.length} ${trailer} >>`, data);
  w.raw(`startxref\n${at}\n%%EOF\n`);
}

const hex16 = (s: string) => `<FEFF${Buffer.from(s, 'utf16le').swap16().toString('hex').toUpperCase()}>`;

interface HandBuilt {
  xml?: Buffer;
  /** How the embedded file's /Length is written: direct, an indirect object after the stream, or wrong. */
  length?: 'direct' | 'indirect' | 'wrong';
  /** zlib (default), raw deflate without the zlib header, none, or another filter's name. */
  encoding?: 'zlib' | 'raw' | 'none' | string;
  predictor?: Predictor;
  /** The file specification's name entries, as PDF source. */
  names?: string;
  subtype?: string;
}

/**
 * A PDF 1.7 with everything but the embedded file in a FlateDecode object stream (catalog, pages,
 * name tree, file specification, its /EF dictionary, the file's /Params) and a cross-reference
 * stream; the embedded file itself is a stream (streams cannot live in object streams).
 */
function handBuilt(o: HandBuilt = {}): { w: PdfWriter; xrefAt: number } {
  const xml = o.xml ?? Buffer.from(CII_EXAMPLE, 'utf8');
  const w = new PdfWriter();
  const encoded = o.encoding === 'raw' ? deflateRawSync(xml) : o.encoding === 'none' || (o.encoding && o.encoding !== 'zlib') ? xml : deflateSync(xml);
  const filter = o.encoding === 'none' ? '' : `/Filter /${o.encoding && o.encoding !== 'zlib' && o.encoding !== 'raw' ? o.encoding : 'FlateDecode'}`;
  const length = o.length === 'indirect' ? '9 0 R' : o.length === 'wrong' ? String(encoded.length + 17) : String(encoded.length);
  w.object(6, `<< /Type /EmbeddedFile /Subtype ${o.subtype ?? '/text#2Fxml'} /Params 8 0 R ${filter} /Length ${length} >>`, encoded);
  if (o.length === 'indirect') w.object(9, String(encoded.length));
  const names = o.names ?? `/F (factur-x.xml) /UF ${hex16('factur-x.xml')}`;
  const members: [number, string][] = [
    [1, '<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 3 0 R >> /AF [4 0 R] >>'],
    [2, '<< /Type /Pages /Kids [7 0 R] /Count 1 >>'],
    [7, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>'],
    [3, `<< /Names [${hex16('factur-x.xml')} 4 0 R] >>`],
    [4, `<< /Type /Filespec ${names} /AFRelationship /Alternative /Desc (Factur-X \\(EN 16931\\)) /EF 5 0 R >>`],
    [5, '<< /F 6 0 R /UF 6 0 R >>'],
    [8, `<< /Size ${xml.length} /ModDate (D:20261130120000Z) >>`],
  ];
  const stm = objectStream(members, o.predictor ?? 'none');
  w.object(10, stm.dict, stm.data);
  const entries = new Map<number, XrefEntry>([[0, [0, 0, 65535]]]);
  for (const [num, at] of w.offsets) entries.set(num, [1, at, 0]);
  members.forEach(([num], i) => {
    entries.set(num, [2, 10, i]);
  });
  const xrefAt = w.size;
  writeXrefStream(w, 11, entries, '/Size 12 /Root 1 0 R');
  return { w, xrefAt };
}

/**
 * An incremental update of handBuilt(): a new embedded file (object 12) with a new file
 * specification (15), and the catalog (1) and name tree (3) redefined in a new object stream (13)
 * to point at it. The old file specification (4) stays in the file, unreferenced.
 */
function updated(base: { w: PdfWriter; xrefAt: number }, xml: Buffer): Buffer {
  const w = base.w;
  const data = deflateSync(xml);
  w.object(12, `<< /Type /EmbeddedFile /Subtype /text#2Fxml /Filter /FlateDecode /Length ${data.length} >>`, data);
  const members: [number, string][] = [
    [1, '<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 3 0 R >> /AF [15 0 R] >>'],
    [3, '<< /Names [(factur-x.xml) 15 0 R] >>'],
    [15, `<< /Type /Filespec /F (factur-x.xml) /UF (factur-x.xml) /AFRelationship /Alternative /EF << /F 12 0 R >> >>`],
  ];
  const stm = objectStream(members, 'png');
  w.object(13, stm.dict, stm.data);
  const entries = new Map<number, XrefEntry>([
    [12, [1, w.offsets.get(12)!, 0]],
    [13, [1, w.offsets.get(13)!, 0]],
  ]);
  members.forEach(([num], i) => {
    entries.set(num, [2, 13, i]);
  });
  writeXrefStream(w, 14, entries, `/Size 16 /Root 1 0 R /Prev ${base.xrefAt}`);
  return w.bytes();
}

/** A classic incremental update of a PDF with an xref table: object `num` redefined as an uncompressed embedded file. */
function updateClassic(pdf: Buffer, xml: Buffer): Buffer {
  const src = pdf.toString('latin1');
  const num = Number(/(\d+) 0 obj\s*<<\s*\/Type \/EmbeddedFile/.exec(src)![1]);
  const trailer = /trailer\s*<<([\s\S]*?)>>\s*startxref\s*(\d+)/.exec(src)!;
  const [size, root] = [/\/Size (\d+)/.exec(trailer[1])![1], /\/Root (\d+ \d+ R)/.exec(trailer[1])![1]];
  const w = new PdfWriter(pdf);
  w.object(num, `<< /Type /EmbeddedFile /Subtype /text#2Fxml /Length ${xml.length} >>`, xml);
  return w.xrefTable(`<< /Size ${size} /Root ${root} /Prev ${trailer[2]} >>`).bytes();
}

// ---------- pdf.js, the reference reader ----------

/** Each PDF's attachments as pdf.js reads them. */
function pdfjsAttachments(pdfs: Buffer[]): { name: string; data: string }[][] {
  const dir = mkdtempSync(join(tmpdir(), 'pdf-attachments-'));
  return pdfs.map((b, i) => {
    const path = join(dir, `${i}.pdf`);
    writeFileSync(path, b);
    return inspectPdf(path).attachments.map((f) => ({ name: f.filename, data: f.content.toString('base64') }));
  });
}

// ---------- the tests ----------

describe('pdfkit PDFs (PDF/A-3b, xref table)', () => {
  let compressed: Buffer, plain: Buffer;
  beforeAll(async () => {
    compressed = await pdfkit(PDFA, [facturX(CII_EXAMPLE)]);
    plain = await pdfkit({ ...PDFA, compress: false }, [facturX(SMALL_CII)]);
  });

  it('gives back the official example exactly, from a compressed PDF', () => {
    expect(compressed.toString('latin1')).toMatch(/\/Type \/EmbeddedFile[\s\S]*?\/Filter \/FlateDecode/);
    expect(eInvoiceFromPdf(u8(compressed))).toEqual({ name: 'factur-x.xml', xml: CII_EXAMPLE });
  });

  it('gives back umlauts and emoji exactly, from an uncompressed PDF', () => {
    expect(eInvoiceFromPdf(u8(plain))).toEqual({ name: 'factur-x.xml', xml: SMALL_CII });
  });

  it('reports the relationship and the MIME type', () => {
    const [a, ...rest] = pdfAttachments(u8(compressed));
    expect(rest).toEqual([]);
    expect({ ...a, data: text(a.data) }).toEqual({ name: 'factur-x.xml', relationship: 'Alternative', mimeType: 'text/xml', data: CII_EXAMPLE });
  });

  it('reads the same bytes as pdf.js', () => {
    const [fromCompressed, fromPlain] = pdfjsAttachments([compressed, plain]);
    expect(fromCompressed).toEqual([{ name: 'factur-x.xml', data: Buffer.from(CII_EXAMPLE).toString('base64') }]);
    expect(fromPlain).toEqual([{ name: 'factur-x.xml', data: Buffer.from(SMALL_CII).toString('base64') }]);
  });

  it('takes the later definition of an incremental update (classic xref table)', () => {
    const next = SMALL_CII.replace('Kopie', 'Korrektur');
    const pdf = updateClassic(compressed, Buffer.from(next));
    expect(eInvoiceFromPdf(u8(pdf)).xml).toBe(next);
    expect(pdfjsAttachments([pdf])[0].map((f) => Buffer.from(f.data, 'base64').toString('utf8'))).toEqual([next]);
  });

  it('allows up to 1024 bytes before %PDF-', () => {
    const junk = (n: number) => Buffer.concat([Buffer.alloc(n, 0x20), compressed]);
    expect(isPdf(u8(junk(1024)))).toBe(true);
    expect(eInvoiceFromPdf(u8(junk(1024))).xml).toBe(CII_EXAMPLE);
    expect(isPdf(u8(junk(1025)))).toBe(false);
  });
});

describe('object streams and cross-reference streams (written by hand)', () => {
  const example = Buffer.from(CII_EXAMPLE, 'utf8');

  it.each<[string, HandBuilt]>([
    ['an object stream without predictor, /Length indirect', { length: 'indirect' }],
    ['an object stream with PNG predictors (all five row filters)', { predictor: 'png' }],
    ['an object stream with TIFF predictor 2', { predictor: 'tiff' }],
    ['raw deflate without the zlib header', { encoding: 'raw' }],
    ['an unfiltered file with a wrong /Length', { encoding: 'none', length: 'wrong' }],
  ])('%s', (_, options) => {
    const pdf = handBuilt(options).w.bytes();
    expect(eInvoiceFromPdf(u8(pdf))).toEqual({ name: 'factur-x.xml', xml: CII_EXAMPLE });
    const [a] = pdfAttachments(u8(pdf));
    expect([a.relationship, a.mimeType]).toEqual(['Alternative', 'text/xml']);
  });

  it('is what pdf.js reads as well', () => {
    const pdfs = [handBuilt({ length: 'indirect' }), handBuilt({ predictor: 'png' }), handBuilt({ predictor: 'tiff' })].map((b) => b.w.bytes());
    for (const files of pdfjsAttachments(pdfs)) expect(files).toEqual([{ name: 'factur-x.xml', data: example.toString('base64') }]);
  });

  it('takes the later definitions of an incremental update, and drops the replaced attachment', () => {
    const next = Buffer.from(UBL('R-2026-0002'));
    const pdf = updated(handBuilt({ predictor: 'png' }), next);
    expect(pdf.toString('latin1')).toContain('/Prev ');
    const all = pdfAttachments(u8(pdf));
    expect(all.map((a) => [a.name, text(a.data)])).toEqual([['factur-x.xml', next.toString()]]);
    expect(eInvoiceFromPdf(u8(pdf)).xml).toBe(next.toString());
    expect(pdfjsAttachments([pdf])[0]).toEqual([{ name: 'factur-x.xml', data: next.toString('base64') }]);
  });

  it('reads names from literal strings with escapes (PDFDocEncoding), hex strings and UTF-16', () => {
    const nameOf = (names: string) => pdfAttachments(u8(handBuilt({ names }).w.bytes()))[0].name;
    expect(nameOf('/F (Rechnung \\(Kopie\\) \\\\ \\374ber\\200\\\n.xml)')).toBe('Rechnung (Kopie) \\ über•.xml');
    expect(nameOf('/F <66616374 75722D78 2E786D6C>')).toBe('factur-x.xml');
    expect(nameOf(`/F (x.xml) /UF ${hex16('Füße 😀.xml')}`)).toBe('Füße 😀.xml');
    expect(nameOf(`/F (x.xml) /UF (\xef\xbb\xbfUTF-8 \xc3\xa4.xml)`)).toBe('UTF-8 ä.xml');
  });

  it('decodes #xx in names (the MIME type)', () => {
    expect(pdfAttachments(u8(handBuilt({ subtype: '/application#2Fxml' }).w.bytes()))[0].mimeType).toBe('application/xml');
  });

  it('strips a BOM from the XML', () => {
    const pdf = handBuilt({ xml: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SMALL_CII)]) }).w.bytes();
    expect(eInvoiceFromPdf(u8(pdf)).xml).toBe(SMALL_CII);
  });

  it('names a filter it cannot undo', () => {
    const pdf = u8(handBuilt({ encoding: 'LZWDecode' }).w.bytes());
    expect(errorOf(() => eInvoiceFromPdf(pdf))).toMatch(/factur-x\.xml.*LZWDecode filter, which is not supported/);
    expect(errorOf(() => pdfAttachments(pdf))).toMatch(/LZWDecode/);
  });
});

describe('finding the invoice among the attachments', () => {
  it('takes the only XML attachment whose root is an invoice, whatever its name', async () => {
    const pdf = await pdfkit(PDFA, [
      { data: PNG, name: 'logo.png', type: 'image/png' },
      { data: Buffer.from('<Order/>'), name: 'order.xml', type: 'text/xml' },
      { data: Buffer.from(UBL('R-1')), name: 'RE-2026-0001.XML', type: 'application/xml' },
    ]);
    expect(pdfAttachments(u8(pdf)).map((a) => a.name)).toEqual(['logo.png', 'order.xml', 'RE-2026-0001.XML']);
    expect(eInvoiceFromPdf(u8(pdf))).toEqual({ name: 'RE-2026-0001.XML', xml: UBL('R-1') });
  });

  it('prefers the Factur-X / ZUGFeRD / XRechnung names (any case) to sniffing', async () => {
    for (const name of ['ZUGFeRD-invoice.xml', 'zugferd-invoice.xml', 'XRECHNUNG.xml', 'Factur-X.xml']) {
      const pdf = await pdfkit(PDFA, [
        { data: Buffer.from(UBL('other')), name: 'a.xml' },
        { data: Buffer.from(SMALL_CII), name },
      ]);
      expect(eInvoiceFromPdf(u8(pdf))).toEqual({ name, xml: SMALL_CII });
    }
  });

  it('refuses to guess between two invoices', async () => {
    const pdf = await pdfkit(PDFA, [
      { data: Buffer.from(UBL('R-1')), name: 'a.xml' },
      { data: Buffer.from(UBL('R-2')), name: 'b.xml' },
    ]);
    expect(errorOf(() => eInvoiceFromPdf(u8(pdf)))).toBe('the PDF has 2 embedded invoices (a.xml, b.xml); expected one, or one named factur-x.xml / xrechnung.xml');
  });
});

describe('clear errors', () => {
  it('not a PDF: an XML file', () => {
    expect(isPdf(u8(Buffer.from(CII_EXAMPLE)))).toBe(false);
    expect(errorOf(() => eInvoiceFromPdf(u8(Buffer.from(CII_EXAMPLE))))).toBe('not a PDF: the file does not start with %PDF-');
    expect(errorOf(() => pdfAttachments(new Uint8Array(0)))).toMatch(/not a PDF/);
  });

  it('a PDF without attachments', async () => {
    const pdf = await pdfkit(PDFA, []);
    expect(pdfAttachments(u8(pdf))).toEqual([]);
    expect(errorOf(() => eInvoiceFromPdf(u8(pdf)))).toBe('the PDF has no embedded e-invoice (factur-x.xml / xrechnung.xml)');
  });

  it('an embedded file whose length differs from its declared /Params /Size (damaged, yet it inflates)', async () => {
    const pdf = Buffer.from(
      (await pdfkit(PDFA, [facturX(SMALL_CII)])).toString('latin1').replace(/\/Size (\d+)\n/, (_m, n: string) => `/Size ${Number(n) + 1}\n`),
      'latin1',
    );
    expect(errorOf(() => eInvoiceFromPdf(u8(pdf)))).toMatch(/^the PDF is damaged: the embedded file "factur-x.xml" has \d+ bytes, not the \d+ it declares$/);
  });

  it('a stream that unpacks to more than 64 MB (a "zip bomb" from a supplier) is refused, not unpacked', () => {
    const bomb = handBuilt({ xml: Buffer.alloc(MAX_STREAM_BYTES + 1, 0x20) }).w.bytes();
    expect(bomb.length).toBeLessThan(200_000);
    expect(errorOf(() => eInvoiceFromPdf(u8(bomb)))).toBe('the embedded file "factur-x.xml" in the PDF unpacks to more than 64 MB; it is not read');
  });

  it('a PDF with only a PNG attached', async () => {
    const pdf = await pdfkit(PDFA, [{ data: PNG, name: 'logo.png', type: 'image/png' }]);
    expect(pdfAttachments(u8(pdf)).map((a) => [a.name, a.mimeType, Buffer.from(a.data).equals(PNG)])).toEqual([['logo.png', 'image/png', true]]);
    expect(errorOf(() => eInvoiceFromPdf(u8(pdf)))).toBe('the PDF has no embedded e-invoice (factur-x.xml / xrechnung.xml); its attachments: logo.png');
  });

  it('an encrypted PDF (pdfkit with a password, and a hand-written trailer with /Encrypt)', async () => {
    const locked = await pdfkit({ userPassword: 'secret' }, [facturX(SMALL_CII)]);
    const w = new PdfWriter().object(1, '<< /Type /Catalog >>').object(2, '<< /Filter /Standard /V 2 /R 3 /O <00> /U <00> /P -4 >>');
    const handWritten = w.xrefTable('<< /Size 3 /Root 1 0 R /Encrypt 2 0 R /ID [<01><01>] >>').bytes();
    for (const pdf of [locked, handWritten]) expect(errorOf(() => eInvoiceFromPdf(u8(pdf)))).toMatch(/^the PDF is encrypted; /);
  });

  it('a truncated PDF: an error or a result, never a TypeError or a hang', async () => {
    const sources = [await pdfkit(PDFA, [facturX(CII_EXAMPLE)]), handBuilt({ predictor: 'png' }).w.bytes(), updated(handBuilt(), Buffer.from(UBL('x')))];
    for (const pdf of sources) {
      for (let cut = 0; cut < pdf.length; cut += Math.max(1, Math.floor(pdf.length / 400))) {
        try {
          eInvoiceFromPdf(u8(pdf.subarray(0, cut)));
        } catch (e) {
          if (!(e instanceof BillingError)) throw new Error(`cut at ${cut} of ${pdf.length}: ${(e as Error).stack}`);
        }
      }
    }
    // Cut inside the embedded file: no partial XML comes back.
    const plain = await pdfkit({ ...PDFA, compress: false }, [facturX(CII_EXAMPLE)]);
    const inFile = plain.indexOf('<rsm:SupplyChainTradeTransaction');
    expect(errorOf(() => eInvoiceFromPdf(u8(plain.subarray(0, inFile))))).toMatch(/truncated/);
  });
});

it('finds the invoice behind a 4 MB attachment and 400 pages (speed: npm run bench)', async () => {
  const noise = Buffer.alloc(4 << 20);
  for (let i = 0, x = 1; i < noise.length; i++) noise[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  const pdf = await pdfkit({ compress: false }, [{ data: noise, name: 'scan.bin' }, facturX(CII_EXAMPLE)], 400);
  expect(pdf.length).toBeGreaterThan(5 << 20);
  expect(eInvoiceFromPdf(u8(pdf)).xml).toBe(CII_EXAMPLE);
});
