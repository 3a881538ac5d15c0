// Benchmark body for e-invoices: XML generation per second (UBL, CII) over the demo cycle's
// invoices and credit notes, repeated to a few thousand documents.
import { demoLedger, xmlOf } from '../../tests/support/einvoiceCases';

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
console.log(JSON.stringify(out));
