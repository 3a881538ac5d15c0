// Benchmark body for e-invoices: XML generation per second (UBL, CII) over the demo cycle's
// invoices and credit notes, repeated to a few thousand documents, parsing them back, and taking
// the XML out of Factur-X PDFs.
import { demoLedger, xmlOf } from '../../tests/support/einvoiceCases';
import { checkTotals, parseEInvoice } from '../../src/core/einvoice/receive';
import { xmlOfFile } from '../../src/app/receive';
import { renderInvoicePdf } from '../../src/node/invoicePdf';
import { docOf } from '../../src/app/delivery';

const ds = demoLedger();
const docs = ds.invoices.map((r) => r.record).filter((i) => i.status !== 'Draft' && i.type !== 'pro_forma');
const out: Record<string, number> = {};
for (const format of ['xrechnung-ubl', 'xrechnung-cii'] as const) {
  for (const inv of docs) xmlOf(ds, inv, format); // warm up
  const rounds = Math.ceil(3000 / docs.length);
  const t0 = performance.now();
  let bytes = 0;
  for (let i = 0; i < rounds; i++) for (const inv of docs) bytes += xmlOf(ds, inv, format).length;
  const ms = performance.now() - t0;
  out[format] = (rounds * docs.length) / (ms / 1000);
  out[`${format}:kb`] = bytes / rounds / docs.length / 1024;
}
// Reading them back: parse + totals check (the Received sheets' work per document).
const xmls = docs.map((inv) => xmlOf(ds, inv, 'xrechnung-ubl')).concat(docs.map((inv) => xmlOf(ds, inv, 'xrechnung-cii')));
for (const x of xmls) checkTotals(parseEInvoice(x));
const rounds = Math.ceil(2000 / xmls.length);
const t0 = performance.now();
for (let i = 0; i < rounds; i++) for (const x of xmls) checkTotals(parseEInvoice(x));
out.parse = (rounds * xmls.length) / ((performance.now() - t0) / 1000);

// Received Factur-X PDFs: the embedded XML taken out (src/core/pdf), parsed and its totals checked.
(async () => {
  const tenant = ds.tenantById.get(docs[0].tenantId)!;
  const pdfs = await Promise.all(docs.slice(0, 20).map(async (inv) => new Uint8Array(await renderInvoicePdf(docOf(ds, inv), { tenant, facturX: xmlOf(ds, inv, 'zugferd') }))));
  const n = Math.ceil(1000 / pdfs.length);
  const t1 = performance.now();
  for (let i = 0; i < n; i++) for (const bytes of pdfs) checkTotals(parseEInvoice(xmlOfFile({ name: 'x.pdf', bytes })));
  out.facturx = (n * pdfs.length) / ((performance.now() - t1) / 1000);
  out['facturx:kb'] = pdfs.reduce((a, b) => a + b.length, 0) / pdfs.length / 1024;
  console.log(JSON.stringify(out));
})();
