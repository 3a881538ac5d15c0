// PDF/A-3b for invoice PDFs (archivable under GoBD, and the container Factur-X / ZUGFeRD needs):
// embedded TrueType fonts instead of pdfkit's standard 14 (which PDF/A forbids, and whose WinAnsi
// encoding cannot print names like "Łódź"), XMP metadata written as well-formed XML, and for hybrid
// invoices the CII XML embedded as factur-x.xml with AFRelationship /Alternative plus the fx:
// extension schema that tells readers which profile it follows.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pdfAttachments } from '../core/pdf/attachments';

/** The two faces the invoice uses, registered under these names. */
export const FONT = { regular: 'Sans', bold: 'Sans-Bold' } as const;

let fontFiles: { regular: Buffer; bold: Buffer } | undefined;
/** DejaVu Sans Condensed (wide Latin, Greek and Cyrillic coverage; close to Helvetica's widths), read once per process. */
function fonts() {
  if (!fontFiles) {
    const dir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    fontFiles = { regular: readFileSync(join(dir, 'DejaVuSansCondensed.ttf')), bold: readFileSync(join(dir, 'DejaVuSansCondensed-Bold.ttf')) };
  }
  return fontFiles;
}

/** Options for `new PDFDocument` that make a PDF/A-3b file; no default font (pdfkit would parse one per document). */
export function pdfaOptions(): { pdfVersion: '1.7'; subset: 'PDF/A-3b'; font: string } {
  return { pdfVersion: '1.7', subset: 'PDF/A-3b', font: null as unknown as string };
}

/** pdfkit's internals this module relies on (no public API lets a parsed font be reused). */
interface PdfkitFonts {
  _font: { font: object; name: string; constructor: new (doc: unknown, font: object, id: string) => { name: string } };
  _fontFamilies: Record<string, unknown>;
  _fontCount: number;
}
let parsed: { EmbeddedFont: PdfkitFonts['_font']['constructor']; regular: object; bold: object } | undefined;

/**
 * Registers the two faces and selects the regular one. pdfkit parses a font file for every
 * document (about 60 ms for DejaVu, five times the rest of an invoice), so the first document
 * parses them and every later one gets a new pdfkit font object (its own subset, widths and
 * resources) around the same parsed fontkit font, whose tables and glyphs are read-only.
 */
export function useFonts(pdf: PDFKit.PDFDocument): void {
  pdf.registerFont(FONT.regular, fonts().regular);
  pdf.registerFont(FONT.bold, fonts().bold);
  const doc = pdf as unknown as PdfkitFonts;
  if (!parsed) {
    const bold = pdf.font(FONT.bold) && doc._font;
    const regular = pdf.font(FONT.regular) && doc._font;
    parsed = { EmbeddedFont: regular.constructor, regular: regular.font, bold: bold.font };
    return;
  }
  for (const [key, font] of [
    [FONT.regular, parsed.regular],
    [FONT.bold, parsed.bold],
  ] as const) {
    const f = new parsed.EmbeddedFont(pdf, font, `F${++doc._fontCount}`);
    doc._fontFamilies[key] = f;
    doc._fontFamilies[f.name] = f;
  }
  pdf.font(FONT.regular);
}

/** Control characters (but line feed), C1 controls, non-characters and lone surrogates: no glyph, and not allowed in XML. */
const UNPRINTABLE = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text fit for the Info dictionary and XMP: control characters (a tab or a vertical tab pasted from Word) become spaces. */
export const withoutControls = (s: string) => s.replace(UNPRINTABLE, ' ');

/**
 * For drawing in the current document: control characters become spaces and any character the
 * embedded faces have no glyph for (CJK, emoji) becomes "?", since PDF/A forbids the .notdef
 * glyph and a silently missing letter would misprint a name. The e-invoice XML keeps the text.
 */
export function printable(pdf: PDFKit.PDFDocument): (s: string) => string {
  const families = (pdf as unknown as PdfkitFonts)._fontFamilies as Record<string, { font: { hasGlyphForCodePoint(cp: number): boolean } }>;
  const faces = [families[FONT.regular].font, families[FONT.bold].font];
  const known = new Map<number, boolean>();
  const has = (cp: number) => {
    let ok = known.get(cp);
    if (ok === undefined) known.set(cp, (ok = faces.every((f) => f.hasGlyphForCodePoint(cp))));
    return ok;
  };
  return (s) => {
    let out = '';
    for (const ch of withoutControls(s)) out += ch === '\n' || has(ch.codePointAt(0)!) ? ch : '?';
    return out;
  };
}

