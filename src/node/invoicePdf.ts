// An invoice as a PDF a customer accepts: sender block, recipient in the DIN 5008 address window,
// invoice data, line table (header repeated on every page), tax breakdown, totals, exemption notes,
// payment details, page numbers, and a DRAFT watermark on previews. Every PDF is PDF/A-3b with
// embedded fonts (pdfa.ts); a Factur-X / ZUGFeRD customer's PDF carries its CII XML inside.
import PDFDocument from 'pdfkit';
import { SwissQRBill } from 'swissqrbill/pdf';
import type { Data as QrBillData } from 'swissqrbill/types';
import { FONT, embedFacturX, escapeXmpInfo, mapStrings, pdfaOptions, printable, useFonts, withoutControls } from './pdfa';
import type { Account, InvoiceDoc, Tenant } from '../core/model';
import { documentText } from '../core/docText';
import type { QrParty, SwissQrBill } from '../core/swissQr';

const MM = 72 / 25.4;
const LEFT = 20 * MM;
const RIGHT = 210 * MM - 15 * MM;
const BOTTOM = 297 * MM - 28 * MM;
/** Table columns (mm): position, description, quantity, unit, unit price, discount, net. */
const COLS = [10, 67, 18, 14, 24, 14, 28].map((w) => w * MM);
/** Space between the right-aligned quantity and the left-aligned unit. */
const PAD = 2 * MM;
/** Where a page's table rows start (below the repeated header) on pages after the first. */
const TOP = 20 * MM + 6 * MM;
/** The height of a Swiss QR-bill's payment part (receipt and payment part side by side, at the foot of its page). */
const QR_SLIP = 105 * MM;

/** The core's QR-bill fields as the swissqrbill library takes them (it makes the same payload: tests/node/swissQrBill.test.ts). */
export function qrBillData(b: SwissQrBill): QrBillData {
  const party = (p: QrParty) => ({ name: p.name, address: p.street, ...(p.buildingNumber ? { buildingNumber: p.buildingNumber } : {}), zip: p.postalCode, city: p.city, country: p.country });
  return {
    creditor: { ...party(b.creditor), account: b.account },
    currency: b.currency,
    amount: Number(b.amount),
    ...(b.debtor ? { debtor: party(b.debtor) } : {}),
    ...(b.reference ? { reference: b.reference } : {}),
    message: b.message,
    additionalInformation: b.billInformation,
  };
}

/**
 * pdfkit breaks a word wider than the line one character at a time, measuring (and caching the
 * layout of) the rest of the word for every line it makes: quadratic time and memory in the
 * word's length. A run of more than 100 characters without a blank (longer than any IBAN or
 * usual email address) gets an invisible break opportunity, a zero-width space, after every 50
 * characters, so no word pdfkit measures is long.
 */
const LONG_WORD = /[^\s\u200B]{101,}/g;
const WORD_PIECE = /[\s\S]{50}(?=[\s\S])/gu;
const breakLongWords = (s: string) => s.replace(LONG_WORD, (w) => w.replace(WORD_PIECE, '$&\u200B'));

export interface PdfContext {
  tenant: Tenant;
  /** The customer as it is now (payment method and mandate); the invoice's own snapshot is printed. */
  account?: Account;
  draft?: boolean;
  /** Logo image (PNG or JPEG bytes). */
  logo?: Buffer;
  /** Factur-X / ZUGFeRD EN 16931 CII XML to embed as factur-x.xml (a hybrid invoice). */
  facturX?: string;
  /** Creation time of the file (the clock of the host). */
  now?: Date;
  /** For a credit note: the invoice it credits (its number, date and service period are printed). */
  original?: InvoiceDoc;
  /** For a credit note: why it was issued. */
  reason?: string;
}

