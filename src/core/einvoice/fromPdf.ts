// The e-invoice XML of a hybrid PDF (Factur-X, ZUGFeRD, or an XRechnung attached to a PDF/A-3),
// and what to tell the user when there is none.
import { BillingError } from '../errors';
import { openPdf, type FoundFile } from '../pdf/attachments';
import type { PdfFile } from '../pdf/objects';
import { utf8 } from '../pdf/text';
import { eInvoiceRoot } from './receive';

const E_INVOICE_NAMES = new Set(['factur-x.xml', 'zugferd-invoice.xml', 'xrechnung.xml']);
const baseName = (name: string) => name.split(/[\\/]/).pop()!.toLowerCase();

const looksXml = (f: FoundFile) => baseName(f.name).endsWith('.xml') || /xml/i.test(f.mimeType ?? '');

/**
 * The e-invoice XML of a hybrid PDF: the attachment named factur-x.xml, zugferd-invoice.xml or
 * xrechnung.xml (any case), else the only XML attachment whose root is an Invoice, CreditNote or
 * CrossIndustryInvoice; UTF-8 without its BOM. BillingError, for the user, when there is none.
 */
export function eInvoiceFromPdf(pdf: Uint8Array): { name: string; xml: string } {
  const { file, files } = openPdf(pdf);
  const named = files.find((f) => E_INVOICE_NAMES.has(baseName(f.name)));
  if (named) return { name: named.name, xml: utf8(named.data()) };
  const invoices = files.filter(looksXml).flatMap((f) => {
    try {
      const xml = utf8(f.data());
      return eInvoiceRoot(xml) ? [{ name: f.name, xml }] : [];
    } catch {
      return []; // An attachment that cannot be decoded does not hide the invoice beside it.
    }
  });
  if (invoices.length === 1) return invoices[0];
  if (invoices.length > 1) {
    throw new BillingError(`the PDF has ${invoices.length} embedded invoices (${invoices.map((f) => f.name).join(', ')}); expected one, or one named factur-x.xml / xrechnung.xml`);
  }
  throw new BillingError(`the PDF has no embedded e-invoice (factur-x.xml / xrechnung.xml)${whyNone(file, files)}`);
}

/** What the user can check when no e-invoice was found: what is attached, or why the file may not have been read. */
function whyNone(file: PdfFile, files: FoundFile[]): string {
  if (files.length) return `; its attachments: ${files.map((f) => f.name || '(unnamed)').join(', ')}`;
  if (file.unreadable.length) return `; parts of it could not be read (${file.unreadable.join('; ')})`;
  if (!file.s.slice(-1024).includes('%%EOF')) return '; the file may be truncated (no %%EOF at its end)';
  return '';
}
