// An invoice as a PDF a customer accepts: sender block, recipient in the DIN 5008 address window,
// invoice data, line table (header repeated on every page), tax breakdown, totals, exemption notes,
// payment details, page numbers, and a DRAFT watermark on previews. pdfkit's standard fonts use
// WinAnsi encoding, which covers €, ä, ö, ü, ß, é, è, à, ç.
import PDFDocument from 'pdfkit';
import type { Account, InvoiceDoc, Tenant } from '../core/model';
import { computeTotals } from '../core/totals';
import { formatDate, formatMoney, formatNumber, formatQuantity, labels } from '../core/i18n';
import { minorUnits } from '../core/money';

const MM = 72 / 25.4;
const LEFT = 20 * MM;
const RIGHT = 210 * MM - 15 * MM;
const BOTTOM = 297 * MM - 28 * MM;
/** Table columns (mm): position, description, quantity, unit, unit price, discount, net. */
const COLS = [10, 67, 18, 14, 24, 14, 28].map((w) => w * MM);
/** Space between the right-aligned quantity and the left-aligned unit. */
const PAD = 2 * MM;

export interface PdfContext {
  tenant: Tenant;
  /** The customer as it is now (payment method and mandate); the invoice's own snapshot is printed. */
  account?: Account;
  draft?: boolean;
  /** Logo image (PNG or JPEG bytes). */
  logo?: Buffer;
}

