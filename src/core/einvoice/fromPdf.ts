// The e-invoice XML of a hybrid PDF (Factur-X, ZUGFeRD, or an XRechnung attached to a PDF/A-3),
// and what to tell the user when there is none.
import { BillingError } from '../errors';
import { openPdf, type FoundFile } from '../pdf/attachments';
import { PdfLimitError } from '../pdf/budget';
import type { PdfFile } from '../pdf/objects';
import { utf8 } from '../pdf/text';
import { eInvoiceRoot, shortened } from './receive';

const E_INVOICE_NAMES = new Set(['factur-x.xml', 'zugferd-invoice.xml', 'xrechnung.xml']);
const baseName = (name: string) => name.split(/[\\/]/).pop()!.toLowerCase();

/** How much of an XML attachment is looked at for its root element (comments and a DOCTYPE may come first). */
const SNIFF_BYTES = 1 << 20;

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
      const data = f.data();
      // The root element is in the first bytes: a big attachment that is no invoice is not turned into text.
      if (!eInvoiceRoot(utf8(data.subarray(0, SNIFF_BYTES)))) return [];
      const xml = utf8(data);
      return eInvoiceRoot(xml) ? [{ name: f.name, xml }] : [];
    } catch (e) {
      if (e instanceof PdfLimitError) throw e; // the file's limits end the search, the error says which
      return []; // An attachment that cannot be decoded does not hide the invoice beside it.
    }
  });
  if (invoices.length === 1) return invoices[0];
  if (invoices.length > 1) {
    throw new BillingError(`the PDF has ${invoices.length} embedded invoices (${listed(invoices.map((f) => f.name))}); expected one, or one named factur-x.xml / xrechnung.xml`);
  }
  throw new BillingError(`the PDF has no embedded e-invoice (factur-x.xml / xrechnung.xml)${whyNone(file, files)}`);
}

/** What the user can check when no e-invoice was found: what is attached, or why the file may not have been read. */
function whyNone(file: PdfFile, files: FoundFile[]): string {
  if (files.length) return `; its attachments: ${listed(files.map((f) => f.name || '(unnamed)'))}`;
  if (file.unreadable.length) return `; parts of it could not be read (${listed(file.unreadable, '; ')})`;
  if (!file.s.slice(-1024).includes('%%EOF')) return '; the file may be truncated (no %%EOF at its end)';
  return '';
}

/** The first few of a list, each shortened: a hostile file can have thousands of attachments with long names. */
function listed(items: string[], separator = ', '): string {
  const shown = items
    .slice(0, 5)
    .map((x) => shortened(x, 100))
    .join(separator);
  return items.length > 5 ? `${shown}${separator}and ${items.length - 5} more` : shown;
}