/** Every string in a plain object tree through `f` (arrays and plain objects are copied; anything else is kept). */
export function mapStrings<T>(v: T, f: (s: string) => string): T {
  if (typeof v === 'string') return f(v) as T;
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f)) as T;
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapStrings(x, f)])) as T;
  }
  return v;
}

const xmlText = (s: unknown) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * pdfkit copies Title, Author, Subject and Keywords into the XMP packet without escaping, so a
 * seller named "Müller & Söhne" would make the metadata malformed XML. The Info dictionary is
 * already written when the XMP is built, so the XMP alone gets escaped copies; a reader of the
 * XML sees the same text as the Info dictionary, as PDF/A requires.
 */
export function escapeXmpInfo(pdf: PDFKit.PDFDocument): void {
  const doc = pdf as unknown as { endMetadata(): void; info: Record<string, unknown> };
  const endMetadata = doc.endMetadata;
  doc.endMetadata = function (this: typeof doc) {
    const raw = this.info;
    this.info = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === 'string' ? xmlText(v) : v]));
    try {
      endMetadata.call(this);
    } finally {
      this.info = raw;
    }
  };
}

export const FACTURX_FILE = 'factur-x.xml';

/** Whether a PDF carries a Factur-X / ZUGFeRD XML (one made by embedFacturX, or a supplier's). */
export const isFacturXPdf = (pdf: Uint8Array) => pdfAttachments(pdf).some((a) => a.name.toLowerCase() === FACTURX_FILE);
const FX_NS = 'urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#';

function fxProperty(name: string, description: string): string {
  return (
    `<rdf:li rdf:parseType="Resource"><pdfaProperty:name>${name}</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType>` +
    `<pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>${description}</pdfaProperty:description></rdf:li>`
  );
}

/**
 * Embeds the CII XML of a Factur-X / ZUGFeRD EN 16931 invoice: the file (text/xml, /Alternative,
 * with its modification date), listed in the catalog's /AF and /EmbeddedFiles, and the XMP that
 * names it (fx:DocumentFileName, DocumentType, Version, ConformanceLevel) with the PDF/A extension
 * schema describing those properties, without which a PDF/A validator rejects the fx: namespace.
 */
export function embedFacturX(pdf: PDFKit.PDFDocument, xml: string, at: Date): void {
  pdf.file(Buffer.from(xml, 'utf8'), {
    name: FACTURX_FILE,
    type: 'text/xml',
    relationship: 'Alternative',
    description: 'Factur-X / ZUGFeRD invoice (EN 16931)',
    creationDate: at,
    modifiedDate: at,
  } as PDFKit.Mixins.PDFAttachmentOptions & { relationship: string });
  const doc = pdf as unknown as { appendXML(xml: string): void };
  doc.appendXML(
    `<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">` +
      `<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">` +
      `<pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema><pdfaSchema:namespaceURI>${FX_NS}</pdfaSchema:namespaceURI><pdfaSchema:prefix>fx</pdfaSchema:prefix>` +
      `<pdfaSchema:property><rdf:Seq>` +
      fxProperty('DocumentFileName', 'The name of the embedded XML document') +
      fxProperty('DocumentType', 'The type of the hybrid document in capital letters, e.g. INVOICE or ORDER') +
      fxProperty('Version', 'The actual version of the standard applying to the embedded XML document') +
      fxProperty('ConformanceLevel', 'The conformance level of the embedded XML document') +
      `</rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>\n` +
      `<rdf:Description rdf:about="" xmlns:fx="${FX_NS}"><fx:DocumentType>INVOICE</fx:DocumentType><fx:DocumentFileName>${FACTURX_FILE}</fx:DocumentFileName>` +
      `<fx:Version>1.0</fx:Version><fx:ConformanceLevel>EN 16931</fx:ConformanceLevel></rdf:Description>`,
  );
}
