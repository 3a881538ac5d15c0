// E-invoices of the demo workbook's full cycle (run, finalize, a cancellation, a partial credit)
// and their validation against XSD, EN 16931, XRechnung and the Peppol rules XRechnung adopts.
import { runInvoicing } from '../../src/app/runInvoicing';
import { cancelInvoice, creditInvoice, finalizeInvoices } from '../../src/app/ledgerActions';
import { readDataset } from '../../src/app/workbook';
import { originalOf } from '../../src/app/delivery';
import { eInvoice, type EInvoiceFormat } from '../../src/core/einvoice';
import { contactsByAccount } from '../../src/core/mail';
import type { Dataset } from '../../src/core/dataset';
import type { Invoice } from '../../src/core/model';
import { memoryPorts } from '../../src/node/memoryHost';
import { demoRows } from '../../sheets-templates/demoGenerator';
import type { DocumentJob, DocumentsPort } from '../../src/ports';
import type { Tenant } from '../../src/core/model';
import { workbook } from './fixtures';
import { PEPPOL_ADOPTED_RULES, errorsOf, syntaxOf, validateSchematron, validateXsd, type RuleSet } from './einvoiceValidation';

/** The demo's November cycle with one invoice cancelled and one credited in part. */
export function demoLedger(): Dataset {
  const p = memoryPorts(workbook(demoRows()), { now: () => new Date('2026-12-01T09:00:00Z') });
  runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-12-01' });
  const fin = finalizeInvoices(p, {});
  if (fin.failed.length) throw new Error(JSON.stringify(fin.failed));
  cancelInvoice(p, { invoiceId: fin.invoices[1].number!, reason: 'wrong address' });
  creditInvoice(p, { invoiceId: fin.invoices[2].number!, amount: '10.00', reason: 'goodwill' });
  return readDataset(p);
}

export function xmlOf(ds: Dataset, inv: Invoice, format: Exclude<EInvoiceFormat, 'none'>): string {
  const contacts = contactsByAccount(ds.contacts);
  const e = eInvoice(
    { invoice: inv, lines: (ds.linesByInvoice.get(inv.invoiceId) ?? []).map((l) => l.record) },
    { tenant: ds.tenantById.get(inv.tenantId)!, account: ds.accounts.get(inv.accountId), contacts: contacts.get(inv.accountId) ?? [], original: originalOf(ds, inv) },
    format,
  );
  return e!.xml;
}

/** Every error (warnings listed apart) of one e-invoice, as "rule: text at location". */
export async function problemsOf(xml: string, format: Exclude<EInvoiceFormat, 'none'>): Promise<{ errors: string[]; warnings: string[] }> {
  const syntax = syntaxOf(xml);
  const errors = (await validateXsd(xml, syntax)).map((m) => `XSD: ${m}`);
  const cii = syntax === 'cii';
  const sets: RuleSet[] = [cii ? 'en16931-cii' : 'en16931-ubl', ...(format === 'zugferd' ? [] : ([cii ? 'xrechnung-cii' : 'xrechnung-ubl', cii ? 'peppol-cii' : 'peppol-ubl'] as RuleSet[]))];
  const warnings: string[] = [];
  for (const set of sets) {
    const results = await validateSchematron(xml, set);
    const bad = new Set(errorsOf(results, set));
    // Peppol rules XRechnung does not adopt are neither errors nor warnings here.
    const relevant = results.filter((r) => !set.startsWith('peppol') || PEPPOL_ADOPTED_RULES.has(r.id));
    for (const r of relevant) (bad.has(r) ? errors : warnings).push(`${r.id}: ${r.text.trim().replace(/\s+/g, ' ')} at ${r.location}`);
  }
  return { errors, warnings };
}

/** A documents port that keeps what a host would store: whether the PDF carries a Factur-X, and the XML files. */
export class CapturingDocs implements DocumentsPort {
  readonly made: { name: string; facturX?: string; xml?: string }[] = [];
  render(_text: unknown, _tenant: Tenant, name: string, _date: string, job: DocumentJob) {
    this.made.push({ name, facturX: job.facturX });
    return { docUrl: `doc:${name}`, pdfUrl: `pdf:${name}` };
  }
  saveXml(xml: string, _tenant: Tenant, name: string) {
    const m = this.made.find((x) => x.name === name);
    if (m) m.xml = xml;
    return `xml:${name}`;
  }
  preview() {
    return 'preview';
  }
  exists() {
    return true;
  }
  /** What the invoice with this number got: 'zugferd' (inside the PDF), 'xml' (beside it) or 'none'. */
  kindOf(number: string): 'zugferd' | 'xml' | 'none' {
    const m = this.made.find((d) => d.name.startsWith(`${number}_`));
    if (!m) throw new Error(`no documents for ${number}`);
    return m.facturX ? 'zugferd' : m.xml ? 'xml' : 'none';
  }
}
