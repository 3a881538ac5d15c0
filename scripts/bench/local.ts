// Benchmark body for the local host: .xlsx read and write of N subscriptions, PDFs per second.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from '../../src/core/dataset';
import { planRun } from '../../src/core/plan';
import { createWorkbook, openWorkbook } from '../../src/node/xlsxWorkbook';
import { renderInvoicePdf } from '../../src/node/invoicePdf';
import { benchRows, benchWorkbook } from './data';

async function main() {
  const n = Number(process.argv[2] ?? 10000);
  const pdfCount = Number(process.argv[3] ?? 200);
  const dir = mkdtempSync(join(tmpdir(), 'billing-bench-'));
  const path = join(dir, 'bench.xlsx');
  await createWorkbook(path, benchRows(n));

  const t0 = performance.now();
  const book = await openWorkbook(path);
  const t1 = performance.now();
  // A save that rewrites every engine column of Items (as a finalize does).
  book.tables.apply('Items', { update: book.tables.sheets.get('Items')!.rows.map((_, i) => ({ row: i + 2, values: { billedUntil: '2026-11-30' } })) });
  const t2 = performance.now();
  await book.save();
  const t3 = performance.now();

  const ds = loadDataset(benchWorkbook(Math.ceil(pdfCount)));
  const plan = planRun(ds, { runId: 'R', periodStart: '2026-11-01', periodEnd: '2026-11-30' });
  const tenant = ds.tenants[0];
  const docs = plan.drafts
    .slice(0, pdfCount)
    .map((d) => ({ ...d, invoice: { ...d.invoice, number: `INV-${d.invoice.invoiceId}`, status: 'Open' as const, invoiceDate: '2026-12-01', dueDate: '2026-12-15' } }));
  const p0 = performance.now();
  for (const doc of docs) writeFileSync(join(dir, `${doc.invoice.invoiceId}.pdf`), await renderInvoicePdf(doc, { tenant }));
  const p1 = performance.now();
  process.stdout.write(
    JSON.stringify({
      subscriptions: n,
      readMs: t1 - t0,
      writeMs: t3 - t2,
      pdfs: docs.length,
      pdfPerSec: docs.length / ((p1 - p0) / 1000),
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
    }) + '\n',
  );
}

void main();
