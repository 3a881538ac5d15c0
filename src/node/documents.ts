// The local host's documents port: PDF/A files (pdfkit) for finalized invoices into
// <out>/<tenant>/<yyyy>/<mm>/<number>_<date>.pdf with the e-invoice XML beside it, and draft
// previews with a DRAFT watermark into <out>/previews/. A Factur-X / ZUGFeRD customer's PDF embeds
// its XML. Which invoices, what refuses a document and what the ledger records is the delivery
// rule set of app/delivery/, the same as in Apps Script.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { previewDraftsAsync, renderDocumentsAsync } from '../app/delivery';
import { readDataset } from '../app/workbook';
import type { Dataset } from '../core/dataset';
import { documentName, safeFileName } from '../core/ids';
import type { Invoice, Tenant } from '../core/model';
import type { DocumentJob, DocumentsPort, Ports, RenderedDocument } from '../ports';
import { writeFileAtomic } from './files';
import { renderInvoicePdf } from './invoicePdf';
import { isFacturXPdf } from './pdfa';
import type { Progress } from './progress';

export interface RenderedFile {
  invoiceId: string;
  number?: string;
  path: string;
  /** The e-invoice written beside the PDF, when the customer gets one. */
  xml?: string;
  /** The PDF carries the XML inside (Factur-X / ZUGFeRD). */
  facturX?: boolean;
  /**
   * Why this invoice's documents were refused (e-invoice data missing, named by sheet and column):
   * nothing was written for it, and `path` is where its PDF would go.
   */
  problem?: string;
}

/** The tenant's logo file, if Settings names one that exists (a missing file is not fatal). */
function logoOf(tenant: Tenant): Buffer | undefined {
  return tenant.logo && existsSync(tenant.logo) ? readFileSync(tenant.logo) : undefined;
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

/** Documents as local files: the PDF/A of a finalized invoice and its XML under `outDir`, previews in `outDir/previews`. */
export class LocalDocuments implements DocumentsPort<true> {
  /** Checking a file on a local disk is cheap: every bulk pass makes a deleted PDF or XML again. */
  readonly checksEveryFile = true;

  constructor(
    private readonly outDir: string,
    private readonly now: () => Date,
  ) {}

  async render(_text: unknown, tenant: Tenant, _name: string, _date: string, job: DocumentJob): Promise<RenderedDocument> {
    const paths = documentPaths(this.outDir, job.doc.invoice);
    mkdirSync(paths.dir, { recursive: true });
    // A ZUGFeRD customer's PDF carries the XML inside (Factur-X); the XML file beside it is the archive copy.
    writeFileAtomic(paths.pdf, await renderInvoicePdf(job.doc, { tenant, account: job.account, logo: logoOf(tenant), facturX: job.facturX, original: job.original, now: this.now() }));
    return { pdfUrl: paths.pdf, ...(job.facturX ? { carriesXml: true } : {}) };
  }

  saveXml(xml: string, _tenant: Tenant, _name: string, _date: string, job: DocumentJob): string {
    const path = documentPaths(this.outDir, job.doc.invoice).xml;
    writeFileAtomic(path, xml);
    return path;
  }

  async preview(_text: unknown, tenant: Tenant, _name: string, job: DocumentJob): Promise<string> {
    const path = previewPath(this.outDir, job.doc.invoice);
    mkdirSync(dirname(path), { recursive: true });
    writeFileAtomic(path, await renderInvoicePdf(job.doc, { tenant, account: job.account, draft: job.draft, logo: logoOf(tenant) }));
    return path;
  }

  exists(path: string): boolean {
    return existsSync(path);
  }

  carriesXml(pdf: string): boolean {
    return existsSync(pdf) && isFacturXPdf(new Uint8Array(readFileSync(pdf)));
  }
}

/** Draft previews (all drafts, or the ones named). Nothing is recorded in the ledger. `ds`: the workbook as the caller has read it. */
export async function previewDrafts(ports: Ports, outDir: string, ids?: string[], ds?: Dataset): Promise<RenderedFile[]> {
  mkdirSync(join(outDir, 'previews'), { recursive: true });
  const made = await previewDraftsAsync(ports, new LocalDocuments(outDir, () => ports.clock.now()), ids, ds);
  return made.map((p) => ({ invoiceId: p.invoiceId, number: p.number, path: p.url }));
}

/**
 * PDFs of finalized invoices that have none yet (or whose PDF or XML file was deleted), with the
 * customer's e-invoice XML beside each (XRechnung UBL or CII, Factur-X CII), recorded in the
 * Invoices sheet's PDF URL and XML URL columns in one bulk write. An invoice whose e-invoice data
 * is missing gets no files at all: it comes back with `problem` (and a "document failed" Log row),
 * as in Apps Script. `ds`: the workbook as the caller has read it.
 */
export async function renderFinalPdfs(ports: Ports, outDir: string, ids?: string[], progress?: Progress, ds?: Dataset): Promise<RenderedFile[]> {
  const r = await renderDocumentsAsync(ports, new LocalDocuments(outDir, () => ports.clock.now()), { invoiceIds: ids, progress, ds });
  const made = r.rendered.map((f): RenderedFile => ({ invoiceId: f.invoiceId, number: f.number, path: f.pdfUrl, ...(f.xmlUrl ? { xml: f.xmlUrl } : {}), ...(f.carriesXml ? { facturX: true } : {}) }));
  const book = r.failed.length ? (ds ?? readDataset(ports, ['Settings', 'Invoices'])) : undefined;
  const refused = r.failed.map((f): RenderedFile => {
    const inv = book?.invoices.find((x) => x.record.invoiceId === f.invoiceId)?.record;
    let path = '';
    try {
      if (inv) path = documentPaths(outDir, inv).pdf;
    } catch {
      // no path: the reason says what is wrong
    }
    return { invoiceId: f.invoiceId, number: f.number, path, problem: f.reason };
  });
  return [...made, ...refused];
}