export function renderInvoicePdf(doc: InvoiceDoc, ctx: PdfContext): Promise<Buffer> {
  const inv = doc.invoice;
  const t = ctx.tenant;
  const lang = inv.language ?? t.language ?? 'en';
  const L = labels(lang);
  const money = (v: Parameters<typeof formatMoney>[0]) => formatMoney(v, inv.currency, lang);
  const pdf = new PDFDocument({ size: 'A4', margin: 0, bufferPages: true, info: { Title: `${L[inv.type]} ${inv.number ?? L.draft}`, Author: t.legalName } });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => pdf.on('end', () => resolve(Buffer.concat(chunks))));

  // Logo top left (PNG or JPEG file), sender block top right.
  if (ctx.logo) {
    try {
      pdf.image(ctx.logo, LEFT, 12 * MM, { fit: [60 * MM, 22 * MM] });
    } catch {
      // Not a PNG or JPEG pdfkit can read: the invoice goes out without the logo rather than not at all.
    }
  }
  pdf.font('Helvetica-Bold').fontSize(12).text(t.legalName, 110 * MM, 15 * MM, { width: RIGHT - 110 * MM, align: 'right' });
  pdf.font('Helvetica').fontSize(8.5).text(
    [t.street, [t.postalCode, t.city].filter(Boolean).join(' '), t.country, t.email, t.phone].filter(Boolean).join('\n'),
    { width: RIGHT - 110 * MM, align: 'right' },
  );

  // DIN 5008 form B address window: 20 mm from the left, 45 mm from the top, 85 × 45 mm.
  pdf.fontSize(7).fillColor('#444').text(`${t.legalName} · ${[t.street, [t.postalCode, t.city].filter(Boolean).join(' ')].filter(Boolean).join(' · ')}`, LEFT, 50 * MM, { width: 85 * MM, lineBreak: false });
  pdf.fillColor('black').fontSize(10).text(
    [inv.buyerName, ...(inv.buyerAddress ?? '').split(', '), inv.buyerCountry && inv.buyerCountry !== t.country ? inv.buyerCountry : ''].filter(Boolean).join('\n'),
    LEFT, 55 * MM, { width: 85 * MM },
  );

  // Invoice data, right of the window.
  const info: [string, string][] = [
    [L.number, inv.number ?? L.draft],
    [L.date, formatDate(inv.invoiceDate, lang)],
    [L.due, formatDate(inv.dueDate, lang)],
    [L.customer, inv.accountId],
    [L.servicePeriod, inv.periodStart ? `${formatDate(inv.periodStart, lang)} – ${formatDate(inv.periodEnd, lang)}` : ''],
    [L.yourVatId, inv.buyerVatId ?? ''],
    [L.ourVatId, t.vatId ?? ''],
    [L.taxNumber, t.vatId ? '' : t.taxNumber ?? ''],
    [L.orderRef, inv.orderReference ?? ''],
    [L.buyerRef, inv.buyerReference ?? ''],
  ];
  let y = 50 * MM;
  pdf.fontSize(8.5);
  for (const [k, v] of info.filter(([, v]) => v)) {
    pdf.font('Helvetica').text(k, 122 * MM, y, { width: 35 * MM });
    pdf.font('Helvetica-Bold').text(v, 157 * MM, y, { width: RIGHT - 157 * MM, align: 'right' });
    y += 4.2 * MM;
  }

  y = Math.max(y, 100 * MM) + 5 * MM;
  pdf.font('Helvetica-Bold').fontSize(15).text(`${L[inv.type]} ${inv.number ?? ''}`.trim(), LEFT, y);
  y += 9 * MM;
  if (inv.originalNumber) {
    pdf.font('Helvetica').fontSize(9).text(`${L.credits} ${inv.originalNumber}`, LEFT, y);
    y += 6 * MM;
  }

  const header = (at: number) => {
    const heads = [L.pos, L.description, L.qty, L.unit, L.unitPrice, L.discount, L.net];
    pdf.font('Helvetica-Bold').fontSize(8.5);
    let x = LEFT;
    heads.forEach((h, i) => {
      pdf.text(h, x + 1 + (i === 3 ? PAD : 0), at, { width: COLS[i] - 2 - (i === 3 ? PAD : 0), align: i >= 2 && i !== 3 ? 'right' : 'left' });
      x += COLS[i];
    });
    pdf.moveTo(LEFT, at + 4.5 * MM).lineTo(RIGHT, at + 4.5 * MM).lineWidth(0.6).stroke();
    return at + 6 * MM;
  };
  const newPage = () => {
    pdf.addPage({ size: 'A4', margin: 0 });
    return 20 * MM;
  };

  y = header(y);
  const places = minorUnits(inv.currency);
  for (const l of doc.lines) {
    const period = l.serviceStart && l.serviceEnd && l.serviceEnd !== l.serviceStart
      ? `${formatDate(l.serviceStart, lang)} – ${formatDate(l.serviceEnd, lang)}${l.periodFactor && !l.periodFactor.eq(1) ? ` (× ${formatQuantity(l.periodFactor, lang)})` : ''}`
      : l.serviceStart ? formatDate(l.serviceStart, lang) : '';
    pdf.font('Helvetica').fontSize(8.5);
    const descHeight = pdf.heightOfString(l.description, { width: COLS[1] - 2 }) + (period ? 3.6 * MM : 0);
    const rowHeight = Math.max(descHeight, 4 * MM) + 1.5 * MM;
    if (y + rowHeight > BOTTOM) y = header(newPage());
    pdf.font('Helvetica').fontSize(8.5);
    const cells = [
      String(l.lineNo), l.description, formatQuantity(l.quantity, lang), l.unit ?? '',
      formatNumber(l.unitPrice, Math.max(places, Math.min(6, l.unitPrice.decimalPlaces())), lang),
      l.discountPercent && !l.discountPercent.isZero() ? `${formatQuantity(l.discountPercent, lang)} %` : '',
      formatNumber(l.net, places, lang),
    ];
    let x = LEFT;
    cells.forEach((c, i) => {
      pdf.text(c, x + 1 + (i === 3 ? PAD : 0), y, { width: COLS[i] - 2 - (i === 3 ? PAD : 0), align: i >= 2 && i !== 3 ? 'right' : 'left' });
      if (i === 1 && period) pdf.fontSize(7).fillColor('#555').text(period, x + 1, pdf.y + 0.3 * MM, { width: COLS[i] - 2 }).fontSize(8.5).fillColor('black');
      x += COLS[i];
    });
    y += rowHeight;
  }
  pdf.moveTo(LEFT, y).lineTo(RIGHT, y).lineWidth(0.6).stroke();
  y += 3 * MM;

  // Totals and the tax breakdown per category and rate.
  const groups = computeTotals(doc.lines, { currency: inv.currency }).groups;
  const totals: [string, string, boolean?][] = [[L.netTotal, money(inv.net)]];
  for (const g of groups) {
    totals.push([`${L.vat} ${formatQuantity(g.rate, lang)} % (${g.category}) ${L.taxable.toLowerCase()} ${money(g.taxable)}`, money(g.tax)]);
  }
  totals.push([L.gross, money(inv.gross), true]);
  if (!inv.rounding.isZero()) totals.push([L.rounding, money(inv.rounding)], [L.payable, money(inv.payable), true]);
  if (y + totals.length * 5 * MM > BOTTOM) y = newPage();
  for (const [k, v, bold] of totals) {
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
    pdf.text(k, 80 * MM, y, { width: 80 * MM, align: 'right' });
    pdf.text(v, 160 * MM, y, { width: RIGHT - 160 * MM, align: 'right' });
    y += 5 * MM;
  }

  // Exemption and reverse-charge notes, then how to pay.
  const notes = [inv.taxNote, inv.warnings && ctx.draft ? `(${inv.warnings})` : ''].filter(Boolean).join('\n');
  const directDebit = ctx.account?.paymentMethod === 'direct_debit' && ctx.account.mandateReference;
  const payment = inv.type === 'credit_note' ? '' : directDebit
    ? `${L.directDebit} ${ctx.account!.mandateReference}${t.creditorId ? ` · ${L.creditorId} ${t.creditorId}` : ''} · IBAN ${ctx.account!.iban ?? ''}`
    : t.iban ? `${L.transfer}\nIBAN ${t.iban}${t.bic ? ` · BIC ${t.bic}` : ''}${t.bankName ? ` · ${t.bankName}` : ''} · ${L.reference}: ${inv.number ?? ''}` : '';
  for (const [text, size] of [[notes, 8.5], [payment, 8.5]] as const) {
    if (!text) continue;
    const h = pdf.font('Helvetica').fontSize(size).heightOfString(text, { width: RIGHT - LEFT });
    if (y + h + 4 * MM > BOTTOM) y = newPage();
    y += 3 * MM;
    pdf.text(text, LEFT, y, { width: RIGHT - LEFT });
    y = pdf.y;
  }

  // Footer, page numbers and the draft watermark on every page.
  const range = pdf.bufferedPageRange();
  const footer = [t.legalName, [t.street, [t.postalCode, t.city].filter(Boolean).join(' ')].filter(Boolean).join(', '), t.vatId ? `${L.ourVatId} ${t.vatId}` : '', t.iban ? `IBAN ${t.iban}` : ''].filter(Boolean).join(' · ');
  for (let i = 0; i < range.count; i++) {
    pdf.switchToPage(range.start + i);
    if (ctx.draft) {
      pdf.save().rotate(-40, { origin: [105 * MM, 150 * MM] }).font('Helvetica-Bold').fontSize(90).fillColor('#cc0000').opacity(0.12)
        .text(L.draft, 0, 135 * MM, { width: 210 * MM, align: 'center', lineBreak: false }).restore();
      pdf.opacity(1).fillColor('black');
    }
    pdf.font('Helvetica').fontSize(7).fillColor('#555').text(footer, LEFT, 297 * MM - 18 * MM, { width: RIGHT - LEFT, align: 'center', lineBreak: false });
    pdf.text(`${L.page} ${i + 1} ${L.of} ${range.count}`, LEFT, 297 * MM - 13 * MM, { width: RIGHT - LEFT, align: 'right', lineBreak: false });
    pdf.fillColor('black');
  }
  pdf.end();
  return done;
}