export function renderInvoicePdf(doc: InvoiceDoc, ctx: PdfContext): Promise<Buffer> {
  const t = ctx.tenant;
  // Every text as the document prints it: cut to TEXT_LIMITS (docText), glyphs the font lacks as "?", long words breakable.
  const text = documentText(doc, t, ctx.account, { draft: ctx.draft, original: ctx.original, reason: ctx.reason });
  const L = text.L;
  const now = ctx.now ?? new Date();
  const pdf = new PDFDocument({
    ...pdfaOptions(),
    size: 'A4',
    margin: 0,
    bufferPages: true,
    displayTitle: true,
    lang: text.lang,
    info: { Title: withoutControls(`${text.fields.type} ${text.fields.number}`), Author: withoutControls(text.fields.sellerName), CreationDate: now },
  });
  useFonts(pdf);
  const print = printable(pdf);
  const x = mapStrings(text, (s) => breakLongWords(print(s)));
  escapeXmpInfo(pdf);
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => pdf.on('end', () => resolve(Buffer.concat(chunks))));

  // Logo top left (PNG or JPEG file), sender block top right.
  if (ctx.logo) {
    try {
      const logo = (pdf as unknown as { openImage(src: Buffer): { colorSpace?: string } }).openImage(ctx.logo);
      // A CMYK JPEG would break PDF/A (the output intent is sRGB), so it is left out like an unreadable one.
      if (logo.colorSpace !== 'DeviceCMYK') pdf.image(logo as unknown as Buffer, LEFT, 12 * MM, { fit: [60 * MM, 22 * MM] });
    } catch {
      // Not a PNG or JPEG pdfkit can read: the invoice goes out without the logo rather than not at all.
    }
  }
  pdf
    .font(FONT.bold)
    .fontSize(12)
    .text(x.fields.sellerName, 110 * MM, 15 * MM, { width: RIGHT - 110 * MM, align: 'right' });
  pdf
    .font(FONT.regular)
    .fontSize(8.5)
    .text(x.sellerLines.join('\n'), { width: RIGHT - 110 * MM, align: 'right' });

  // DIN 5008 form B address window: 20 mm from the left, 45 mm from the top, 85 × 45 mm.
  pdf
    .fontSize(7)
    .fillColor('#444')
    .text(x.senderLine, LEFT, 50 * MM, { width: 85 * MM, lineBreak: false });
  // The window ends 90 mm from the top: a longer recipient is cut there with "…" rather than print over the invoice data.
  pdf
    .fillColor('black')
    .fontSize(10)
    .text(x.recipientLines.join('\n'), LEFT, 55 * MM, { width: 85 * MM, height: 35 * MM, ellipsis: true });

  // Invoice data, right of the window.
  let y = 50 * MM;
  pdf.fontSize(8.5);
  // A label or value that wraps (an English service period, a long reference) pushes the next row
  // down by its height instead of printing over it.
  const labelWidth = 34 * MM;
  const valueWidth = RIGHT - 157 * MM;
  for (const [k, v] of x.info) {
    const labelHeight = pdf.font(FONT.regular).heightOfString(k, { width: labelWidth });
    pdf.text(k, 122 * MM, y, { width: labelWidth });
    const valueHeight = pdf.font(FONT.bold).heightOfString(v, { width: valueWidth, align: 'right' });
    pdf.text(v, 157 * MM, y, { width: valueWidth, align: 'right' });
    y += Math.max(4.2 * MM, Math.max(labelHeight, valueHeight) + 1.2 * MM);
  }

  y = Math.max(y, 100 * MM) + 5 * MM;
  pdf.font(FONT.bold).fontSize(15).text(x.title, LEFT, y);
  y += 9 * MM;
  if (x.credits) {
    pdf.font(FONT.regular).fontSize(9).text(x.credits, LEFT, y);
    y += 6 * MM;
  }

  const header = (at: number) => {
    const heads = [L.pos, L.description, L.qty, L.unit, L.unitPrice, L.discount, L.net];
    pdf.font(FONT.bold).fontSize(8.5);
    let left = LEFT;
    heads.forEach((h, i) => {
      pdf.text(h, left + 1 + (i === 3 ? PAD : 0), at, { width: COLS[i] - 2 - (i === 3 ? PAD : 0), align: i >= 2 && i !== 3 ? 'right' : 'left' });
      left += COLS[i];
    });
    pdf
      .moveTo(LEFT, at + 4.5 * MM)
      .lineTo(RIGHT, at + 4.5 * MM)
      .lineWidth(0.6)
      .stroke();
    return at + 6 * MM;
  };
  const newPage = () => {
    pdf.addPage({ size: 'A4', margin: 0 });
    return 20 * MM;
  };

  y = header(y);
  // A row is at most a page high (its description cut with "…"), so pdfkit never flows a cell onto a page of its own.
  const periodHeight = 3.6 * MM;
  const maxDescHeight = BOTTOM - TOP - periodHeight - 1.5 * MM;
  for (const l of x.lines) {
    pdf.font(FONT.regular).fontSize(8.5);
    const descHeight = Math.min(pdf.heightOfString(l.description, { width: COLS[1] - 2 }), maxDescHeight);
    const rowHeight = Math.max(descHeight + (l.period ? periodHeight : 0), 4 * MM) + 1.5 * MM;
    if (y + rowHeight > BOTTOM) y = header(newPage());
    pdf.font(FONT.regular).fontSize(8.5);
    const cells = [l.no, l.description, l.quantity, l.unit, l.unitPrice, l.discount, l.net];
    let left = LEFT;
    cells.forEach((c, i) => {
      const limit = i === 1 ? { height: maxDescHeight, ellipsis: true } : {};
      pdf.text(c, left + 1 + (i === 3 ? PAD : 0), y, { width: COLS[i] - 2 - (i === 3 ? PAD : 0), align: i >= 2 && i !== 3 ? 'right' : 'left', ...limit });
      if (i === 1 && l.period)
        pdf
          .fontSize(7)
          .fillColor('#555')
          .text(l.period, left + 1, pdf.y + 0.3 * MM, { width: COLS[i] - 2 })
          .fontSize(8.5)
          .fillColor('black');
      left += COLS[i];
    });
    y += rowHeight;
  }
  pdf.moveTo(LEFT, y).lineTo(RIGHT, y).lineWidth(0.6).stroke();
  y += 3 * MM;

  // Totals and the tax breakdown per category and rate.
  if (y + x.totals.length * 5 * MM > BOTTOM) y = newPage();
  for (const row of x.totals) {
    pdf.font(row.strong ? FONT.bold : FONT.regular).fontSize(9);
    pdf.text(row.label, 80 * MM, y, { width: 80 * MM, align: 'right' });
    pdf.text(row.value, 160 * MM, y, { width: RIGHT - 160 * MM, align: 'right' });
    y += 5 * MM;
  }

  // Exemption and reverse-charge notes, then how to pay.
  for (const text of [x.notes, x.payment]) {
    if (!text) continue;
    const h = pdf
      .font(FONT.regular)
      .fontSize(8.5)
      .heightOfString(text, { width: RIGHT - LEFT });
    if (y + h + 4 * MM > BOTTOM) y = newPage();
    y += 3 * MM;
    pdf.text(text, LEFT, y, { width: RIGHT - LEFT });
    y = pdf.y;
  }

  // A Swiss invoice's QR-bill payment part at the foot of a page of its own (the library draws it in the invoice's language, in the embedded faces).
  if (x.qrBill) {
    pdf.addPage({ size: 'A4', margin: 0 });
    const language = ({ de: 'DE', fr: 'FR', en: 'EN' } as const)[text.lang as 'de' | 'fr' | 'en'] ?? 'EN';
    new SwissQRBill(qrBillData(x.qrBill), { language, fontName: FONT.regular as 'Helvetica' }).attachTo(pdf, 0, 297 * MM - QR_SLIP);
  }

  // Footer, page numbers and the draft watermark on every page; a continuation page names its document.
  const range = pdf.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    pdf.switchToPage(range.start + i);
    // Above the payment part on its page, at the foot of the others.
    const foot = x.qrBill && i === range.count - 1 ? 297 * MM - QR_SLIP - 8 * MM : 297 * MM;
    if (i > 0)
      pdf
        .font(FONT.bold)
        .fontSize(9)
        .fillColor('black')
        .text(`${x.title} – ${L.continued}`, LEFT, 12 * MM, { width: RIGHT - LEFT, lineBreak: false });
    if (ctx.draft) {
      pdf
        .save()
        .rotate(-40, { origin: [105 * MM, 150 * MM] })
        .font(FONT.bold)
        .fontSize(90)
        .fillColor('#cc0000')
        .opacity(0.12)
        .text(L.draft, 0, 135 * MM, { width: 210 * MM, align: 'center', lineBreak: false })
        .restore();
      pdf.opacity(1).fillColor('black');
    }
    // The footer's lines end above the page number; a line too long for the width (many managing directors) wraps upwards.
    const footer = x.footerLines.join('\n');
    pdf.font(FONT.regular).fontSize(7).fillColor('#555');
    const footerHeight = pdf.heightOfString(footer, { width: RIGHT - LEFT, align: 'center' });
    pdf.text(footer, LEFT, foot - 15.2 * MM - footerHeight, { width: RIGHT - LEFT, align: 'center' });
    pdf.text(`${L.page} ${i + 1} ${L.of} ${range.count}`, LEFT, foot - 13 * MM, { width: RIGHT - LEFT, align: 'right', lineBreak: false });
    pdf.fillColor('black');
  }
  if (ctx.facturX) embedFacturX(pdf, ctx.facturX, now);
  pdf.end();
  return done;
}
