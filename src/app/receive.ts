// Accounts payable: supplier e-invoices (XRechnung UBL or CII, ZUGFeRD / Factur-X XML) read into
// the Received and ReceivedLines sheets with their totals checked (BR-CO-10..16). A file that is
// not an e-invoice is reported and nothing of it is written; one already read is skipped.
import { checkTotals, parseEInvoice, type ReceivedInvoice } from '../core/einvoice/receive';
import { SCHEMA } from '../core/schema';
import { toRowValues } from '../core/table';
import type { Ports } from '../ports';

export interface ReceiveReport {
  received: { file: string; receivedId: string; number: string; supplier: string; currency: string; payable: string; status: string }[];
  /** Already in the Received sheet (same supplier and number, or the same file). */
  skipped: { file: string; number?: string; reason: string }[];
  failed: { file: string; reason: string }[];
}

/** Amounts and quantities as numbers (a decimal string typed into Sheets is read by the sheet's locale). */
function numeric(table: 'Received' | 'ReceivedLines', row: Record<string, string | number | boolean>) {
  for (const c of SCHEMA[table].columns) {
    const v = row[c.key];
    if ((c.type === 'money' || c.type === 'number') && typeof v === 'string' && v !== '') row[c.key] = Number(v);
  }
  return row;
}

function syntaxName(r: ReceivedInvoice): string {
  const spec = /xrechnung/i.test(r.customization ?? '') ? 'XRechnung' : /en16931/i.test(r.customization ?? '') ? 'EN 16931' : '';
  return [r.syntax.toUpperCase(), spec].filter(Boolean).join(' ');
}

export function receiveInvoices(ports: Ports, files: readonly { name: string; xml: string }[]): ReceiveReport {
  return ports.lock.withLock(() => {
    const existing = ports.tables.read('Received');
    const header = (existing?.headers ?? []).map(String);
    const col = (h: string) => header.indexOf(h);
    const rows = existing?.rows ?? [];
    const seen = new Set(rows.map((r) => `${r[col('Supplier VAT ID')] || r[col('Supplier')]}|${r[col('Number')]}`));
    const seenFiles = new Set(rows.map((r) => String(r[col('File')])));
    let seq = rows.length;
    const report: ReceiveReport = { received: [], skipped: [], failed: [] };
    const heads: Record<string, string | number | boolean>[] = [];
    const lines: Record<string, string | number | boolean>[] = [];
    const now = ports.clock.now().toISOString();
    for (const f of files) {
      if (seenFiles.has(f.name)) {
        report.skipped.push({ file: f.name, reason: 'this file was read before' });
        continue;
      }
      let r: ReceivedInvoice;
      try {
        r = parseEInvoice(f.xml);
      } catch (e) {
        report.failed.push({ file: f.name, reason: (e as Error).message });
        continue;
      }
      const key = `${r.seller.vatId || r.seller.name}|${r.number}`;
      if (seen.has(key)) {
        report.skipped.push({ file: f.name, number: r.number, reason: `invoice ${r.number} of ${r.seller.name} is already in Received` });
        continue;
      }
      seen.add(key);
      seenFiles.add(f.name);
      const problems = checkTotals(r);
      const status = problems.length ? problems.join('; ') : 'valid';
      const receivedId = `RCV-${String(++seq).padStart(6, '0')}`;
      heads.push(numeric('Received', toRowValues('Received', {
        receivedId, receivedAt: now, file: f.name, syntax: syntaxName(r), typeCode: r.typeCode, number: r.number, issueDate: r.issueDate,
        dueDate: r.dueDate, currency: r.currency, supplier: r.seller.name, supplierVatId: r.seller.vatId, supplierCountry: r.seller.country,
        buyerReference: r.buyerReference, net: r.totals.taxExclusive, tax: r.totals.tax, gross: r.totals.taxInclusive, payable: r.totals.payable,
        vatBreakdown: r.vat.map((v) => `${v.category} ${v.rate ?? ''}%: ${v.taxable} → ${v.tax}`).join('; '),
        iban: r.payment.iban, bic: r.payment.bic, paymentTerms: r.payment.terms, status,
      })));
      for (const l of r.lines) {
        lines.push(numeric('ReceivedLines', toRowValues('ReceivedLines', { receivedId, lineId: l.id, name: l.name, quantity: l.quantity, unit: l.unitCode, price: l.price, net: l.net, category: l.category, rate: l.rate })));
      }
      report.received.push({ file: f.name, receivedId, number: r.number, supplier: r.seller.name, currency: r.currency, payable: r.totals.payable, status });
    }
    // Lines first, then the documents: a document row never lacks its lines.
    if (lines.length) ports.tables.apply('ReceivedLines', { append: lines });
    if (heads.length) ports.tables.apply('Received', { append: heads });
    return report;
  }, 'reading received e-invoices');
}
