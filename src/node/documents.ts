// PDF files of the local host: finalized invoices into <out>/<tenant>/<yyyy>/<mm>/<number>_<date>.pdf
// (path recorded in the ledger, a deleted file is made again from the ledger), draft previews
// with a DRAFT watermark into <out>/previews/. A Factur-X / ZUGFeRD customer's PDF embeds its XML.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from './files';
import { documentName, safeFileName } from '../core/ids';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { readDataset } from '../app/workbook';
import type { Dataset } from '../core/dataset';
import type { Invoice, InvoiceDoc } from '../core/model';
import type { Ports } from '../ports';
import { renderInvoicePdf } from './invoicePdf';
import { eInvoice, type EInvoiceFile } from '../core/einvoice';
import { contactsByAccount } from '../core/mail';
import { docOf, findInvoice, originalOf } from '../app/delivery';
import type { Progress } from './progress';

export interface RenderedFile {
  invoiceId: string;
  number?: string;
  path: string;
  /** The e-invoice written beside the PDF, when the customer gets one. */
  xml?: string;
  /** The PDF carries the XML inside (Factur-X / ZUGFeRD). */
  facturX?: boolean;
  /** Why the e-invoice could not be made (the PDF is made all the same). */
  problem?: string;
}

const docById = (ds: Dataset, idOrNumber: string): InvoiceDoc => docOf(ds, findInvoice(ds, idOrNumber).record);

/** The tenant's logo file, if Settings names one that exists (a missing file is not fatal). */
function logoOf(ds: Dataset, tenantId: string): Buffer | undefined {
  const path = ds.tenantById.get(tenantId)?.logo;
  return path && existsSync(path) ? readFileSync(path) : undefined;
}

/**
 * `outDir` joined with `parts`, after checking that the path stays inside `outDir` (resolved):
 * the parts come from ledger values through safeFileName, so this only fails if that is ever
 * bypassed; then it names the invoice and its values instead of writing elsewhere.
 */
export function fileUnder(outDir: string, inv: Pick<Invoice, 'invoiceId' | 'number' | 'tenantId' | 'invoiceDate'>, ...parts: string[]): string {
  const path = join(outDir, ...parts);
  const root = resolve(outDir);
  const rel = relative(root, resolve(path));
  if (!rel || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    const values = `tenant ${JSON.stringify(inv.tenantId)}, number ${JSON.stringify(inv.number ?? '')}, date ${JSON.stringify(inv.invoiceDate ?? '')}`;
    throw new Error(`invoice ${inv.number ?? inv.invoiceId}: its file ${JSON.stringify(parts.join('/'))} (from ${values}) would not be inside the output folder ${root}`);
  }
  return path;
}

/** Where a draft's preview goes: <out>/previews/<invoice id>_DRAFT.pdf. */
export function previewPath(outDir: string, inv: Invoice): string {
  return fileUnder(outDir, inv, 'previews', `${safeFileName(inv.invoiceId)}_DRAFT.pdf`);
}

/**
 * Where a finalized invoice's files go: <out>/<tenant>/<yyyy>/<mm>/<number>_<date>.pdf and .xml,
 * every part a safe file name (so a tenant ".." or "a/b", or a number with "/", stays one folder
 * or file name under <out>), checked to be inside <out>.
 */
export function documentPaths(outDir: string, inv: Invoice): { dir: string; pdf: string; xml: string } {
  const date = inv.invoiceDate ?? '';
  const folder = [safeFileName(inv.tenantId), safeFileName(date.slice(0, 4)), safeFileName(date.slice(5, 7))];
  const name = documentName(inv);
  return { dir: fileUnder(outDir, inv, ...folder), pdf: fileUnder(outDir, inv, ...folder, `${name}.pdf`), xml: fileUnder(outDir, inv, ...folder, `${name}.xml`) };
}

/** Draft previews (all drafts, or the ones named). Nothing is recorded in the ledger. `ds`: the workbook as the caller has read it. */
export async function previewDrafts(ports: Ports, outDir: string, ids?: string[], ds: Dataset = readDataset(ports)): Promise<RenderedFile[]> {
  const wanted = ids?.length ? ids.map((id) => docById(ds, id)) : ds.invoices.filter((r) => r.record.status === 'Draft').map((r) => docOf(ds, r.record));
  mkdirSync(join(outDir, 'previews'), { recursive: true });
  const out: RenderedFile[] = [];
  for (const doc of wanted) {
    const inv = doc.invoice;
    const tenant = ds.tenantById.get(inv.tenantId)!;
    const path = previewPath(outDir, inv);
    writeFileAtomic(path, await renderInvoicePdf(doc, { tenant, account: ds.accounts.get(inv.accountId), draft: inv.status === 'Draft', logo: logoOf(ds, inv.tenantId) }));
    out.push({ invoiceId: inv.invoiceId, number: inv.number, path });
  }
  return out;
}

/**
 * PDFs of finalized invoices that have none yet (or whose file was deleted), with the customer's
 * e-invoice XML beside each (XRechnung UBL or CII, Factur-X CII), recorded in the Invoices sheet's
 * PDF URL and XML URL columns in one bulk write. `ds`: the workbook as the caller has read it.
 */
export async function renderFinalPdfs(ports: Ports, outDir: string, ids?: string[], progress?: Progress, ds: Dataset = readDataset(ports)): Promise<RenderedFile[]> {
  const docs = (ids?.length ? ids.map((id) => docById(ds, id)) : ds.invoices.map((r) => docOf(ds, r.record))).filter(
    (d) => d.invoice.status !== 'Draft' && d.invoice.number && !(d.invoice.pdfUrl && existsSync(d.invoice.pdfUrl)),
  );
  const rows = new Map(ds.invoices.map((r) => [r.record.invoiceId, r.row]));
  const contacts = contactsByAccount(ds.contacts);
  const out: RenderedFile[] = [];
  for (const doc of docs) {
    const inv = doc.invoice;
    const tenant = ds.tenantById.get(inv.tenantId)!;
    const account = ds.accounts.get(inv.accountId);
    const paths = documentPaths(outDir, inv);
    mkdirSync(paths.dir, { recursive: true });
    const path = paths.pdf;
    const file: RenderedFile = { invoiceId: inv.invoiceId, number: inv.number, path };
    let e: EInvoiceFile | undefined;
    try {
      e = eInvoice(doc, { tenant, account, contacts: contacts.get(inv.accountId) ?? [], original: originalOf(ds, inv) });
    } catch (err) {
      file.problem = (err as Error).message;
    }
    // A ZUGFeRD customer's PDF carries the XML inside (Factur-X); the XML file beside it is the archive copy.
    writeFileAtomic(path, await renderInvoicePdf(doc, { tenant, account, logo: logoOf(ds, inv.tenantId), facturX: e?.format === 'zugferd' ? e.xml : undefined, now: ports.clock.now() }));
    if (e) {
      if (e.format === 'zugferd') file.facturX = true;
      file.xml = paths.xml;
      writeFileAtomic(file.xml, e.xml);
    }
    out.push(file);
    progress?.(out.length, docs.length);
  }
  if (out.length) ports.tables.apply('Invoices', { update: out.map((f) => ({ row: rows.get(f.invoiceId)!, values: { pdfUrl: f.path, xmlUrl: f.xml ?? '' } })) });
  return out;
}
